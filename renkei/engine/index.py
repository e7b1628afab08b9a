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
        dim = embedder.dim if embedder is not None else 0
        self.text_dim = dim
        self.need_text = np.zeros((n, dim), dtype=np.float32)
        self.expertise_text = np.zeros((n, dim), dtype=np.float32)
        for row, profile in enumerate(profiles):
            self._fill(row, profile, append=True)
        self.text_dim = text_dim or dim

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
            self.need_text[row] = mean_embedding(self.embedder, [s.text for s in profile.needs])
            self.expertise_text[row] = mean_embedding(self.embedder, [s.text for s in profile.expertise])

    def update(self, profile: PlaceProfile) -> None:
        """Replace (or add) one place without rebuilding the index."""
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

    def peer(self, a: int) -> np.ndarray:
        """Similarity of context: size, density, ageing, growth, setting, income, level, hazards."""
        f, q = self.features, self.features[a]
        scales = np.array([2.0, 2.0, 20.0, 3.0, 1.0, 3.0, 2.0, 1.0], dtype=np.float32)
        weights = np.array([1.5, 0.75, 1.0, 1.0, 0.5, 0.75, 0.5, 0.0], dtype=np.float32)
        with np.errstate(invalid="ignore"):
            closeness = 1.0 - np.minimum(np.abs(f - q) / scales, 1.0)
        known = ~np.isnan(closeness)
        score = np.where(known, closeness, 0.0) @ weights
        weight = known.astype(np.float32) @ weights
        hz = self.hazards
        union = np.maximum(hz, hz[a]).sum(axis=1)
        inter = np.minimum(hz, hz[a]).sum(axis=1)
        has_hazards = union > 0
        jaccard = np.where(has_hazards, inter / np.where(has_hazards, union, 1.0), 0.0)
        score = score + np.where(has_hazards, 1.25 * jaccard, 0.0)
        weight = weight + np.where(has_hazards, 1.25, 0.0)
        return np.where(weight > 0, score / np.where(weight > 0, weight, 1.0), 0.0).astype(np.float32)

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
        mine = self.language_sets[a]
        return np.fromiter((1.0 if mine & other else 0.0 for other in self.language_sets), np.float32, len(self))

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
