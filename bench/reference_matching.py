"""A plain pure-Python implementation of the engine's scores (loops and dicts, no numpy), written
from docs/algorithms/matching.md rather than from the engine's code.

It exists to check the vectorised engine (``renkei/engine/tests/test_reference.py`` compares the
rankings on small random inputs, for every component and preset, with filters) and to measure the
engine's speed-up over straightforward code (``bench/engine_match.py``). Only the constants
(scales, weights, hazard list) are imported from the engine.
"""

from __future__ import annotations

import math

from renkei.engine.components import DISTANCE_SCALE_KM, EARTH_KM, TEXT_FLOOR, TEXT_SPAN
from renkei.engine.features import HAZARD_WEIGHT, INCOME, LEVELS, PEER_SCALES, PEER_WEIGHTS
from renkei.engine.themes import RELATED, TREE_FACTOR
from renkei.engine.types import Filters, PlaceProfile, ThemeNode, Weights


def similarity(themes: list[ThemeNode]) -> dict[tuple[int, int], float]:
    """S as a dict over pairs of theme ids (pairs with S = 0 left out)."""
    by_id = {t.id: t for t in themes}

    def path(t: ThemeNode) -> list[int]:
        out, seen = [], set()
        while t is not None and t.id not in seen:
            seen.add(t.id)
            out.append(t.id)
            t = by_id.get(t.parent_id) if t.parent_id is not None else None
        return out[::-1]

    paths = {t.id: path(t) for t in themes}
    sim: dict[tuple[int, int], float] = {}
    for a in themes:
        for b in themes:
            if a.id == b.id:
                sim[a.id, b.id] = 1.0
                continue
            common = 0
            for x, y in zip(paths[a.id], paths[b.id], strict=False):
                if x != y:
                    break
                common += 1
            value = TREE_FACTOR * 2 * common / (len(paths[a.id]) + len(paths[b.id]))
            if b.id in a.related or a.id in b.related:
                value = max(value, RELATED)
            if value > 0:
                sim[a.id, b.id] = value
    return sim


def _vector(statements, known: set[int]) -> dict[int, float]:
    out: dict[int, float] = {}
    for s in statements:
        if s.theme_id in known:
            out[s.theme_id] = max(out.get(s.theme_id, 0.0), min(max(s.weight, 1), 5) / 5.0)
    return out


def _unit_mean(rows: list[list[float]]) -> list[float] | None:
    if not rows:
        return None
    mean = [sum(col) / len(rows) for col in zip(*rows, strict=True)]
    norm = math.sqrt(sum(x * x for x in mean))
    return [x / norm for x in mean] if norm else None


