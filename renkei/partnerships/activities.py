"""Learning activities: creation, sessions with their speakers, self-assessments, the agenda
and iCalendar export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role
from renkei.core.audit import audit_record
from renkei.core.errors import ApplicationError, NotAllowed, NotFound
from renkei.core.models import AuditEntry
from renkei.core.slugs import unique_slug
from renkei.partnerships.models import Activity, Participant, Session, Speaker
from renkei.places.models import Contact
from renkei.places.permissions import can_see_private_contacts


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
    activity = Activity.objects.create(slug=slug, kind=kind, title_en=title_en.strip(), starts_at=starts_at,
                                       ends_at=ends_at, timezone=timezone_name, **fields)
    partnership = activity.partnership
    if partnership is not None:
        # a learning activity is the partnership's activity too: it keeps it from looking dormant
        day = starts_at.astimezone(ZoneInfo(timezone_name)).date()
        partnership.last_activity_on = max(partnership.last_activity_on or day, day)
        partnership.save(update_fields=["last_activity_on", "updated_at"])
    return activity


def can_manage_activity(user, activity: Activity) -> bool:
    """Administrators and programme officers; for an activity of a partnership, the people who manage
    that partnership (its members' focal points); for a free-standing one, whoever may create one."""
    if has_role(user, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if activity.partnership_id:
        from renkei.partnerships.services import can_manage

        return can_manage(user, activity.partnership)
    return has_role(user, Role.FOCAL_POINT, Role.NETWORK_SECRETARIAT)


def _span(activity: Activity) -> str:
    local = ZoneInfo(activity.timezone)
    minute = "%Y-%m-%d %H:%M"
    starts, ends = activity.starts_at.astimezone(local), activity.ends_at.astimezone(local)
    return f"{starts.strftime(minute)} – {ends.strftime(minute)} ({activity.timezone})"


def session_time_errors(activity: Activity, starts_at: datetime | None, ends_at: datetime | None) -> dict:
    """A session starts and ends inside its activity, and ends after it starts (shared with the admin)."""
    errors: dict[str, list[str]] = {}
    for field, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value is None:
            errors[field] = [_("is required")]
        elif timezone.is_naive(value):
            errors[field] = [_("give the time with its time zone")]
    if errors or activity.starts_at is None or activity.ends_at is None:
        return errors
    if ends_at <= starts_at:
        errors["ends_at"] = [_("A session must end after it starts.")]
    outside = _("must be within the activity, %(span)s") % {"span": _span(activity)}
    if not activity.starts_at <= starts_at < activity.ends_at:
        errors["starts_at"] = [outside]
    if "ends_at" not in errors and not activity.starts_at < ends_at <= activity.ends_at:
        errors["ends_at"] = [outside]
    return errors


def speakers_from_lines(text: str) -> list[dict]:
    """`Name | role` per line (role: moderator or speaker; speaker when left out), each name a known
    contact. Errors name the line."""
    rows = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if line.strip():
            name, _sep, role = (part.strip() for part in line.partition("|"))
            rows.append((_("line %(n)s") % {"n": number}, name, role))
    return _resolve_speakers(rows)


def speakers_from_list(items: list[tuple[str, str]]) -> list[dict]:
    """(name, role) pairs, as the API sends them. Errors name the speaker by position."""
    return _resolve_speakers([(_("speaker %(n)s") % {"n": n}, (name or "").strip(), (role or "").strip())
                              for n, (name, role) in enumerate(items, start=1)])


def _role_values() -> dict[str, str]:
    """A role as typed: its value, or its label in English or Japanese."""
    out = {}
    for value in Speaker.Role.values:
        out[value] = value
        for language in ("en", "ja"):
            with translation.override(language):
                out[str(Speaker.Role(value).label).lower()] = value
    return out


def _resolve_speakers(rows: list[tuple[str, str, str]]) -> list[dict]:
    roles = _role_values()
    speakers, errors, seen = [], [], set()
    for where, name, role in rows:
        role_value = roles.get(role.lower()) if role else Speaker.Role.SPEAKER
        contacts = list(Contact.objects.filter(name__iexact=name)[:2]) if name else []
        if role_value is None:
            errors.append(_("%(where)s: the role must be moderator or speaker, not “%(role)s”")
                          % {"where": where, "role": role})
        elif not name:
            errors.append(_("%(where)s: give the speaker's name") % {"where": where})
        elif not contacts:
            errors.append(_("%(where)s: no contact is called “%(name)s”; add them as a contact first")
                          % {"where": where, "name": name})
        elif len(contacts) > 1:
            errors.append(_("%(where)s: more than one contact is called “%(name)s”") % {"where": where, "name": name})
        elif contacts[0].pk in seen:
            errors.append(_("%(where)s: %(name)s is listed twice") % {"where": where, "name": name})
        else:
            seen.add(contacts[0].pk)
            speakers.append({"contact": contacts[0], "role": role_value})
    if errors:
        raise ApplicationError(errors[0], errors={"speakers": errors})
    return speakers


@transaction.atomic
def session_add(*, actor, activity: Activity, title_en: str, starts_at: datetime | None, ends_at: datetime | None,
                title_ja: str = "", room: str = "", speakers: list[dict] = ()) -> Session:
    """A session inside the activity's span, ending after it starts, with its speakers in order."""
    if not can_manage_activity(actor, activity):
        raise NotAllowed(_("You may not add sessions to this activity."))
    errors: dict[str, list[str]] = {}
    if not (title_en or "").strip():
        errors["title_en"] = [_("is required")]
    if len(title_en or "") > 255 or len(title_ja or "") > 255:
        errors["title_en" if len(title_en or "") > 255 else "title_ja"] = [_("must be at most 255 characters")]
    if len(room or "") > 100:
        errors["room"] = [_("must be at most 100 characters")]
    errors.update(session_time_errors(activity, starts_at, ends_at))
    for n, speaker in enumerate(speakers, start=1):
        if speaker.get("role") not in Speaker.Role.values or not isinstance(speaker.get("contact"), Contact):
            errors.setdefault("speakers", []).append(
                _("speaker %(n)s: needs a known contact and the role moderator or speaker") % {"n": n})
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)
    session = Session.objects.create(activity=activity, title_en=title_en.strip(), title_ja=(title_ja or "").strip(),
                                     starts_at=starts_at, ends_at=ends_at, room=(room or "").strip())
    for n, speaker in enumerate(speakers):
        Speaker.objects.create(activity=activity, session=session, contact=speaker["contact"], role=speaker["role"],
                               position=n)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=session,
                 changes={"activity": [None, activity.slug], "title_en": [None, session.title_en],
                          "starts_at": [None, starts_at.isoformat()], "ends_at": [None, ends_at.isoformat()],
                          "speakers": [None, [s["contact"].name for s in speakers]]})
    return session


