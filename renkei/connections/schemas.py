"""What the connected-population API answers."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from renkei.connections.inputs import KindCode
from renkei.core.schemas import Page, PageQuery


class ConsentOut(Schema):
    id: int
    purpose: str
    scope: str
    given_on: date
    source: str
    withdrawn_at: datetime | None


class PersonOut(Schema):
    id: int
    place: str = Field(description="the place's slug")
    name: str
    is_organisation: bool
    email: str
    kind: str
    since: date
    country: str
    prefecture: str
    stage: int
    activity: str | None
    partnership: str | None
    interactions: int
    last_contact_on: date | None
    notes: str
    reference: str
    is_sample: bool
    updated_at: datetime
    withdrawn_at: datetime | None
    version: int
    may_contact: bool = Field(description="a consent not withdrawn has the scope `contact`")
    consents: list[ConsentOut]


class PersonPage(Page[PersonOut]):
    pass


class PeopleQuery(PageQuery):
    search: str = Field("", max_length=200, description="part of a name, or a reference or e-mail address")
    kind: KindCode | None = Field(None, description="only people connected this way")
    contactable: bool | None = Field(None, description="true: only those a consent still allows contacting; "
                                                        "false: only those none does")


class InteractionOut(Schema):
    id: int
    kind: str
    on: date
    note: str
    imported: bool


class CellOut(Schema):
    key: str
    label: str
    count: int | None = Field(description="null: withheld (fewer than 5, or it would let one be worked out)")


class ConnectionsSeriesOut(Schema):
    kind: str
    counts: list[int | None] = Field(description="connected people at the end of each year (null: withheld)")


class ConnectionsMoveOut(Schema):
    from_stage: int = Field(description="0: joined at to_stage (shown to the place's managers only)")
    to_stage: int
    label: str
    counts: list[int | None] = Field(description="people who made this move in each year (null: withheld)")
    total: int | None


class DashboardOut(Schema):
    place: str
    exact: bool = Field(description="true for the place's focal points and administrators; otherwise small "
                                    "counts are withheld (docs/algorithms/connected-population.md)")
    as_of: date
    total: int | None
    active_last_12_months: int | None
    active_share: float | None = Field(description="per cent")
    by_kind: list[CellOut]
    where: list[CellOut] = Field(description="country, or prefecture in Japan; `other` combines withheld ones")
    funnel: list[CellOut] = Field(description="people who reached at least each engagement stage")
    years: list[int]
    over_time: list[ConnectionsSeriesOut]
    movement_years: list[int]
    movement: list[ConnectionsMoveOut] = Field(description="moves between engagement stages per year of "
                                                            "movement_years")


class ConnectionsRowErrorOut(Schema):
    line: int | None
    field: str
    message: str


class ConnectionsImportOut(Schema):
    rows: int
    created: int
    dry_run: bool
    errors: list[ConnectionsRowErrorOut]


class RetentionOut(Schema):
    place: str
    years: int | None


class ParticipantsOut(Schema):
    created: list[PersonOut]
