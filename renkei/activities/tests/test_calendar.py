"""iCalendar files: one event per session (ADR 0004), only speakers who agreed to be listed."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from renkei.activities import services
from renkei.activities.models import Activity, Session
from renkei.places.models import Contact

pytestmark = pytest.mark.django_db


def test_ics_export_of_one_activity_and_of_the_feed(client, demo):
    response = client.get("/activities/wuf11-jica-kamaishi-session/event.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1  # its one session, not the session and the activity twice over
    assert events[0]["location"] == "Multifunction Hall Room 13, World Urban Forum 11"
    assert str(events[0]["uid"]).startswith("session-")
    start = events[0].decoded("dtstart")
    assert start.astimezone(ZoneInfo("UTC")).hour == 11  # 13:30 in Warsaw summer time
    assert "Moderator: Atsutoshi Hirabayashi (Technical Advisor/Moderator" in str(events[0]["description"])
    feed = Calendar.from_ical(client.get("/activities/feed.ics").content)
    # the deep dive's five sessions, the WUF11 session and the demo's four sample activities
    assert len(list(feed.walk("VEVENT"))) == 10


def test_ics_has_one_event_per_session_inside_the_activity(client, demo):
    deep_dive = Activity.objects.get(slug="toyama-technical-deep-dive-2016")
    events = list(Calendar.from_ical(client.get(f"/activities/{deep_dive.slug}/event.ics").content).walk("VEVENT"))
    assert len(events) == 5 and len({str(e["uid"]) for e in events}) == 5
    for event in events:
        assert deep_dive.starts_at <= event.decoded("dtstart") < event.decoded("dtend") <= deep_dive.ends_at
        assert str(event["description"]).startswith("Technical Deep Dive on Compact Cities")
    signing = next(e for e in events if str(e["summary"]).startswith("Signing"))
    assert signing.decoded("dtstart") == datetime(2016, 11, 3, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert "Speaker: Masashi Mori (Mayor of Toyama City" in str(signing["description"])
    assert signing["location"] == "Toyama"


def test_ics_of_an_activity_without_sessions_is_one_event(client, officer):
    start = datetime(2026, 5, 10, 9, tzinfo=ZoneInfo("Asia/Tokyo"))
    tour = services.activity_create(actor=officer, data={
        "kind": "study_tour", "title": {"en": "Tour"}, "starts_at": start, "ends_at": start + timedelta(days=1),
        "venue": "Kobe"})
    events = list(Calendar.from_ical(client.get(f"/activities/{tour.slug}/event.ics").content).walk("VEVENT"))
    assert len(events) == 1 and str(events[0]["uid"]) == f"activity-{tour.pk}@testserver"


def test_ics_lists_only_speakers_who_consented(client, demo):
    session = Session.objects.get(activity__slug="wuf11-jica-kamaishi-session")
    Contact.objects.filter(name="Eri Hosoe").update(public_consent=False)
    event = Calendar.from_ical(client.get("/activities/wuf11-jica-kamaishi-session/event.ics").content
                               ).walk("VEVENT")[0]
    assert "Reiko Fujihara" in str(event["description"]) and "Eri Hosoe" not in str(event["description"])
    assert session.speakers.count() == 4
