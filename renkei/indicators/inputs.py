"""What the indicator services take: one typed input per write, shared by the JSON API, the HTML
forms, the admin and the CSV import. Places are named by slug, indicators by code."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field, field_validator

from renkei.core.inputs import Input, reject_nul, required
from renkei.indicators.models import Direction, Unit


def _key(attribute: str):
    def read(value: Any) -> Any:
        return getattr(value, attribute) if hasattr(value, "_meta") else value  # a model instance
    return read


Text = Annotated[str, BeforeValidator(reject_nul)]
RequiredText = Annotated[str, BeforeValidator(reject_nul), AfterValidator(required)]
Slug = Annotated[str, BeforeValidator(_key("slug")), BeforeValidator(reject_nul), Field(max_length=120)]
Code = Annotated[str, BeforeValidator(_key("code")), BeforeValidator(reject_nul), Field(max_length=100)]
Dimension = Literal["sex", "age", "disability"]
DIMENSIONS = ("sex", "age", "disability")
GROUPS = {"sex": ("female", "male", "other"), "disability": ("yes", "no")}
_AGE = re.compile(r"^(\d{1,3})(-(\d{1,3})|\+)$")
_QUARTER = re.compile(r"^[qQ]([1-4])$")
_SPAN = re.compile(r"^(?:(\d{4})-)?(\d{2})-(\d{2})/(?:(\d{4})-)?(\d{2})-(\d{2})$")
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
MIN_YEAR, MAX_YEAR = 1900, 2100


def normal_period(period: str, year: int) -> str:
    """The stored form of a period within ``year``: "" (the whole year), "Q1"–"Q4", or "MM-DD/MM-DD"
    (a start and an end; "YYYY-MM-DD/YYYY-MM-DD" is read too, its years must be ``year``). ValueError
    says what is wrong."""
    period = (period or "").strip()
    if not period:
        return ""
    if match := _QUARTER.match(period):
        return f"Q{match.group(1)}"
    match = _SPAN.match(period)
    if match is None:
        raise ValueError(_("use Q1 to Q4, or a start and an end within the year like 04-01/09-30"))
    y1, m1, d1, y2, m2, d2 = match.groups()
    if any(y is not None and int(y) != year for y in (y1, y2)):
        raise ValueError(_("must lie within the year %(year)s") % {"year": year})
    try:
        start, end = date(year, int(m1), int(d1)), date(year, int(m2), int(d2))
    except ValueError:
        raise ValueError(_("is not a real date")) from None
    if end < start:
        raise ValueError(_("must end on or after its start"))
    return f"{start:%m-%d}/{end:%m-%d}"


def normal_disaggregation(text: str) -> str:
    """The stored form of a disaggregation: "" (everyone) or "dimension:group" — ``sex:female``,
    ``age:65+``, ``age:15-24``, ``disability:yes``. ValueError says what is wrong."""
    text = (text or "").strip().lower().replace(" ", "")
    if not text or text == "total":
        return ""
    dimension, _sep, group = text.partition(":")
    if dimension not in DIMENSIONS or not group:
        raise ValueError(_("use sex:female, age:65+, disability:yes and the like"))
    if dimension in GROUPS and group not in GROUPS[dimension]:
        raise ValueError(_("%(dimension)s is one of: %(groups)s") % {
            "dimension": dimension, "groups": ", ".join(GROUPS[dimension])})
    if dimension == "age":
        match = _AGE.match(group)
        if match is None or (match.group(3) is not None and int(match.group(3)) < int(match.group(1))):
            raise ValueError(_("an age group is like 65+ or 15-24"))
    return f"{dimension}:{group}"


def finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(_("must be a finite number"))
    return value


class NameIn(Input):
    """A name per language; English is required (the catalogue is listed by it)."""

    en: RequiredText = Field(max_length=500)
    ja: Text = Field("", max_length=500)


class TextsIn(Input):
    en: Text = Field("", max_length=5000)
    ja: Text = Field("", max_length=5000)


class IndicatorIn(Input):
    code: Annotated[str, BeforeValidator(reject_nul), Field(max_length=40, pattern=CODE_PATTERN)]
    name: NameIn
    definition: TextsIn = Field(default_factory=TextsIn)
    unit: Unit
    direction: Direction = Direction.HIGHER
    frameworks: list[Code] = Field(default_factory=list, max_length=20, description="framework codes")
    classes: list[Annotated[str, BeforeValidator(reject_nul), Field(max_length=90)]] = Field(
        default_factory=list, max_length=50, description="classifications as framework:code, e.g. iso37120:safety")
    themes: list[Code] = Field(default_factory=list, max_length=50, description="theme codes of the taxonomy")
    disaggregations: list[Dimension] = Field(default_factory=list, max_length=3)


class IndicatorChange(Input):
    """An edit of an indicator: only the fields given are written; the code stays."""

    name: NameIn | None = None
    definition: TextsIn | None = None
    unit: Unit | None = None
    direction: Direction | None = None
    frameworks: list[Code] | None = Field(None, max_length=20)
    classes: list[Annotated[str, BeforeValidator(reject_nul), Field(max_length=90)]] | None = Field(None, max_length=50)
    themes: list[Code] | None = Field(None, max_length=50)
    disaggregations: list[Dimension] | None = Field(None, max_length=3)


class ValueIn(Input):
    """One value: a new one for the same place, indicator, year, period and disaggregation keeps the
    old one as a revision."""

    place: Slug = Field(description="the place's URL name")
    indicator: Code = Field(description="the indicator's code")
    year: int = Field(ge=MIN_YEAR, le=MAX_YEAR)
    value: Annotated[float, AfterValidator(finite)]
    source: RequiredText = Field(max_length=500)
    note: Text = Field("", max_length=5000)
    period: Text = Field("", max_length=40, description='"" (the whole year), Q1–Q4, or MM-DD/MM-DD')
    disaggregation: Text = Field("", max_length=40, description='"" (everyone), sex:female, age:65+, disability:yes …')

    @field_validator("disaggregation")
    @classmethod
    def _disaggregation(cls, value: str) -> str:
        return normal_disaggregation(value)


class CriteriaIn(Input):
    """How a group's places are found (what applies depends on the group's kind)."""

    countries: list[Annotated[str, Field(max_length=2)]] = Field(default_factory=list, max_length=300)
    region: Slug | None = Field(None, description="places within this region (a place's URL name)")
    levels: list[Literal["country", "region", "city"]] = Field(default_factory=list, max_length=3)
    min_population: int | None = Field(None, ge=0, le=10**10)
    max_population: int | None = Field(None, ge=0, le=10**10)
    income_groups: list[Literal["LIC", "LMC", "UMC", "HIC"]] = Field(default_factory=list, max_length=4)
    themes: list[Code] = Field(default_factory=list, max_length=50, description="places with a need or "
                               "expertise on one of these themes")
    programme: Slug | None = Field(None, description="cohort: the places that applied to this programme's calls")
    selected_only: bool = Field(False, description="cohort: only the places selected")
    place: Slug | None = Field(None, description="similar: the place the others should be like")
    top: int = Field(20, ge=1, le=200, description="similar: how many places")


class PeerGroupIn(Input):
    name: NameIn
    kind: Literal["filter", "list", "cohort", "similar"]
    criteria: CriteriaIn = Field(default_factory=CriteriaIn)
    places: list[Slug] = Field(default_factory=list, max_length=2000, description="by hand: the places' URL names")
    shared: bool = False
    slug: Annotated[str, Field(max_length=120, pattern=r"^[-a-zA-Z0-9_]+$")] | None = None


class PeerGroupChange(Input):
    name: NameIn | None = None
    criteria: CriteriaIn | None = None
    places: list[Slug] | None = Field(None, max_length=2000)
    shared: bool | None = None
