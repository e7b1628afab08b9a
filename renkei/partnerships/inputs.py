"""What the partnership services take: one typed input per write, shared by the JSON API, the
HTML forms, the admin and the demo loader. Each is parsed with ``renkei.core.inputs.parse``, so a
bad field gets the same message in the reader's language wherever it came from.

Places, organisations, programmes and themes are named by slug (or code), focal points by user id;
code running in the same process may pass the objects themselves, which are read as their keys."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field, field_validator

from renkei.core.inputs import Input, SiteLanguage, reject_nul


def _key(attribute: str):
    def read(value: Any) -> Any:
        return getattr(value, attribute) if hasattr(value, "_meta") else value  # a model instance
    return read


def _required(value: str) -> str:
    if not value:
        raise ValueError(_("is required"))
    return value


Text = Annotated[str, BeforeValidator(reject_nul)]
RequiredText = Annotated[str, BeforeValidator(reject_nul), AfterValidator(_required)]
Slug = Annotated[str, BeforeValidator(_key("slug")), Field(max_length=120)]
ThemeCode = Annotated[str, BeforeValidator(_key("code")), Field(max_length=100)]
UserId = Annotated[int, BeforeValidator(_key("pk"))]
Texts = dict[SiteLanguage, Text]

PartnershipKind = Literal["bilateral", "triangular", "network"]
PartnershipStatus = Literal["proposed", "agreed", "active", "suspended", "completed", "closed"]


class TitleIn(Input):
    """A title per language; English is required (partnerships are listed by it)."""

    en: RequiredText = Field(max_length=255)
    ja: Text = Field("", max_length=255)


class MemberIn(Input):
    place: Slug | None = Field(None, description="a place's slug; or an organisation, never both")
    organisation: Slug | None = Field(None, description="an organisation's slug")
    role: Literal["1", "2", "3", "4"] = Field("4", description="IATI OrganisationRole: 1 funding, 2 accountable, "
                                                              "3 extending, 4 implementing")
    focal_points: list[UserId] = Field(default_factory=list, max_length=50, description="user ids")


class PartnershipIn(Input):
    title: TitleIn
    kind: PartnershipKind
    members: list[MemberIn] = Field(default_factory=list, max_length=100)
    programme: Slug | None = None
    themes: list[ThemeCode] = Field(default_factory=list, max_length=100)
    description: Texts = Field(default_factory=dict)
    starts_on: date | None = None
    status: PartnershipStatus = "proposed"


class PartnershipChange(Input):
    """An edit of a partnership: only the fields given are written. The status is not here: it
    changes through ``status_change``, one legal step at a time, with a reason."""

    slug: Slug | None = Field(None, pattern=r"^[-a-zA-Z0-9_]+$")
    title: TitleIn | None = None
    kind: PartnershipKind | None = None
    programme: Slug | None = None
    application: int | None = Field(None, description="the id of the application it grew from")
    themes: list[ThemeCode] | None = Field(None, max_length=100)
    description: Texts | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    last_activity_on: date | None = None
    is_published: bool | None = None

    @field_validator("slug", "title", "kind", "themes", "description", "is_published")
    @classmethod
    def _not_empty(cls, value: Any) -> Any:
        if value is None:
            raise ValueError(_("is required"))
        return value


class StatusIn(Input):
    to: PartnershipStatus = Field(description="the next status; only legal steps are taken")
    reason: Text = Field(max_length=2000)

    @field_validator("reason")
    @classmethod
    def _reason_given(cls, value: str) -> str:
        if not value:
            raise ValueError(_("Say why the status changes."))
        return value


class SignatoryIn(Input):
    name: Text = Field("", max_length=200)
    title: Text = Field("", max_length=200)
    organisation: Text = Field("", max_length=200)


class AgreementIn(Input):
    kind: Literal["mou", "loi", "sister"] = Field(description="mou, loi or sister")
    signed_on: date | None = Field(None, validate_default=True)
    signed_at: Text = Field("", max_length=200)
    signatories: list[SignatoryIn] = Field(default_factory=list, max_length=50)
    themes: list[ThemeCode] = Field(default_factory=list, max_length=100)
    term_years: int | None = None
    signed_by_both_heads: bool = False
    budget_approved_by_assembly: bool = False

    @field_validator("signed_on")
    @classmethod
    def _signed_in_the_past(cls, value: date | None) -> date:
        if value is None:
            raise ValueError(_("is required"))
        if value > timezone.localdate():
            raise ValueError(_("An agreement cannot be signed in the future."))
        return value

    @field_validator("term_years")
    @classmethod
    def _term(cls, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= 99:
            raise ValueError(_("must be from 1 to 99 years"))
        return value

    @field_validator("signatories")
    @classmethod
    def _named(cls, value: list[SignatoryIn]) -> list[SignatoryIn]:
        nameless = [n for n, s in enumerate(value, start=1) if not s.name]
        if nameless:
            raise ValueError(_("Signatory %(n)s has no name.") % {"n": nameless[0]})
        return value


class ActionIn(Input):
    """An item of the action plan, under its objective (made when new)."""

    objective: RequiredText = Field(max_length=500)
    action: RequiredText = Field(max_length=500)
    owner: Slug | None = Field(None, description="the slug of the place that carries it out")
    due_on: date | None = None
    budget_eur: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)


class PilotIn(Input):
    title: Texts
    objective: Texts = Field(default_factory=dict)
    location: Slug | None = Field(None, description="the slug of the place where it runs")
    budget_eur: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    status: Literal["planned", "running", "finished"] = "planned"

    @field_validator("title")
    @classmethod
    def _titled(cls, value: dict[str, str] | None) -> dict[str, str]:
        if value is None or not any(text.strip() for text in value.values()):
            raise ValueError(_("is required"))
        if any(len(text) > 500 for text in value.values()):
            raise ValueError(_("must be at most %(n)s characters") % {"n": 500})
        return value


class MemberChange(Input):
    """A member's IATI role or focal points; only the fields given are written."""

    role: Literal["1", "2", "3", "4"] | None = Field(None, description="IATI OrganisationRole")
    focal_points: list[UserId] | None = Field(None, max_length=50, description="user ids (the whole list)")


