"""One search over the library, whichever database holds it.

Hybrid ranking (docs/algorithms/search.md): the backend's full-text relevance (bm25 on SQLite,
ts_rank on PostgreSQL) scaled to [0, 1] by the best match, and the cosine between the query's and
each product's multilingual embedding, rescaled so that the floor of relatedness counts 0 and a
close paraphrase 1, are added with weights. Full-text matches are all kept; products that only
the embedding finds must clear the floor. So an English query finds a Japanese case study that
never uses the English word, and an exact phrase still comes first.
"""

from __future__ import annotations

import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from threading import Lock

import numpy as np
from django.db.models import Q
from django.utils.translation import get_language

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_any_role, has_role
from renkei.core.text import pick_language
from renkei.knowledge.models import Product, ProductFile, SearchTerm
from renkei.knowledge.search import catalogue as catalogue_module
from renkei.knowledge.search.analysis import Term, best_corrections, highlight, parse_query
from renkei.knowledge.search.backends import backend
from renkei.knowledge.search.catalogue import (
    KINDS,
    VISIBILITY,
    Catalogue,
    country_code,
    country_name,
    dot_all,
    project,
)
from renkei.knowledge.search.expansion import Expansion, expand
from renkei.knowledge.search.indexing import encoder
from renkei.knowledge.text import markdown_text
from renkei.places.models import Place, Theme

MODES = ("hybrid", "fulltext", "semantic")
SORTS = ("relevance", "newest", "oldest", "title")
W_FULLTEXT = 0.5
W_SEMANTIC = 0.35
W_THEME = 0.15  # the product is tagged with a theme, or tied to a place, that the query names
W_TRANSLATED = 0.7  # a match through the taxonomy's other names, against one of the query's own words
# The semantic scale, from query–product cosines of the labelled set (renkei/knowledge/tests/
# relevance.py; docs/benchmarks.md): a search query is short, so its cosine with a relevant
# product is lower than a sentence's with its translation (median 0.25 for highly relevant
# products, 0.05 for unrelated ones).
SEMANTIC_FLOOR = 0.10  # cosine below which the encoder's opinion counts nothing (3/4 of unrelated products)
SEMANTIC_TOP = 0.50  # cosine at which it counts fully (above nearly every relevant product)
SEMANTIC_INCLUDE = 0.15  # a product found by the embedding alone needs at least this (9/10 of unrelated are below)
SEMANTIC_CANDIDATES = 200
FULLTEXT_LIMIT = 1000
IDS_IN_QUERY = 5000  # filters narrower than this go into the full-text query itself


@dataclass(frozen=True)
class SearchFilters:
    kind: str = ""
    theme: str = ""
    place: str = ""
    country: str = ""
    language: str = ""
    year: int | None = None

    def active(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None)}

    def without(self, name: str) -> SearchFilters:
        return SearchFilters(**{**self.__dict__, name: None if name == "year" else ""})


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Hit:
    product: Product
    score: float
    fulltext: float | None
    semantic: float | None
    title_html: str
    snippet_html: str

    @property
    def close_in_meaning(self) -> bool:
        return self.semantic is not None and self.semantic >= SEMANTIC_INCLUDE


@dataclass
class SearchResult:
    query: str
    mode: str
    sort: str
    total: int
    page: int
    page_size: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    corrections: dict[str, list[str]] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)
    themes: list[Theme] = field(default_factory=list)  # themes the query names (searched in both languages)
    places: list[Place] = field(default_factory=list)  # places the query names (searched by all their names)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


# --- who sees what ------------------------------------------------------------------------------

def sees_everything(viewer) -> bool:
    return has_role(viewer, Role.ADMINISTRATOR, Role.KNOWLEDGE_MANAGER)


def own_product_ids(viewer) -> list[int]:
    if not getattr(viewer, "is_authenticated", False) or not getattr(viewer, "pk", None):
        return []
    return list(Product.objects.filter(Q(created_by=viewer) | Q(editors=viewer)).values_list("pk", flat=True)
                .distinct())


