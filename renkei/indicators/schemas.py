"""The JSON shapes of the indicator API (inputs are in ``inputs.py``)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from renkei.core.schemas import Page, PageQuery


class TextsOut(Schema):
    en: str = ""
    ja: str = ""


class ClassOut(Schema):
    framework: str
    code: str
    name: TextsOut


class FrameworkOut(Schema):
    code: str
    name: TextsOut
    url: str
    classes: list[ClassOut]


class IndicatorOut(Schema):
    code: str
    name: TextsOut
    definition: TextsOut
    unit: str
    range: list[float | None] = Field(description="the lowest and highest value the unit allows (null: no bound)")
    direction: str = Field(description="higher or lower (is better)")
    frameworks: list[str]
    classes: list[str] = Field(description="framework:code")
    themes: list[str]
    disaggregations: list[str]
    custom: bool
    version: int
    updated_at: datetime


class IndicatorPage(Page[IndicatorOut]):
    pass


class IndicatorFilters(PageQuery):
    q: str = Field("", max_length=200, description="words in the code or name")
    framework: str = Field("", max_length=40, description="sdg11, sendai, iso37120 …")
    theme: str = Field("", max_length=100, description="a theme code of the taxonomy")
    custom: bool | None = Field(None, description="only custom (true) or only shipped (false) indicators")


class ValueOut(Schema):
    id: int
    place: str
    indicator: str
    year: int
    period: str
    disaggregation: str
    value: float
    source: str
    note: str
    entered_by: str | None
    entered_at: datetime
    updated_at: datetime = Field(
        description="when this value was entered (a change is a new value; the old one a revision)")
    revisions: int


class ValuePage(Page[ValueOut]):
    pass


class ValueFilters(PageQuery):
    place: str = Field("", max_length=120, description="a place's URL name")
    indicator: str = Field("", max_length=40, description="an indicator's code")
    year: int | None = Field(None, ge=1900, le=2100)


class RevisionOut(Schema):
    value: float
    source: str
    note: str
    entered_by: str | None
    entered_at: datetime
    replaced_at: datetime


class RowErrorOut(Schema):
    line: int | None
    field: str
    message: str


class ImportOut(Schema):
    rows: int
    created: int
    revised: int
    unchanged: int
    dry_run: bool
    errors: list[RowErrorOut] = Field(description="every bad row by line; when there is one, nothing was written")


class PeerGroupOut(Schema):
    slug: str
    name: TextsOut
    kind: str
    criteria: dict
    places: list[str]
    owner: str | None
    shared: bool
    version: int
    updated_at: datetime


class PeerGroupPage(Page[PeerGroupOut]):
    pass


class RankOut(Schema):
    indicator: str
    name: str
    unit: str
    direction: str
    value: float | None = Field(description="the place's latest value in the window; null: missing")
    year: int | None
    peers: int = Field(description="peers with a value (the place excluded)")
    percentile: float | None = Field(description="share of those peers the place does better than (ties count half)")
    status: str = Field(description="ranked, missing, or too_few (fewer peers with a value than min_peers)")
    median: float | None
    low: float | None
    high: float | None


class MemberValueOut(Schema):
    place: str
    name: str
    value: float | None
    year: int | None


class SeriesOut(Schema):
    year: int
    value: float | None
    peers_median: float | None


class BenchmarkOut(Schema):
    place: str
    group: str | None = Field(description="the saved group's URL name, or null for an ad-hoc one")
    kind: str
    members: list[str]
    first_year: int
    last_year: int
    min_peers: int
    indicators: list[RankOut]
    selected: str | None
    distribution: list[MemberValueOut]
    series: list[SeriesOut]


class BenchmarkQuery(Schema):
    group: str = Field("", max_length=120, description="a saved peer group's URL name")
    kind: str = Field("", max_length=10, description="an ad-hoc group: filter, list, cohort or similar (default)")
    country: list[str] = Field(default_factory=list, description="filter/similar: ISO country codes")
    region: str = Field("", max_length=120, description="filter: places within this region")
    level: list[str] = Field(default_factory=list, description="filter: country, region, city")
    income: list[str] = Field(default_factory=list, description="filter: LIC, LMC, UMC, HIC")
    theme: list[str] = Field(default_factory=list, description="filter: places with a need or expertise on it")
    min_population: int | None = Field(None, ge=0, le=10**10)
    max_population: int | None = Field(None, ge=0, le=10**10)
    places: str = Field("", max_length=20_000, description="list: the places' URL names, separated by commas")
    programme: str = Field("", max_length=120, description="cohort: the programme's URL name")
    selected: bool = Field(False, description="cohort: only the places selected")
    top: int | None = Field(None, ge=1, le=200, description="similar: how many places (default 20)")
    year: int | None = Field(None, ge=1900, le=2100, description="the window's last year (default: the place's "
                             "latest year with a value)")
    window: int = Field(5, ge=1, le=50, description="years in the window")
    indicator: str = Field("", max_length=40, description="the indicator whose distribution and series are given")
