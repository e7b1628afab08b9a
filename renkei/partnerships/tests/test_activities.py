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


def test_activity_and_participants_in_the_browser_forms(client, demo, officer, anonymous):
    assert client.get("/activities/new/").status_code == 403
    client.force_login(officer)
    bad = client.post("/activities/new/", {"kind": "study_tour", "title_en": "Tour", "starts_at": "soon",
                                           "ends_at": "2027-02-03T17:00", "timezone": "Asia/Tokyo"})
    assert "use a date and time like" in bad.content.decode()
    backwards = client.post("/activities/new/", {"kind": "study_tour", "title_en": "Tour", "timezone": "Asia/Tokyo",
                                                 "starts_at": "2027-02-03T09:00", "ends_at": "2027-02-01T09:00"})
    assert "must end after it starts" in backwards.content.decode()
    ok = client.post("/activities/new/", {"kind": "study_tour", "title_en": "Study tour to Toyama",
                                          "timezone": "Asia/Tokyo", "starts_at": "2027-02-01T09:00",
                                          "ends_at": "2027-02-03T17:00", "partnership": "toyama-world-bank-cpp"})
    assert ok.status_code == 302
    tour = Activity.objects.get(title_en="Study tour to Toyama")
    assert tour.starts_at.hour == 0 and tour.partnership.slug == "toyama-world-bank-cpp"  # 09:00 Tokyo = 00:00 UTC
    client.post(f"/activities/{tour.slug}/participants/", {"name": "Officer A", "attended": "1", "before": "2",
                                                          "after": "4", "adopted_later": "Bus priority lanes"})
    client.post(f"/activities/{tour.slug}/participants/", {"name": "Officer B", "before": "9", "after": "4"})
    assert list(tour.participants.values_list("name", flat=True)) == ["Officer A"]
    html = client.get(f"/activities/{tour.slug}/").content.decode()
    assert "Bus priority lanes" in html and "average learning gain" in html
