"""A plain pure-Python implementation of the engine's component scores (loops, no numpy).

It exists to check the vectorised engine (tests compare rankings on small inputs) and to measure
the engine's speed-up over straightforward code.
"""

from __future__ import annotations

import math

from renkei.engine.index import HAZARDS, INCOME, LEVELS
from renkei.engine.types import PlaceProfile, Weights

SCALES = [2.0, 2.0, 20.0, 3.0, 1.0, 3.0, 2.0, 1.0]
FEATURE_WEIGHTS = [1.5, 0.75, 1.0, 1.0, 0.5, 0.75, 0.5, 0.0]


class Reference:
    def __init__(self, similarity, theme_index: dict[int, int], places: list[PlaceProfile]):
        self.sim = [[float(v) for v in row] for row in similarity]
        self.col = theme_index
        self.places = places

    def vec(self, statements) -> list[float]:
        v = [0.0] * len(self.sim)
        for s in statements:
            if s.theme_id in self.col:
                c = self.col[s.theme_id]
                v[c] = max(v[c], min(max(s.weight, 1), 5) / 5.0)
        return v

    def fit(self, needer: PlaceProfile, offerer: PlaceProfile) -> float:
        need, offer = self.vec(needer.needs), self.vec(offerer.expertise)
        total = sum(need)
        if not total:
            return 0.0
        score = 0.0
        for i, n in enumerate(need):
            if n:
                score += n * max(self.sim[i][j] * offer[j] for j in range(len(offer)))
        return min(max(score / total, 0.0), 1.0)

    @staticmethod
    def features(p: PlaceProfile) -> list[float | None]:
        density = p.population / p.area_km2 if p.population and p.area_km2 else None
        return [math.log10(p.population) if p.population else None, math.log10(density) if density else None,
                p.share_65_plus, p.growth, float(p.coastal) if p.coastal is not None else None,
                INCOME.get(p.income_group), LEVELS.get(p.level), 1.0]

    def peer(self, a: PlaceProfile, b: PlaceProfile) -> float:
        score = weight = 0.0
        for fa, fb, scale, w in zip(self.features(a), self.features(b), SCALES, FEATURE_WEIGHTS, strict=True):
            if fa is None or fb is None:
                continue
            score += w * (1.0 - min(abs(fa - fb) / scale, 1.0))
            weight += w
        union = sum(1 for h in HAZARDS if h in a.hazards or h in b.hazards)
        if union:
            score += 1.25 * sum(1 for h in HAZARDS if h in a.hazards and h in b.hazards) / union
            weight += 1.25
        return score / weight if weight else 0.0

    def score(self, a: PlaceProfile, b: PlaceProfile, weights: Weights) -> float:
        w = weights.active()
        comps = {}
        if "expertise" in w or "mutual" in w:
            comps["expertise"] = self.fit(a, b)
        if "reverse" in w or "mutual" in w:
            comps["reverse"] = self.fit(b, a)
        if "mutual" in w:
            x, y = comps["expertise"], comps["reverse"]
            comps["mutual"] = 2 * x * y / (x + y) if x + y > 0 else 0.0
        if "peer" in w:
            comps["peer"] = self.peer(a, b)
        total = sum(w.values())
        return sum(weight / total * comps.get(name, 0.0) for name, weight in w.items())

    def rank(self, place_id: int, weights: Weights, top: int) -> list[int]:
        a = next(p for p in self.places if p.id == place_id)
        scored = [(-round(self.score(a, b, weights), 4), b.id) for b in self.places if b.id != place_id]
        return [pid for _s, pid in sorted(scored)[:top]]