class Reference:
    def __init__(self, themes: list[ThemeNode], places: list[PlaceProfile], embedder=None):
        self.themes = list(themes)
        self.sim = similarity(self.themes)
        known = {t.id for t in self.themes}
        self.places = list(places)
        self.by_id = {p.id: p for p in self.places}
        self.need = {p.id: _vector(p.needs, known) for p in self.places}
        self.offer = {p.id: _vector(p.expertise, known) for p in self.places}
        self.need_text: dict[int, list[float] | None] = {}
        self.offer_text: dict[int, list[float] | None] = {}
        for p in self.places:
            for statements, store in ((p.needs, self.need_text), (p.expertise, self.offer_text)):
                texts = [s.text for s in statements if s.text and s.text.strip()]
                rows = [[float(x) for x in v] for v in embedder.encode(texts)] if embedder and texts else []
                store[p.id] = _unit_mean(rows)

    # -- components ----------------------------------------------------------------------------
    def fit(self, needer: PlaceProfile, offerer: PlaceProfile) -> float:
        need, offer = self.need[needer.id], self.offer[offerer.id]
        total = sum(need.values())
        if not total:
            return 0.0
        covered = 0.0
        for i, n in need.items():
            covered += n * max((self.sim.get((i, j), 0.0) * m for j, m in offer.items()), default=0.0)
        return min(max(covered / total, 0.0), 1.0)

    @staticmethod
    def features(p: PlaceProfile) -> list[float | None]:
        def num(x):
            return float(x) if x is not None and math.isfinite(float(x)) else None

        population, density = num(p.population), num(p.density)
        return [math.log10(population) if population and population > 0 else None,
                math.log10(density) if density and density > 0 else None,
                num(p.share_65_plus), num(p.growth), float(p.coastal) if p.coastal is not None else None,
                INCOME.get(p.income_group), LEVELS.get(p.level)]

    def peer(self, a: PlaceProfile, b: PlaceProfile) -> float:
        score = weight = 0.0
        for fa, fb, scale, w in zip(self.features(a), self.features(b), PEER_SCALES, PEER_WEIGHTS, strict=True):
            if fa is None or fb is None:
                continue
            score += w * (1.0 - min(abs(fa - fb) / scale, 1.0))
            weight += w
        union = len(a.hazards | b.hazards)
        if union:
            score += HAZARD_WEIGHT * len(a.hazards & b.hazards) / union
            weight += HAZARD_WEIGHT
        return min(max(score / weight, 0.0), 1.0) if weight else 0.0

    def shared_needs(self, a: PlaceProfile, b: PlaceProfile) -> float:
        def smooth(vector: dict[int, float]) -> dict[int, float]:
            total = sum(vector.values())
            out: dict[int, float] = {}
            for (i, j), s in self.sim.items():
                if j in vector:
                    out[i] = out.get(i, 0.0) + s * vector[j] / total
            return out

        if not self.need[a.id] or not self.need[b.id]:
            return 0.0
        sa, sb = smooth(self.need[a.id]), smooth(self.need[b.id])
        dot = sum(v * sb.get(i, 0.0) for i, v in sa.items())
        norm = math.sqrt(sum(v * v for v in sa.values())) * math.sqrt(sum(v * v for v in sb.values()))
        return min(max(dot / norm, 0.0), 1.0) if norm else 0.0

    def text(self, a: PlaceProfile, b: PlaceProfile) -> float:
        u, v = self.need_text[a.id], self.offer_text[b.id]
        if u is None or v is None:
            return 0.0
        cosine = sum(x * y for x, y in zip(u, v, strict=True))
        return min(max((cosine - TEXT_FLOOR) / TEXT_SPAN, 0.0), 1.0)

    @staticmethod
    def km(a: PlaceProfile, b: PlaceProfile) -> float | None:
        if None in (a.lat, a.lon, b.lat, b.lon):
            return None
        la, lb = math.radians(a.lat), math.radians(b.lat)
        h = math.sin((lb - la) / 2) ** 2 + math.cos(la) * math.cos(lb) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
        return 2 * EARTH_KM * math.asin(math.sqrt(min(max(h, 0.0), 1.0)))

    def distance(self, a: PlaceProfile, b: PlaceProfile) -> float:
        km = self.km(a, b)
        return 0.0 if km is None else 1.0 / (1.0 + km / DISTANCE_SCALE_KM)

    def tied(self, a: PlaceProfile, b: PlaceProfile) -> bool:
        return b.id in a.partners or a.id in b.partners

    def components(self, a: PlaceProfile, b: PlaceProfile, names) -> dict[str, float]:
        out: dict[str, float] = {}
        for name in names:
            if name == "expertise":
                out[name] = self.fit(a, b)
            elif name == "reverse":
                out[name] = self.fit(b, a)
            elif name == "mutual":
                x, y = self.fit(a, b), self.fit(b, a)
                out[name] = 2 * x * y / (x + y) if x + y > 0 else 0.0
            elif name == "peer":
                out[name] = self.peer(a, b)
            elif name == "shared_needs":
                out[name] = self.shared_needs(a, b)
            elif name == "text":
                out[name] = self.text(a, b)
            elif name == "offer_text":  # a's expertise in b's words of need
                out[name] = self.text(b, a)
            elif name == "distance":
                out[name] = self.distance(a, b)
            elif name == "language":
                out[name] = 1.0 if a.languages & b.languages else 0.0
            elif name == "ties":
                out[name] = 1.0 if self.tied(a, b) else 0.0
        return out

    def defined(self, a: PlaceProfile) -> set[str]:
        """Components the querying place has data for (the others are left out, weights renormalised)."""
        has_needs, has_offer = bool(self.need[a.id]), bool(self.offer[a.id])
        context = any(f is not None for f in self.features(a)) or bool(a.hazards)
        out = {"ties"}
        out |= {"expertise", "shared_needs"} if has_needs else set()
        out |= {"reverse"} if has_offer else set()
        out |= {"mutual"} if has_needs and has_offer else set()
        out |= {"peer"} if context else set()
        out |= {"text"} if self.need_text[a.id] is not None else set()
        out |= {"offer_text"} if self.offer_text[a.id] is not None else set()
        out |= {"distance"} if a.lat is not None and a.lon is not None and abs(a.lat) <= 90 else set()
        out |= {"language"} if a.languages else set()
        return out

    def score(self, a: PlaceProfile, b: PlaceProfile, weights: Weights) -> float:
        active = {k: w for k, w in weights.active().items() if k in self.defined(a)}
        total = sum(active.values())
        if not total:
            return 0.0
        comps = self.components(a, b, active)
        return min(max(sum(w / total * comps[k] for k, w in active.items()), 0.0), 1.0)

    def passes(self, a: PlaceProfile, b: PlaceProfile, f: Filters) -> bool:
        if b.id == a.id or b.id in f.exclude_ids:
            return False
        if f.countries and b.country.upper() not in f.countries:
            return False
        if f.exclude_countries and b.country.upper() in f.exclude_countries:
            return False
        if f.levels and b.level not in f.levels:
            return False
        if f.min_population is not None and (b.population is None or b.population < f.min_population):
            return False
        if f.max_population is not None and (b.population is None or b.population > f.max_population):
            return False
        return not (f.exclude_partners and self.tied(a, b))

    def rank(self, place_id: int, weights: Weights, top: int, filters: Filters | None = None
             ) -> list[tuple[int, float]]:
        """(place id, score) of the best ``top``, by score rounded to 4 decimals, then id."""
        a = self.by_id[place_id]
        filters = filters or Filters()
        scored = [(-round(self.score(a, b, weights), 4), b.id) for b in self.places if self.passes(a, b, filters)]
        return [(pid, -s) for s, pid in sorted(scored)[:top]]
