"""Theme similarity over the taxonomy (docs/algorithms/matching.md §2).

S[i, j] is how far expertise on theme j answers a need on theme i:

* 1 on the diagonal;
* ``TREE_FACTOR`` × the Wu–Palmer share of path, 2·depth(lca) / (depth(i) + depth(j)), for two
  themes of the same tree (depth of a top-level theme = 1): 0.6 for parent and child, 0.45 for
  siblings, 0.3 for cousins, 0.45 for grandparent and grandchild;
* ``RELATED`` (0.7) for a relation the taxonomy declares (either direction);
* 0 otherwise. The largest applicable value wins, so S is symmetric with values in [0, 1].
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from renkei.engine.types import EngineError, ThemeNode

SAME = 1.0
RELATED = 0.7  # declared cross-branch relation, e.g. compact city ↔ public transport
TREE_FACTOR = 0.9  # a neighbour in the tree is evidence, never as good as the theme itself
# What the tree factor gives in a two-level taxonomy (kept as names for the docs and tests):
PARENT_CHILD = TREE_FACTOR * 2 * 1 / (1 + 2)  # 0.6: "disaster risk" need, "tsunami reconstruction" expertise
SIBLINGS = TREE_FACTOR * 2 * 1 / (2 + 2)  # 0.45: two themes in the same branch


class ThemeSpace:
    """Index of themes and the similarity matrix S (symmetric, S[i, i] = 1, values in [0, 1])."""

    def __init__(self, themes: Iterable[ThemeNode]):
        self.themes: tuple[ThemeNode, ...] = tuple(sorted(themes, key=lambda t: t.id))
        self.index: dict[int, int] = {t.id: i for i, t in enumerate(self.themes)}
        if len(self.index) != len(self.themes):
            raise EngineError("theme ids must be unique")
        self.by_id: dict[int, ThemeNode] = {t.id: t for t in self.themes}
        self.by_code: dict[str, ThemeNode] = {t.code: t for t in self.themes}
        self.similarity: np.ndarray = self._similarity()
        self.similarity.setflags(write=False)
        self._squared: np.ndarray | None = None
        self._rows: list[list[float]] | None = None

    def _path(self, theme: ThemeNode) -> list[int]:
        """Ids from the root down to the theme (a parent that is unknown or makes a cycle ends it)."""
        path, seen, node = [], set(), theme
        while node is not None and node.id not in seen:
            seen.add(node.id)
            path.append(node.id)
            node = self.by_id.get(node.parent_id) if node.parent_id is not None else None
        return path[::-1]

    def _similarity(self) -> np.ndarray:
        n = len(self.themes)
        paths = [self._path(t) for t in self.themes]
        sim = np.zeros((n, n), dtype=np.float32)
        for a in range(n):
            pa = paths[a]
            for b in range(a + 1, n):
                pb = paths[b]
                common = 0
                for x, y in zip(pa, pb, strict=False):
                    if x != y:
                        break
                    common += 1
                if common:
                    sim[a, b] = sim[b, a] = TREE_FACTOR * 2 * common / (len(pa) + len(pb))
        for t in self.themes:
            for other in t.related:
                if other in self.index and other != t.id:
                    a, b = self.index[t.id], self.index[other]
                    sim[a, b] = sim[b, a] = max(sim[a, b], RELATED)
        np.fill_diagonal(sim, SAME)
        return sim

    @property
    def squared(self) -> np.ndarray:
        """S·S, used for the cosine of smoothed need vectors without storing them."""
        if self._squared is None:
            self._squared = (self.similarity.astype(np.float64) @ self.similarity).astype(np.float32)
        return self._squared

    def sim(self, a_id: int, b_id: int) -> float:
        """S between two theme ids, as a Python float (fast for the explanations' small loops)."""
        if self._rows is None:
            self._rows = self.similarity.astype(np.float64).tolist()
        return self._rows[self.index[a_id]][self.index[b_id]]

    def __len__(self) -> int:
        return len(self.themes)

    def relation(self, a_id: int, b_id: int) -> str:
        """How two themes are related: same, related, parent_child, siblings, branch or none."""
        if a_id == b_id:
            return "same"
        ta, tb = self.by_id[a_id], self.by_id[b_id]
        if b_id in ta.related or a_id in tb.related:
            return "related"
        if ta.parent_id == b_id or tb.parent_id == a_id:
            return "parent_child"
        if ta.parent_id is not None and ta.parent_id == tb.parent_id:
            return "siblings"
        return "branch" if self.similarity[self.index[a_id], self.index[b_id]] > 0 else "none"

    def name(self, theme_id: int, language: str = "en") -> str:
        theme = self.by_id[theme_id]
        return (theme.name_ja or theme.name_en) if language == "ja" else (theme.name_en or theme.code)