def visible_speakers(speakers, viewer) -> list[Speaker]:
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


def agenda(activity: Activity, *, viewer) -> list[AgendaDay]:
    """The sessions by day, days and times in the activity's time zone."""
    local = ZoneInfo(activity.timezone)
    days: dict[date, list[AgendaItem]] = {}
    for session in sessions_of(activity):
        starts = session.starts_at.astimezone(local)
        days.setdefault(starts.date(), []).append(AgendaItem(
            session=session, starts=starts, ends=session.ends_at.astimezone(local),
            speakers=visible_speakers(session.speakers.all(), viewer)))
    return [AgendaDay(day=day, items=items) for day, items in days.items()]


@transaction.atomic
def assessment_record(*, actor, participant: Participant, before: int | None, after: int | None,
                      adopted_later: str = "") -> Participant:
    """A participant's self-assessment before and after, and what they adopted later. Only those
    who run the activity (``can_manage_activity``) record it."""
    if not can_manage_activity(actor, participant.activity):
        raise NotAllowed(_("You may not record assessments."))
    _check_scores(before, after)
    participant.before_score, participant.after_score = before, after
    participant.adopted_later = adopted_later.strip()
    participant.save()
    return participant


def _check_scores(before: int | None, after: int | None) -> None:
    for field, value in (("before_score", before), ("after_score", after)):
        if value is not None and not 1 <= int(value) <= 5:
            raise ApplicationError(_("must be from 1 to 5"), field=field)


