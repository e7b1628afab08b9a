"""The engine's vocabulary: frozen dataclasses the platform builds from its rows.

Everything here is plain data. The platform (``renkei/matching/fetch.py``) turns database rows into
these types; the engine never sees a model instance.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


class EngineError(ValueError):
    """Bad input to the engine (unknown preset, bad weights, empty cohort …). The message is meant
    for people: the platform shows it as it is."""


class UnknownPlace(EngineError, KeyError):
    """A place id that is not in the index."""

    def __init__(self, place_id: object, where: str = "the matching index"):
        super().__init__(f"no place with id {place_id!r} in {where}")
        self.place_id = place_id

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


@dataclass(frozen=True)
class ThemeNode:
    """One theme of the taxonomy. ``related`` are declared cross-branch relations (by theme id)."""

    id: int
    code: str
    parent_id: int | None = None
    related: tuple[int, ...] = ()
    name_en: str = ""
    name_ja: str = ""
    synonyms_en: tuple[str, ...] = ()
    synonyms_ja: tuple[str, ...] = ()
    description: str = ""
    description_ja: str = ""


@dataclass(frozen=True)
class Statement:
    """A need (weight = priority 1–5) or an expertise (weight = maturity 1–5) on one theme, or on none
    (``theme_id=None``: a text not yet tagged). Weights outside 1–5 are clamped; the theme-based scores
    ignore statements without a theme or on themes the index does not know, while their texts still
    count in the text similarity."""

    theme_id: int | None
    weight: int = 3
    text: str = ""


@dataclass(frozen=True)
class PlaceProfile:
    """Everything the engine knows about a place.

    ``density`` (people per km²) may be given, or is derived from ``population / area_km2``.
    ``share_65_plus`` and ``growth`` are percentages (e.g. 40.0 and −1.6). ``partners`` are the ids
    of places it already works with (a tie counts in both directions).
    """

    id: int
    name: str
    country: str
    name_ja: str = ""
    slug: str = ""
    level: str = "city"
    population: float | None = None
    area_km2: float | None = None
    share_65_plus: float | None = None
    growth: float | None = None
    hazards: frozenset[str] = frozenset()
    coastal: bool | None = None
    income_group: str = ""
    lat: float | None = None
    lon: float | None = None
    languages: frozenset[str] = frozenset()
    needs: tuple[Statement, ...] = ()
    expertise: tuple[Statement, ...] = ()
    partners: frozenset[int] = frozenset()
    density: float | None = None

    def __post_init__(self) -> None:
        if self.density is None and self.population and self.area_km2 and self.area_km2 > 0:
            object.__setattr__(self, "density", self.population / self.area_km2)
        for name in ("hazards", "languages", "partners"):
            value = getattr(self, name)
            if not isinstance(value, frozenset):
                object.__setattr__(self, name, frozenset(value or ()))
        for name in ("needs", "expertise"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value or ()))


def _frozen(values: Iterable | None, upper: bool = False) -> frozenset:
    if values is None:
        return frozenset()
    if isinstance(values, str):
        values = (values,)
    return frozenset(str(v).upper() if upper else v for v in values)


@dataclass(frozen=True)
class Filters:
    """Hard constraints on candidates. They are applied as a mask before ranking, so they always
    hold. A candidate whose population is unknown fails a population bound."""

    countries: frozenset[str] = frozenset()
    exclude_countries: frozenset[str] = frozenset()
    levels: frozenset[str] = frozenset()
    min_population: float | None = None
    max_population: float | None = None
    exclude_ids: frozenset[int] = frozenset()
    exclude_partners: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "countries", _frozen(self.countries, upper=True))
        object.__setattr__(self, "exclude_countries", _frozen(self.exclude_countries, upper=True))
        object.__setattr__(self, "levels", _frozen(self.levels))
        object.__setattr__(self, "exclude_ids", _frozen(self.exclude_ids))
        for name in ("min_population", "max_population"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, numbers.Real) or math.isnan(value)):
                raise EngineError(f"{name} must be a number")
        if (self.min_population is not None and self.max_population is not None
                and self.min_population > self.max_population):
            raise EngineError("max_population must be at least min_population")


COMPONENTS = ("expertise", "reverse", "mutual", "peer", "shared_needs", "text", "offer_text", "distance", "language",
              "ties")


@dataclass(frozen=True)
class Weights:
    """How much each component counts. The final score is the weighted mean of the components, so
    it stays in [0, 1]; only the ratios matter."""

    expertise: float = 0.0
    reverse: float = 0.0
    mutual: float = 0.0
    peer: float = 0.0
    shared_needs: float = 0.0
    text: float = 0.0
    offer_text: float = 0.0
    distance: float = 0.0
    language: float = 0.0
    ties: float = 0.0

    def __post_init__(self) -> None:
        for name in COMPONENTS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value < 0:
                raise EngineError(f"weight {name} must be a finite number ≥ 0, not {value!r}")

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in COMPONENTS}

    def active(self) -> dict[str, float]:
        return {k: v for k, v in self.as_dict().items() if v > 0}

    def normalised(self) -> dict[str, float]:
        """The active weights scaled to sum 1."""
        active = self.active()
        total = sum(active.values())
        return {k: v / total for k, v in active.items()} if total else {}

    @classmethod
    def from_dict(cls, values: Mapping[str, object]) -> Weights:
        """Weights from user input: names from ``COMPONENTS``, each 0–100, at least one above 0."""
        unknown = set(values) - set(COMPONENTS)
        if unknown:
            raise EngineError(f"unknown weight(s): {', '.join(sorted(map(str, unknown)))}; "
                              f"use {', '.join(COMPONENTS)}")
        parsed = {}
        for k, v in values.items():
            try:
                number = float(v)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise EngineError(f"weight {k} must be a number, not {v!r}") from None
            if not (0 <= number <= 100):  # also rejects NaN
                raise EngineError(f"weight {k} must be between 0 and 100")
            parsed[k] = number
        weights = cls(**parsed)
        if not weights.active():
            raise EngineError("at least one weight must be above zero")
        return weights


#: One scale for every score people see: 0–100 (the weighted mean of the components, × 100), in four
#: bands. 100 is a pair that is perfect on every component the preset weighs; a band says how much of
#: that a pair has (docs/algorithms/matching.md §6).
SCORE_BANDS: tuple[tuple[int, str], ...] = ((60, "strong"), (45, "good"), (30, "partial"), (0, "weak"))


def score_points(score: float) -> int:
    """A score in [0, 1] on the 0–100 scale."""
    return int(round(min(max(float(score), 0.0), 1.0) * 100))


def score_band(score: float) -> str:
    """The band of a score in [0, 1]: strong (60–100), good (45–59), partial (30–44) or weak (0–29)."""
    points = score_points(score)
    return next(name for floor, name in SCORE_BANDS if points >= floor)


PRESETS: dict[str, Weights] = {
    # Who fits us either way — they can help us, or we can help them? Most real cooperation is one city
    # sharing what it learned with one that needs it, and a search does not say which side it is on:
    # both directions of the theme fit count equally, and the words of what we offer a little more than
    # the words of what we need (chosen on real pairings: docs/benchmarks.md, matching quality).
    "either": Weights(expertise=0.25, reverse=0.25, text=0.2, offer_text=0.3),
    # Who can teach us what we need?
    "expertise": Weights(expertise=0.6, text=0.2, peer=0.15, language=0.05),
    # Who is like us — same size, same pressures, same hazards?
    "peer": Weights(peer=0.55, shared_needs=0.3, text=0.1, language=0.05),
    # Where do both sides learn? Lopsided pairs score low.
    "mutual": Weights(mutual=0.6, text=0.25, peer=0.15),
    # Who needs what we offer? (a city that transfers its experience: the reverse of "expertise")
    "offer": Weights(reverse=0.6, offer_text=0.2, peer=0.15, language=0.05),
}


#: The preset of a search that names none (CLI, API, web forms, cohort pairing, tuning).
DEFAULT_PRESET = "either"


def resolve_weights(weights: Weights | str | Mapping[str, object]) -> Weights:
    """A preset name, a ``Weights`` or a mapping of component → weight, as ``Weights``."""
    if isinstance(weights, Weights):
        if not weights.active():
            raise EngineError("at least one weight must be above zero")
        return weights
    if isinstance(weights, str):
        if weights not in PRESETS:
            raise EngineError(f"unknown preset {weights!r}; use one of {', '.join(PRESETS)}")
        return PRESETS[weights]
    if isinstance(weights, Mapping):
        return Weights.from_dict(weights)
    raise EngineError(f"weights must be a preset name, a Weights or a mapping, not {type(weights).__name__}")


@dataclass(frozen=True)
class Explanation:
    """One reason behind a score. ``code`` says which kind (stable, for the platform to style or
    filter); ``params`` carries the numbers and theme codes; the two texts are ready to show."""

    code: str
    text_en: str
    text_ja: str
    params: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class MatchResult:
    place_id: int
    score: float
    components: dict[str, float]
    explanation: tuple[Explanation, ...] = ()
