"""JSON shapes of learning activities. Titles are one text per language, ``{"en": …, "ja": …}``."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from renkei.activities.services import SessionIn
from renkei.core.inputs import Moment
from renkei.core.schemas import Page, PageQuery


class TitleOut(Schema):
    en: str = ""
    ja: str = ""


class SpeakerOut(Schema):
    name: str
    title: str
    organisation: str | None
    role: str = Field(description="moderator or speaker")


class SessionOut(Schema):
    id: int
    title: TitleOut
    starts_at: datetime
    ends_at: datetime
    room: str
    speakers: list[SpeakerOut]


class ActivityOut(Schema):
    slug: str
    kind: str
    title: TitleOut
    starts_at: datetime
    ends_at: datetime
    timezone: str
    venue: str
    room: str
    online_url: str
    partnership: str | None
    speakers: list[SpeakerOut] = Field(description="speakers of the activity as a whole, in no one session")
    sessions: list[SessionOut] = Field(description="the agenda, in order")


class ActivityPage(Page[ActivityOut]):
    pass


class ActivityQuery(PageQuery):
    start: Moment | None = Field(None, description="only activities that end at or after this time")
    end: Moment | None = Field(None, description="only activities that start before this time")


class SessionSpeakerIn(Schema):
    name: str = Field(description="the name of a known contact")
    role: str = "speaker"


class SessionApiIn(SessionIn):
    """A session as the API takes it: times without an offset are in the activity's time zone."""

    starts_at: Moment | None = Field(None, description="inside the activity; without an offset, in the "
                                                         "activity's time zone")
    speakers: list[SessionSpeakerIn] = []
