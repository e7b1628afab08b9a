"""Tagging free text (English or Japanese) onto taxonomy themes, with a confidence."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from renkei.engine.embedding import Embedder
from renkei.engine.types import ThemeNode

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def _matches(text: str, synonym: str) -> bool:
    if not synonym:
        return False
    if _CJK.search(synonym):  # Japanese has no spaces: substring match
        return synonym in text
    return re.search(rf"(?<![\w-]){re.escape(synonym.lower())}(?![\w-])", text.lower()) is not None


def tag_text(
    text: str, themes: Sequence[ThemeNode], *, embedder: Embedder | None = None,
    theme_vectors: np.ndarray | None = None, limit: int = 3, min_confidence: float = 0.35,
) -> list[tuple[int, float]]:
    """Themes the text is about, best first. A synonym or name found in the text gives 0.9 (1.0
    for the theme's own name); with an embedder, semantic similarity to the theme's names adds
    evidence, so 「ごみの分別」 or "our landfill is full" find solid waste even without an exact
    synonym."""
    scores: dict[int, float] = {}
    for theme in themes:
        names = (theme.name_en, theme.name_ja)
        if any(_matches(text, n) for n in names if n):
            scores[theme.id] = 1.0
        elif any(_matches(text, s) for s in (*theme.synonyms_en, *theme.synonyms_ja)):
            scores[theme.id] = 0.9
    if embedder is not None and text.strip():
        if theme_vectors is None:
            theme_vectors = theme_embeddings(themes, embedder)
        vector = embedder.encode([text])[0]
        similarity = theme_vectors @ vector
        for theme, value in zip(themes, similarity, strict=True):
            semantic = float(max(0.0, min(1.0, (value - 0.2) / 0.5)))
            scores[theme.id] = max(scores.get(theme.id, 0.0), 0.85 * semantic)
    ranked = sorted(((tid, round(s, 4)) for tid, s in scores.items() if s >= min_confidence),
                    key=lambda item: (-item[1], item[0]))
    return ranked[:limit]


def theme_embeddings(themes: Sequence[ThemeNode], embedder: Embedder) -> np.ndarray:
    texts = [" / ".join(filter(None, [t.name_en, t.name_ja, *t.synonyms_en[:3], *t.synonyms_ja[:3]]))
             for t in themes]
    return embedder.encode(texts)