def visible_mask(cat: Catalogue, viewer) -> np.ndarray:
    """The same rule as ``selectors.visible_products``: published and public (or for members and
    the viewer holds a role); everything of their own for authors; everything for knowledge
    managers and administrators."""
    if sees_everything(viewer):
        return np.ones(cat.size, dtype=bool)
    allowed = cat.visibility == VISIBILITY[Product.Visibility.PUBLIC]
    if has_any_role(viewer):
        allowed |= cat.visibility == VISIBILITY[Product.Visibility.MEMBERS]
    mask = cat.published & allowed
    rows = cat.rows_for(own_product_ids(viewer))
    if len(rows):
        mask[rows] = True
    return mask


def theme_ids(code: str) -> list[int]:
    from renkei.places.selectors import theme_and_descendant_ids

    return theme_and_descendant_ids(code)


def filter_masks(cat: Catalogue, filters: SearchFilters) -> dict[str, np.ndarray]:
    """One mask per active filter (so facets can leave each out in turn without recomputing)."""
    masks = {}
    if filters.kind:
        masks["kind"] = cat.kind == (KINDS.index(filters.kind) if filters.kind in KINDS else -2)
    if filters.year:
        masks["year"] = cat.year == int(filters.year)
    if filters.language:
        masks["language"] = cat.language_mask(filters.language)
    if filters.theme:
        masks["theme"] = cat.themes.rows_with(theme_ids(filters.theme), cat.size)
    if filters.place:
        place = Place.objects.filter(slug=filters.place).values_list("pk", flat=True).first()
        masks["place"] = cat.places.rows_with([place or -1], cat.size)
    if filters.country:
        masks["country"] = cat.countries.rows_with([country_code(filters.country)], cat.size)
    return masks


def combined(cat: Catalogue, masks: dict[str, np.ndarray], without: str = "") -> np.ndarray:
    mask = np.ones(cat.size, dtype=bool)
    for name, m in masks.items():
        if name != without:
            mask &= m
    return mask


def filter_mask(cat: Catalogue, filters: SearchFilters) -> np.ndarray:
    return combined(cat, filter_masks(cat, filters))


# --- the query ----------------------------------------------------------------------------------

def correct(terms: list[Term]) -> dict[str, list[str]]:
    """Words the library does not contain get their nearest vocabulary words as alternatives."""
    words = [w for t in terms if t.correctable for w in (t.text, *t.variants)]
    if not words:
        return {}
    known = set(SearchTerm.objects.filter(term__in=words).values_list("term", flat=True))
    search_backend = backend()
    out = {}
    for term in terms:
        if term.correctable and term.text not in known and not any(v in known for v in term.variants):
            found = best_corrections(term.text, search_backend.similar_words(term.text))
            if found:
                term.corrections = found
                out[term.text] = found
    return out


_vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_vectors_lock = Lock()


def query_vector(query: str) -> np.ndarray:
    """The query's embedding (the last 512 queries are remembered)."""
    model, embedder = encoder()
    key = (model, query)
    with _vectors_lock:
        if key in _vectors:
            _vectors.move_to_end(key)
            return _vectors[key]
    vector = np.asarray(embedder.encode([query])[0], dtype=np.float32)
    with _vectors_lock:
        _vectors[key] = vector
        while len(_vectors) > 512:
            _vectors.popitem(last=False)
    return vector


def current_catalogue() -> Catalogue:
    model, embedder = encoder()
    return catalogue_module.current(model, embedder.dim)


@dataclass
class Signals:
    """What each source says about the rows a query may return."""

    fulltext: dict[int, float] = field(default_factory=dict)  # the query's own words
    coverage: dict[int, float] = field(default_factory=dict)  # share of the words matched (partial matches)
    translated: dict[int, float] = field(default_factory=dict)  # the other names of the places it names
    themed: set[int] = field(default_factory=set)  # rows tagged with those themes or tied to those places
    semantic: dict[int, float] = field(default_factory=dict)  # cosines