@transaction.atomic
def participant_add(*, actor, activity: Activity, name: str, attended: bool | None = None,
                    before: int | None = None, after: int | None = None, adopted_later: str = "") -> Participant:
    """Record a participant of an activity, with attendance and self-assessment; only those who run
    the activity may, and bad scores leave nothing recorded."""
    if not can_manage_activity(actor, activity):
        raise NotAllowed(_("You may not record participants of this activity."))
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("is required"), field="name")
    if len(name) > 200:
        raise ApplicationError(_("is longer than %(n)s characters") % {"n": 200}, field="name")
    _check_scores(before, after)
    return Participant.objects.create(activity=activity, name=name, attended=attended, before_score=before,
                                      after_score=after, adopted_later=(adopted_later or "").strip())


def learning_gain(activity: Activity) -> float | None:
    pairs = [(p.before_score, p.after_score) for p in activity.participants.all()
             if p.before_score is not None and p.after_score is not None]
    if not pairs:
        return None
    return round(sum(after - before for before, after in pairs) / len(pairs), 2)


def _location(activity: Activity, room: str = "") -> str:
    return ", ".join(x for x in (room or activity.room, activity.venue) if x)


def _speaker_lines(speakers) -> list[str]:
    lines = []
    for s in speakers:
        if not s.contact.public_consent:
            continue  # a calendar file travels: only the people who agreed to be listed
        about = ", ".join(x for x in (s.contact.title, s.contact.organisation.name_en if s.contact.organisation
                                      else "") if x)
        lines.append(f"{Speaker.Role(s.role).label}: {s.contact.name}" + (f" ({about})" if about else ""))
    return lines


def _activity_event(activity: Activity, host: str) -> Event:
    event = Event()
    event.add("uid", f"activity-{activity.pk}@{host}")
    event.add("summary", activity.title_en)
    event.add("dtstart", activity.starts_at)
    event.add("dtend", activity.ends_at)
    event.add("dtstamp", activity.updated_at or timezone.now())
    if _location(activity):
        event.add("location", _location(activity))
    if activity.online_url:
        event.add("url", activity.online_url)
    text = "\n\n".join(x for x in (activity.description.get("en") or activity.description.get("ja") or "",
                                    "\n".join(_speaker_lines(activity.speakers.all()))) if x)
    if text:
        event.add("description", text)
    event.add("categories", [str(activity.get_kind_display())])
    return event


def _session_event(activity: Activity, session: Session, host: str) -> Event:
    event = Event()
    event.add("uid", f"session-{session.pk}@{host}")
    event.add("summary", session.title_en)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("dtstamp", session.updated_at or timezone.now())
    if _location(activity, session.room):
        event.add("location", _location(activity, session.room))
    if activity.online_url:
        event.add("url", activity.online_url)
    event.add("description", "\n".join([activity.title_en, *_speaker_lines(session.speakers.all())]))
    event.add("categories", [str(activity.get_kind_display())])
    return event


def _events(activity: Activity, host: str) -> list[Event]:
    """What people put in their calendars is what they attend at a time and a room: an activity
    with an agenda becomes one event per session; one without, a single event."""
    sessions = list(sessions_of(activity))
    if not sessions:
        return [_activity_event(activity, host)]
    return [_session_event(activity, session, host) for session in sessions]


def to_ics(activities, *, host: str = "renkei") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Renkei//city-to-city cooperation//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Renkei learning activities")
    with translation.override("en"):
        for activity in activities:
            for event in _events(activity, host):
                calendar.add_component(event)
    return calendar.to_ical()


def month_window(year: int, month: int) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime(year, month, 1))
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


def upcoming(viewer) -> QuerySet[Activity]:
    return activity_list(viewer=viewer).filter(Q(ends_at__gte=timezone.now()))