class ObjectiveIn(Input):
    """An objective of the action plan, one text per language (English or Japanese at least)."""

    text: Texts
    position: int | None = Field(None, ge=0, le=10_000)

    @field_validator("text")
    @classmethod
    def _written(cls, value: dict[str, str] | None) -> dict[str, str]:
        if value is None or not any(text.strip() for text in value.values()):
            raise ValueError(_("is required"))
        if any(len(text) > 500 for text in value.values()):
            raise ValueError(_("must be at most %(n)s characters") % {"n": 500})
        return value


class ObjectiveChange(ObjectiveIn):
    text: Texts | None = None  # type: ignore[assignment]


ActionStatus = Literal["planned", "in_progress", "done", "dropped"]


class ActionChange(Input):
    """An item of the action plan to change; only the fields given are written."""

    title: Texts | None = None
    owner: Slug | None = Field(None, description="the slug of the place that carries it out")
    starts_on: date | None = None
    due_on: date | None = None
    status: ActionStatus | None = None
    budget_eur: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)

    @field_validator("title")
    @classmethod
    def _titled(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is None or not any(text.strip() for text in value.values()):
            raise ValueError(_("is required"))
        if any(len(text) > 500 for text in value.values()):
            raise ValueError(_("must be at most %(n)s characters") % {"n": 500})
        return value

    @field_validator("status")
    @classmethod
    def _status_given(cls, value: str | None) -> str:
        if value is None:
            raise ValueError(_("is required"))
        return value


class ActionUnderIn(Input):
    """A new action under an objective already in the plan."""

    title: Texts
    owner: Slug | None = Field(None, description="the slug of the place that carries it out")
    starts_on: date | None = None
    due_on: date | None = None
    status: ActionStatus = "planned"
    budget_eur: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)

    @field_validator("title")
    @classmethod
    def _titled(cls, value: dict[str, str]) -> dict[str, str]:
        if not any(text.strip() for text in value.values()):
            raise ValueError(_("is required"))
        if any(len(text) > 500 for text in value.values()):
            raise ValueError(_("must be at most %(n)s characters") % {"n": 500})
        return value


class MilestoneIn(Input):
    title: Texts
    due_on: date
    done_on: date | None = None

    @field_validator("title")
    @classmethod
    def _titled(cls, value: dict[str, str] | None) -> dict[str, str]:
        if value is None or not any(text.strip() for text in value.values()):
            raise ValueError(_("is required"))
        if any(len(text) > 500 for text in value.values()):
            raise ValueError(_("must be at most %(n)s characters") % {"n": 500})
        return value


class MilestoneChange(MilestoneIn):
    title: Texts | None = None  # type: ignore[assignment]
    due_on: date | None = None  # type: ignore[assignment]

    @field_validator("due_on")
    @classmethod
    def _due_given(cls, value: date | None) -> date:
        if value is None:
            raise ValueError(_("is required"))
        return value


class PilotChange(PilotIn):
    """A pilot to change; only the fields given are written."""

    title: Texts | None = None  # type: ignore[assignment]
    status: Literal["planned", "running", "finished"] | None = None  # type: ignore[assignment]
    results: Texts | None = None

    @field_validator("status")
    @classmethod
    def _status_given(cls, value: str | None) -> str:
        if value is None:
            raise ValueError(_("is required"))
        return value