def _fulltext(cat: Catalogue, terms: list[Term], ids, any_term: bool, ranked: bool = True
              ) -> tuple[dict[int, float], dict[int, float]]:
    """Full-text scores by catalogue row (of the products ``ids``, or all), and — when no product
    matched every term and any of them was accepted instead — the share of the terms each row
    matched: a product found by one word of three counts for a third of a full match, not all of it.
    Unranked (``ranked=False``), only which products match, each scored 0."""
    search_backend = backend()
    if not ranked:
        found = search_backend.matches(terms, any_term=any_term, ids=ids, limit=FULLTEXT_LIMIT)
        if not found and not any_term and len(terms) > 1:
            found = search_backend.matches(terms, any_term=True, ids=ids, limit=FULLTEXT_LIMIT)
        rows = (cat.row_of.get(pk) for pk in found)
        return {row: 0.0 for row in rows if row is not None}, {}
    found = search_backend.fulltext(terms, any_term=any_term, ids=ids, limit=FULLTEXT_LIMIT)
    partial = not found and not any_term and len(terms) > 1
    if partial:
        found = search_backend.fulltext(terms, any_term=True, ids=ids, limit=FULLTEXT_LIMIT)
    out = {}
    for pk, score in found:
        row = cat.row_of.get(pk)
        if row is not None:
            out[row] = score
    coverage: dict[int, float] = {}
    if partial and out:
        pks = [int(cat.ids[row]) for row in out]
        matched = Counter(pk for term in terms for pk, _score in search_backend.fulltext([term], ids=pks,
                                                                                          limit=len(pks)))
        coverage = {row: max(1, matched[int(cat.ids[row])]) / len(terms) for row in out}
    return out, coverage


class Cosines:
    """The query's cosine with the catalogue's products. Small catalogues: every cosine, exact, in
    one pass. Large ones (with reduced vectors): the pass runs over the reduced vectors, which only
    chooses the semantic candidates (``OVERSAMPLE`` times as many as needed); every cosine that is
    used is then computed exactly from the full vectors."""

    OVERSAMPLE = 5

    def __init__(self, cat: Catalogue, vector: np.ndarray):
        self.cat = cat
        self.vector = np.ascontiguousarray(vector, dtype=np.float32)
        if cat.reduced is None:
            self.approximate = dot_all(cat.vectors, self.vector)
            self.all_exact = True
        else:
            self.approximate = dot_all(cat.reduced, project(self.vector, cat.projection))
            self.all_exact = False

    def exact(self, rows) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64)
        if self.all_exact or not len(rows):
            return self.approximate[rows]
        return dot_all(self.cat.vectors[rows], self.vector)

    def top(self, mask: np.ndarray, k: int) -> dict[int, float]:
        """The ``k`` rows of ``mask`` with the highest cosine → their cosine."""
        masked = np.where(mask, self.approximate, np.float32(-1.0))
        wanted = min(k if self.all_exact else k * self.OVERSAMPLE, self.cat.size)
        if wanted <= 0:
            return {}
        rows = np.argpartition(-masked, wanted - 1)[:wanted]
        rows = rows[masked[rows] > -1.0]
        values = self.exact(rows)
        if len(rows) > k:
            best = np.argpartition(-values, k - 1)[:k]
            rows, values = rows[best], values[best]
        return dict(zip(rows.tolist(), values.tolist(), strict=True))


_BACKGROUND = ThreadPoolExecutor(max_workers=2, thread_name_prefix="renkei-search")


def _semantic_candidates(cat: Catalogue, query: str, masks: list[np.ndarray]
                         ) -> tuple[Cosines, list[dict[int, float]], float]:
    """The query's cosines and its SEMANTIC_CANDIDATES nearest products within each mask, with the
    time it took (ms). Pure numpy and the encoder: no database, so it may run in another thread."""
    clock = time.perf_counter()
    cosines = Cosines(cat, query_vector(query))
    tops = [cosines.top(m, SEMANTIC_CANDIDATES) for m in masks]
    return cosines, tops, (time.perf_counter() - clock) * 1000


def _awaited(pending: Future | None, i: int, timings: dict[str, float]
             ) -> Callable[[], tuple[Cosines, dict[int, float]]] | None:
    """What ``_matches`` calls for the semantic candidates of the ``i``-th mask (waiting for them)."""
    if pending is None:
        return None

    def get() -> tuple[Cosines, dict[int, float]]:
        cosines, tops, elapsed = pending.result()
        timings.setdefault("semantic", elapsed)
        return cosines, tops[i]
    return get


