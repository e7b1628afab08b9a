"""The JSON shapes of the networks API (what it answers; what it takes is in inputs.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from renkei.core.schemas import Page, PageQuery


class NetworkMemberOut(Schema):
    key: str = Field(description="the slug of the member's place or organisation")
    name: str
    place: str | None
    organisation: str | None
    country: str
    tier: str
    region: str
    joined_on: date | None
    left_on: date | None
    is_founder: bool
    volunteers_for_presidency: bool


class NetworkOfficeOut(Schema):
    kind: str
    member: str
    starts_on: date
    ends_on: date | None


class NetworkOut(Schema):
    """The public face of a network: no money."""

    slug: str
    name_en: str
    name_ja: str
    acronym: str
    host: str | None
    founded_year: int | None
    regions: list[str]
    website: str
    currency: str
    is_sample: bool = Field(description="its figures are sample data")
    members: list[NetworkMemberOut]
    offices: list[NetworkOfficeOut]
    updated_at: datetime


class NetworkPage(Page[NetworkOut]):
    pass


class NetworkDuesOut(Schema):
    member: str
    name: str
    tier: str
    amount: Decimal
    base: Decimal
    income_factor: Decimal
    population_factor: Decimal
    limited: str = Field(description="'floor' or 'cap' when a bound moved the amount")
    invoiced: Decimal | None = Field(description="the live invoice of that year, if any")


class NetworkPreviewIn(Schema):
    year: int = Field(ge=1900, le=2200)
    formula: dict | None = Field(None, description="a formula to try (default: the stored one); nothing is written")


class NetworkPaymentOut(Schema):
    id: int
    received_on: date
    amount: Decimal
    currency: str
    rate: Decimal
    amount_in_invoice_currency: Decimal
    reference: str


class NetworkInvoiceOut(Schema):
    id: int
    number: str
    member: str
    year: int
    currency: str
    amount: Decimal
    paid: Decimal
    balance: Decimal
    issued_on: date
    due_on: date
    status: str
    reminders_sent: int
    breakdown: dict
    payments: list[NetworkPaymentOut]
    updated_at: datetime = Field(description="when the invoice last changed (a payment, a reminder, its status)")


class NetworkInvoicePage(Page[NetworkInvoiceOut]):
    pass


class NetworkInvoiceQuery(PageQuery):
    year: int | None = Field(None, ge=1900, le=2200)
    status: str | None = Field(None, pattern="^(open|paid|cancelled)$")


class NetworkArrearsOut(Schema):
    member: str
    name: str
    owed: Decimal
    currency: str


class NetworkStatementLineOut(Schema):
    on: date
    what: str
    reference: str
    debit: Decimal
    credit: Decimal
    balance: Decimal
    currency: str
    note: str


class NetworkRemindersOut(Schema):
    overdue: int = Field(description="overdue invoices; their reminders are sent by a background task")


class NetworkProposalOut(Schema):
    term: int
    starts_year: int
    ends_year: int
    member: str
    name: str
    country: str
    region: str
    reason: str


class NetworkScheduleOut(Schema):
    ok: bool
    first_year: int
    eligible: int
    proposals: list[NetworkProposalOut]
    refused_by: str | None = Field(description="the rule that makes a schedule impossible")
    reason: str | None


class NetworkFundingYearOut(Schema):
    year: int
    total: Decimal
    by_source: dict[str, Decimal]
    hhi: Decimal | None = Field(description="Herfindahl–Hirschman index of the sources' shares, 0–1")
    largest_source: str
    largest_share: Decimal | None
    warning: bool = Field(description="the HHI is above the network's threshold")


class NetworkFundingOut(Schema):
    currency: str
    threshold: Decimal
    years: list[NetworkFundingYearOut]


class NetworkEngagementOut(Schema):
    member: str
    name: str
    meetings_this_year: list[str]
    projects_this_year: list[str]
    last_seen: date | None
    silent: bool


class NetworkCreatedOut(Schema):
    id: int


class NetworkDecisionOut(Schema):
    text: str
    votes_for: int
    votes_against: int
    abstentions: int
    adopted: bool


class NetworkMeetingOut(Schema):
    id: int
    title: str
    title_ja: str
    held_on: date
    venue: str
    quorum: int
    quorate: bool = Field(description="at least `quorum` members present")
    agenda: list[str]
    attendees: list[str] = Field(description="members present, by slug")
    decisions: list[NetworkDecisionOut]


class NetworkProjectOut(Schema):
    id: int
    title: str
    title_ja: str
    starts_on: date | None
    ends_on: date | None
    members: list[str]
    partnerships: list[str]
    activities: list[str]


class NetworkIssuedOut(Schema):
    issued: list[NetworkInvoiceOut]
