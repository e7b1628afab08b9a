"""What the results and evaluation services take: one typed input per write, shared by the JSON API,
the HTML forms, the admin, the CSV import of actuals and the demo loader (``core.inputs.parse``)."""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field, field_validator, model_validator

from renkei.core.inputs import Input, reject_nul, required
from renkei.core.text import compact

Text = Annotated[str, BeforeValidator(reject_nul)]
LevelName = Literal["impact", "outcome", "output"]
DirectionName = Literal["higher", "lower"]
CriterionName = Literal["relevance", "coherence", "effectiveness", "efficiency", "impact", "sustainability",
                        "mutual_learning"]
EvaluationStatus = Literal["planned", "in_progress", "submitted", "published"]


def _finite(value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise ValueError(_("must be a finite number"))
    if value is not None and abs(value) > 1e15:
        raise ValueError(_("must be at most %(n)s in size") % {"n": "10¹⁵"})
    return value


def _web_address(value: str) -> str:
    if value and not value.lower().startswith(("http://", "https://")):
        raise ValueError(_("must be a web address starting with http:// or https://"))
    return value


def _year_range(value: date | None) -> date | None:
    if value is not None and not 1900 <= value.year <= 2200:
        raise ValueError(_("must be between the years 1900 and 2200"))
    return value


Number = Annotated[float, AfterValidator(_finite)]
Day = Annotated[date, AfterValidator(_year_range)]
WebAddress = Annotated[str, BeforeValidator(reject_nul), Field(max_length=500), AfterValidator(_web_address)]


class EvaluationTextsIn(Input):
    """A text per language; at least one of them."""

    en: Text = Field("", max_length=500)
    ja: Text = Field("", max_length=500)

    @model_validator(mode="after")
    def _one_language(self):
        if not (self.en or self.ja):
            raise ValueError(_("is required (in at least one language)"))
        return self

    def texts(self) -> dict[str, str]:
        return compact({"en": self.en, "ja": self.ja})


class ResultIn(Input):
    level: LevelName
    title: EvaluationTextsIn
    parent: int | None = Field(None, description="the id of the result it contributes to: an outcome's impact, "
                                                 "an output's outcome")
    position: int = Field(0, ge=0, le=1000)


class ResultChange(Input):
    """An edit of a result: only the fields given are written."""

    title: EvaluationTextsIn | None = None
    position: int | None = Field(None, ge=0, le=1000)


class ResultIndicatorIn(Input):
    """A catalogue indicator (``indicator``: its code), or one of the result's own (``name``, ``unit``,
    ``direction``); with the baseline."""

    indicator: Text | None = Field(None, max_length=40, description="the code of a catalogue indicator")
    name: EvaluationTextsIn | None = Field(None, description="the name of an indicator of its own")
    unit: Text = Field("", max_length=40)
    direction: DirectionName | None = Field(None, description="higher or lower (is better); a catalogue "
                                                              "indicator brings its own")
    baseline_value: Number | None = None
    baseline_on: Day | None = None
    baseline_source: Text = Field("", max_length=500)

    @model_validator(mode="after")
    def _one_kind(self):
        if not self.indicator and self.name is None:
            raise ValueError(_("name a catalogue indicator or give the indicator's own name"))
        return self


class ResultIndicatorChange(Input):
    """An edit of a result's indicator: its baseline, unit or direction; only the fields given."""

    unit: Text | None = Field(None, max_length=40)
    direction: DirectionName | None = None
    baseline_value: Number | None = None
    baseline_on: Day | None = None
    baseline_source: Text | None = Field(None, max_length=500)


class PeriodIn(Input):
    period_start: Day
    period_end: Day

    @model_validator(mode="after")
    def _ordered(self):
        if self.period_end < self.period_start:
            raise ValueError(_("the period must end after it starts"))
        return self


class TargetIn(PeriodIn):
    value: Number
    note: Text = Field("", max_length=500)

    @model_validator(mode="after")
    def _not_empty(self):
        if self.period_end == self.period_start:
            raise ValueError(_("the period must end after it starts"))
        return self


class ActualIn(PeriodIn):
    value: Number
    evidence_url: WebAddress = ""
    source: Text = Field("", max_length=500)
    is_sample: bool = False


class AdoptionIn(Input):
    place: Annotated[Text, AfterValidator(required)] = Field(max_length=120, description="the slug of the place "
                                                                                         "that adopted it")
    practice: EvaluationTextsIn
    adopted_on: Day
    evidence_url: WebAddress = ""
    source: Text = Field("", max_length=500)
    is_sample: bool = False


class EvaluationIn(Input):
    kind: Literal["mid_term", "final", "ex_post"]
    mode: Literal["self", "external"] = "external"
    due_on: Day | None = None
    evaluators: list[Annotated[str, Field(max_length=150)]] = Field(
        default_factory=list, max_length=20, description="usernames of evaluators (external evaluations)")


class EvaluationChange(Input):
    """An edit of an evaluation: due date, summary, evaluators; only the fields given."""

    due_on: Day | None = None
    summary: dict[Literal["en", "ja"], Annotated[Text, Field(max_length=4000)]] | None = None
    evaluators: list[Annotated[str, Field(max_length=150)]] | None = Field(None, max_length=20)

    @field_validator("summary", "evaluators")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError(_("is required"))
        return value


class EvaluationScoreIn(Input):
    criterion: CriterionName
    level: int = Field(ge=1, le=4)
    justification: Annotated[Text, Field(max_length=4000), AfterValidator(required)]
    evidence: Text = Field("", max_length=4000)


class EvaluationTransitionIn(Input):
    to: EvaluationStatus
