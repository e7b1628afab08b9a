"""A place's context as numbers: the seven features the peer similarity compares, their scales and
weights, and the hazards (docs/algorithms/matching.md §4). Plain Python, shared by the scores and
the explanations."""

from __future__ import annotations

import math

from renkei.engine.types import PlaceProfile

INCOME = {"LIC": 0.0, "LMC": 1.0, "UMC": 2.0, "HIC": 3.0}
LEVELS = {"country": 0.0, "region": 1.0, "city": 2.0}
HAZARDS = ("earthquake", "tsunami", "flood", "typhoon", "landslide", "volcanic", "drought", "heat")
FEATURES = ("log_population", "log_density", "share_65_plus", "growth", "coastal", "income", "level")
PEER_SCALES = (2.0, 2.0, 20.0, 3.0, 1.0, 3.0, 2.0)  # a difference of this much (or more) scores 0
PEER_WEIGHTS = (1.5, 0.75, 1.0, 1.0, 0.5, 0.75, 0.5)
HAZARD_WEIGHT = 1.25


def _num(value) -> float:
    try:
        out = float(value) if value is not None else math.nan
    except (TypeError, ValueError):
        return math.nan
    return out if math.isfinite(out) else math.nan


def features_of(profile: PlaceProfile) -> list[float]:
    """The seven context features of a place (NaN when unknown), in the order of ``FEATURES``."""
    population, density = _num(profile.population), _num(profile.density)
    return [
        math.log10(population) if population > 0 else math.nan,
        math.log10(density) if density > 0 else math.nan,
        _num(profile.share_65_plus),
        _num(profile.growth),
        float(profile.coastal) if profile.coastal is not None else math.nan,
        INCOME.get(profile.income_group, math.nan),
        LEVELS.get(profile.level, math.nan),
    ]
