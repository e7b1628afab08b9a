"""What the network services take: one typed input per write, shared by the JSON API, the HTML
forms, the admin, the CSV import and the demo loader (``renkei.core.inputs.parse``).

Places, organisations and themes are named by slug (or code), users by username, members by the
slug of their place or organisation. Money is ``Decimal``; currencies are ISO 4217 codes from the
IATI Currency codelist."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field, field_validator, model_validator

from renkei.core.inputs import Input, SiteLanguage, reject_nul, required


def _key(attribute: str):
    def read(value: Any) -> Any:
        return getattr(value, attribute) if hasattr(value, "_meta") else value
    return read


def currency_code(value: str) -> str:
    from renkei.places.codelists import codelist

    value = (value or "").upper()
    if value not in codelist("Currency"):
        raise ValueError(_("is not an ISO 4217 currency code (e.g. USD, JPY, EUR)"))
    return value


Text = Annotated[str, BeforeValidator(reject_nul)]
RequiredText = Annotated[str, BeforeValidator(reject_nul), AfterValidator(required)]
Slug = Annotated[str, BeforeValidator(_key("slug")), BeforeValidator(reject_nul), Field(max_length=120)]
Currency = Annotated[str, BeforeValidator(reject_nul), AfterValidator(currency_code), Field(max_length=3)]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Factor = Annotated[Decimal, Field(ge=0, max_digits=8, decimal_places=4)]
Texts = dict[SiteLanguage, Annotated[Text, Field(max_length=2000)]]
Tier = Literal["full", "associate", "affiliate"]
Year = Annotated[int, Field(ge=1900, le=2200)]


def _term_year(value: date) -> date:
    if not 1900 <= value.year <= 2200:
        raise ValueError(_("must fall between 1900 and 2200"))
    return value


TermDate = Annotated[date, AfterValidator(_term_year)]  # the scheduler counts terms on from the last one
Source = Literal["membership_fees", "agency_grants", "host_city", "project_income", "sponsorship", "other"]
OfficeKind = Literal["president", "vice_president", "executive_committee", "secretariat"]


class NetworkIn(Input):
    slug: Annotated[str, Field(max_length=120, pattern=r"^[-a-z0-9]+$")]
    name_en: RequiredText = Field(max_length=200)
    name_ja: Text = Field("", max_length=200)
    acronym: Text = Field("", max_length=30)
    host: Slug | None = Field(None, description="the slug of the organisation that hosts the secretariat")
    founded_year: Year | None = None
    regions: list[Annotated[Text, Field(max_length=100)]] = Field(default_factory=list, max_length=50)
    themes: list[Annotated[str, Field(max_length=100)]] = Field(default_factory=list, max_length=100)
    website: Text = Field("", max_length=200)
    description: Texts = Field(default_factory=dict)
    currency: Currency = "USD"
    secretariat: list[Annotated[str, Field(max_length=150)]] = Field(default_factory=list, max_length=50,
                                                                      description="usernames")
    is_sample: bool = False


class NetworkChange(Input):
    """An edit of a network: only the fields given are written."""

    name_en: RequiredText | None = Field(None, max_length=200)
    name_ja: Text | None = Field(None, max_length=200)
    acronym: Text | None = Field(None, max_length=30)
    host: Slug | None = None
    founded_year: Year | None = None
    regions: list[Annotated[Text, Field(max_length=100)]] | None = Field(None, max_length=50)
    website: Text | None = Field(None, max_length=200)
    description: Texts | None = None
    currency: Currency | None = None
    secretariat: list[Annotated[str, Field(max_length=150)]] | None = Field(None, max_length=50)
    hhi_threshold: Decimal | None = Field(None, gt=0, le=1, max_digits=5, decimal_places=4,
                                          description="warn when the funding HHI is above this (0–1)")
    silent_months: int | None = Field(None, ge=1, le=120)
    is_published: bool | None = None

    @field_validator("name_en", "currency", "regions", "is_published", "hhi_threshold", "silent_months")
    @classmethod
    def _not_empty(cls, value: Any) -> Any:
        if value is None:
            raise ValueError(_("is required"))
        return value


class NetworkMemberIn(Input):
    place: Slug | None = Field(None, description="a place's slug; or an organisation, never both")
    organisation: Slug | None = Field(None, description="an organisation's slug")
    tier: Tier = "full"
    region: Text = Field("", max_length=100, description="the network's region the member belongs to")
    joined_on: date | None = None
    left_on: date | None = None
    is_founder: bool = False
    volunteers_for_presidency: bool = False
    representatives: list[Annotated[str, Field(max_length=150)]] = Field(default_factory=list, max_length=20,
                                                                          description="usernames")

    @model_validator(mode="after")
    def _one_of(self):
        if bool(self.place) == bool(self.organisation):
            raise ValueError(_("Name a place or an organisation (one of them)."))
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValueError(_("A member cannot leave before it joined."))
        return self


class NetworkMemberChange(Input):
    tier: Tier | None = None
    region: Text | None = Field(None, max_length=100)
    joined_on: date | None = None
    left_on: date | None = None
    volunteers_for_presidency: bool | None = None
    representatives: list[Annotated[str, Field(max_length=150)]] | None = Field(None, max_length=20)


class NetworkBandIn(Input):
    up_to: int | None = Field(None, ge=0, le=10**12, description="population up to this (none: any larger)")
    factor: Factor


class DuesFormulaIn(Input):
    base: dict[Tier, Money] = Field(description="base amount per tier")
    income_factors: dict[Literal["HIC", "UMC", "LMC", "LIC"], Factor] = Field(default_factory=dict)
    population_bands: list[NetworkBandIn] = Field(default_factory=list, max_length=20)
    floor: Money | None = None
    cap: Money | None = None
    currency: Currency

    @field_validator("base")
    @classmethod
    def _some_base(cls, value: dict) -> dict:
        if not value:
            raise ValueError(_("give a base amount for at least one tier"))
        return value

    @field_validator("population_bands")
    @classmethod
    def _ascending(cls, bands: list[NetworkBandIn]) -> list[NetworkBandIn]:
        limits = [b.up_to for b in bands]
        if None in limits[:-1]:
            raise ValueError(_("only the last population band may be open-ended"))
        numbers = [n for n in limits if n is not None]
        if numbers != sorted(set(numbers)):
            raise ValueError(_("population bands must go up, each larger than the one before"))
        return bands

    @model_validator(mode="after")
    def _floor_below_cap(self):
        if self.floor is not None and self.cap is not None and self.floor > self.cap:
            raise ValueError(_("The floor must not be above the cap."))
        return self

    def stored(self) -> dict:
        return {"base": {k: str(v) for k, v in self.base.items()},
                "income_factors": {k: str(v) for k, v in self.income_factors.items()},
                "population_bands": [{"up_to": b.up_to, "factor": str(b.factor)} for b in self.population_bands],
                "floor": None if self.floor is None else str(self.floor),
                "cap": None if self.cap is None else str(self.cap), "currency": self.currency}


class InvoicesIn(Input):
    year: Year
    due_on: date
    issued_on: date | None = None

    @model_validator(mode="after")
    def _due_after_issue(self):
        if self.issued_on and self.due_on < self.issued_on:
            raise ValueError(_("An invoice cannot fall due before it is issued."))
        return self


class PaymentIn(Input):
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    currency: Currency
    rate: Decimal | None = Field(None, gt=0, max_digits=18, decimal_places=8,
                                 description="units of the invoice currency per unit paid; needed when the "
                                             "currency differs from the invoice's")
    received_on: date
    reference: Text = Field("", max_length=100)


class OfficeIn(Input):
    member: Slug
    kind: OfficeKind
    starts_on: TermDate
    ends_on: TermDate | None = None

    @model_validator(mode="after")
    def _ends_after(self):
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValueError(_("A term cannot end before it starts."))
        return self


class NetworkDecisionIn(Input):
    text: RequiredText = Field(max_length=2000)
    votes_for: int = Field(0, ge=0, le=10000)
    votes_against: int = Field(0, ge=0, le=10000)
    abstentions: int = Field(0, ge=0, le=10000)


class MeetingIn(Input):
    title: RequiredText = Field(max_length=255)
    title_ja: Text = Field("", max_length=255)
    held_on: date
    venue: Text = Field("", max_length=200)
    quorum: int = Field(1, ge=1, le=10000)
    agenda: list[Annotated[Text, Field(max_length=500)]] = Field(default_factory=list, max_length=100)
    attendees: list[Slug] = Field(default_factory=list, max_length=1000, description="members by slug")
    decisions: list[NetworkDecisionIn] = Field(default_factory=list, max_length=100)


class MeetingChange(Input):
    """An edit of a meeting: only the fields given are written; ``attendees`` and ``decisions``, when given,
    replace the lists recorded."""

    title: RequiredText | None = Field(None, max_length=255)
    title_ja: Text | None = Field(None, max_length=255)
    held_on: date | None = None
    venue: Text | None = Field(None, max_length=200)
    quorum: int | None = Field(None, ge=1, le=10000)
    agenda: list[Annotated[Text, Field(max_length=500)]] | None = Field(None, max_length=100)
    attendees: list[Slug] | None = Field(None, max_length=1000, description="members by slug")
    decisions: list[NetworkDecisionIn] | None = Field(None, max_length=100)

    @field_validator("title", "held_on", "quorum")
    @classmethod
    def _not_null(cls, value):
        if value is None:
            raise ValueError(_("is required"))
        return value


class RulesIn(Input):
    term_years: int = Field(2, ge=1, le=10)
    no_consecutive_country: bool = True
    no_consecutive_region: bool = True
    rotate_regions: bool = True
    good_standing_only: bool = True
    volunteers_only: bool = True
    max_terms: int | None = Field(None, ge=1, le=100, description="at most this many terms per member in all")


class ScheduleIn(Input):
    terms: int = Field(ge=1, le=100)
    rules: RulesIn | None = Field(None, description="the rules to use (default: the network's)")
    first_year: Year | None = None


class NetworkTermIn(Input):
    member: Slug
    starts_on: TermDate
    ends_on: TermDate


class PresidencyRecordIn(Input):
    terms: list[NetworkTermIn] = Field(min_length=1, max_length=100)


class FundingIn(Input):
    year: Year
    source: Source
    amount: Money
    note: Text = Field("", max_length=200)


class ProjectIn(Input):
    title: RequiredText = Field(max_length=255)
    title_ja: Text = Field("", max_length=255)
    starts_on: date | None = None
    ends_on: date | None = None
    members: list[Slug] = Field(default_factory=list, max_length=1000)
    partnerships: list[Slug] = Field(default_factory=list, max_length=100)
    activities: list[Slug] = Field(default_factory=list, max_length=100)


class ProjectChange(Input):
    """An edit of a network project: only the fields given are written; the lists given replace the
    links recorded."""

    title: RequiredText | None = Field(None, max_length=255)
    title_ja: Text | None = Field(None, max_length=255)
    starts_on: date | None = None
    ends_on: date | None = None
    members: list[Slug] | None = Field(None, max_length=1000)
    partnerships: list[Slug] | None = Field(None, max_length=100)
    activities: list[Slug] | None = Field(None, max_length=100)

    @field_validator("title")
    @classmethod
    def _not_null(cls, value):
        if value is None:
            raise ValueError(_("is required"))
        return value
