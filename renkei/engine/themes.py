"""Theme similarity over the taxonomy tree (see docs/algorithms/matching.md §2)."""

from __future__ import annotations

import numpy as np

from renkei.engine.types import ThemeNode

SAME = 1.0
RELATED = 0.7  # declared cross-branch relation, e.g. compact city ↔ public transport
PARENT_CHILD = 0.6  # "disaster risk" need, "tsunami reconstruction" expertise
SIBLINGS = 0.45  # two themes in the same branch
COUSINS = 0.2  # same top-level branch, further apart


class ThemeSpace:
    """Index of themes and the similarity matrix S (symmetric, S[i, i] = 1, values in [0, 1])."""

    def __init__(self, themes: list[ThemeNode] | tuple[ThemeNode, ...]):
        self.themes = tuple(sorted(themes, key=lambda t: t.id))
        self.index = {t.id: i for i, t in enumerate(self.themes)}
        self.by_id = {t.id: t for t in self.themes}
        n = len(self.themes)
        parent = {t.id: t.parent_id for t in self.themes}

        def root(theme_id: int) -> int:
            seen = set()
            while parent.get(theme_id) is not None and theme_id not in seen:
                seen.add(theme_id)
                theme_id = parent[theme_id]
            return theme_id

        roots = [root(t.id) for t in self.themes]
        sim = np.zeros((n, n), dtype=np.float32)
        for a, ta in enumerate(self.themes):
            for b, tb in enumerate(self.themes):
                if a == b:
                    value = SAME
                elif ta.parent_id == tb.id or tb.parent_id == ta.id:
                    value = PARENT_CHILD
                elif ta.parent_id is not None and ta.parent_id == tb.parent_id:
                    value = SIBLINGS
                elif roots[a] == roots[b]:
                    value = COUSINS
                else:
                    value = 0.0
                sim[a, b] = value
        for t in self.themes:
            for other in t.related:
                if other in self.index:
                    a, b = self.index[t.id], self.index[other]
                    sim[a, b] = sim[b, a] = max(sim[a, b], RELATED)
        self.similarity = sim

    def __len__(self) -> int:
        return len(self.themes)

    def name(self, theme_id: int, language: str = "en") -> str:
        theme = self.by_id[theme_id]
        return (theme.name_ja or theme.name_en) if language == "ja" else theme.name_en
