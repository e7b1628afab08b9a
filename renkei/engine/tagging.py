"""Tagging free text (English or Japanese) onto taxonomy themes, with a confidence
(docs/algorithms/matching.md §1).

Lexical evidence: a theme's own name found in the text gives 1.0, one of its synonyms 0.9. English
is matched on word boundaries, case-insensitively (with simple plurals: "compact cities"), except
short all-capital acronyms ("EV", "TOD"), which must match exactly; Japanese has no spaces and is
matched as a substring. Semantic evidence (with an embedder): the cosine between the text and the
theme's names, synonyms and description, mapped to 0.85 · clip((cos − 0.15) / 0.4, 0, 1) (unrelated
texts sit around 0.1–0.25 with the multilingual encoder; a cosine of 0.55 or more gets the maximum). A theme
keeps the larger of the two. Equal confidences are ordered by the length of the longest name or
synonym found (a Japanese character counts as three letters), so the more specific theme comes first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from renkei.engine.embedding import Embedder
from renkei.engine.types import ThemeNode

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_ACRONYM = re.compile(r"^[A-Z0-9.]{2,5}$")
NAME, SYNONYM = 1.0, 0.9
SEMANTIC_MAX, SEMANTIC_FLOOR, SEMANTIC_SPAN = 0.85, 0.15, 0.4


@lru_cache(maxsize=4096)
def _pattern(synonym: str) -> re.Pattern[str] | None:
    if not synonym.strip() or _CJK.search(synonym):
        return None
    if _ACRONYM.match(synonym):
        return re.compile(rf"(?<![\w-]){re.escape(synonym)}s?(?![\w-])")
    lowered = synonym.lower()
    if re.search(r"[^aeiou]y$", lowered):
        body = re.escape(lowered[:-1]) + "(?:y|ies)"
    elif lowered[-1:].isalpha():
        body = re.escape(lowered) + "(?:s|es)?"
    else:
        body = re.escape(lowered)
    return re.compile(rf"(?<![\w-]){body}(?![\w-])", re.IGNORECASE)


def matches(text: str, synonym: str) -> bool:
    """Does the synonym occur in the text (word boundaries for English, substring for Japanese)?"""
    if not synonym or not synonym.strip():
        return False
    if _CJK.search(synonym):
        return synonym in text
    pattern = _pattern(synonym)
    return pattern is not None and pattern.search(text) is not None


def tag_text(text: str, themes: Sequence[ThemeNode], embedder: Embedder | None = None, *,
             theme_vectors: np.ndarray | None = None, limit: int = 3, min_confidence: float = 0.35,
             ) -> list[tuple[int, float]]:
    """Themes the text is about as (theme id, confidence in [0, 1]), best first, at
    most ``limit``, each at least ``min_confidence``; among equal confidences the theme whose matched name
    or synonym is longest comes first ("climate change master plan" is about mitigation before it is
    about climate change), then by id. With an embedder, semantic similarity adds
    evidence, so 「ごみの分別」 or "our landfill is full" find solid waste even without an exact
    synonym; pass ``theme_vectors`` (from ``theme_embeddings``) to avoid encoding the themes again."""
    text = text or ""
    scores: dict[int, float] = {}
    specific: dict[int, int] = {}  # length of the longest name or synonym found: the more specific theme wins a tie
    for theme in themes:
        names = [n for n in (theme.name_en, theme.name_ja) if n and matches(text, n)]
        synonyms = [] if names else [s for s in (*theme.synonyms_en, *theme.synonyms_ja) if matches(text, s)]
        if names or synonyms:
            scores[theme.id] = NAME if names else SYNONYM
            specific[theme.id] = max(len(w) * (3 if _CJK.search(w) else 1) for w in names or synonyms)
    if embedder is not None and text.strip() and themes:
        if theme_vectors is None:
            theme_vectors = theme_embeddings(themes, embedder)
        vector = embedder.encode([text])[0]
        similarity = np.asarray(theme_vectors) @ vector
        for theme, value in zip(themes, similarity, strict=True):
            semantic = SEMANTIC_MAX * float(np.clip((value - SEMANTIC_FLOOR) / SEMANTIC_SPAN, 0.0, 1.0))
            scores[theme.id] = max(scores.get(theme.id, 0.0), semantic)
    ranked = sorted(((tid, round(s, 4)) for tid, s in scores.items() if s >= min_confidence),
                    key=lambda item: (-item[1], -specific.get(item[0], 0), item[0]))
    return ranked[:limit]


def theme_text(theme: ThemeNode) -> str:
    """What a theme is about, for the encoder: names, a few synonyms and the description."""
    parts = [theme.name_en, theme.name_ja, *theme.synonyms_en[:3], *theme.synonyms_ja[:3], theme.description,
             theme.description_ja]
    return " / ".join(p for p in parts if p)


def theme_embeddings(themes: Sequence[ThemeNode], embedder: Embedder) -> np.ndarray:
    return embedder.encode([theme_text(t) for t in themes])
