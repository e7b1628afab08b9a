"""Cohort pairing on a score matrix: group A (rows) against group B (columns)
(docs/algorithms/matching.md §9).

* ``pair_optimal``: the assignment with the largest total score. One partner each: the Hungarian
  method (scipy ``linear_sum_assignment``). Up to k on one side and one on the other: the same,
  with that side's columns (or rows) replicated k times, which is exact. Up to k on both sides:
  the bipartite b-matching linear programme, whose constraint matrix is totally unimodular, so the
  simplex vertex it returns is integral; solved by column generation over the best edges (a few
  per row and column), adding every edge with positive reduced cost until none is left, which
  proves the optimum over all edges.
* ``pair_stable``: deferred acceptance (Gale–Shapley), A proposing, each side ranking the other by
  its own preference matrix; with capacities it is the many-to-many version (pairwise stable).
* ``pair_greedy``: best remaining pair first, the baseline the others are compared with.
"""

from __future__ import annotations

import numbers
from collections import deque
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment, linprog

from renkei.engine.types import EngineError

FORBIDDEN = -1e9
TOLERANCE = 1e-7


@dataclass(frozen=True)
class Pair:
    a: int  # position in group A
    b: int  # position in group B
    score: float


def capacities(capacity: int | tuple[int, int]) -> tuple[int, int]:
    """``k`` or ``(k_a, k_b)``: how many partners each place of A and of B may get."""
    pair = capacity if isinstance(capacity, tuple) else (capacity, capacity)
    if len(pair) != 2 or any(isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1 for k in pair):
        raise EngineError("capacity must be a whole number of at least 1 (or a pair of them)")
    return int(pair[0]), int(pair[1])


