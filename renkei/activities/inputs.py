"""Typed inputs of the learning-activity services, shared by the API, the forms and the admin."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from pydantic import AfterValidator, Field, field_validator, model_validator

from renkei.activities.models import Activity
from renkei.core.inputs import Input, reject_nul, required
from renkei.core.text import compact
from renkei.core.timezones import is_zone


class TitleIn(Input):
    """A title per language; at least one of them."""

    en: str = Field("", max_length=255)
    ja: str = Field("", max_length=255)

    _no_nul = field_validator("en", "ja")(reject_nul)

    @model_validator(mode="after")
    def _one_language(self):
        if not (self.en or self.ja):
            raise ValueError(_("is required (in at least one language)"))
        return self

    def texts(self) -> dict[str, str]:
        return compact({"en": self.en, "ja": self.ja})


class ActivityIn(Input):
    kind: str
    title: TitleIn
    starts_at: datetime
    ends_at: datetime
    timezone: str = Field("Asia/Tokyo", max_length=64)
    venue: str = Field("", max_length=255)
    room: str = Field("", max_length=100)
    online_url: str = Field("", max_length=200)
    description: dict[str, str] = {}
    partnership: str | None = Field(None, max_length=120, description="the partnership's URL name")
    slug: str | None = Field(None, max_length=120, pattern=r"^[-a-zA-Z0-9_]+$")
    is_published: bool = True

    _no_nul = field_validator("venue", "room", "online_url")(reject_nul)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in Activity.Kind.values:
            raise ValueError(_("unknown type of activity"))
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if not is_zone(value):
            raise ValueError(_("%(tz)s is not a time zone") % {"tz": value})
        return value

    @field_validator("online_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if value and not value.lower().startswith(("http://", "https://")):
            raise ValueError(_("must be a web address starting with http:// or https://"))
        return value


class SessionIn(Input):
    title: TitleIn
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    room: str = Field("", max_length=100)

    _no_nul = field_validator("room")(reject_nul)


def _score(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= 5:
        raise ValueError(_("must be from 1 to 5"))
    return value


class ParticipantIn(Input):
    name: Annotated[str, Field(max_length=200), AfterValidator(required)]
    attended: bool | None = None
    before_score: int | None = None
    after_score: int | None = None
    adopted_later: str = ""

    _no_nul = field_validator("name", "adopted_later")(reject_nul)

    _scores = field_validator("before_score", "after_score")(_score)


class AssessmentIn(Input):
    """A participant's attendance and self-assessment: only the fields given are written."""

    attended: bool | None = None
    before_score: int | None = None
    after_score: int | None = None
    adopted_later: str = ""

    _no_nul = field_validator("adopted_later")(reject_nul)
    _scores = field_validator("before_score", "after_score")(_score)


def _known_zone(value: str | None) -> str | None:
    if value is not None and not is_zone(value):
        raise ValueError(_("%(tz)s is not a time zone") % {"tz": value})
    return value


def _web_address(value: str | None) -> str | None:
    if value and not value.lower().startswith(("http://", "https://")):
        raise ValueError(_("must be a web address starting with http:// or https://"))
    return value


def _not_null(value):
    if value is None:
        raise ValueError(_("is required"))
    return value


class ActivityChange(Input):
    """The fields of an activity to change; the others stay as they are."""

    kind: str | None = None
    title: TitleIn | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    timezone: str | None = Field(None, max_length=64)
    venue: str | None = Field(None, max_length=255)
    room: str | None = Field(None, max_length=100)
    online_url: str | None = Field(None, max_length=200)
    description: dict[Annotated[str, Field(max_length=8)], Annotated[str, Field(max_length=20_000)]] | None = None
    follow_up: dict[Annotated[str, Field(max_length=8)], Annotated[str, Field(max_length=20_000)]] | None = None
    partnership: str | None = Field(None, max_length=120, description="the partnership's URL name; null for none")
    is_published: bool | None = None

    _no_nul = field_validator("venue", "room", "online_url")(reject_nul)
    _required = field_validator("kind", "title", "starts_at", "ends_at", "timezone", "venue", "room", "online_url",
                                "description", "follow_up", "is_published")(_not_null)
    _zone = field_validator("timezone")(_known_zone)
    _url = field_validator("online_url")(_web_address)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in Activity.Kind.values:
            raise ValueError(_("unknown type of activity"))
        return value


class SessionChange(Input):
    """The fields of a session to change."""

    title: TitleIn | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    room: str | None = Field(None, max_length=100)

    _no_nul = field_validator("room")(reject_nul)
    _required = field_validator("title", "starts_at", "ends_at", "room")(_not_null)


class SpeakerIn(Input):
    """A speaker or moderator: a known contact, named as in the contact list, in one session or (none) the
    activity as a whole."""

    name: Annotated[str, Field(max_length=200), AfterValidator(required)] = Field(
        description="the name of a known contact")
    role: Literal["speaker", "moderator"] = "speaker"
    session: int | None = Field(None, description="the session's id; none for the activity as a whole")

    _no_nul = field_validator("name")(reject_nul)
