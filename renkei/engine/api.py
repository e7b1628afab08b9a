"""What the platform calls: build an index, rank partners, pair cohorts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from renkei.engine.explain import explain
from renkei.engine.index import MatchIndex
from renkei.engine.pairing import Pair, pair_greedy, pair_optimal, pair_stable, total
from renkei.engine.types import PRESETS, Explanation, Weights


def weights_for(preset: str | None = None, custom: dict[str, float] | None = None) -> Weights:
    if custom:
        return Weights.from_dict(custom)
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; use one of {', '.join(PRESETS)}")
    return PRESETS[preset]


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


def pair_cohort(index: MatchIndex, group_a: Sequence[int], group_b: Sequence[int], *, weights: Weights,
                capacity: int = 1, method: str = "optimal") -> CohortResult:
    """Pair place ids in ``group_a`` with those in ``group_b``. A place in both groups is never paired
    with itself."""
    if method not in ("optimal", "stable"):
        raise ValueError("method must be optimal or stable")
    group_a = sorted(dict.fromkeys(group_a))
    group_b = sorted(dict.fromkeys(group_b))
    rows_a = [index.row[i] for i in group_a]
    rows_b = [index.row[i] for i in group_b]
    scores = index.score_matrix(rows_a, rows_b, weights)
    for i, a in enumerate(group_a):
        for j, b in enumerate(group_b):
            if a == b:
                scores[i, j] = 0.0
    if method == "optimal":
        pairs: list[Pair] = pair_optimal(scores, capacity)
    else:
        if capacity != 1:
            raise ValueError("the stable method pairs one to one")
        fit_ab = index.score_matrix(rows_a, rows_b, Weights(expertise=1.0, peer=0.25))
        fit_ba = index.score_matrix(rows_b, rows_a, Weights(expertise=1.0, peer=0.25)).T
        pairs = pair_stable(fit_ab, fit_ba)
        pairs = [Pair(p.a, p.b, float(scores[p.a, p.b])) for p in pairs]
    greedy = total(pair_greedy(scores)) if capacity == 1 else 0.0
    out = []
    for p in pairs:
        a_row, b_row = rows_a[p.a], rows_b[p.b]
        comps = {name: round(float(v[b_row]), 4) for name, v in index.components(a_row, weights.active()).items()}
        out.append(CohortPair(a_id=group_a[p.a], b_id=group_b[p.b], score=round(p.score, 4), components=comps,
                              explanation=explain(index, a_row, b_row, comps)))
    matched_a = {p.a_id for p in out}
    matched_b = {p.b_id for p in out}
    return CohortResult(method=method, pairs=tuple(out), total=round(total(pairs), 4),
                        greedy_total=round(greedy, 4),
                        unmatched_a=tuple(i for i in group_a if i not in matched_a),
                        unmatched_b=tuple(i for i in group_b if i not in matched_b))
