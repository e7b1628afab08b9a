"""JSON shapes of learning activities. Titles are one text per language, ``{"en": …, "ja": …}``."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from renkei.activities.inputs import ActivityChange, ActivityIn, SessionChange, SessionIn
from renkei.core.inputs import Moment
from renkei.core.schemas import Page, PageQuery


class TitleOut(Schema):
    en: str = ""
    ja: str = ""


class SpeakerOut(Schema):
    id: int
    session: int | None = Field(None, description="the session's id; null for the activity as a whole")
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
    updated_at: datetime
    version: int


class ActivityOut(Schema):
    id: int
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
    description: dict[str, str]
    is_published: bool
    updated_at: datetime
    version: int


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


class SessionPage(Page[SessionOut]):
    pass


def _local(value, zone: str):
    """A moment given without an offset is read in ``zone`` (the activity's time zone)."""
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    if value is None or not timezone.is_naive(value):
        return value
    return timezone.make_aware(value, ZoneInfo(zone))


class ActivityApiIn(ActivityIn):
    """An activity as the API takes it: times without an offset are in its time zone."""

    starts_at: Moment = Field(description="without an offset, in the activity's time zone")
    ends_at: Moment = Field(description="without an offset, in the activity's time zone")

    def aware(self) -> ActivityIn:
        return self.model_copy(update={"starts_at": _local(self.starts_at, self.timezone),
                                       "ends_at": _local(self.ends_at, self.timezone)})


class ActivityApiChange(ActivityChange):
    starts_at: Moment | None = Field(None, description="without an offset, in the activity's time zone")
    ends_at: Moment | None = Field(None, description="without an offset, in the activity's time zone")

    def aware(self, zone: str) -> ActivityChange:
        zone = self.timezone or zone
        return self.model_copy(update={name: _local(getattr(self, name), zone)
                                       for name in ("starts_at", "ends_at") if name in self.model_fields_set})


class SessionApiChange(SessionChange):
    starts_at: Moment | None = Field(None, description="without an offset, in the activity's time zone")
    ends_at: Moment | None = Field(None, description="without an offset, in the activity's time zone")

    def aware(self, zone: str) -> SessionChange:
        return self.model_copy(update={name: _local(getattr(self, name), zone)
                                       for name in ("starts_at", "ends_at") if name in self.model_fields_set})


class ParticipantOut(Schema):
    id: int
    name: str
    place: str | None
    attended: bool | None
    before_score: int | None = Field(description="self-assessment before, 1–5")
    after_score: int | None = Field(description="self-assessment after, 1–5")
    adopted_later: str
    updated_at: datetime
    version: int


class ParticipantPage(Page[ParticipantOut]):
    pass
