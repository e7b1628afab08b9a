"""Suggesting taxonomy themes for a text: a library product's or request's, or a need or expertise
that is not yet tagged (the engine's tagger, fed the taxonomy with descriptions and the shared
multilingual encoder; theme vectors kept per process)."""

from __future__ import annotations

import threading

import numpy as np
from django.db.models import Count, Max

from renkei.core.cache import refreshed
from renkei.engine.tagging import tag_text, theme_embeddings
from renkei.engine.types import ThemeNode
from renkei.matching.fetch import shared_model
from renkei.places.models import Theme

_lock = threading.Lock()
_vectors: list[tuple] = []  # (encoder name, the theme nodes they were computed for, vectors)


def _theme_signature() -> tuple:
    agg = Theme.objects.aggregate(n=Count("id"), last=Max("id"), edited=Max("updated_at"))
    return agg["n"], agg["last"], agg["edited"]


def theme_nodes() -> list[ThemeNode]:
    """The taxonomy as the engine's tagger reads it, reloaded when a theme is added, edited or removed."""
    return refreshed("themes", _theme_signature, lambda: [
        ThemeNode(id=t.pk, code=t.code, parent_id=t.parent_id, name_en=t.name_en, name_ja=t.name_ja,
                  synonyms_en=tuple(t.synonyms_en), synonyms_ja=tuple(t.synonyms_ja),
                  description=t.description_en, description_ja=t.description_ja)
        for t in Theme.objects.order_by("id")])


def _themes() -> tuple[list[ThemeNode], np.ndarray, object]:
    model, embedder = shared_model()
    nodes = theme_nodes()
    with _lock:
        if not _vectors or _vectors[0][0] != model or _vectors[0][1] is not nodes:
            vectors = theme_embeddings(nodes, embedder) if nodes else np.zeros((0, embedder.dim))
            _vectors[:] = [(model, nodes, vectors)]
        vectors = _vectors[0][2]
    return nodes, vectors, embedder


def tag(text: str, *, limit: int = 4) -> list[tuple[int, float]]:
    """(theme id, confidence) pairs for the text, best first."""
    if not (text or "").strip():
        return []
    nodes, vectors, embedder = _themes()
    if not nodes:
        return []
    return tag_text(text[:4000], nodes, embedder, theme_vectors=vectors, limit=limit, min_confidence=0.45)


#: a suggestion for a statement that no theme recognised is weaker evidence than a tag: the closest
#: themes by meaning, for a person to confirm
SUGGESTION_FLOOR = 0.05


def suggest(texts: list[str], *, limit: int = 3) -> list[list[str]]:
    """For each text, the codes of the themes closest to it in meaning, best first."""
    if not texts:
        return []
    nodes, vectors, embedder = _themes()
    codes = {node.id: node.code for node in nodes}
    return [[codes[tid] for tid, _c in tag_text(text[:4000], nodes, embedder, theme_vectors=vectors, limit=limit,
                                                min_confidence=SUGGESTION_FLOOR)] if text.strip() else []
            for text in texts]
