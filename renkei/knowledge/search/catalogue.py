"""The library held in memory for searching: one embedding per product plus what the filters,
facets and permissions need (type, year, languages, status, visibility, author, themes, places,
countries), as numpy arrays, so masks, semantic scores and facet counts are vector operations.

Kept per process and brought up to date when the index changes: products indexed since the last
look are merged in; a deletion makes it load everything again. The change check (two aggregate
queries) runs at most every ``RENKEI_INDEX_CHECK_SECONDS``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db.models import Count, Max

from renkei.core import cache
from renkei.knowledge.models import Product, SearchDocument
from renkei.places.models import Place, Theme

KINDS = list(Product.Kind.values)
STATUS_PUBLISHED = 1
VISIBILITY = {v: i for i, v in enumerate(Product.Visibility.values)}


class _LanguageBits:
    """Language codes → bit positions, first come first served, shared by every catalogue of the
    process (so merged catalogues agree); at most 63 codes, then the last ones share a bit."""

    def __init__(self):
        self.bits: dict[str, int] = {}
        self._lock = threading.Lock()

    def bit(self, code: str) -> int:
        found = self.bits.get(code)
        if found is None:
            with self._lock:
                found = self.bits.setdefault(code, min(len(self.bits), 62))
        return found

    def mask(self, codes) -> int:
        out = 0
        for code in codes:
            out |= 1 << self.bit(code)
        return out


LANGUAGE_BITS = _LanguageBits()


@dataclass
class Pairs:
    """A many-to-many relation as two parallel arrays: row in the catalogue, value id."""

    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    values: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def rows_with(self, values, n: int) -> np.ndarray:
        mask = np.zeros(n, dtype=bool)
        mask[self.rows[np.isin(self.values, np.asarray(list(values), dtype=np.int64))]] = True
        return mask

    _distinct: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _codes: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _by_row: tuple[np.ndarray, np.ndarray] | None = field(default=None, init=False, repr=False, compare=False)

    def counts(self, selected: np.ndarray) -> dict[int, int]:
        """value → how many selected rows (a boolean mask over the catalogue) have it: a count
        per distinct value, no sorting. A selection of a few rows reads only their pairs, through
        an index of the pairs by row."""
        if self._codes is None:
            self._distinct, codes = np.unique(self.values, return_inverse=True)
            self._codes = codes.astype(np.int32)
        chosen = np.flatnonzero(selected)
        if len(chosen) * 8 < len(selected):
            if self._by_row is None or len(self._by_row[1]) != len(selected) + 1:
                order = np.argsort(self.rows, kind="stable")
                self._by_row = (self._codes[order], np.searchsorted(self.rows[order], np.arange(len(selected) + 1)))
            codes_by_row, starts = self._by_row
            begin, lengths = starts[chosen], starts[chosen + 1] - starts[chosen]
            offsets = np.repeat(begin - (np.cumsum(lengths) - lengths), lengths)
            codes = codes_by_row[offsets + np.arange(int(lengths.sum()))]
        else:
            codes = self._codes[selected[self.rows]]
        counts = np.bincount(codes, minlength=len(self._distinct))
        present = np.flatnonzero(counts)
        return dict(zip(self._distinct[present].tolist(), counts[present].tolist(), strict=True))

    def without(self, keep_rows: np.ndarray) -> Pairs:
        keep = keep_rows[self.rows]
        return Pairs(self.rows[keep], self.values[keep])


@dataclass
class Catalogue:
    model: str
    dim: int
    ids: np.ndarray
    vectors: np.ndarray
    kind: np.ndarray
    year: np.ndarray
    day: np.ndarray  # publication date as a proleptic ordinal (0: none), for sorting by date
    published: np.ndarray
    visibility: np.ndarray
    creator: np.ndarray
    languages: np.ndarray  # int64 bit sets of the product's languages (LANGUAGE_BITS)
    themes: Pairs
    places: Pairs
    countries: Pairs  # values are country codes packed into integers (see country_code)
    signature: tuple = ()
    latest: object = None
    row_of: dict[int, int] = field(default_factory=dict)
    #: large catalogues: the vectors projected onto their top principal directions (unit rows),
    #: for choosing semantic candidates quickly; the full vectors still give the exact cosines
    projection: np.ndarray | None = None
    reduced: np.ndarray | None = None

    def __post_init__(self):
        self.row_of = {int(pk): i for i, pk in enumerate(self.ids.tolist())}

    @property
    def size(self) -> int:
        return len(self.ids)

    def language_mask(self, code: str) -> np.ndarray:
        if code not in LANGUAGE_BITS.bits:
            return np.zeros(self.size, dtype=bool)
        return (self.languages & (1 << LANGUAGE_BITS.bits[code])) != 0

    def language_counts(self, rows: np.ndarray) -> dict[str, int]:
        """How many of the selected rows (a boolean mask) are written in each language."""
        chosen = self.languages[rows]
        counts = {code: int(np.count_nonzero(chosen & (1 << bit))) for code, bit in LANGUAGE_BITS.bits.items()}
        return {code: n for code, n in counts.items() if n}

    def rows_for(self, ids) -> np.ndarray:
        return np.asarray([self.row_of[i] for i in ids if i in self.row_of], dtype=np.int64)


_VECDOT = getattr(np, "vecdot", None) or (lambda m, v: np.matmul(m, v))  # numpy < 2


def dot_all(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """Every row of ``matrix`` · ``vector`` with numpy's own loop: a threaded BLAS matrix–vector
    product can take several times as long when another process holds a core (bench/README.md)."""
    return _VECDOT(matrix, vector)


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(matrix / norms, dtype=np.float32)


def principal_directions(vectors: np.ndarray, k: int, sample: int = 5000, seed: int = 0) -> np.ndarray:
    """The top-k right singular vectors of (a sample of) the non-zero rows: uncentred PCA, as
    cosines are, from the eigenvectors of the d × d Gram matrix."""
    rows = vectors[np.linalg.norm(vectors, axis=1) > 0]
    if len(rows) > sample:
        rows = rows[np.random.default_rng(seed).choice(len(rows), sample, replace=False)]
    rows = rows.astype(np.float64)
    values, directions = np.linalg.eigh(rows.T @ rows)
    directions = directions[:, np.argsort(-values, kind="stable")[:k]]
    directions *= np.where(directions.sum(axis=0) < 0, -1.0, 1.0)  # a fixed sign, for reproducibility
    return np.ascontiguousarray(directions, dtype=np.float32)


def project(vectors: np.ndarray, projection: np.ndarray) -> np.ndarray:
    """Vectors (rows, or one vector) in the reduced space, unit length again (zero stays zero)."""
    if vectors.ndim == 1:
        return project(vectors[None, :], projection)[0]
    return _unit_rows(vectors @ projection)


def with_reduction(catalogue: Catalogue) -> Catalogue:
    """Give a catalogue above ``RENKEI_TEXT_DIM_ABOVE`` products its reduced vectors (as the
    matching does with its text vectors), keeping a projection it already has."""
    k = settings.RENKEI_TEXT_DIM
    if catalogue.size <= settings.RENKEI_TEXT_DIM_ABOVE or not 0 < k < catalogue.dim:
        catalogue.projection = catalogue.reduced = None
        return catalogue
    if catalogue.projection is None:
        catalogue.projection = principal_directions(catalogue.vectors, k)
    if catalogue.reduced is None or len(catalogue.reduced) != catalogue.size:
        catalogue.reduced = project(catalogue.vectors, catalogue.projection)
    return catalogue


def country_code(code: str) -> int:
    code = (code or "  ").upper()
    return ord(code[0]) * 256 + ord(code[1])


def country_name(value: int) -> str:
    return chr(value // 256) + chr(value % 256)


ARRAYS = ("ids", "vectors", "kind", "year", "day", "published", "visibility", "creator", "languages")
PAIRS = ("themes", "places", "countries")


def _load(model: str, dim: int, ids: list[int] | None = None) -> dict:
    """The catalogue's columns for these products (all when ``ids`` is None), by field name."""
    docs = SearchDocument.objects.filter(model=model)
    if ids is not None:
        docs = docs.filter(product_id__in=ids)
    rows = list(docs.order_by("product_id").values_list(
        "product_id", "vector", "product__kind", "product__published_on", "product__status",
        "product__visibility", "product__created_by_id", "product__languages"))
    pks = [r[0] for r in rows]
    vectors = np.zeros((len(rows), dim), dtype=np.float32)
    for i, r in enumerate(rows):
        raw = bytes(r[1])
        if len(raw) == dim * 4:
            vectors[i] = np.frombuffer(raw, dtype=np.float32)
    index = {pk: i for i, pk in enumerate(pks)}
    kinds = {k: i for i, k in enumerate(KINDS)}

    def pairs(through, column: str, value=lambda v: v) -> Pairs:
        qs = through.objects.values_list("product_id", column)
        if ids is not None:
            qs = qs.filter(product_id__in=ids)
        got = [(index[p], value(v)) for p, v in qs if p in index and v is not None]
        if not got:
            return Pairs()
        r, v = zip(*got, strict=True)
        return Pairs(np.asarray(r, dtype=np.int32), np.asarray(v, dtype=np.int64))

    country_of = dict(Place.objects.values_list("id", "country"))
    return {
        "ids": np.asarray(pks, dtype=np.int64),
        "vectors": vectors,
        "kind": np.asarray([kinds.get(r[2], -1) for r in rows], dtype=np.int16),
        "year": np.asarray([r[3].year if r[3] else 0 for r in rows], dtype=np.int16),
        "day": np.asarray([r[3].toordinal() if r[3] else 0 for r in rows], dtype=np.int32),
        "published": np.asarray([r[4] == Product.Status.PUBLISHED for r in rows], dtype=bool),
        "visibility": np.asarray([VISIBILITY.get(r[5], 0) for r in rows], dtype=np.int8),
        "creator": np.asarray([r[6] or 0 for r in rows], dtype=np.int64),
        "languages": np.asarray([LANGUAGE_BITS.mask((r[7] or "").split()) for r in rows], dtype=np.int64),
        "themes": pairs(Product.themes.through, "theme_id"),
        "places": pairs(Product.places.through, "place_id"),
        "countries": pairs(Product.places.through, "place_id", lambda v: country_code(country_of.get(v, ""))),
    }


