"""Learning a programme's weights from its decisions (docs/algorithms/tuning.md).

A programme's decided pairs — suggestions its places accepted (positive) or declined (negative),
applicants it selected or did not select for a counterpart, partnerships it formed — say which
components matter to it. ``tune`` searches the weights of a preset on those pairs and keeps them
only when a held-back part of the same decisions ranks at least as well with them as with the
preset's own weights:

    pairs = labelled_pairs(index, [(query_id, candidate_id, True), …])
    result = tune(pairs, PRESETS["mutual"])
    if result.applied: use(result.weights)

Everything is deterministic: the split depends only on the ids of the pairs, the search only on
the data and the starting weights.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from renkei.engine.index import MatchIndex
from renkei.engine.types import COMPONENTS, EngineError, Weights

#: Below this many decided pairs (or this many of either label) nothing is tuned: the figures would
#: be noise.
MIN_DECISIONS = 20
MIN_PER_LABEL = 5
#: The share of each label's pairs held back to check the tuned weights (at least one of each).
HELD_BACK = 0.3
#: The steps of the coordinate search, largest first (added to one weight of the normalised
#: weights, which are normalised again after each step).
STEPS = (0.4, 0.2, 0.1, 0.05, 0.025)
MAX_ROUNDS = 25


@dataclass(frozen=True)
class LabelledPair:
    """One decided pair: how ``candidate_id`` scored as a partner for ``query_id`` on each component
    the query has data for, and whether the programme said yes (``positive``)."""

    query_id: int
    candidate_id: int
    positive: bool
    components: Mapping[str, float] = field(default_factory=dict)
    key: str = ""  # what the split hashes: the places' slugs when known (the same in every database)


@dataclass(frozen=True)
class TuningResult:
    """What tuning found. ``applied`` is False when there were too few decisions, when the search
    found nothing better than the preset on the training part, or when the tuned weights ranked the
    held-back part worse than the preset's; ``reason`` says which, in words."""

    applied: bool
    reason: str
    weights: dict[str, float]  # the tuned weights (the preset's, normalised, when nothing was found)
    preset_weights: dict[str, float]
    metric: str = "pairwise AUC"
    comparison: str = "within query"  # or "across queries" when no query has both labels
    decisions: int = 0
    positives: int = 0
    negatives: int = 0
    train_pairs: int = 0
    held_back_pairs: int = 0
    train_before: float | None = None
    train_after: float | None = None
    held_back_before: float | None = None
    held_back_after: float | None = None

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def labelled_pairs(index: MatchIndex, decisions: Iterable[tuple[int, int, bool]]) -> list[LabelledPair]:
    """The component scores of each decided (query id, candidate id, positive) pair, read from the
    index; pairs with a place the index does not know, or of a place with itself, are left out. A
    pair decided twice keeps its last label."""
    latest: dict[tuple[int, int], bool] = {}
    for query_id, candidate_id, positive in decisions:
        if query_id != candidate_id and query_id in index and candidate_id in index:
            latest[(int(query_id), int(candidate_id))] = bool(positive)
    by_query: dict[int, list[tuple[int, bool]]] = {}
    for (q, c), positive in sorted(latest.items()):
        by_query.setdefault(q, []).append((c, positive))
    every = Weights(**{name: 1.0 for name in COMPONENTS})
    out: list[LabelledPair] = []
    for q, rows in by_query.items():
        block = index.score_block([index.row_of(q)], [index.row_of(c) for c, _ in rows], every)
        for j, (c, positive) in enumerate(rows):
            comps = {name: float(matrix[0, j]) for name, matrix in block.components.items()}
            key = f"{index.profile(q).slug or q}:{index.profile(c).slug or c}"
            out.append(LabelledPair(q, c, positive, comps, key))
    return out


def _matrix(pairs: Sequence[LabelledPair]) -> tuple[np.ndarray, np.ndarray]:
    """Component values (pairs × COMPONENTS) and whether the query has each component."""
    values = np.zeros((len(pairs), len(COMPONENTS)), dtype=np.float64)
    defined = np.zeros_like(values, dtype=bool)
    for i, p in enumerate(pairs):
        for j, name in enumerate(COMPONENTS):
            if name in p.components:
                values[i, j] = float(p.components[name])
                defined[i, j] = True
    return values, defined


