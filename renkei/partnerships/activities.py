"""Learning activities: creation, self-assessments, and iCalendar export."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role
from renkei.core.errors import ApplicationError, NotAllowed, NotFound
from renkei.partnerships.models import Activity, Participant
from renkei.places.services import unique_slug


def activity_list(*, viewer, start: datetime | None = None, end: datetime | None = None) -> QuerySet[Activity]:
    qs = Activity.objects.select_related("partnership", "programme", "organiser")
    if not has_role(viewer, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        qs = qs.filter(is_published=True)
    if start is not None:
        qs = qs.filter(ends_at__gte=start)
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    return qs.order_by("starts_at", "id")


def activity_get(*, viewer, slug: str) -> Activity:
    activity = activity_list(viewer=viewer).filter(slug=slug).first()
    if activity is None:
        raise NotFound("No such activity.", field="slug")
    return activity


@transaction.atomic
def activity_create(*, actor, kind: str, title_en: str, starts_at: datetime, ends_at: datetime,
                    timezone_name: str = "Asia/Tokyo", **fields) -> Activity:
    if not has_role(actor, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER, Role.FOCAL_POINT,
                    Role.NETWORK_SECRETARIAT):
        raise NotAllowed(_("You may not create learning activities."))
    if kind not in Activity.Kind.values:
        raise ApplicationError(_("unknown type of activity"), field="kind")
    if not title_en.strip():
        raise ApplicationError(_("is required"), field="title_en")
    if ends_at <= starts_at:
        raise ApplicationError(_("An activity must end after it starts."), field="ends_at")
    from zoneinfo import available_timezones

    if timezone_name not in available_timezones():
        raise ApplicationError(_("%(tz)s is not a time zone") % {"tz": timezone_name}, field="timezone")
    slug = fields.pop("slug", None) or unique_slug(Activity, title_en, fallback="activity")
    return Activity.objects.create(slug=slug, kind=kind, title_en=title_en.strip(), starts_at=starts_at,
                                   ends_at=ends_at, timezone=timezone_name, **fields)


@transaction.atomic
def assessment_record(*, actor, participant: Participant, before: int | None, after: int | None,
                      adopted_later: str = "") -> Participant:
    if not has_role(actor, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER, Role.FOCAL_POINT):
        raise NotAllowed(_("You may not record assessments."))
    for field, value in (("before_score", before), ("after_score", after)):
        if value is not None and not 1 <= int(value) <= 5:
            raise ApplicationError(_("must be from 1 to 5"), field=field)
    participant.before_score, participant.after_score = before, after
    participant.adopted_later = adopted_later.strip()
    participant.save()
    return participant


def learning_gain(activity: Activity) -> float | None:
    pairs = [(p.before_score, p.after_score) for p in activity.participants.all()
             if p.before_score is not None and p.after_score is not None]
    if not pairs:
        return None
    return round(sum(after - before for before, after in pairs) / len(pairs), 2)


def _event(activity: Activity, host: str) -> Event:
    event = Event()
    event.add("uid", f"activity-{activity.pk}@{host}")
    event.add("summary", activity.title_en)
    event.add("dtstart", activity.starts_at)
    event.add("dtend", activity.ends_at)
    event.add("dtstamp", activity.updated_at or timezone.now())
    location = ", ".join(x for x in (activity.room, activity.venue) if x)
    if location:
        event.add("location", location)
    if activity.online_url:
        event.add("url", activity.online_url)
    text = activity.description.get("en") or activity.description.get("ja") or ""
    if text:
        event.add("description", text)
    event.add("categories", [activity.get_kind_display()])
    return event


def to_ics(activities, *, host: str = "renkei") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Renkei//city-to-city cooperation//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Renkei learning activities")
    for activity in activities:
        calendar.add_component(_event(activity, host))
    return calendar.to_ical()


def month_window(year: int, month: int) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime(year, month, 1))
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


def upcoming(viewer) -> QuerySet[Activity]:
    return activity_list(viewer=viewer).filter(Q(ends_at__gte=timezone.now()))