def _prepare(scores: np.ndarray, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 2:
        raise EngineError("scores must be a matrix")
    if not np.isfinite(scores).all():
        raise EngineError("scores must be finite")
    allowed = np.ones(scores.shape, dtype=bool) if allowed is None else np.asarray(allowed, dtype=bool)
    return scores, allowed


def _sorted(pairs) -> list[Pair]:
    return sorted(pairs, key=lambda p: (p.a, p.b))


def pair_optimal(scores: np.ndarray, capacity: int | tuple[int, int] = 1, allowed: np.ndarray | None = None
                 ) -> list[Pair]:
    """Maximum total score with at most ``capacity`` partners per place, never a pair that
    ``allowed`` forbids. Every place that can still take a partner gets one (zero-score pairs
    included), as the one-to-one Hungarian method does."""
    k_a, k_b = capacities(capacity)
    scores, allowed = _prepare(scores, allowed)
    m, p = scores.shape
    if m == 0 or p == 0:
        return []
    work = np.where(allowed, scores, FORBIDDEN)
    if k_a == 1 or k_b == 1:
        # replicate the side with capacity k: copies of one place can never meet the same partner twice,
        # because the other side takes one partner only
        wide = np.tile(work, (1, k_b)) if k_a == 1 else np.tile(work, (k_a, 1))
        rows, cols = linear_sum_assignment(wide, maximize=True)
        chosen = {(int(r) % m, int(c) % p) for r, c in zip(rows, cols, strict=True) if wide[r, c] > FORBIDDEN / 2}
    else:
        chosen = _b_matching(work, allowed, k_a, k_b)
    chosen = _fill(work, allowed, chosen, k_a, k_b)
    return _sorted(Pair(a, b, float(scores[a, b])) for a, b in chosen)


def _fill(work, allowed, chosen: set[tuple[int, int]], k_a: int, k_b: int) -> set[tuple[int, int]]:
    """Add allowed pairs, best first, while both sides have room (only zero-gain pairs remain after
    an optimal solution, so the total does not change; the pairing becomes maximal)."""
    m, p = work.shape
    load_a, load_b = np.zeros(m, dtype=np.int64), np.zeros(p, dtype=np.int64)
    for a, b in chosen:
        load_a[a] += 1
        load_b[b] += 1
    room_a, room_b = load_a < k_a, load_b < k_b
    if not room_a.any() or not room_b.any():
        return chosen
    candidates = allowed & room_a[:, None] & room_b[None, :]
    for a, b in chosen:
        candidates[a, b] = False
    flat = np.flatnonzero(candidates)
    order = flat[np.argsort(-work.ravel()[flat], kind="stable")]
    for start in range(0, len(order), 4096):  # skip, in bulk, pairs whose places are already full
        if not room_a.any() or not room_b.any():
            break
        a_part, b_part = np.divmod(order[start : start + 4096], p)
        viable = room_a[a_part] & room_b[b_part]
        for a, b in zip(a_part[viable].tolist(), b_part[viable].tolist(), strict=True):
            if load_a[a] < k_a and load_b[b] < k_b:
                chosen.add((a, b))
                load_a[a] += 1
                load_b[b] += 1
                room_a[a] = load_a[a] < k_a
                room_b[b] = load_b[b] < k_b
    return chosen


def _b_matching(work: np.ndarray, allowed: np.ndarray, k_a: int, k_b: int, max_rounds: int = 30
                ) -> set[tuple[int, int]]:
    """Exact b-matching by column generation: solve the LP over a subset of edges, price every edge
    left out with the duals (reduced cost M[a, b] − u_a − v_b), add the positive ones — and, for
    each row and column that had one, its next few best — and repeat until none is positive."""
    m, p = work.shape
    keep_row = min(p, 2 * k_a + 6)
    keep_col = min(m, 2 * k_b + 6)
    mask = np.zeros((m, p), dtype=bool)
    mask[np.arange(m)[:, None], np.argpartition(-work, keep_row - 1, axis=1)[:, :keep_row]] = True
    mask[np.argpartition(-work, keep_col - 1, axis=0)[:keep_col, :], np.arange(p)[None, :]] = True
    mask &= allowed
    extra = 5
    for _round in range(max_rounds):
        chosen, u, v = _solve_lp(work, mask, k_a, k_b)
        reduced = work - u[:, None] - v[None, :]
        reduced[~allowed | mask] = -np.inf
        violated = reduced > TOLERANCE
        if not violated.any():
            return chosen
        mask |= violated
        rows = np.flatnonzero(violated.any(axis=1))  # their next best edges too: fewer rounds
        if p > extra:
            mask[rows[:, None], np.argpartition(-reduced[rows], extra - 1, axis=1)[:, :extra]] = True
        cols = np.flatnonzero(violated.any(axis=0))
        if m > extra:
            mask[np.argpartition(-reduced[:, cols], extra - 1, axis=0)[:extra, :], cols[None, :]] = True
        mask &= allowed
    return _solve_lp(work, allowed, k_a, k_b)[0]  # give up on pricing: all edges


def _solve_lp(work: np.ndarray, mask: np.ndarray, k_a: int, k_b: int
              ) -> tuple[set[tuple[int, int]], np.ndarray, np.ndarray]:
    """The b-matching LP over the edges in ``mask``: the chosen edges and the duals of the row and
    column constraints. Interior point with crossover ends on a vertex (integral, by total
    unimodularity) and gives well-centred duals, so pricing needs few rounds; if the solution is
    not integral after all, the dual simplex solves it again."""
    m, p = work.shape
    rows, cols = np.nonzero(mask)
    if not len(rows):
        return set(), np.zeros(m), np.zeros(p)
    edges = np.arange(len(rows))
    constraints = sp.csr_matrix((np.ones(2 * len(rows)), (np.concatenate([rows, m + cols]),
                                                          np.concatenate([edges, edges]))), shape=(m + p, len(rows)))
    bounds = np.concatenate([np.full(m, k_a), np.full(p, k_b)]).astype(np.float64)
    result = None
    for method in ("highs-ipm", "highs-ds"):
        result = linprog(-work[rows, cols], A_ub=constraints, b_ub=bounds, bounds=(0, 1), method=method)
        if result.status == 0 and np.all((result.x < 1e-6) | (result.x > 1 - 1e-6)):
            break
    if result.status != 0:
        raise EngineError(f"pairing failed: {result.message}")
    duals = -np.asarray(result.ineqlin.marginals)
    chosen = {(int(rows[e]), int(cols[e])) for e in np.flatnonzero(result.x > 0.5)}
    return chosen, duals[:m], duals[m:]


def pair_greedy(scores: np.ndarray, capacity: int | tuple[int, int] = 1, allowed: np.ndarray | None = None
                ) -> list[Pair]:
    """Best remaining pair first (ties by position), up to ``capacity`` partners per place."""
    k_a, k_b = capacities(capacity)
    scores, allowed = _prepare(scores, allowed)
    chosen = _fill(np.where(allowed, scores, FORBIDDEN), allowed, set(), k_a, k_b)
    return _sorted(Pair(a, b, float(scores[a, b])) for a, b in chosen)


def pair_stable(prefs_a: np.ndarray, prefs_b: np.ndarray, capacity: int | tuple[int, int] = 1,
                allowed: np.ndarray | None = None, scores: np.ndarray | None = None) -> list[Pair]:
    """Deferred acceptance with A proposing. ``prefs_a[a, b]`` is how much a wants b (e.g. the
    expertise fit a → b); ``prefs_b[a, b]`` how much b wants a. Ties go to the lower position.
    No allowed pair (a, b) outside the result would both rather have each other: each has a free
    place or prefers the other to its worst partner. Pair scores are ``scores`` (default: the mean
    of the two preferences)."""
    k_a, k_b = capacities(capacity)
    prefs_a, allowed = _prepare(prefs_a, allowed)
    prefs_b, _ = _prepare(prefs_b, None)
    if prefs_a.shape != prefs_b.shape:
        raise EngineError("both preference matrices must have the same shape")
    m, p = prefs_a.shape
    if m == 0 or p == 0:
        return []
    order_a = np.argsort(-prefs_a, axis=1, kind="stable").tolist()
    order_b = np.argsort(-prefs_b.T, axis=1, kind="stable")
    rank_b = np.empty((p, m), dtype=np.int64)
    rank_b[np.arange(p)[:, None], order_b] = np.arange(m)[None, :]
    rank = rank_b.tolist()
    ok = allowed.tolist()
    held: list[list[int]] = [[] for _ in range(p)]
    count = [0] * m
    following = [0] * m
    free = deque(range(m))
    while free:
        a = free.popleft()
        choices = order_a[a]
        while count[a] < k_a and following[a] < p:
            b = choices[following[a]]
            following[a] += 1
            if not ok[a][b]:
                continue
            holding = held[b]
            if len(holding) < k_b:
                holding.append(a)
                count[a] += 1
                continue
            ranks = rank[b]
            worst = max(holding, key=ranks.__getitem__)
            if ranks[a] < ranks[worst]:
                holding.remove(worst)
                holding.append(a)
                count[a] += 1
                count[worst] -= 1
                free.append(worst)
    values = (prefs_a + prefs_b) / 2 if scores is None else np.asarray(scores, dtype=np.float64)
    return _sorted(Pair(a, b, float(values[a, b])) for b, holding in enumerate(held) for a in holding)


def total(pairs: list[Pair]) -> float:
    return float(sum(p.score for p in pairs))
