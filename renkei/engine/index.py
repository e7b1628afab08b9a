"""The matching index: every place's profile as dense float32 arrays, scored against one place (or a
block of places) at a time with vectorised numpy (docs/algorithms/matching.md §3–§7).

One class, ``MatchIndex``, in layers by concern, each in its own module:

* ``storage.py``: the arrays, their growth, filling them from profiles, ``update`` and ``remove``;
* ``components.py``: the scoring components (expertise fit, reverse fit, mutual, peer, …);
* ``ranking.py``: weights per query, scores of a block, filters, the exact top k, ``rank``;
* ``explain.py``: the reasons behind a score (it reads the index through a small protocol).

Other parts of the platform use the methods below and those of the layers (``rank``, ``score``,
``score_block``, ``covering``, ``profile``, ``theme_name`` …), never the arrays themselves.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np

from renkei.engine.components import (  # noqa: F401  (the public names of the engine's maths)
    DISTANCE_SCALE_KM,
    EARTH_KM,
    TEXT_FLOOR,
    TEXT_SPAN,
    harmonic,
)
from renkei.engine.features import (  # noqa: F401
    FEATURES,
    HAZARD_WEIGHT,
    HAZARDS,
    INCOME,
    LEVELS,
    PEER_SCALES,
    PEER_WEIGHTS,
    features_of,
)
from renkei.engine.ranking import SCORE_DECIMALS, Block, Ranking  # noqa: F401
from renkei.engine.storage import reading
from renkei.engine.types import Statement


@dataclass(frozen=True)
class Coverage:
    """How well one place's expertise covers some themes: ``score`` is the mean over the themes of
    max_j S[theme, j] · maturity_j / 5; ``statements`` are its expertise statements closest to
    those themes, closest first."""

    place_id: int
    score: float
    statements: tuple[Statement, ...]


class MatchIndex(Ranking):
    """N places × T themes as arrays. ``rank`` costs a few matrix–vector products and some vector
    operations, with no Python loop over candidates; ``score_matrix`` scores a block (for cohort
    pairing) without touching the rest of the index; ``update``, ``update_many`` and ``remove``
    change places in place.

    ``themes`` is a ``ThemeSpace`` (or the ``ThemeNode``s to build one). With an ``embedder`` the
    texts of needs and expertise are embedded (each distinct text once, in batches of places); with
    ``text_dim`` the text vectors are projected onto their top principal components, fitted on a
    sample before the index is filled. Queries may run concurrently; a change waits for running
    queries and holds new ones back until it is done."""

    def theme_name(self, theme_id: int, language: str = "en") -> str:
        return self.themes.name(theme_id, language)

    def knows_theme(self, theme_id: int) -> bool:
        return theme_id in self.themes.index

    @reading
    def covering(self, theme_ids: Iterable[int], *, top: int = 10, allowed: Collection[int] | None = None,
                 exclude: Iterable[int] = (), statements: int = 2) -> list[Coverage]:
        """The ``top`` places whose expertise best covers the themes (unknown themes are ignored),
        best first, ties by place id; only places with some cover, in ``allowed`` when it is given,
        and not in ``exclude``. Each with up to ``statements`` of its expertise statements."""
        theme_ids = [t for t in dict.fromkeys(theme_ids) if t in self.themes.index]
        n = self._n
        if not theme_ids or not n or top <= 0:
            return []
        columns = [self.themes.index[t] for t in theme_ids]
        cover = self._cover_t[columns, :n].mean(axis=0)
        ids = self._ids[:n]
        keep = cover > 0
        excluded = [self.row[i] for i in exclude if i in self.row]
        if excluded:
            keep[excluded] = False
        order = np.lexsort((ids, -cover))
        out: list[Coverage] = []
        for row in order:
            if not keep[row]:
                continue
            place_id = int(ids[row])
            if allowed is not None and place_id not in allowed:
                continue
            out.append(Coverage(place_id, float(cover[row]), self._closest(self.profiles[row], theme_ids,
                                                                            statements)))
            if len(out) >= top:
                break
        return out

    def _closest(self, profile, theme_ids: list[int], limit: int) -> tuple[Statement, ...]:
        def closeness(statement: Statement) -> float:
            if statement.theme_id not in self.themes.index:
                return 0.0
            return max(self.themes.sim(statement.theme_id, t) for t in theme_ids)

        return tuple(sorted(profile.expertise, key=lambda s: -closeness(s))[:limit])


Index = MatchIndex