def _matches(cat: Catalogue, terms: list[Term], expansion: Expansion, mask: np.ndarray, mode: str,
             semantic: Callable[[], tuple[Cosines, dict[int, float]]] | None, timings: dict[str, float],
             fetched: dict | None = None,
             ranked: bool = True) -> Signals:
    """The signals for the rows in ``mask`` that the query may return. ``fetched`` remembers the
    backend's answers within one search: the facets' second pass over the unfiltered library asks
    the database again only when the first pass narrowed the query itself, and then
    (``ranked=False``) only which products match: the facets count them, they are not ordered."""
    fetched = {} if fetched is None else fetched
    signals = Signals()
    if mode != "semantic":
        clock = time.perf_counter()
        allowed = int(mask.sum())
        ids = cat.ids[mask].tolist() if allowed < min(IDS_IN_QUERY, cat.size) else None
        key = None if ids is None else tuple(ids)
        for name, query_terms, any_term in (("words", terms, False), ("place names", list(expansion.searched), True)):
            if name == "place names" and (mode != "hybrid" or not query_terms):
                continue
            found = fetched.get((name, key))
            if found is None:
                found = _fulltext(cat, query_terms, ids, any_term=any_term, ranked=ranked)
                if ranked:
                    fetched[(name, key)] = found
            scores, coverage = ({r: v for r, v in d.items() if mask[r]} for d in found)
            if name == "words":
                signals.fulltext, signals.coverage = scores, coverage
            else:
                signals.translated = scores
        timings["fulltext"] = timings.get("fulltext", 0.0) + (time.perf_counter() - clock) * 1000
    if mode == "hybrid" and (expansion.theme_ids or expansion.place_ids):
        themed = np.zeros(cat.size, dtype=bool)
        if expansion.theme_ids:
            themed |= cat.themes.rows_with(expansion.theme_ids, cat.size)
        if expansion.place_ids:
            themed |= cat.places.rows_with(expansion.place_ids, cat.size)
        signals.themed = set(np.flatnonzero(themed & mask).tolist())
    if semantic is not None:
        cosines, top = semantic()  # the candidates, chosen in the background meanwhile
        clock = time.perf_counter()
        signals.semantic = dict(top)
        if ranked:  # every match gets its cosine too
            rest = list(dict.fromkeys(row for row in (*signals.fulltext, *signals.translated, *signals.themed)
                                      if row not in signals.semantic))
            signals.semantic.update(zip(rest, cosines.exact(rest).tolist(), strict=True))
        timings["semantic"] = timings.get("semantic", 0.0) + (time.perf_counter() - clock) * 1000
    return signals


@dataclass
class Scored:
    """The rows a query returns (ascending) with their score, text part in [0, 1] and cosine (NaN
    where there is none): arrays, since a common query returns thousands of rows."""

    rows: np.ndarray
    score: np.ndarray
    text: np.ndarray
    cosine: np.ndarray

    @classmethod
    def unranked(cls, rows: np.ndarray) -> Scored:
        rows = np.asarray(rows, dtype=np.int64)
        nothing = np.full(len(rows), np.nan)
        return cls(rows, np.zeros(len(rows)), nothing, nothing.copy())

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, row: int) -> tuple[float, float | None, float | None]:
        """(score, text part or None, cosine or None) of one returned row."""
        i = int(np.searchsorted(self.rows, row))
        text, cosine = float(self.text[i]), float(self.cosine[i])
        return float(self.score[i]), None if np.isnan(text) else text, None if np.isnan(cosine) else cosine


def _arrays(values: dict[int, float]) -> tuple[np.ndarray, np.ndarray]:
    return (np.fromiter(values.keys(), dtype=np.int64, count=len(values)),
            np.fromiter(values.values(), dtype=np.float64, count=len(values)))