def scores(values: np.ndarray, defined: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The engine's score of each pair: the weighted mean over the components its query has data
    for (as ``Ranking._weights_by_row`` renormalises them), clipped to [0, 1]."""
    w = np.where(defined, weights[None, :], 0.0)
    total = w.sum(axis=1)
    raw = (w * values).sum(axis=1)
    out = np.divide(raw, total, out=np.zeros_like(raw), where=total > 0)
    return np.clip(out, 0.0, 1.0)


def pairwise_auc(score: np.ndarray, positive: np.ndarray, groups: np.ndarray | None) -> float | None:
    """The share of (positive, negative) pairs in which the positive scores higher (ties count
    half), comparing only pairs of the same group when ``groups`` is given. None when there is no
    such pair. Scores are compared as the engine ranks them: rounded to 4 decimals."""
    score = np.round(score, 4)
    wins, count = 0.0, 0
    keys = [None] if groups is None else list(dict.fromkeys(groups.tolist()))
    for key in keys:
        mask = np.ones(len(score), dtype=bool) if key is None else groups == key
        pos, neg = score[mask & positive], score[mask & ~positive]
        if not len(pos) or not len(neg):
            continue
        diff = pos[:, None] - neg[None, :]
        wins += float(np.count_nonzero(diff > 0)) + 0.5 * float(np.count_nonzero(diff == 0))
        count += diff.size
    return wins / count if count else None


def _key(p: LabelledPair) -> str:
    return hashlib.sha256((p.key or f"{p.query_id}:{p.candidate_id}").encode()).hexdigest()


def split(pairs: Sequence[LabelledPair], held_back: float = HELD_BACK, *, by_query: bool = True
          ) -> tuple[list[int], list[int]]:
    """Positions of the training and the held-back pairs. Within each query (``by_query``) and each
    label, the share ``held_back`` of the pairs (rounded; at least one of a label the query has
    twice or more) with the smallest hash of (query id, candidate id) is held back, so the held-back
    part keeps yes and no of the same queries to compare. When that leaves either label out of the
    held-back part, the split is made by label alone (at least one of each). The same pairs always
    fall on the same side, whatever order they come in."""

    def take(members: list[int], minimum: int) -> tuple[list[int], list[int]]:
        members = sorted(members, key=lambda i: _key(pairs[i]))
        k = max(minimum, int(round(held_back * len(members)))) if members else 0
        return members[k:], members[:k]

    train: list[int] = []
    back: list[int] = []
    if by_query:
        strata: dict[tuple[int, bool], list[int]] = {}
        for i, p in enumerate(pairs):
            strata.setdefault((p.query_id, p.positive), []).append(i)
        for members in strata.values():
            rest, kept = take(members, 1 if len(members) >= 2 else 0)
            train += rest
            back += kept
        labels = {pairs[i].positive for i in back}
        if labels == {True, False}:
            return sorted(train), sorted(back)
        train, back = [], []
    for label in (True, False):
        rest, kept = take([i for i, p in enumerate(pairs) if p.positive is label], 1)
        train += rest
        back += kept
    return sorted(train), sorted(back)


def _normalised(weights: Weights | Mapping[str, float]) -> np.ndarray:
    values = weights.as_dict() if isinstance(weights, Weights) else dict(weights)
    vector = np.array([max(float(values.get(name, 0.0)), 0.0) for name in COMPONENTS], dtype=np.float64)
    total = vector.sum()
    if total <= 0:
        raise EngineError("at least one weight must be above zero")
    return vector / total


def _as_dict(vector: np.ndarray) -> dict[str, float]:
    return {name: round(float(v), 4) for name, v in zip(COMPONENTS, vector, strict=True)}


def search(values: np.ndarray, defined: np.ndarray, positive: np.ndarray, groups: np.ndarray | None,
           start: np.ndarray, *, steps: Sequence[float] = STEPS, max_rounds: int = MAX_ROUNDS) -> np.ndarray:
    """Coordinate search on the simplex: from ``start``, move one component's weight up or down by
    a step (then normalise) whenever that raises the pairwise AUC on these pairs; largest steps
    first, components in their fixed order, until no step helps. Only strict gains count, so the
    search stays at the preset when nothing beats it."""
    current = start.copy()
    best = pairwise_auc(scores(values, defined, current), positive, groups) or 0.0
    usable = defined.any(axis=0)
    for _round in range(max_rounds):
        improved = False
        for step in steps:
            for j in range(len(COMPONENTS)):
                if not usable[j]:
                    continue
                for sign in (1.0, -1.0):
                    trial = current.copy()
                    trial[j] = max(trial[j] + sign * step, 0.0)
                    if trial.sum() <= 0 or np.allclose(trial / trial.sum(), current):
                        continue
                    trial /= trial.sum()
                    value = pairwise_auc(scores(values, defined, trial), positive, groups) or 0.0
                    if value > best + 1e-9:
                        best, current, improved = value, trial, True
        if not improved:
            break
    return current


def tune(pairs: Sequence[LabelledPair], preset: Weights | Mapping[str, float], *,
         min_decisions: int = MIN_DECISIONS, min_per_label: int = MIN_PER_LABEL,
         held_back: float = HELD_BACK) -> TuningResult:
    """Tune ``preset``'s weights on the training part of ``pairs`` and check them on the held-back
    part (``split``). Applied only when the held-back pairwise AUC with the tuned weights is at least
    the preset's and the weights changed."""
    base = _normalised(preset)
    base_dict = _as_dict(base)
    positives = sum(1 for p in pairs if p.positive)
    negatives = len(pairs) - positives
    common = {"preset_weights": base_dict, "decisions": len(pairs), "positives": positives, "negatives": negatives}
    if len(pairs) < min_decisions or positives < min_per_label or negatives < min_per_label:
        return TuningResult(
            applied=False, weights=base_dict, **common,
            reason=(f"too few decisions: {len(pairs)} decided pairs ({positives} yes, {negatives} no); "
                    f"tuning needs at least {min_decisions}, with {min_per_label} of each"))
    values, defined = _matrix(pairs)
    positive = np.array([p.positive for p in pairs], dtype=bool)
    queries = np.array([p.query_id for p in pairs], dtype=np.int64)
    within = pairwise_auc(np.zeros(len(pairs)), positive, queries) is not None
    train, back = split(pairs, held_back, by_query=within)
    if within and pairwise_auc(np.zeros(len(back)), positive[back], queries[back]) is None:
        within = False  # no query keeps a yes and a no in the held-back part: compare across queries
    groups = queries if within else None
    comparison = "within query" if within else "across queries"

    def auc(rows: list[int], weights: np.ndarray) -> float | None:
        g = groups[rows] if groups is not None else None
        value = pairwise_auc(scores(values[rows], defined[rows], weights), positive[rows], g)
        return None if value is None else round(value, 4)

    train_groups = groups[train] if groups is not None else None
    tuned = search(values[train], defined[train], positive[train], train_groups, base)
    tuned = np.array(list(_as_dict(tuned).values()))  # checked as stored: rounded to 4 decimals
    figures = {"train_pairs": len(train), "held_back_pairs": len(back), "comparison": comparison,
               "train_before": auc(train, base), "train_after": auc(train, tuned),
               "held_back_before": auc(back, base), "held_back_after": auc(back, tuned)}
    before, after = figures["held_back_before"], figures["held_back_after"]
    if before is None or after is None:
        return TuningResult(applied=False, weights=base_dict, **common, **figures,
                            reason="the held-back decisions have no yes and no to compare")
    if np.allclose(tuned, base):
        return TuningResult(applied=False, weights=base_dict, **common, **figures,
                            reason="no weights rank the training decisions better than the preset's")
    if after < before:
        return TuningResult(applied=False, weights=_as_dict(tuned), **common, **figures,
                            reason=f"not applied: the tuned weights rank the held-back decisions worse "
                                   f"({after:.3f} against the preset's {before:.3f})")
    return TuningResult(applied=True, weights=_as_dict(tuned), **common, **figures,
                        reason=f"applied: held-back pairwise AUC {before:.3f} with the preset, {after:.3f} tuned")