def _signature(model: str) -> tuple:
    # COUNT(*), not COUNT(product_id): the (model, indexed_at) index answers it without reading the
    # documents themselves (on SQLite product_id is not the rowid)
    agg = SearchDocument.objects.filter(model=model).aggregate(n=Count("*"), t=Max("indexed_at"))
    return agg["n"], agg["t"]


def build(model: str, dim: int) -> Catalogue:
    signature = _signature(model)
    return with_reduction(Catalogue(model, dim, **_load(model, dim), signature=signature, latest=signature[1]))


def _merge(old: Catalogue, model: str, dim: int, signature: tuple) -> Catalogue | None:
    """Fold in the products indexed since ``old`` was made; None when a full load is needed."""
    changed = list(SearchDocument.objects.filter(model=model, indexed_at__gte=old.latest)
                   .values_list("product_id", flat=True)) if old.latest else None
    if changed is None:
        return None
    new = _load(model, dim, changed)
    keep = ~np.isin(old.ids, new["ids"])
    offset = int(keep.sum())
    renumber = np.cumsum(keep) - 1

    def merged_pairs(a: Pairs, b: Pairs) -> Pairs:
        kept = a.without(keep)
        return Pairs(np.concatenate([renumber[kept.rows].astype(np.int32), (b.rows + offset).astype(np.int32)]),
                     np.concatenate([kept.values, b.values]))

    parts = {name: np.concatenate([getattr(old, name)[keep], new[name]]) for name in ARRAYS}
    parts.update({name: merged_pairs(getattr(old, name), new[name]) for name in PAIRS})
    catalogue = Catalogue(model, dim, **parts, signature=signature, latest=signature[1])
    if catalogue.size != signature[0]:
        return None
    if old.reduced is not None:  # the projection stays; only the new rows are projected
        catalogue.projection = old.projection
        catalogue.reduced = np.concatenate([old.reduced[keep], project(new["vectors"], old.projection)])
    return with_reduction(catalogue)


