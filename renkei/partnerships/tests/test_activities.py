from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from renkei.core.errors import ApplicationError, NotAllowed
from renkei.partnerships import activities
from renkei.partnerships.demo import activities_demo_load, partnerships_demo_load
from renkei.partnerships.models import Activity, Participant
from renkei.places.demo import demo_load
from renkei.programmes.demo import programmes_demo_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    demo_load()
    programmes_demo_load()
    partnerships_demo_load()
    activities_demo_load()


def test_demo_activities_with_speakers_as_listed(demo):
    session = Activity.objects.get(slug="wuf11-jica-kamaishi-session")
    assert session.starts_at == datetime(2022, 6, 29, 13, 30, tzinfo=ZoneInfo("Europe/Warsaw"))
    assert [(s.contact.name, s.role) for s in session.speakers.all()][0] == ("Atsutoshi Hirabayashi", "moderator")
    assert session.speakers.count() == 4
    assert activities_demo_load() == 0


def test_ics_export_of_one_activity_and_of_the_feed(client, demo):
    response = client.get("/activities/wuf11-jica-kamaishi-session/event.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    assert events[0]["location"] == "Multifunction Hall Room 13, World Urban Forum 11"
    start = events[0].decoded("dtstart")
    assert start.astimezone(ZoneInfo("UTC")).hour == 11  # 13:30 in Warsaw summer time
    feed = Calendar.from_ical(client.get("/activities/feed.ics").content)
    assert len(list(feed.walk("VEVENT"))) == 2


def test_calendar_and_activity_pages(client, demo):
    html = client.get("/activities/").content.decode()
    assert "Technical Deep Dive on Compact Cities" in html and "2016-11" in html
    html = client.get("/activities/wuf11-jica-kamaishi-session/").content.decode()
    assert "Reiko Fujihara" in html and "Europe/Warsaw" in html and "13:30" in html


def test_activity_rules(officer, focal_point, anonymous):
    start = datetime(2026, 1, 10, 9, tzinfo=ZoneInfo("Asia/Tokyo"))
    with pytest.raises(ApplicationError):
        activities.activity_create(actor=officer, kind="study_tour", title_en="Tour", starts_at=start,
                                   ends_at=start - timedelta(hours=1))
    with pytest.raises(ApplicationError):
        activities.activity_create(actor=officer, kind="party", title_en="Tour", starts_at=start,
                                   ends_at=start + timedelta(hours=1))
    with pytest.raises(NotAllowed):
        activities.activity_create(actor=anonymous, kind="study_tour", title_en="Tour", starts_at=start,
                                   ends_at=start + timedelta(hours=1))
    tour = activities.activity_create(actor=focal_point, kind="study_tour", title_en="Tour", starts_at=start,
                                      ends_at=start + timedelta(days=2))
    a = Participant.objects.create(activity=tour, name="Officer A")
    b = Participant.objects.create(activity=tour, name="Officer B")
    activities.assessment_record(actor=officer, participant=a, before=2, after=4, adopted_later="Bus lanes")
    activities.assessment_record(actor=officer, participant=b, before=3, after=4)
    assert activities.learning_gain(tour) == 1.5
    with pytest.raises(ApplicationError):
        activities.assessment_record(actor=officer, participant=a, before=0, after=4)