def fuse(signals: Signals, mode: str) -> Scored:
    """The rows returned, with their scores.

    Hybrid: W_FULLTEXT · text + W_SEMANTIC · meaning + W_THEME · on-theme, where text is the
    full-text score scaled by the best one (a match through the other names of the places the
    query names counts W_TRANSLATED of it), meaning is the cosine rescaled from the floor to the
    top, and on-theme is 1 for a product tagged with a theme, or tied to a place, that the query
    names. A product that matches no word, theme or place must be close in meaning
    (SEMANTIC_INCLUDE) to be returned."""
    fk, fv = _arrays(signals.fulltext)
    ck, cv = _arrays(signals.coverage)
    tk, tv = _arrays(signals.translated)
    sk, sv = _arrays(signals.semantic)
    hk = np.fromiter(signals.themed, dtype=np.int64, count=len(signals.themed))
    rows = np.unique(np.concatenate([fk, tk, hk, sk]))

    def spread(keys: np.ndarray, values, fill=np.nan) -> np.ndarray:
        out = np.full(len(rows), fill, dtype=np.float64)
        out[np.searchsorted(rows, keys)] = values
        return out

    f = spread(fk, fv / (fv.max() if len(fv) and fv.max() else 1.0)) * spread(ck, cv, 1.0)
    t = spread(tk, tv / (tv.max() if len(tv) and tv.max() else 1.0))
    s = spread(sk, sv)
    has_f, has_t, has_s = ~np.isnan(f), ~np.isnan(t), ~np.isnan(s)
    matched = has_f | has_t
    text = np.maximum(np.where(has_f, f, 0.0), W_TRANSLATED * np.where(has_t, t, 0.0))
    if mode == "fulltext":
        keep = has_f
        score = np.where(has_f, f, 0.0)
    elif mode == "semantic":
        keep = has_s & (np.where(has_s, s, -1.0) >= SEMANTIC_FLOOR)
        score = np.where(has_s, s, 0.0)
    else:
        on_theme = spread(hk, 1.0, 0.0)
        cosine = np.where(has_s, s, 0.0)
        keep = matched | (on_theme > 0) | (cosine >= SEMANTIC_INCLUDE)
        meaning = np.clip((cosine - SEMANTIC_FLOOR) / (SEMANTIC_TOP - SEMANTIC_FLOOR), 0.0, 1.0)
        score = W_FULLTEXT * text + W_SEMANTIC * meaning + W_THEME * on_theme
    return Scored(rows[keep], score[keep], np.where(matched, text, np.nan)[keep], s[keep])


def search(*, viewer, query: str = "", filters: SearchFilters | None = None, sort: str = "relevance",
           mode: str = "hybrid", page: int = 1, page_size: int = 20) -> SearchResult:
    """Products for the query (or, without one, the whole visible library), ranked, filtered,
    counted by facet, one page of them with highlighted snippets."""
    filters = filters or SearchFilters()
    mode = mode if mode in MODES else "hybrid"
    sort = sort if sort in SORTS else "relevance"
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    cat = current_catalogue()
    base = visible_mask(cat, viewer)
    masks = filter_masks(cat, filters)
    mask = base & combined(cat, masks)
    timings["filters"] = (time.perf_counter() - clock) * 1000
    terms = parse_query(query)
    corrections: dict[str, list[str]] = {}
    expansion = Expansion((), ())
    if terms:
        # the query's vector and its nearest products are computed in the background while the
        # database answers the full-text query (numpy and the database both let go of the GIL)
        pending = _BACKGROUND.submit(_semantic_candidates, cat, query, [mask, base] if masks else [mask]) \
            if mode != "fulltext" and cat.size else None
        if mode != "semantic":
            corrections = correct(terms)
        if mode == "hybrid":
            expansion = expand(query, terms)
        fetched: dict = {}
        scored = fuse(_matches(cat, terms, expansion, mask, mode, _awaited(pending, 0, timings), timings, fetched),
                      mode)
        matching = np.zeros(cat.size, dtype=bool)
        matching[scored.rows] = True
        if masks:  # facets also count what the other filters leave out
            others = _matches(cat, terms, expansion, base, mode, _awaited(pending, 1, timings), timings, fetched,
                              ranked=False)
            matching[fuse(others, mode).rows] = True
    else:
        scored = Scored.unranked(np.flatnonzero(mask))
        matching = base.copy()
        if sort == "relevance":
            sort = "newest"
    clock = time.perf_counter()
    counted = matching & base
    # the facets are counted in the background while the page's products are read
    counting = _BACKGROUND.submit(_facet_counts, cat, {
        name: counted & combined(cat, masks, without=name) if masks else counted for name in FACETS})
    order = _order(cat, scored, sort)
    page = max(1, page)
    hits = _hits(cat, order[(page - 1) * page_size : page * page_size], scored, terms, expansion)
    facets = {name: _facet(name, found, getattr(filters, name)) for name, found in counting.result().items()}
    timings["facets_and_page"] = (time.perf_counter() - clock) * 1000
    return SearchResult(query=query, mode=mode, sort=sort, total=len(scored), page=page, page_size=page_size,
                        hits=hits, facets=facets, corrections=corrections, timings_ms=timings,
                        themes=list(Theme.objects.filter(pk__in=expansion.theme_ids)),
                        places=sorted(Place.objects.filter(pk__in=expansion.place_ids),
                                      key=lambda p: expansion.place_ids.index(p.pk)))


