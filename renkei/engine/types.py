"""The engine's vocabulary: frozen dataclasses the platform builds from its rows."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ThemeNode:
    id: int
    code: str
    parent_id: int | None = None
    related: tuple[int, ...] = ()
    name_en: str = ""
    name_ja: str = ""
    synonyms_en: tuple[str, ...] = ()
    synonyms_ja: tuple[str, ...] = ()


@dataclass(frozen=True)
class Statement:
    """A need (weight = priority 1–5) or an expertise (weight = maturity 1–5) on one theme."""

    theme_id: int
    weight: int = 3
    text: str = ""


@dataclass(frozen=True)
class PlaceProfile:
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

    @property
    def density(self) -> float | None:
        if self.population and self.area_km2:
            return self.population / self.area_km2
        return None


@dataclass(frozen=True)
class Filters:
    countries: frozenset[str] = frozenset()
    exclude_countries: frozenset[str] = frozenset()
    levels: frozenset[str] = frozenset()
    min_population: float | None = None
    max_population: float | None = None
    exclude_ids: frozenset[int] = frozenset()
    exclude_partners: bool = False


COMPONENTS = ("expertise", "reverse", "mutual", "peer", "shared_needs", "text", "distance", "language", "ties")


@dataclass(frozen=True)
class Weights:
    """How much each component counts. The final score is the weighted mean, so it stays in [0, 1]."""

    expertise: float = 0.0
    reverse: float = 0.0
    mutual: float = 0.0
    peer: float = 0.0
    shared_needs: float = 0.0
    text: float = 0.0
    distance: float = 0.0
    language: float = 0.0
    ties: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in COMPONENTS}

    def active(self) -> dict[str, float]:
        return {k: v for k, v in self.as_dict().items() if v > 0}

    @classmethod
    def from_dict(cls, values: dict[str, float]) -> Weights:
        unknown = set(values) - set(COMPONENTS)
        if unknown:
            raise ValueError(f"unknown weight(s): {', '.join(sorted(unknown))}")
        bad = [k for k, v in values.items() if not (0 <= float(v) <= 100)]
        if bad:
            raise ValueError(f"weight {bad[0]} must be between 0 and 100")
        weights = cls(**{k: float(v) for k, v in values.items()})
        if not weights.active():
            raise ValueError("at least one weight must be above zero")
        return weights


PRESETS: dict[str, Weights] = {
    # Who can teach us what we need?
    "expertise": Weights(expertise=0.6, text=0.2, peer=0.15, language=0.05),
    # Who is like us — same size, same pressures, same hazards?
    "peer": Weights(peer=0.55, shared_needs=0.3, text=0.1, language=0.05),
    # Where do both sides learn? Lopsided pairs score low.
    "mutual": Weights(mutual=0.6, peer=0.15, text=0.25),
}


@dataclass(frozen=True)
class Explanation:
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
