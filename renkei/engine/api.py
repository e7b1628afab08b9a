"""What the platform calls: build an index, rank partners, pair cohorts.

    index = MatchIndex(themes, profiles, embedder=CachedEmbedder(UsemEmbedder(), cache))
    index.rank(place_id, "either", Filters(exclude_countries={"JP"}), top=20)
    pair_cohort(index, eu_ids, japan_ids, weights="either", capacity=1, method="optimal")
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from renkei.engine.explain import explain
from renkei.engine.index import MatchIndex
from renkei.engine.pairing import Pair, capacities, pair_greedy, pair_optimal, pair_stable, total
from renkei.engine.types import DEFAULT_PRESET, PRESETS, EngineError, Explanation, Weights, resolve_weights

METHODS = ("optimal", "stable")


def weights_for(preset: str | None = None, custom: Mapping[str, object] | None = None) -> Weights:
    """Custom weights when given (validated: known names, 0–100, one above 0), else the preset."""
    if custom:
        return Weights.from_dict(custom)
    if preset not in PRESETS:
        raise EngineError(f"unknown preset {preset!r}; use one of {', '.join(PRESETS)}")
    return PRESETS[preset]


def own_gain(weights: Weights) -> Weights:
    """The same weights from one side's point of view: what I learn (expertise fit towards me)
    replaces the two-sided components, so each side of a stable matching ranks by its own gain."""
    values = weights.as_dict()
    values["expertise"] += values.pop("mutual") + values.pop("reverse")
    values["text"] += values.pop("offer_text")
    return Weights(**values, mutual=0.0, reverse=0.0, offer_text=0.0)


@dataclass(frozen=True)
class CohortPair:
    a_id: int
    b_id: int
    score: float
    components: dict[str, float]
    explanation: tuple[Explanation, ...]


@dataclass(frozen=True)
class CohortResult:
    method: str
    pairs: tuple[CohortPair, ...]
    total: float
    greedy_total: float
    unmatched_a: tuple[int, ...]
    unmatched_b: tuple[int, ...]
    capacity: tuple[int, int] = (1, 1)


def _group(ids: Sequence[int], name: str) -> list[int]:
    if ids is None or isinstance(ids, str | bytes):
        raise EngineError(f"{name} must be a list of place ids")
    out = sorted(dict.fromkeys(ids))
    if not out:
        raise EngineError(f"{name} is empty: choose at least one place")
    return out


def _check(method: str, capacity) -> tuple[int, int]:
    if method not in METHODS:
        raise EngineError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    return capacities(capacity)


def _result(method, caps, group_a, group_b, pairs: list[Pair], greedy: list[Pair], make) -> CohortResult:
    out = tuple(make(p) for p in pairs)
    matched_a, matched_b = {p.a_id for p in out}, {p.b_id for p in out}
    return CohortResult(method=method, pairs=out, total=round(total(pairs), 4), greedy_total=round(total(greedy), 4),
                        unmatched_a=tuple(i for i in group_a if i not in matched_a),
                        unmatched_b=tuple(i for i in group_b if i not in matched_b), capacity=caps)


def pair_cohort(index: MatchIndex, group_a: Sequence[int], group_b: Sequence[int], *,
                weights: Weights | str | Mapping = DEFAULT_PRESET, capacity: int | tuple[int, int] = 1,
                method: str = "optimal") -> CohortResult:
    """Pair the places of ``group_a`` with those of ``group_b`` (place ids; order and repeats do not
    matter). A place in both groups is never paired with itself.

    ``optimal`` maximises the total score; ``stable`` lets each side rank the other by its own gain
    (``own_gain``) and finds a stable matching. ``capacity`` is k (each place up to k partners) or
    (k_a, k_b). Scores come from one vectorised block of |A| × |B|, whatever the size of the index."""
    weights = resolve_weights(weights)
    caps = _check(method, capacity)
    group_a, group_b = _group(group_a, "group_a"), _group(group_b, "group_b")
    rows_a = np.array([index.row_of(i) for i in group_a], dtype=np.int64)
    rows_b = np.array([index.row_of(i) for i in group_b], dtype=np.int64)
    block = index.score_block(rows_a, rows_b, weights)
    scores = block.score.astype(np.float64)
    allowed = np.asarray(group_a)[:, None] != np.asarray(group_b)[None, :]
    if method == "optimal":
        pairs = pair_optimal(scores, caps, allowed)
    else:
        mine = own_gain(weights)
        prefs_a = index.score_matrix(rows_a, rows_b, mine)
        prefs_b = index.score_matrix(rows_b, rows_a, mine).T
        pairs = pair_stable(prefs_a, prefs_b, caps, allowed, scores)
    greedy = pair_greedy(scores, caps, allowed)

    def make(p: Pair) -> CohortPair:
        comps = {name: round(float(matrix[p.a, p.b]), 4) for name, matrix in block.components.items()
                 if block.weights[name][p.a] > 0}
        return CohortPair(a_id=group_a[p.a], b_id=group_b[p.b], score=round(p.score, 4), components=comps,
                          explanation=explain(index, int(rows_a[p.a]), int(rows_b[p.b]), comps, weights,
                                              perspective="named"))

    return _result(method, caps, group_a, group_b, pairs, greedy, make)


def pair(group_a: Sequence[int], group_b: Sequence[int], scorer: MatchIndex | Callable[[int, int], float], *,
         weights: Weights | str | Mapping = DEFAULT_PRESET, capacity: int | tuple[int, int] = 1,
         method: str = "optimal") -> CohortResult:
    """Cohort pairing with either the index (as ``pair_cohort``) or any score function
    ``scorer(a_id, b_id) -> float in [0, 1]`` (no explanations then). With a function, the stable
    method uses ``scorer(a, b)`` as a's preference and ``scorer(b, a)`` as b's."""
    if isinstance(scorer, MatchIndex):
        return pair_cohort(scorer, group_a, group_b, weights=weights, capacity=capacity, method=method)
    if not callable(scorer):
        raise EngineError("scorer must be a MatchIndex or a function (a_id, b_id) -> score")
    caps = _check(method, capacity)
    group_a, group_b = _group(group_a, "group_a"), _group(group_b, "group_b")
    scores = np.array([[float(scorer(a, b)) for b in group_b] for a in group_a], dtype=np.float64)
    allowed = np.asarray(group_a)[:, None] != np.asarray(group_b)[None, :]
    if method == "optimal":
        pairs = pair_optimal(scores, caps, allowed)
    else:
        back = np.array([[float(scorer(b, a)) for b in group_b] for a in group_a], dtype=np.float64)
        pairs = pair_stable(scores, back, caps, allowed, scores)
    greedy = pair_greedy(scores, caps, allowed)
    return _result(method, caps, group_a, group_b, pairs, greedy,
                   lambda p: CohortPair(group_a[p.a], group_b[p.b], round(p.score, 4), {}, ()))
