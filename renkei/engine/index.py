"""The matching index: every place's profile as dense arrays, scored against one place at a time
with vectorised numpy (docs/algorithms/matching.md §3–§6)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from renkei.engine.embedding import Embedder, mean_embedding
from renkei.engine.explain import explain
from renkei.engine.themes import ThemeSpace
from renkei.engine.types import Filters, MatchResult, PlaceProfile, Weights

INCOME = {"LIC": 0.0, "LMC": 1.0, "UMC": 2.0, "HIC": 3.0}
LEVELS = {"country": 0.0, "region": 1.0, "city": 2.0}
HAZARDS = ("earthquake", "tsunami", "flood", "typhoon", "landslide", "volcanic", "drought", "heat")
EARTH_KM = 6371.0
DISTANCE_SCALE_KM = 3000.0


def _num(value) -> float:
    return float(value) if value is not None else math.nan


class MatchIndex:
    """Holds N places × T themes. ``rank`` costs a few matrix–vector products, no Python loop over
    candidates; ``update`` replaces one place's rows."""

    def __init__(self, themes: ThemeSpace, profiles: Iterable[PlaceProfile], *,
                 embedder: Embedder | None = None, text_dim: int | None = None):
        self.themes = themes
        self.embedder = embedder
        self.profiles: list[PlaceProfile] = []
        self.row: dict[int, int] = {}
        profiles = list(profiles)
        n, t = len(profiles), len(themes)
        self.need = np.zeros((n, t), dtype=np.float32)  # priority / 5
        self.expertise = np.zeros((n, t), dtype=np.float32)  # maturity / 5
        self.cover = np.zeros((n, t), dtype=np.float32)  # cover[b, i] = max_j S[i, j] · expertise[b, j]
        self.need_share = np.zeros((n, t), dtype=np.float32)  # need rows scaled to sum 1
        self.need_unit = np.zeros((n, t), dtype=np.float32)  # S-smoothed need rows, unit length
        self.features = np.full((n, 8), np.nan, dtype=np.float32)
        self.hazards = np.zeros((n, len(HAZARDS)), dtype=np.float32)
        self.latlon = np.full((n, 2), np.nan, dtype=np.float32)
        self.ids = np.zeros(n, dtype=np.int64)
        self.population = np.full(n, np.nan, dtype=np.float64)
        self.country = np.empty(n, dtype=object)
        self.level = np.empty(n, dtype=object)
        self.language_sets: list[frozenset[str]] = []
        self.language_bits = np.zeros(n, dtype=np.int64)  # one bit per language, for a vectorised test
        self._language_bit: dict[str, int] = {}
        dim = embedder.dim if embedder is not None else 0
        self.text_dim = dim
        self.need_text = np.zeros((n, dim), dtype=np.float32)
        self.expertise_text = np.zeros((n, dim), dtype=np.float32)
        for row, profile in enumerate(profiles):
            self._fill(row, profile, append=True)
        self.projection: np.ndarray | None = None
        if text_dim and dim and text_dim < dim:
            self.reduce_text_dim(text_dim)

    def reduce_text_dim(self, k: int, sample: int = 5000, seed: int = 0) -> None:
        """Project text vectors onto their top-k principal directions (fitted on a sample) and
        renormalise: cosines stay close, memory and time per query shrink by dim/k."""
        stacked = np.vstack([self.need_text, self.expertise_text])
        stacked = stacked[np.linalg.norm(stacked, axis=1) > 0]
        if len(stacked) > sample:
            stacked = stacked[np.random.default_rng(seed).choice(len(stacked), sample, replace=False)]
        if len(stacked) < 2:
            return
        _u, _s, vt = np.linalg.svd(stacked, full_matrices=False)
        self.projection = vt[:k].T.astype(np.float32)
        self.need_text = self._project(self.need_text)
        self.expertise_text = self._project(self.expertise_text)

    def _project(self, matrix: np.ndarray) -> np.ndarray:
        out = matrix @ self.projection
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return (out / norms).astype(np.float32) * (np.linalg.norm(matrix, axis=1, keepdims=True) > 0)

    # -- building -------------------------------------------------------------------------------
    def _vectors(self, statements) -> np.ndarray:
        vector = np.zeros(len(self.themes), dtype=np.float32)
        for s in statements:
            column = self.themes.index.get(s.theme_id)
            if column is not None:
                vector[column] = max(vector[column], min(max(s.weight, 1), 5) / 5.0)
        return vector

    def _fill(self, row: int, profile: PlaceProfile, *, append: bool = False) -> None:
        if append:
            self.profiles.append(profile)
            self.language_sets.append(profile.languages)
        else:
            self.profiles[row] = profile
            self.language_sets[row] = profile.languages
        self.row[profile.id] = row
        bits = 0
        for language in profile.languages:
            bit = self._language_bit.setdefault(language, len(self._language_bit) % 63)
            bits |= 1 << bit
        self.language_bits[row] = bits
        sim = self.themes.similarity
        need = self._vectors(profile.needs)
        expertise = self._vectors(profile.expertise)
        self.need[row], self.expertise[row] = need, expertise
        self.cover[row] = (sim * expertise[None, :]).max(axis=1) if expertise.any() else 0.0
        total = need.sum()
        self.need_share[row] = need / total if total else 0.0
        smooth = sim @ need
        norm = float(np.linalg.norm(smooth))
        self.need_unit[row] = smooth / norm if norm else 0.0
        density = profile.density
        self.features[row] = [
            math.log10(profile.population) if profile.population else math.nan,
            math.log10(density) if density else math.nan,
            _num(profile.share_65_plus),
            _num(profile.growth),
            float(profile.coastal) if profile.coastal is not None else math.nan,
            INCOME.get(profile.income_group, math.nan),
            LEVELS.get(profile.level, math.nan),
            1.0,
        ]
        self.hazards[row] = [1.0 if h in profile.hazards else 0.0 for h in HAZARDS]
        self.latlon[row] = [_num(profile.lat), _num(profile.lon)]
        self.ids[row] = profile.id
        self.population[row] = _num(profile.population)
        self.country[row] = profile.country
        self.level[row] = profile.level
        if self.embedder is not None:
            need_text = mean_embedding(self.embedder, [s.text for s in profile.needs])
            expertise_text = mean_embedding(self.embedder, [s.text for s in profile.expertise])
            if getattr(self, "projection", None) is not None:
                need_text, expertise_text = self._project(np.vstack([need_text, expertise_text]))
            self.need_text[row], self.expertise_text[row] = need_text, expertise_text

    def update(self, profile: PlaceProfile) -> None:
        """Replace (or add) one place without rebuilding the index."""
        self._peer_cache = None
        row = self.row.get(profile.id)
        if row is None:
            row = len(self.profiles)
            grow = [self.need, self.expertise, self.cover, self.need_share, self.need_unit, self.features,
                    self.hazards, self.latlon, self.need_text, self.expertise_text]
            (self.need, self.expertise, self.cover, self.need_share, self.need_unit, self.features, self.hazards,
             self.latlon, self.need_text, self.expertise_text) = [
                np.vstack([m, np.full((1, m.shape[1]), np.nan if m is self.features or m is self.latlon else 0,
                                      dtype=m.dtype)]) for m in grow]
            self.ids = np.append(self.ids, 0)
            self.language_bits = np.append(self.language_bits, 0)
            self.population = np.append(self.population, np.nan)
            self.country = np.append(self.country, None)
            self.level = np.append(self.level, None)
            self._fill(row, profile, append=True)
        else:
            self._fill(row, profile)

    def __len__(self) -> int:
        return len(self.profiles)

    def profile(self, place_id: int) -> PlaceProfile:
        return self.profiles[self.row[place_id]]

    @property
    def nbytes(self) -> int:
        arrays = [self.need, self.expertise, self.cover, self.need_share, self.need_unit, self.features,
                  self.hazards, self.latlon, self.ids, self.population, self.need_text, self.expertise_text]
        return sum(a.nbytes for a in arrays) + self.country.nbytes + self.level.nbytes

    # -- components (each a vector over all candidates, in [0, 1]) --------------------------------
    def expertise_fit(self, a: int) -> np.ndarray:
        """How well each candidate's expertise covers A's needs, weighted by A's priorities."""
        return np.clip(self.cover @ self.need_share[a], 0.0, 1.0)

    def reverse_fit(self, a: int) -> np.ndarray:
        """How well A's expertise covers each candidate's needs."""
        return np.clip(self.need_share @ self.cover[a], 0.0, 1.0)

    @staticmethod
    def harmonic(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        total = x + y
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.where(total > 0, 2.0 * x * y / np.where(total > 0, total, 1.0), 0.0)
        return out.astype(np.float32)

    PEER_SCALES = (2.0, 2.0, 20.0, 3.0, 1.0, 3.0, 2.0)
    PEER_WEIGHTS = (1.5, 0.75, 1.0, 1.0, 0.5, 0.75, 0.5)
    HAZARD_WEIGHT = 1.25

    def _peer_columns(self):
        """Per-feature columns with missing values zeroed and a known-mask beside them (cached)."""
        cached = getattr(self, "_peer_cache", None)
        if cached is None or cached[0] != len(self):
            known = ~np.isnan(self.features)
            values = np.where(known, self.features, 0.0).astype(np.float32)
            bits = (self.hazards.astype(np.int64) << np.arange(len(HAZARDS), dtype=np.int64)).sum(axis=1)
            cached = (len(self), np.ascontiguousarray(values.T), np.ascontiguousarray(known.T.astype(np.float32)),
                      bits)
            self._peer_cache = cached
        return cached[1:]

    def peer(self, a: int) -> np.ndarray:
        """Similarity of context: size, density, ageing, growth, setting, income, level, hazards.
        Each known feature scores 1 − |difference| / scale (floored at 0); features missing on either
        side are left out and the weights renormalised; hazards count by their Jaccard overlap."""
        values, known, bits = self._peer_columns()
        n = len(self)
        score = np.zeros(n, dtype=np.float32)
        weight = np.zeros(n, dtype=np.float32)
        for k, (scale, w) in enumerate(zip(self.PEER_SCALES, self.PEER_WEIGHTS, strict=True)):
            if not known[k, a]:
                continue
            closeness = np.abs(values[k] - values[k, a])
            closeness *= 1.0 / scale
            np.minimum(closeness, 1.0, out=closeness)
            np.subtract(1.0, closeness, out=closeness)
            closeness *= known[k]
            score += w * closeness
            weight += w * known[k]
        union = np.bitwise_count(bits | bits[a])
        has = union > 0
        jaccard = np.bitwise_count(bits & bits[a]) / np.maximum(union, 1)
        score += (self.HAZARD_WEIGHT * jaccard).astype(np.float32)
        weight += self.HAZARD_WEIGHT * has
        out = np.zeros(n, dtype=np.float32)
        np.divide(score, weight, out=out, where=weight > 0)
        return out

    def shared_needs(self, a: int) -> np.ndarray:
        return np.clip(self.need_unit @ self.need_unit[a], 0.0, 1.0)

    def text(self, a: int) -> np.ndarray:
        if not self.need_text.shape[1]:
            return np.zeros(len(self), dtype=np.float32)
        cosine = self.expertise_text @ self.need_text[a]
        # unrelated sentences sit around 0.1–0.3 in USE space; rescale so that those count little
        return np.clip((cosine - 0.15) / 0.6, 0.0, 1.0).astype(np.float32)

    def distance_km(self, a: int) -> np.ndarray:
        lat1, lon1 = np.radians(self.latlon[a])
        lat2, lon2 = np.radians(self.latlon[:, 0]), np.radians(self.latlon[:, 1])
        h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
        return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))

    def distance(self, a: int) -> np.ndarray:
        km = self.distance_km(a)
        return np.where(np.isnan(km), 0.0, 1.0 / (1.0 + km / DISTANCE_SCALE_KM)).astype(np.float32)

    def language(self, a: int) -> np.ndarray:
        return ((self.language_bits & self.language_bits[a]) != 0).astype(np.float32)

    def ties(self, a: int) -> np.ndarray:
        partners = self.profiles[a].partners
        return np.isin(self.ids, list(partners)).astype(np.float32)

    def components(self, a: int, names: Iterable[str]) -> dict[str, np.ndarray]:
        names = set(names)
        out: dict[str, np.ndarray] = {}
        if names & {"expertise", "mutual"}:
            out["expertise"] = self.expertise_fit(a)
        if names & {"reverse", "mutual"}:
            out["reverse"] = self.reverse_fit(a)
        if "mutual" in names:
            out["mutual"] = self.harmonic(out["expertise"], out["reverse"])
        for name in ("peer", "shared_needs", "text", "distance", "language", "ties"):
            if name in names:
                out[name] = getattr(self, name)(a)
        return out

    # -- ranking ----------------------------------------------------------------------------------
    def mask(self, a: int, filters: Filters) -> np.ndarray:
        keep = self.ids != self.ids[a]
        if filters.countries:
            keep &= np.isin(self.country, list(filters.countries))
        if filters.exclude_countries:
            keep &= ~np.isin(self.country, list(filters.exclude_countries))
        if filters.levels:
            keep &= np.isin(self.level, list(filters.levels))
        if filters.min_population is not None:
            keep &= self.population >= filters.min_population
        if filters.max_population is not None:
            keep &= self.population <= filters.max_population
        excluded = set(filters.exclude_ids)
        if filters.exclude_partners:
            excluded |= self.profiles[a].partners
        if excluded:
            keep &= ~np.isin(self.ids, list(excluded))
        return keep

    def scores(self, a: int, weights: Weights) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        active = weights.active()
        comps = self.components(a, active)
        total = sum(active.values())
        score = np.zeros(len(self), dtype=np.float32)
        for name, weight in active.items():
            score += (weight / total) * comps[name]
        return np.clip(score, 0.0, 1.0), comps

    def rank(self, place_id: int, weights: Weights, filters: Filters | None = None, *, top: int = 20,
             explain_results: bool = True) -> list[MatchResult]:
        a = self.row[place_id]
        score, comps = self.scores(a, weights)
        keep = self.mask(a, filters or Filters())
        candidates = np.flatnonzero(keep)
        if not len(candidates) or top <= 0:
            return []
        values = score[candidates]
        k = min(top, len(candidates))
        if k < len(candidates):
            # take everything tied with the k-th best so that the id tie-break stays exact
            kth = np.partition(values, len(values) - k)[len(values) - k]
            chosen = candidates[values >= kth]
        else:
            chosen = candidates
        order = np.lexsort((self.ids[chosen], -score[chosen]))[:k]
        rows = chosen[order]
        results = []
        for b in rows:
            components = {name: round(float(vec[b]), 4) for name, vec in comps.items()}
            explanation = explain(self, a, int(b), components) if explain_results else ()
            results.append(MatchResult(place_id=int(self.ids[b]), score=round(float(score[b]), 4),
                                       components=components, explanation=explanation))
        return results

    def score_matrix(self, rows_a: Sequence[int], rows_b: Sequence[int], weights: Weights) -> np.ndarray:
        """Scores of every (a, b) pair, a in ``rows_a`` × b in ``rows_b`` (index rows)."""
        rows_b = np.asarray(rows_b)
        out = np.zeros((len(rows_a), len(rows_b)), dtype=np.float32)
        for i, a in enumerate(rows_a):
            score, _ = self.scores(int(a), weights)
            out[i] = score[rows_b]
        return out