_models: set[str] = set()  # the encoders a catalogue was made for in this process


def current(model: str, dim: int) -> Catalogue:
    """The catalogue of the library as it is now: products added or edited since are merged in
    (``_merge``); it is built again when that cannot be done."""
    _models.add(model)
    return cache.refreshed(f"search catalogue {model}", lambda: _signature(model), lambda: build(model, dim),
                           update=lambda old, _before, now: _merge(old, model, dim, now))


def forget() -> None:
    cache.forget(*(f"search catalogue {model}" for model in _models))
    with _name_lock:
        _name_cache.clear()


_name_cache: dict[str, tuple[float, dict[int, tuple[str, str, str]]]] = {}
_name_lock = threading.Lock()


def names(model, ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """id → (code or slug, English name, Japanese name) of themes or places, remembered for
    RENKEI_INDEX_CHECK_SECONDS (as long as the catalogue goes unchecked), so the facets of one
    search after another do not ask the database again."""
    key_field = "code" if model is Theme else "slug"
    now = time.monotonic()
    with _name_lock:
        since, known = _name_cache.get(model.__name__, (now, {}))
        if now - since > settings.RENKEI_INDEX_CHECK_SECONDS:
            since, known = now, {}
        missing = [i for i in ids if i not in known]
    if missing:
        found = {pk: (key, en, ja) for pk, key, en, ja in model.objects.filter(pk__in=missing).values_list(
            "pk", key_field, "name_en", "name_ja")}
        with _name_lock:
            known = {**known, **found}
            _name_cache[model.__name__] = (since, known)
    return {i: known[i] for i in ids if i in known}

