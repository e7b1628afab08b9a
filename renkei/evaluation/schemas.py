"""JSON shapes of results and evaluations. Texts are one per language, ``{"en": …, "ja": …}``."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from renkei.core.schemas import Page, PageQuery
from renkei.evaluation.inputs import CriterionName, EvaluationStatus
from renkei.partnerships.inputs import PartnershipKind


class EvaluationTextsOut(Schema):
    en: str = ""
    ja: str = ""


class ActualOut(Schema):
    id: int
    period_start: date
    period_end: date
    value: float
    evidence_url: str
    source: str
    is_sample: bool = Field(description="a sample value made up for the demonstration, not a measured one")


class TargetOut(Schema):
    id: int
    period_start: date
    period_end: date
    value: float
    note: str
    actual: float | None = Field(description="the latest actual whose period ends inside the target's")
    progress: float | None = Field(description="(actual − baseline) / (target − baseline)")
    elapsed: float | None = Field(description="share of the time from the baseline to the period's end gone by "
                                              "when the actual was measured")
    status: str = Field(description="on_track, at_risk, off_track or no_data (docs/algorithms/results.md)")


class ResultIndicatorOut(Schema):
    id: int
    indicator: str | None = Field(description="the catalogue indicator's code; none for one of its own")
    name: EvaluationTextsOut
    unit: str
    direction: str
    baseline_value: float | None
    baseline_on: date | None
    baseline_source: str
    targets: list[TargetOut]
    actuals: list[ActualOut]


class FrameworkResultOut(Schema):
    id: int
    level: str
    parent: int | None
    title: EvaluationTextsOut
    position: int
    indicators: list[ResultIndicatorOut]


class SideOut(Schema):
    side: str = Field(description="japan or partner")
    participants: int = Field(description="participants with both self-assessments")
    mean_gain: float | None = Field(description="mean of after − before, in points of the 1–5 scale")
    normalised_gain: float | None
    adoptions: int
    score: float


class LearningOut(Schema):
    sides: list[SideOut]
    balance: float
    score: float = Field(description="mutual learning, 0–1 (docs/algorithms/results.md)")
    suggested_level: int = Field(description="the rubric level the score suggests")


class AdoptionOut(Schema):
    id: int
    place: str
    side: str
    practice: EvaluationTextsOut
    adopted_on: date
    evidence_url: str
    source: str
    is_sample: bool


class ResultsOut(Schema):
    partnership: str
    results: list[FrameworkResultOut] = Field(description="impacts, outcomes and outputs; ``parent`` links them")
    adoptions: list[AdoptionOut]
    learning: LearningOut


class EvaluationScoreOut(Schema):
    criterion: str
    level: int
    justification: str
    evidence: str


class EvaluationOut(Schema):
    id: int
    partnership: str
    kind: str
    mode: str
    status: str
    due_on: date | None
    summary: EvaluationTextsOut
    evaluators: list[str] = Field(description="usernames; shown to officers and to the evaluators themselves")
    scores: list[EvaluationScoreOut]
    submitted_at: datetime | None
    published_at: datetime | None
    updated_at: datetime
    version: int


class EvaluationPage(Page[EvaluationOut]):
    pass


class EvaluationFilters(PageQuery):
    partnership: str | None = Field(None, max_length=120, description="a partnership's slug")
    status: EvaluationStatus | None = None


class LevelOut(Schema):
    level: int
    name: str
    descriptor: str


class RubricCriterionOut(Schema):
    criterion: CriterionName
    name: str
    question: str
    levels: list[LevelOut]


class PortfolioFilters(Schema):
    theme: str | None = Field(None, max_length=100, description="a theme's code")
    country: str | None = Field(None, max_length=2, description="ISO code of a member place's country")
    kind: PartnershipKind | None = Field(None, description="bilateral, triangular or network")


class PortfolioIndicatorOut(Schema):
    name: str
    unit: str
    status: str
    progress: float | None


class PortfolioRowOut(Schema):
    partnership: str
    title: EvaluationTextsOut
    kind: str
    evaluation: int | None = Field(description="the latest published evaluation")
    scores: dict[str, int | None]
    learning: LearningOut
    indicators: list[PortfolioIndicatorOut]


class PortfolioOut(Schema):
    programme: str | None
    partnerships: int = Field(description="before the filters")
    status_counts: dict[str, int]
    rows: list[PortfolioRowOut]
