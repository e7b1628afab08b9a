"""Reads of learning activities: what a viewer may see, the month of the calendar, the agenda by
day, speakers who may be shown, the learning gain."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role
from renkei.activities.models import Activity, Participant, Session, Speaker
from renkei.core.errors import NotAllowed, NotFound
from renkei.places.permissions import can_see_private_contacts

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User


def activity_list(*, viewer: User | AnonymousUser, start: datetime | None = None,
                  end: datetime | None = None) -> QuerySet[Activity]:
    """Published activities; officers and administrators see unpublished ones too. ``start`` and
    ``end`` keep those that overlap the window."""
    qs = Activity.objects.select_related("partnership", "programme", "organiser")
    if not has_role(viewer, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        qs = qs.filter(is_published=True)
    if start is not None:
        qs = qs.filter(ends_at__gte=start)
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    return qs.order_by("starts_at", "id")


def activity_get(*, viewer: User | AnonymousUser, slug: str) -> Activity:
    activity = activity_list(viewer=viewer).filter(slug=slug).first()
    if activity is None:
        raise NotFound(_("No such activity."), field="slug")
    return activity


def visible_speakers(speakers, viewer: User | AnonymousUser) -> list[Speaker]:
    """The public sees the speakers who consented to be listed; signed-in users with a role see all."""
    if can_see_private_contacts(viewer):
        return list(speakers)
    return [s for s in speakers if s.contact.public_consent]


def sessions_of(activity: Activity) -> QuerySet[Session]:
    speakers = Speaker.objects.select_related("contact__organisation").order_by("position", "id")
    return activity.sessions.prefetch_related(Prefetch("speakers", queryset=speakers)).order_by("starts_at", "id")


@dataclass(frozen=True)
class AgendaItem:
    session: Session
    starts: datetime  # in the activity's time zone
    ends: datetime
    speakers: list[Speaker]


@dataclass(frozen=True)
class AgendaDay:
    day: date
    items: list[AgendaItem]


def agenda(activity: Activity, *, viewer: User | AnonymousUser) -> list[AgendaDay]:
    """The sessions by day, days and times in the activity's time zone."""
    local = ZoneInfo(activity.timezone)
    days: dict[date, list[AgendaItem]] = {}
    for session in sessions_of(activity):
        starts = session.starts_at.astimezone(local)
        days.setdefault(starts.date(), []).append(AgendaItem(
            session=session, starts=starts, ends=session.ends_at.astimezone(local),
            speakers=visible_speakers(session.speakers.all(), viewer)))
    return [AgendaDay(day=day, items=items) for day, items in days.items()]


def learning_gain(activity: Activity) -> float | None:
    pairs = [(p.before_score, p.after_score) for p in activity.participants.all()
             if p.before_score is not None and p.after_score is not None]
    if not pairs:
        return None
    return round(sum(after - before for before, after in pairs) / len(pairs), 2)


def month_window(year: int, month: int) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime(year, month, 1))
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


@dataclass(frozen=True)
class MonthEntry:
    activity: Activity
    starts: datetime  # in the activity's own time zone
    ends: datetime
    first_day: bool  # False on the following days of an activity that runs over several


@dataclass(frozen=True)
class MonthDay:
    day: date
    in_month: bool
    is_today: bool
    entries: list[MonthEntry] = field(default_factory=list)


@dataclass(frozen=True)
class Month:
    first: date
    weeks: list[list[MonthDay]]  # Monday first; the days before and after the month fill the weeks
    count: int  # activities in the month
    earlier: date | None  # the month of the last activity before this one, when this one has none
    later: date | None  # the month of the next activity after it, likewise

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=31)).replace(day=1)


def activity_month(*, viewer: User | AnonymousUser, year: int, month: int, today: date) -> Month:
    """The activities of a month, each on the days it runs in its own time zone (an activity in Tokyo
    that starts at 09:00 on the 1st is on the 1st, wherever the server is)."""
    first = date(year, month, 1)
    weeks = [[MonthDay(day=d, in_month=d.month == month, is_today=d == today) for d in week]
             for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)]
    days = {d.day: d for week in weeks for d in week if d.in_month}
    last = max(days)
    # a day either side: the widest gap between time zones is 26 hours
    start = timezone.make_aware(datetime(year, month, 1)) - timedelta(days=1)
    end = timezone.make_aware(datetime.combine(last, datetime.min.time())) + timedelta(days=2)
    count = 0
    for activity in activity_list(viewer=viewer, start=start, end=end):
        local = ZoneInfo(activity.timezone)
        starts, ends = activity.starts_at.astimezone(local), activity.ends_at.astimezone(local)
        day, placed = max(starts.date(), first), False
        while day <= ends.date() and day <= last:
            if day in days:
                days[day].entries.append(MonthEntry(activity=activity, starts=starts, ends=ends,
                                                    first_day=day == starts.date()))
                placed = True
            day += timedelta(days=1)
        count += placed
    earlier = later = None
    if not count:
        before = activity_list(viewer=viewer).filter(starts_at__lt=start).order_by("-starts_at").first()
        after = activity_list(viewer=viewer).filter(starts_at__gte=end).first()
        earlier = before and before.starts_at.astimezone(ZoneInfo(before.timezone)).date().replace(day=1)
        later = after and after.starts_at.astimezone(ZoneInfo(after.timezone)).date().replace(day=1)
    return Month(first=first, weeks=weeks, count=count, earlier=earlier, later=later)


def upcoming(viewer: User | AnonymousUser) -> QuerySet[Activity]:
    return activity_list(viewer=viewer).filter(ends_at__gte=timezone.now())


def _one(queryset, pk, message: str):
    try:
        row = queryset.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        row = None
    if row is None:
        raise NotFound(message, field="pk")
    return row


def session_get(*, activity: Activity, pk: int) -> Session:
    speakers = Speaker.objects.select_related("contact__organisation").order_by("position", "id")
    return _one(activity.sessions.prefetch_related(Prefetch("speakers", queryset=speakers)), pk, _("No such session."))


def speaker_get(*, activity: Activity, pk: int) -> Speaker:
    return _one(activity.speakers.select_related("contact", "activity"), pk, _("No such speaker."))


def participants_of(*, viewer: User | AnonymousUser, activity: Activity) -> QuerySet[Participant]:
    """The participants of an activity, for those who run it (names are personal data)."""
    from renkei.activities.permissions import can_manage_activity

    if not can_manage_activity(viewer, activity):
        raise NotAllowed(_("Only those who run the activity see its participants."))
    return activity.participants.select_related("place").order_by("id")


def participant_get(*, viewer: User | AnonymousUser, activity: Activity, pk: int) -> Participant:
    return _one(participants_of(viewer=viewer, activity=activity).select_related("activity"), pk,
                _("No such participant."))
