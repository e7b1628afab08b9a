"""Ranking over the matching index (docs/algorithms/matching.md §7): the weights each query row
uses, scores of a block, the filters as a mask, and the exact top k by (rounded score, place id)."""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from renkei.engine.components import Scoring
from renkei.engine.explain import explain
from renkei.engine.storage import reading
from renkei.engine.types import EngineError, Filters, MatchResult, Weights, resolve_weights

SCORE_DECIMALS = 4  # ranking uses the score rounded as shown, then the place id


@dataclass(frozen=True)
class Block:
    """Scores of query rows A × candidate rows B, the component matrices used, and each component's
    weight per query row (renormalised over the components that row has data for)."""

    score: np.ndarray
    components: dict[str, np.ndarray]
    weights: dict[str, np.ndarray]


class Ranking(Scoring):
    """Scores and rankings; explanations only for the results returned."""

    def _query_scores(self, a: int, weights: Weights) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Scores of every place for the query row ``a`` and the components used (scratch buffers)."""
        used = {k: float(w[0]) for k, w in self._weights_by_row(np.array([a]), weights).items() if w[0] > 0}
        comps = self._query(a, used)
        score = self._buf("score")
        score.fill(0.0)
        tmp = self._buf("tmp")
        for name, weight in used.items():
            np.multiply(comps[name], np.float32(weight), out=tmp)
            score += tmp
        return np.clip(score, 0.0, 1.0, out=score), comps

    # -- scores -----------------------------------------------------------------------------------
    def _weights_by_row(self, rows_a: np.ndarray, weights: Weights) -> dict[str, np.ndarray]:
        """Per query row, the weight of each active component renormalised over the components that
        row has data for (a component the query lacks would be 0 for every candidate)."""
        active = weights.active()
        if not active:
            raise EngineError("at least one weight must be above zero")
        names = list(active)
        share = np.zeros((len(rows_a), len(names)), dtype=np.float64)
        for i, a in enumerate(rows_a):
            has = self.defined(int(a))
            share[i] = [active[k] if k in has else 0.0 for k in names]
        totals = share.sum(axis=1, keepdims=True)
        share = np.divide(share, totals, out=np.zeros_like(share), where=totals > 0)
        return {k: share[:, j].astype(np.float32) for j, k in enumerate(names)}

    @reading
    def score_block(self, rows_a: Sequence[int] | np.ndarray, rows_b: Sequence[int] | np.ndarray | slice,
                    weights: Weights | str | Mapping) -> Block:
        """Scores (|A| × |B|) and the components behind them, for index rows A (the querying side)
        and B (the candidates; a slice avoids copying when B is the whole index)."""
        weights = resolve_weights(weights)
        rows_a = np.asarray(rows_a, dtype=np.int64).reshape(-1)
        if not isinstance(rows_b, slice):
            rows_b = np.asarray(rows_b, dtype=np.int64).reshape(-1)
        per_row = self._weights_by_row(rows_a, weights)
        used = {k: w for k, w in per_row.items() if w.any()}
        comps = self._block(rows_a, rows_b, used)
        score = np.zeros((len(rows_a), self._width(rows_b)), dtype=np.float32)
        for name, w in used.items():
            if len(w) == 1:
                score += w[0] * comps[name]
            else:
                score += w[:, None] * comps[name]
        np.clip(score, 0.0, 1.0, out=score)
        return Block(score=score, components=comps, weights=used)

    def score_matrix(self, rows_a: Sequence[int], rows_b: Sequence[int], weights: Weights | str | Mapping
                     ) -> np.ndarray:
        """Scores of every (a, b) pair, a in ``rows_a`` × b in ``rows_b`` (index rows), computed as
        one block: the cost depends on |A| × |B|, not on the size of the index."""
        return self.score_block(rows_a, rows_b, weights).score

    # -- ranking ----------------------------------------------------------------------------------
    def mask(self, a: int, filters: Filters) -> np.ndarray:
        """Candidates (rows) that pass the filters; never the query itself."""
        n = self._n
        keep = np.ones(n, dtype=bool)
        keep[a] = False
        if filters.countries:
            keep &= self._lookup(self._countries, filters.countries)[self._country[:n]]
        if filters.exclude_countries:
            keep &= ~self._lookup(self._countries, filters.exclude_countries)[self._country[:n]]
        if filters.levels:
            keep &= self._lookup(self._levels, filters.levels)[self._level[:n]]
        with np.errstate(invalid="ignore"):
            if filters.min_population is not None:
                keep &= self._population[:n] >= filters.min_population
            if filters.max_population is not None:
                keep &= self._population[:n] <= filters.max_population
        excluded = set(filters.exclude_ids)
        if filters.exclude_partners:
            excluded |= self.ties_of(a)
        rows = [self.row[i] for i in excluded if i in self.row]
        if rows:
            keep[rows] = False
        return keep

    @staticmethod
    def _lookup(codes: dict[str, int], wanted: Iterable[str]) -> np.ndarray:
        table = np.zeros(len(codes) + 1, dtype=bool)  # the extra slot stays False for code −1
        for name in wanted:
            if name in codes:
                table[codes[name]] = True
        return table

    @staticmethod
    def top_rows(score: np.ndarray, keep: np.ndarray, ids: np.ndarray, k: int, key: np.ndarray | None = None
                 ) -> np.ndarray:
        """Rows of the k best candidates by (score rounded to ``SCORE_DECIMALS``, then id), exact
        and O(N): everything above the k-th key, then the smallest ids among those equal to it."""
        k = min(int(k), int(np.count_nonzero(keep)))
        if k <= 0:
            return np.zeros(0, dtype=np.int64)
        scaled = np.multiply(score, 10.0 ** SCORE_DECIMALS, dtype=np.float64)
        key = np.empty(len(score), dtype=np.int32) if key is None else key
        np.copyto(key, np.rint(scaled, out=scaled), casting="unsafe")
        np.putmask(key, ~keep, -1)  # below every real key (scores are ≥ 0); k never exceeds the kept count
        n = len(key)
        kth = np.partition(key, n - k)[n - k]
        above = np.flatnonzero(key > kth)
        tied = np.flatnonzero(key == kth)
        need = k - len(above)
        if len(tied) > need:
            tied = tied[np.argpartition(ids[tied], need - 1)[:need]]
        chosen = np.concatenate([above, tied])
        return chosen[np.lexsort((ids[chosen], -key[chosen]))]

    @reading
    def rank(self, place_id: int, weights: Weights | str | Mapping, filters: Filters | None = None, *,
             top: int = 20, explain_results: bool = True) -> list[MatchResult]:
        """The ``top`` best partners for a place: filters applied first, then scores (rounded to 4
        decimals, as shown) descending, ties by place id. Explanations only for those returned."""
        weights = resolve_weights(weights)
        a = self.row_of(place_id)
        if isinstance(top, bool) or not isinstance(top, numbers.Integral):
            raise EngineError("top must be a whole number")
        score, comps = self._query_scores(a, weights)
        rows = self.top_rows(score, self.mask(a, filters or Filters()), self.ids, top, self._buf("key", np.int32))
        picked = [(int(b), round(float(score[b]), SCORE_DECIMALS),
                   {name: round(float(vector[b]), SCORE_DECIMALS) for name, vector in comps.items()}) for b in rows]
        return [MatchResult(place_id=int(self._ids[b]), score=value, components=components,
                            explanation=explain(self, a, b, components, weights) if explain_results else ())
                for b, value, components in picked]

    @reading
    def score(self, place_id: int, other_id: int, weights: Weights | str | Mapping) -> MatchResult:
        """One pair, explained: how ``other_id`` scores as a partner for ``place_id``."""
        weights = resolve_weights(weights)
        a, b = self.row_of(place_id), self.row_of(other_id)
        block = self.score_block([a], [b], weights)
        score, comps = block.score, block.components
        components = {name: round(float(v[0, 0]), SCORE_DECIMALS) for name, v in comps.items()}
        return MatchResult(place_id=other_id, score=round(float(score[0, 0]), SCORE_DECIMALS), components=components,
                           explanation=explain(self, a, b, components, weights))

