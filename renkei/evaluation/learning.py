"""Mutual learning: did each side learn? (docs/algorithms/results.md)

A partnership's activities record their participants' self-assessments before and after (1–5); the
partnership records the practices a side adopted later. The sides are the Japanese side (places in
Japan) and the partner side (places elsewhere); a participant with no place counts for neither.

    g  = (after − before) / (5 − before)    per participant, clipped to −1…1 (0 when before is 5)
    G  = mean g over the side's participants with both scores           (normalised gain)
    A  = the side's adoptions
    L  = ½·max(G, 0) + ½·min(A, FULL_ADOPTIONS) / FULL_ADOPTIONS        (the side's learning, 0…1)
    M  = mean(L_japan, L_partner) × min(L) / max(L)                     (mutual learning, 0…1; 0 if both 0)

M is high only when both sides learned: one side learning alone gives a balance of 0. The rubric
level it suggests is 1 below 0.25, 2 below 0.5, 3 below 0.75 and 4 from 0.75.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

MAX_SCORE = 5
FULL_ADOPTIONS = 2
JAPAN, PARTNER = "japan", "partner"
SIDES = (JAPAN, PARTNER)
SIDE_LABELS = {JAPAN: _("Japanese side"), PARTNER: _("Partner side")}
LEVEL_BOUNDS = (0.25, 0.5, 0.75)


def side_of(country: str) -> str:
    return JAPAN if (country or "").upper() == "JP" else PARTNER


def normalised_gain(before: int, after: int) -> float:
    if before >= MAX_SCORE:
        return 0.0
    return max(-1.0, min(1.0, (after - before) / (MAX_SCORE - before)))


@dataclass(frozen=True)
class SideLearning:
    side: str
    participants: int  # with both scores
    mean_gain: float | None  # mean of after − before, in points
    normalised_gain: float | None  # G
    adoptions: int  # A
    score: float  # L

    @property
    def label(self) -> str:
        return str(SIDE_LABELS[self.side])


@dataclass(frozen=True)
class MutualLearning:
    sides: dict[str, SideLearning]
    balance: float
    score: float  # M

    @property
    def suggested_level(self) -> int:
        return 1 + sum(self.score >= bound for bound in LEVEL_BOUNDS)

    @property
    def two_way(self) -> bool:
        return all(s.score > 0 for s in self.sides.values())


def _gain(pairs: list[tuple[int, int]]) -> float | None:
    gains = [normalised_gain(before, after) for before, after in pairs]
    return sum(gains) / len(gains) if gains else None


def _score(pairs: Iterable[tuple[int, int]], adoptions: int) -> float:
    g = _gain(list(pairs))
    return 0.5 * max(g or 0.0, 0.0) + 0.5 * min(adoptions, FULL_ADOPTIONS) / FULL_ADOPTIONS


def side_learning(side: str, pairs: Iterable[tuple[int, int]], adoptions: int) -> SideLearning:
    pairs = list(pairs)
    g = _gain(pairs)
    points = sum(after - before for before, after in pairs) / len(pairs) if pairs else None
    score = _score(pairs, adoptions)
    return SideLearning(side=side, participants=len(pairs), mean_gain=None if points is None else round(points, 2),
                        normalised_gain=None if g is None else round(g, 3), adoptions=adoptions,
                        score=round(score, 3))


def mutual_learning(pairs_by_side: dict[str, list[tuple[int, int]]],
                    adoptions_by_side: dict[str, int]) -> MutualLearning:
    sides = {side: side_learning(side, pairs_by_side.get(side, []), adoptions_by_side.get(side, 0))
             for side in SIDES}
    exact = [_score(pairs_by_side.get(side, []), adoptions_by_side.get(side, 0)) for side in SIDES]
    low, high = min(exact), max(exact)
    balance = low / high if high > 0 else 0.0
    mean = sum(exact) / len(exact)
    return MutualLearning(sides=sides, balance=round(balance, 3), score=round(mean * balance, 3))
