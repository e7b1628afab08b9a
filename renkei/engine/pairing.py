"""Cohort pairing: one group of places against another (docs/algorithms/matching.md §7)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment


@dataclass(frozen=True)
class Pair:
    a: int  # position in group A
    b: int  # position in group B
    score: float


def pair_optimal(scores: np.ndarray, capacity: int = 1) -> list[Pair]:
    """Maximum total score, one to one (Hungarian method, scipy's ``linear_sum_assignment``).

    With ``capacity`` k > 1, k rounds are solved in turn, each an optimal assignment over the pairs
    not yet chosen, so every place gets up to k different partners. Each round is optimal given the
    rounds before it (the exact b-matching would need a min-cost flow; the rounds keep it simple and
    fast, and the first round is exactly the one-to-one optimum)."""
    if capacity < 1:
        raise ValueError("capacity must be at least 1")
    n_a, n_b = scores.shape
    if n_a == 0 or n_b == 0:
        return []
    work = scores.astype(np.float64).copy()
    forbidden = -1e9
    chosen: list[Pair] = []
    for _round in range(capacity):
        rows, cols = linear_sum_assignment(work, maximize=True)
        fresh = [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if work[r, c] > forbidden / 2]
        if not fresh:
            break
        for r, c in fresh:
            chosen.append(Pair(r, c, float(scores[r, c])))
            work[r, c] = forbidden
    return sorted(chosen, key=lambda p: (p.a, p.b))


def pair_greedy(scores: np.ndarray) -> list[Pair]:
    """Best remaining pair first: the baseline the optimal assignment is compared with."""
    taken_a, taken_b, out = set(), set(), []
    for flat in np.argsort(-scores, axis=None, kind="stable"):
        a, b = divmod(int(flat), scores.shape[1])
        if a not in taken_a and b not in taken_b:
            taken_a.add(a)
            taken_b.add(b)
            out.append(Pair(a, b, float(scores[a, b])))
    return sorted(out, key=lambda p: (p.a, p.b))


def pair_stable(prefs_a: np.ndarray, prefs_b: np.ndarray) -> list[Pair]:
    """Gale–Shapley with A proposing. ``prefs_a[a, b]`` is how much a wants b (e.g. the expertise
    fit a→b); ``prefs_b[a, b]`` how much b wants a. No pair would both rather have each other."""
    n_a, n_b = prefs_a.shape
    order_a = np.argsort(-prefs_a, axis=1, kind="stable")
    rank_b = np.empty((n_b, n_a), dtype=np.int64)
    order_b = np.argsort(-prefs_b.T, axis=1, kind="stable")
    rank_b[np.arange(n_b)[:, None], order_b] = np.arange(n_a)[None, :]
    next_choice = np.zeros(n_a, dtype=np.int64)
    engaged_b = np.full(n_b, -1, dtype=np.int64)
    free = list(range(n_a - 1, -1, -1))
    while free:
        a = free.pop()
        if next_choice[a] >= n_b:
            continue
        b = int(order_a[a, next_choice[a]])
        next_choice[a] += 1
        current = engaged_b[b]
        if current < 0:
            engaged_b[b] = a
        elif rank_b[b, a] < rank_b[b, current]:
            engaged_b[b] = a
            free.append(int(current))
        else:
            free.append(a)
    scores = (prefs_a + prefs_b) / 2
    return sorted((Pair(int(a), b, float(scores[a, b])) for b, a in enumerate(engaged_b) if a >= 0),
                  key=lambda p: (p.a, p.b))


def total(pairs: list[Pair]) -> float:
    return float(sum(p.score for p in pairs))