def _order(cat: Catalogue, scored: Scored, sort: str) -> list[int]:
    chosen = scored.rows
    if sort == "relevance":
        return chosen[np.lexsort((-cat.ids[chosen], -scored.score))].tolist()  # best first, then the newest id
    if sort in ("newest", "oldest"):
        order = chosen[np.lexsort((cat.ids[chosen], cat.day[chosen]))]  # by date, then by id
        return (order[::-1] if sort == "newest" else order).tolist()
    rows = chosen.tolist()
    titles = dict(Product.objects.filter(pk__in=cat.ids[chosen].tolist()).values_list("pk", "title"))
    return sorted(rows, key=lambda r: (pick_language(titles.get(int(cat.ids[r]), {})).casefold(), int(cat.ids[r])))


def _needles(terms: list[Term], expansion: Expansion) -> list[str]:
    return [alt for t in (*terms, *expansion.terms) for alt in t.alternatives]


#: what a result shows (the page, the API, the command) and its snippet is cut from first; the body
#: is read only for the results whose summaries do not show a searched word
HIT_FIELDS = ("id", "slug", "kind", "title", "summary", "languages", "published_on", "status", "visibility",
              "created_by")


def _first_snippet(texts, needles: list[str]) -> str | None:
    """The highlighted snippet of the first of ``texts`` that shows a needle, if any does."""
    for text in texts:
        snippet, found = highlight(text, needles)
        if found:
            return snippet
    return None


def _hits(cat: Catalogue, rows: list[int], scored: Scored, terms: list[Term], expansion: Expansion) -> list[Hit]:
    pks = [int(cat.ids[r]) for r in rows]
    products = Product.objects.only(*HIT_FIELDS).in_bulk(pks)
    listed = [(row, products[pk]) for row, pk in zip(rows, pks, strict=True) if pk in products]
    needles = _needles(terms, expansion)
    if not needles:
        snippets = {p.pk: highlight(p.summary_text, [])[0] for _row, p in listed}
    else:
        snippets = {p.pk: _first_snippet(dict.fromkeys([p.summary_text, *p.summary.values()]), needles)
                    for _row, p in listed}
        # then, for the products whose summary shows no needle, the bodies and then the files' text
        # (one query each)
        waiting = [pk for pk, snippet in snippets.items() if snippet is None]
        bodies = dict(Product.objects.filter(pk__in=waiting).values_list("pk", "body")) if waiting else {}
        for pk in waiting:
            snippets[pk] = _first_snippet((markdown_text(t) for t in (bodies.get(pk) or {}).values()), needles)
        waiting = [pk for pk in waiting if snippets[pk] is None]
        file_texts: dict[int, list[str]] = {}
        if waiting:
            for product_id, text in ProductFile.objects.filter(product_id__in=waiting).order_by(
                    "uploaded_at", "id").values_list("product_id", "text"):
                file_texts.setdefault(product_id, []).append(text)
        for pk in waiting:
            snippets[pk] = _first_snippet(file_texts.get(pk, ()), needles)
        for _row, p in listed:  # the words are only in the title (or the match is in meaning)
            if snippets[p.pk] is None:
                snippets[p.pk] = highlight(p.summary_text or markdown_text(pick_language(bodies.get(p.pk) or {})),
                                           [])[0]
    hits = []
    for row, product in listed:
        score, f, s = scored.get(row)
        hits.append(Hit(product=product, score=round(score, 4), fulltext=None if f is None else round(f, 4),
                        semantic=None if s is None else round(s, 4),
                        title_html=highlight(product.title_text, needles, width=400)[0],
                        snippet_html=snippets[product.pk]))
    return hits


