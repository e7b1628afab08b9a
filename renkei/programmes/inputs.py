"""Typed inputs of the programme services, shared by the API bodies, the pages' forms and scripts.

Bilingual texts are one object per language (``{"en": …, "ja": …}``, ADR 0002). A flat caller
(a form, a line of a file) may give ``title_en``/``title_ja`` instead; they are folded into
``title`` before the checks.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal

from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from renkei.core.inputs import Input, reject_nul
from renkei.core.text import compact
from renkei.core.timezones import is_zone

MAX_ANSWER = 10_000


def _texts(value: dict[str, str], *, max_length: int, required: bool = True) -> dict[str, str]:
    value = compact({key: reject_nul(text) for key, text in (value or {}).items()})
    if required and not value.get("en"):
        raise ValueError(_("give the English text"))
    if any(len(text) > max_length for text in value.values()):
        raise ValueError(_("must be at most %(n)s characters") % {"n": max_length})
    return value


def _fold(data: Any, field: str) -> Any:
    """``{"title_en": …, "title_ja": …}`` → ``{"title": {"en": …, "ja": …}}``."""
    if not isinstance(data, dict) or not any(f"{field}_{lang}" in data for lang in ("en", "ja")):
        return data
    data = dict(data)
    texts = dict(data.get(field) or {})
    for lang in ("en", "ja"):
        value = data.pop(f"{field}_{lang}", None)
        if value:
            texts[lang] = value
    data[field] = texts
    return data


class FoldedInput(Input):
    """An input whose bilingual text ``folded`` (``title`` unless said) may also come flat."""

    folded: ClassVar[str] = "title"

    @model_validator(mode="before")
    @classmethod
    def _flat(cls, data: Any) -> Any:
        return _fold(data, cls.folded)


def time_zone(value: str) -> str:
    if not is_zone(value):
        raise ValueError(_("not a time zone, e.g. Asia/Tokyo"))
    return value


Title = Annotated[dict[str, str], AfterValidator(lambda v: _texts(v, max_length=255))]
Description = Annotated[dict[str, str], AfterValidator(lambda v: _texts(v, max_length=20_000, required=False))]
Slug = Annotated[str, Field(max_length=120, pattern=r"^[-a-zA-Z0-9_]+$")]
Code = Annotated[str, BeforeValidator(lambda v: getattr(v, "code", v)), Field(min_length=1, max_length=100)]
Ref = Annotated[str, BeforeValidator(lambda v: getattr(v, "slug", v)), Field(min_length=1, max_length=120)]


class ProgrammeIn(FoldedInput):
    slug: Slug | None = None
    title: Title
    description: Description = {}
    starts_on: date | None = None
    ends_on: date | None = None
    eligible_countries: list[Annotated[str, Field(min_length=2, max_length=2)]] = []
    eligible_levels: list[str] = []
    min_population: int | None = Field(None, ge=0)
    max_population: int | None = Field(None, ge=0)
    is_published: bool = True
    themes: list[Code] | None = Field(None, max_length=100, description="theme codes")
    required_themes: list[Code] | None = Field(
        None, max_length=100, description="theme codes: an applicant needs recorded expertise in one of them")
    owners: list[Ref] | None = Field(None, max_length=50, description="URL names of the organisations that run it")

    @field_validator("ends_on")
    @classmethod
    def _ends_after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        starts = info.data.get("starts_on")
        if value and starts and value < starts:
            raise ValueError(_("The programme must end after it starts."))
        return value

    @field_validator("max_population")
    @classmethod
    def _max_above_min(cls, value: int | None, info: ValidationInfo) -> int | None:
        least = info.data.get("min_population")
        if value is not None and least is not None and value < least:
            raise ValueError(_("The maximum population must not be below the minimum."))
        return value


class ProgrammeUpdate(ProgrammeIn):
    """The fields to change; the ones not given stay as they are."""

    title: Title | None = None  # type: ignore[assignment]


class QuestionIn(FoldedInput):
    folded = "text"

    kind: Literal["text", "choice", "file"] = "text"
    text: Annotated[dict[str, str], AfterValidator(lambda v: _texts(v, max_length=500))]
    choices: list[Annotated[str, Field(min_length=1, max_length=200)]] = []
    required: bool = True

    @model_validator(mode="after")
    def _choices(self) -> QuestionIn:
        if self.kind == "choice" and len(self.choices) < 2:
            raise ValueError(_("a choice question needs two options and a text"))
        return self


class CriterionIn(FoldedInput):
    folded = "name"

    name: Annotated[dict[str, str], AfterValidator(lambda v: _texts(v, max_length=200))]
    weight: float = Field(1.0, ge=0, allow_inf_nan=False)


class QuestionUpdate(FoldedInput):
    """The fields of a question to change (while its call is a draft)."""

    folded = "text"

    kind: Literal["text", "choice", "file"] | None = None
    text: Annotated[dict[str, str], AfterValidator(lambda v: _texts(v, max_length=500))] | None = None
    choices: list[Annotated[str, Field(min_length=1, max_length=200)]] | None = None
    required: bool | None = None
    position: int | None = Field(None, ge=0, le=10_000)


class CriterionUpdate(FoldedInput):
    """The fields of a criterion to change (while its call is a draft)."""

    folded = "name"

    name: Annotated[dict[str, str], AfterValidator(lambda v: _texts(v, max_length=200))] | None = None
    weight: float | None = Field(None, ge=0, allow_inf_nan=False)
    position: int | None = Field(None, ge=0, le=10_000)


class CallIn(FoldedInput):
    slug: Slug | None = None
    title: Title
    description: Description = {}
    opens_at: datetime
    closes_at: datetime
    timezone: str = Field("Asia/Tokyo", max_length=64)
    places_to_select: int = Field(1, ge=1, le=10_000)
    questions: list[QuestionIn] = []
    criteria: list[CriterionIn] = []

    @field_validator("closes_at")
    @classmethod
    def _closes_after_opening(cls, value: datetime, info: ValidationInfo) -> datetime:
        opens = info.data.get("opens_at")
        if opens is not None and value <= opens:
            raise ValueError(_("The call must close after it opens."))
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return time_zone(value)


class CallUpdate(FoldedInput):
    """The fields of a call to change; questions and criteria change in the admin's own rows."""

    title: Title | None = None
    description: Description | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    timezone: str | None = Field(None, max_length=64)
    places_to_select: int | None = Field(None, ge=1, le=10_000)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else time_zone(value)
