"""iCalendar export of learning activities: one event per session, or one for an activity without
an agenda (ADR 0004). Only speakers who agreed to be listed travel in the file."""

from __future__ import annotations

from django.utils import timezone, translation
from icalendar import Calendar, Event

from renkei.activities.models import Activity, Session, Speaker
from renkei.activities.selectors import sessions_of


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


def _english(texts: dict) -> str:
    return texts.get("en") or texts.get("ja") or next((v for v in texts.values() if v), "")


def _event(activity: Activity, item: Activity | Session, uid: str, *, room: str = "", description: str) -> Event:
    """One calendar event: ``item`` (the activity or one of its sessions) gives the title and the times."""
    event = Event()
    event.add("uid", uid)
    event.add("summary", _english(item.title))
    event.add("dtstart", item.starts_at)
    event.add("dtend", item.ends_at)
    event.add("dtstamp", item.updated_at or timezone.now())
    location = _location(activity, room)
    if location:
        event.add("location", location)
    if activity.online_url:
        event.add("url", activity.online_url)
    if description:
        event.add("description", description)
    event.add("categories", [str(activity.get_kind_display())])
    return event


def _activity_event(activity: Activity, host: str) -> Event:
    text = "\n\n".join(x for x in (_english(activity.description),
                                    "\n".join(_speaker_lines(activity.speakers.all()))) if x)
    return _event(activity, activity, f"activity-{activity.pk}@{host}", description=text)


def _session_event(activity: Activity, session: Session, host: str) -> Event:
    return _event(activity, session, f"session-{session.pk}@{host}", room=session.room,
                  description="\n".join([_english(activity.title), *_speaker_lines(session.speakers.all())]))


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
