"""What the connected-population services take: one typed input per write, shared by the JSON API,
the forms, the admin, the CSV import and the demo loader (parsed with ``renkei.core.inputs.parse``)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field, field_validator, model_validator

from renkei.connections.models import Kind, Scope
from renkei.connections.regions import PREFECTURES
from renkei.core.inputs import Input, reject_nul, required

KindCode = Literal[tuple(Kind.values)]  # type: ignore[valid-type]
ScopeCode = Literal[tuple(Scope.values)]  # type: ignore[valid-type]
InteractionKind = Literal["visit", "donation", "event", "message", "online", "purchase", "other"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _key(attribute: str):
    def read(value: Any) -> Any:
        return getattr(value, attribute) if hasattr(value, "_meta") else value
    return read


def _empty_none(value: Any) -> Any:
    return None if value == "" else value


def _past_or_today(value: date | None) -> date | None:
    if value is None:
        return value
    if value.year < 1900:
        raise ValueError(_("must be in 1900 or later"))
    if value > timezone.localdate():
        raise ValueError(_("must not be in the future"))
    return value


def _country(value: str) -> str:
    import pycountry

    value = value.upper()
    if not re.fullmatch(r"[A-Z]{2}", value) or pycountry.countries.get(alpha_2=value) is None:
        raise ValueError(_("must be an ISO 3166-1 country code such as JP or ID"))
    return value


def _prefecture(value: str) -> str:
    if value and value.zfill(2) not in PREFECTURES:
        raise ValueError(_("must be a prefecture code from 01 to 47"))
    return value.zfill(2) if value else value


def _email(value: str) -> str:
    if value and not _EMAIL.match(value):
        raise ValueError(_("must be an e-mail address"))
    return value


Text = Annotated[str, BeforeValidator(reject_nul)]
RequiredText = Annotated[str, BeforeValidator(reject_nul), AfterValidator(required)]
PastDate = Annotated[date, AfterValidator(_past_or_today)]
OptionalPastDate = Annotated[date | None, BeforeValidator(_empty_none), AfterValidator(_past_or_today)]
Slug = Annotated[Annotated[str, Field(max_length=120)] | None, BeforeValidator(_key("slug")),
                 BeforeValidator(_empty_none)]


class ConsentIn(Input):
    """The consent that allows keeping someone's record: what for, how far, when and how it was given."""

    purpose: RequiredText = Field(max_length=300, description="what the record is kept for")
    scope: ScopeCode = Field("record", description="record: keep and count; contact: keep, count and contact")
    given_on: PastDate
    source: RequiredText = Field(max_length=200, description="how it was given: a signed form, an e-mail…")


class PersonFields(Input):
    name: RequiredText = Field(max_length=200)
    is_organisation: bool = False
    email: Annotated[Text, AfterValidator(_email)] = Field("", max_length=254)
    kind: KindCode
    since: PastDate
    country: Annotated[str, BeforeValidator(reject_nul), AfterValidator(_country)] = Field(max_length=2)
    prefecture: Annotated[Text, AfterValidator(_prefecture)] = Field("", max_length=2,
                                                                    description="JIS code 01–47, in Japan only")
    stage: int = Field(1, ge=1, le=5, description="1 visitor … 5 repeat contributor")
    activity: Slug = Field(None, description="the learning activity it came through (slug)")
    partnership: Slug = Field(None, description="the partnership it came through (slug)")
    interactions: int = Field(0, ge=0, le=1_000_000)
    last_contact_on: OptionalPastDate = None
    notes: Text = Field("", max_length=2000)
    reference: Text = Field("", max_length=64)
    is_sample: bool = False


class PersonIn(PersonFields):
    """A new connected person: never without a consent."""

    consent: ConsentIn

    @model_validator(mode="after")
    def _prefecture_in_japan(self):
        if self.prefecture and self.country != "JP":
            raise ValueError(_("a prefecture goes with the country JP only"))
        return self


class PersonChange(Input):
    """An edit: only the fields given are written."""

    name: RequiredText | None = Field(None, max_length=200)
    is_organisation: bool | None = None
    email: Annotated[Text, AfterValidator(_email)] | None = Field(None, max_length=254)
    kind: KindCode | None = None
    since: PastDate | None = None
    country: Annotated[str, BeforeValidator(reject_nul), AfterValidator(_country)] | None = Field(None, max_length=2)
    prefecture: Annotated[Text, AfterValidator(_prefecture)] | None = Field(None, max_length=2)
    stage: int | None = Field(None, ge=1, le=5)
    activity: Slug = None
    partnership: Slug = None
    notes: Text | None = Field(None, max_length=2000)
    reference: Text | None = Field(None, max_length=64)

    @field_validator("name", "kind", "since", "country", "stage")
    @classmethod
    def _not_null(cls, value):
        if value is None:
            raise ValueError(_("is required"))
        return value


class InteractionIn(Input):
    kind: InteractionKind
    on: PastDate
    note: Text = Field("", max_length=300)
    stage: int | None = Field(None, ge=1, le=5, description="the engagement stage this contact brought them to "
                                                             "(recorded as a stage change on its date)")

    @field_validator("stage", mode="before")
    @classmethod
    def _blank_stage(cls, value):
        return None if value == "" else value


class ParticipantsIn(Input):
    """Activity participants who consented, added to a place's connected population in one step."""

    place: Annotated[str, BeforeValidator(_key("slug")), Field(max_length=120)]
    participants: list[int] = Field(min_length=1, max_length=1000, description="participant ids")
    kind: KindCode = "training_alumnus"
    consent: ConsentIn


class RetentionIn(Input):
    years: int | None = Field(None, ge=1, le=100, description="erase after this many years without contact; "
                                                              "empty: keep")
