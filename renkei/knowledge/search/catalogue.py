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

from renkei.knowledge.models import Product, SearchDocument
from renkei.places.models import Place

KINDS = list(Product.Kind.values)
STATUS_PUBLISHED = 1
VISIBILITY = {v: i for i, v in enumerate(Product.Visibility.values)}


@dataclass
class Pairs:
    """A many-to-many relation as two parallel arrays: row in the catalogue, value id."""

    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    values: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def rows_with(self, values, n: int) -> np.ndarray:
        mask = np.zeros(n, dtype=bool)
        mask[self.rows[np.isin(self.values, np.asarray(list(values), dtype=np.int64))]] = True
        return mask

    def counts(self, selected: np.ndarray) -> dict[int, int]:
        chosen = self.values[selected[self.rows]]
        values, counts = np.unique(chosen, return_counts=True)
        return dict(zip(values.tolist(), counts.tolist(), strict=True))

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
    published: np.ndarray
    visibility: np.ndarray
    creator: np.ndarray
    languages: list[frozenset[str]]
    themes: Pairs
    places: Pairs
    countries: Pairs  # values are country codes packed into integers (see country_code)
    signature: tuple = ()
    latest: object = None
    row_of: dict[int, int] = field(default_factory=dict)

    def __post_init__(self):
        self.row_of = {int(pk): i for i, pk in enumerate(self.ids.tolist())}

    @property
    def size(self) -> int:
        return len(self.ids)

    def language_mask(self, code: str) -> np.ndarray:
        return np.fromiter((code in langs for langs in self.languages), dtype=bool, count=self.size)

    def rows_for(self, ids) -> np.ndarray:
        return np.asarray([self.row_of[i] for i in ids if i in self.row_of], dtype=np.int64)


def country_code(code: str) -> int:
    code = (code or "  ").upper()
    return ord(code[0]) * 256 + ord(code[1])


def country_name(value: int) -> str:
    return chr(value // 256) + chr(value % 256)


def _load(model: str, dim: int, ids: list[int] | None = None):
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
    kind = np.asarray([KINDS.index(r[2]) if r[2] in KINDS else -1 for r in rows], dtype=np.int16)
    year = np.asarray([r[3].year if r[3] else 0 for r in rows], dtype=np.int16)
    published = np.asarray([r[4] == Product.Status.PUBLISHED for r in rows], dtype=bool)
    visibility = np.asarray([VISIBILITY.get(r[5], 0) for r in rows], dtype=np.int8)
    creator = np.asarray([r[6] or 0 for r in rows], dtype=np.int64)
    languages = [frozenset((r[7] or "").split()) for r in rows]

    def pairs(through, column: str, value=lambda v: v) -> Pairs:
        qs = through.objects.values_list("product_id", column)
        if ids is not None:
            qs = qs.filter(product_id__in=ids)
        got = [(index[p], value(v)) for p, v in qs if p in index and v is not None]
        if not got:
            return Pairs()
        r, v = zip(*got, strict=True)
        return Pairs(np.asarray(r, dtype=np.int32), np.asarray(v, dtype=np.int64))

    themes = pairs(Product.themes.through, "theme_id")
    places = pairs(Product.places.through, "place_id")
    country_of = dict(Place.objects.values_list("id", "country"))
    countries = pairs(Product.places.through, "place_id", lambda v: country_code(country_of.get(v, "")))
    return pks, vectors, kind, year, published, visibility, creator, languages, themes, places, countries


def _signature(model: str) -> tuple:
    agg = SearchDocument.objects.filter(model=model).aggregate(n=Count("pk"), t=Max("indexed_at"))
    return agg["n"], agg["t"]


def build(model: str, dim: int) -> Catalogue:
    signature = _signature(model)
    pks, vectors, kind, year, published, visibility, creator, languages, themes, places, countries = _load(model, dim)
    return Catalogue(model, dim, np.asarray(pks, dtype=np.int64), vectors, kind, year, published, visibility, creator,
                     languages, themes, places, countries, signature=signature, latest=signature[1])


def _merge(old: Catalogue, model: str, dim: int, signature: tuple) -> Catalogue | None:
    """Fold in the products indexed since ``old`` was made; None when a full load is needed."""
    changed = list(SearchDocument.objects.filter(model=model, indexed_at__gte=old.latest)
                   .values_list("product_id", flat=True)) if old.latest else None
    if changed is None:
        return None
    pks, vectors, kind, year, published, visibility, creator, languages, themes, places, countries = _load(
        model, dim, changed)
    keep = ~np.isin(old.ids, np.asarray(pks, dtype=np.int64))
    offset = int(keep.sum())
    renumber = np.cumsum(keep) - 1

    def merged_pairs(a: Pairs, b: Pairs) -> Pairs:
        kept = a.without(keep)
        return Pairs(np.concatenate([renumber[kept.rows].astype(np.int32), (b.rows + offset).astype(np.int32)]),
                     np.concatenate([kept.values, b.values]))

    catalogue = Catalogue(
        model, dim, np.concatenate([old.ids[keep], np.asarray(pks, dtype=np.int64)]),
        np.vstack([old.vectors[keep], vectors]), np.concatenate([old.kind[keep], kind]),
        np.concatenate([old.year[keep], year]), np.concatenate([old.published[keep], published]),
        np.concatenate([old.visibility[keep], visibility]), np.concatenate([old.creator[keep], creator]),
        [lang for lang, k in zip(old.languages, keep, strict=True) if k] + languages,
        merged_pairs(old.themes, themes), merged_pairs(old.places, places), merged_pairs(old.countries, countries),
        signature=signature, latest=signature[1])
    if catalogue.size != signature[0]:
        return None
    return catalogue


_lock = threading.Lock()
_cache: dict[str, Catalogue] = {}
_checked: dict[str, float] = {}


def current(model: str, dim: int) -> Catalogue:
    now = time.monotonic()
    with _lock:
        cached = _cache.get(model)
        if cached is not None and now - _checked.get(model, -1e9) < settings.RENKEI_INDEX_CHECK_SECONDS:
            return cached
        signature = _signature(model)
        _checked[model] = now
        if cached is not None and cached.signature == signature:
            return cached
        fresh = _merge(cached, model, dim, signature) if cached is not None else None
        if fresh is None:
            fresh = build(model, dim)
        _cache[model] = fresh
        return fresh


def forget() -> None:
    with _lock:
        _cache.clear()
        _checked.clear()