# --- facets -------------------------------------------------------------------------------------


FACETS = ("kind", "theme", "place", "country", "language", "year")


def _bincount(values: np.ndarray, offset: int = 0) -> dict[int, int]:
    counts = np.bincount(values.astype(np.int64) + offset) if len(values) else np.zeros(0, dtype=np.int64)
    present = np.flatnonzero(counts)
    return dict(zip((present - offset).tolist(), counts[present].tolist(), strict=True))


def _facet_counts(cat: Catalogue, rows: dict[str, np.ndarray]) -> dict[str, dict]:
    """value → how many of the selected rows have it, for each facet (``rows``: a mask per facet).
    Pure numpy: no database and no translation, so it may run in another thread."""
    out: dict[str, dict] = {}
    for name, selected in rows.items():
        if name == "kind":
            out[name] = _bincount(cat.kind[selected], offset=1)  # -1: a kind no longer known
        elif name == "year":
            out[name] = _bincount(cat.year[selected])
        elif name == "language":
            out[name] = cat.language_counts(selected)
        else:
            out[name] = {"theme": cat.themes, "place": cat.places, "country": cat.countries}[name].counts(selected)
    return out


def _facet(name: str, counts: dict, chosen) -> list[FacetValue]:
    """The facet's values with their labels in the active language, most frequent first (years:
    newest first)."""
    chosen = "" if chosen in (None, "") else str(chosen)
    japanese = (get_language() or "en").startswith("ja")  # names as Place.name and Theme.name give them
    if name == "kind":
        labels = dict(Product.Kind.choices)
        items = [(KINDS[v], str(labels[KINDS[v]]), c) for v, c in counts.items() if 0 <= v < len(KINDS)]
    elif name == "year":
        items = sorted(((str(v), str(v), c) for v, c in counts.items() if v), key=lambda i: i[0], reverse=True)
        return [FacetValue(v, label, c, v == chosen) for v, label, c in items]
    elif name == "language":
        names = {"en": "English", "ja": "日本語"}
        items = [(code, names.get(code, code), n) for code, n in counts.items()]
    elif name in ("theme", "place"):
        names = catalogue_module.names(Theme if name == "theme" else Place, list(counts))
        items = [(names[v][0], names[v][2] if japanese and names[v][2] else names[v][1], n)
                 for v, n in counts.items() if v in names]
    else:
        from renkei.places.validation import country_label

        items = [(country_name(c), country_label(country_name(c)), n) for c, n in counts.items()]
    items.sort(key=lambda i: (-i[2], i[1]))
    return [FacetValue(v, label, c, v == chosen) for v, label, c in items]


# --- recommendations ----------------------------------------------------------------------------

def similar_products(*, viewer, product: Product, limit: int = 5) -> list[tuple[Product, float]]:
    """Products whose embedding is closest to this one's, shared themes breaking near-ties."""
    cat = current_catalogue()
    row = cat.row_of.get(product.pk)
    if row is None:
        return []
    mask = visible_mask(cat, viewer)
    mask[row] = False
    cosines = dot_all(cat.vectors, cat.vectors[row])
    own_themes = set(cat.themes.values[cat.themes.rows == row].tolist())
    if own_themes:
        shared = cat.themes.rows_with(own_themes, cat.size)
        cosines = cosines + 0.05 * shared
    cosines[~mask] = -np.inf
    k = min(limit, int(mask.sum()))
    if k <= 0:
        return []
    rows = np.argpartition(-cosines, k - 1)[:k]
    rows = sorted(rows.tolist(), key=lambda r: -cosines[r])
    products = Product.objects.in_bulk([int(cat.ids[r]) for r in rows])
    return [(products[int(cat.ids[r])], round(float(cosines[r]), 4)) for r in rows if int(cat.ids[r]) in products]
