from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from renkei.activities import selectors, services
from renkei.activities.demo import activities_demo_load
from renkei.activities.models import Activity, Participant, Session, Speaker
from renkei.core.errors import ApplicationError, NotAllowed
from renkei.partnerships.demo import partnerships_demo_load
from renkei.places.demo import demo_load
from renkei.places.models import Contact
from renkei.programmes.demo import programmes_demo_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    demo_load()
    programmes_demo_load()
    partnerships_demo_load()
    activities_demo_load()


def test_demo_activities_with_speakers_as_listed(demo):
    wuf = Activity.objects.get(slug="wuf11-jica-kamaishi-session")
    assert wuf.starts_at == datetime(2022, 6, 29, 13, 30, tzinfo=ZoneInfo("Europe/Warsaw"))
    assert [(s.contact.name, s.role) for s in wuf.speakers.all()][0] == ("Atsutoshi Hirabayashi", "moderator")
    assert wuf.speakers.count() == 4
    session = wuf.sessions.get()
    assert (session.starts_at, session.ends_at) == (wuf.starts_at, wuf.ends_at)
    assert session.room == "Multifunction Hall Room 13"
    assert list(session.speakers.values_list("contact__name", flat=True)) == [
        "Atsutoshi Hirabayashi", "Reiko Fujihara", "Hisashi Konno", "Eri Hosoe"]
    assert activities_demo_load() == 0


def test_demo_deep_dive_has_sessions_across_its_days(demo):
    deep_dive = Activity.objects.get(slug="toyama-technical-deep-dive-2016")
    tokyo = ZoneInfo("Asia/Tokyo")
    days = [s.starts_at.astimezone(tokyo).date().isoformat() for s in deep_dive.sessions.all()]
    assert days == ["2016-10-30", "2016-10-31", "2016-11-01", "2016-11-03", "2016-11-04"]
    assert all(deep_dive.starts_at <= s.starts_at < s.ends_at <= deep_dive.ends_at for s in deep_dive.sessions.all())
    signing = deep_dive.sessions.get(starts_at__date=date(2016, 11, 3))
    assert list(signing.speakers.values_list("contact__name", flat=True)) == ["Yasusuke Tsukagoshi", "Masashi Mori"]


def test_demo_load_twice_writes_nothing(demo):
    def stamps():
        return (sorted(Activity.objects.values_list("pk", "updated_at")),
                sorted(Session.objects.values_list("pk", "updated_at")),
                sorted(Speaker.objects.values_list("pk", "session_id", "role", "position")))

    before = stamps()
    assert activities_demo_load() == 0
    assert stamps() == before


def test_demo_moves_speakers_recorded_before_sessions_into_the_session(demo):
    """A database loaded before sessions existed has the WUF11 speakers on the activity itself."""
    wuf = Activity.objects.get(slug="wuf11-jica-kamaishi-session")
    Speaker.objects.filter(activity=wuf).update(session=None)
    wuf.sessions.all().delete()
    assert activities_demo_load() == 1
    assert wuf.speakers.count() == 4 and not wuf.speakers.filter(session__isnull=True).exists()


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
    assert len(list(feed.walk("VEVENT"))) == 6  # the deep dive's five sessions and the WUF11 session


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


def test_calendar_and_activity_pages(client, demo):
    html = client.get("/activities/").content.decode()
    assert "Technical Deep Dive on Compact Cities" in html and "2016-11" in html
    html = client.get("/activities/wuf11-jica-kamaishi-session/").content.decode()
    assert "Reiko Fujihara" in html and "Europe/Warsaw" in html and "13:30" in html


def test_activity_rules(officer, focal_point, anonymous):
    start = datetime(2026, 1, 10, 9, tzinfo=ZoneInfo("Asia/Tokyo"))
    tour = {"kind": "study_tour", "title": {"en": "Tour"}, "starts_at": start}
    with pytest.raises(ApplicationError) as caught:
        services.activity_create(actor=officer, data={**tour, "ends_at": start - timedelta(hours=1)})
    assert "ends_at" in caught.value.errors
    with pytest.raises(ApplicationError) as caught:
        services.activity_create(actor=officer, data={**tour, "kind": "party", "ends_at": start + timedelta(hours=1)})
    assert caught.value.errors["kind"] == ["unknown type of activity"]
    with pytest.raises(ApplicationError) as caught:
        services.activity_create(actor=officer, data={**tour, "title": {"en": " "}, "ends_at": start + timedelta(1)})
    assert caught.value.errors["title"] == ["is required (in at least one language)"]
    with pytest.raises(NotAllowed):
        services.activity_create(actor=anonymous, data={**tour, "ends_at": start + timedelta(hours=1)})
    tour = services.activity_create(actor=focal_point, data={**tour, "ends_at": start + timedelta(days=2)})
    a = Participant.objects.create(activity=tour, name="Officer A")
    b = Participant.objects.create(activity=tour, name="Officer B")
    services.assessment_record(actor=officer, participant=a,
                               data={"before_score": 2, "after_score": 4, "adopted_later": "Bus lanes"})
    services.assessment_record(actor=officer, participant=b, data={"before_score": 3, "after_score": 4})
    assert selectors.learning_gain(tour) == 1.5
    with pytest.raises(ApplicationError):
        services.assessment_record(actor=officer, participant=a, data={"before_score": 0, "after_score": 4})


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
    tour = Activity.objects.get(title__en="Study tour to Toyama")
    assert tour.starts_at.hour == 0 and tour.partnership.slug == "toyama-world-bank-cpp"  # 09:00 Tokyo = 00:00 UTC
    client.post(f"/activities/{tour.slug}/participants/", {"name": "Officer A", "attended": "1", "before": "2",
                                                          "after": "4", "adopted_later": "Bus priority lanes"})
    client.post(f"/activities/{tour.slug}/participants/", {"name": "Officer B", "before": "9", "after": "4"})
    assert list(tour.participants.values_list("name", flat=True)) == ["Officer A"]
    html = client.get(f"/activities/{tour.slug}/").content.decode()
    assert "Bus priority lanes" in html and "average learning gain" in html


def test_only_those_who_run_an_activity_record_its_participants(demo, officer, secretariat):
    from renkei.accounts.models import Role
    from renkei.accounts.tests.factories import UserFactory
    from renkei.places.models import Place

    session = Activity.objects.get(slug="wuf11-jica-kamaishi-session")  # of the JICA–Kamaishi–Banda Aceh triangle
    member = UserFactory(roles=[Role.FOCAL_POINT], places=[Place.objects.get(slug="kamaishi")])
    outsider = UserFactory(roles=[Role.FOCAL_POINT], places=[Place.objects.get(slug="essen")])
    recorded = services.participant_add(actor=member, activity=session,
                                        data={"name": " Kamaishi officer ", "before_score": 2, "after_score": 4})
    assert (recorded.name, recorded.before_score, recorded.after_score) == ("Kamaishi officer", 2, 4)
    services.participant_add(actor=officer, activity=session, data={"name": "JICA officer"})
    for stranger in (outsider, secretariat):
        with pytest.raises(NotAllowed):
            services.participant_add(actor=stranger, activity=session, data={"name": "Someone"})
        with pytest.raises(NotAllowed):
            services.assessment_record(actor=stranger, participant=recorded, data={"before_score": 1, "after_score": 5})
    with pytest.raises(ApplicationError) as error:
        services.participant_add(actor=officer, activity=session, data={"name": "Scored badly", "before_score": 6})
    assert "before_score" in error.value.errors
    with pytest.raises(ApplicationError) as error:
        services.participant_add(actor=officer, activity=session, data={"name": "  "})
    assert "name" in error.value.errors
    assert sorted(session.participants.values_list("name", flat=True)) == ["JICA officer", "Kamaishi officer"]


def test_participant_list_is_shown_only_to_those_who_run_the_activity(client, demo, officer):
    from renkei.accounts.models import Role
    from renkei.accounts.tests.factories import UserFactory
    from renkei.places.models import Place

    session = Activity.objects.get(slug="wuf11-jica-kamaishi-session")
    services.participant_add(actor=officer, activity=session, data={"name": "Private Person"})
    outsider = UserFactory(roles=[Role.FOCAL_POINT], places=[Place.objects.get(slug="essen")])
    client.force_login(outsider)
    assert "Private Person" not in client.get(f"/activities/{session.slug}/").content.decode()
    assert client.post(f"/activities/{session.slug}/participants/", {"name": "Intruder"}).status_code == 403
    client.force_login(officer)
    assert "Private Person" in client.get(f"/activities/{session.slug}/").content.decode()


# --- sessions ---------------------------------------------------------------------------------------

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def deep_dive(demo):
    return Activity.objects.get(slug="toyama-technical-deep-dive-2016")


@pytest.fixture
def toyama_focal_point(demo):
    from renkei.accounts.models import Role
    from renkei.accounts.tests.factories import UserFactory
    from renkei.places.models import Place

    return UserFactory(username="toyama-fp", roles=[Role.FOCAL_POINT], places=[Place.objects.get(slug="toyama")])


def _add(actor, activity, **overrides):
    speakers = overrides.pop("speakers", ())
    fields = {"title": {"en": "Bus rapid transit"}, "starts_at": datetime(2016, 11, 2, 9, 0, tzinfo=TOKYO),
              "ends_at": datetime(2016, 11, 2, 10, 30, tzinfo=TOKYO), "room": "Hall A"}
    fields.update(overrides)
    return services.session_add(actor=actor, activity=activity, data=fields, speakers=speakers)


@pytest.mark.parametrize("who", ["admin_user", "officer", "toyama_focal_point"])
def test_officers_and_the_partnerships_focal_points_add_sessions(request, deep_dive, who):
    actor = request.getfixturevalue(who)
    session = _add(actor, deep_dive, speakers=services.speakers_from_lines("Masashi Mori | moderator"))
    assert session.activity == deep_dive and session.starts_at.astimezone(TOKYO).hour == 9
    speaker = session.speakers.get()
    assert (speaker.contact.name, speaker.role, speaker.activity) == ("Masashi Mori", "moderator", deep_dive)


@pytest.mark.parametrize("who", ["focal_point", "reviewer", "secretariat", "anonymous"])
def test_others_cannot_add_sessions_to_a_partnerships_activity(request, deep_dive, who):
    with pytest.raises(NotAllowed):
        _add(request.getfixturevalue(who), deep_dive)
    assert deep_dive.sessions.count() == 5


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"starts_at": datetime(2016, 10, 29, 9, 0, tzinfo=TOKYO)}, "starts_at", "must be within the activity"),
    ({"ends_at": datetime(2016, 11, 4, 18, 0, tzinfo=TOKYO)}, "ends_at", "must be within the activity"),
    ({"starts_at": datetime(2016, 11, 5, 9, 0, tzinfo=TOKYO), "ends_at": datetime(2016, 11, 5, 10, 0, tzinfo=TOKYO)},
     "starts_at", "2016-10-30 09:00 – 2016-11-04 17:00 (Asia/Tokyo)"),
    ({"ends_at": datetime(2016, 11, 2, 8, 0, tzinfo=TOKYO)}, "ends_at", "must end after it starts"),
    ({"ends_at": datetime(2016, 11, 2, 9, 0, tzinfo=TOKYO)}, "ends_at", "must end after it starts"),
    ({"starts_at": datetime(2016, 11, 2, 9, 0)}, "starts_at", "time zone"),
    ({"ends_at": None}, "ends_at", "is required"),
    ({"title": {"en": "  "}}, "title", "is required"),
    ({"room": "x" * 101}, "room", "at most 100"),
])
def test_bad_sessions_are_refused_and_name_the_field(deep_dive, officer, overrides, field, message):
    with pytest.raises(ApplicationError) as caught:
        _add(officer, deep_dive, **overrides)
    assert message in " ".join(caught.value.errors[field])
    assert deep_dive.sessions.count() == 5


def test_a_session_just_inside_the_edges_is_fine(deep_dive, officer):
    session = _add(officer, deep_dive, starts_at=deep_dive.starts_at, ends_at=deep_dive.ends_at)
    assert session.pk


def test_the_database_refuses_a_session_ending_before_it_starts(deep_dive):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(activity=deep_dive, title={"en": "Backwards"}, starts_at=deep_dive.ends_at,
                               ends_at=deep_dive.starts_at)


def test_speaker_lines_name_the_bad_line(demo):
    speakers = services.speakers_from_lines("Masashi Mori\n\nYasusuke Tsukagoshi | Moderator")
    assert [(s["contact"].name, s["role"]) for s in speakers] == [("Masashi Mori", "speaker"),
                                                                   ("Yasusuke Tsukagoshi", "moderator")]
    with pytest.raises(ApplicationError) as caught:
        services.speakers_from_lines("Masashi Mori\nNobody Known | speaker\nMasashi Mori\nReiko Fujihara | chair")
    assert caught.value.errors["speakers"] == [
        "line 2: no contact is called “Nobody Known”; add them as a contact first",
        "line 3: Masashi Mori is listed twice",
        "line 4: the role must be moderator or speaker, not “chair”"]


def test_roles_may_be_typed_in_japanese(demo):
    from django.utils import translation

    with translation.override("ja"):
        label = str(Speaker.Role.MODERATOR.label)
    assert services.speakers_from_lines(f"Masashi Mori | {label}")[0]["role"] == "moderator"


def test_a_new_activity_keeps_its_partnership_from_looking_dormant(officer):
    from renkei.partnerships.services import partnership_create
    from renkei.places.tests.factories import PlaceFactory

    p = partnership_create(actor=officer, title_en="A–B", kind="bilateral",
                           members=[{"place": PlaceFactory()}, {"place": PlaceFactory()}])
    p.last_activity_on = date(2020, 1, 1)
    p.save()
    services.activity_create(actor=officer, data={
        "kind": "workshop", "title": {"en": "Workshop"}, "partnership": p.slug,
        "starts_at": datetime(2026, 3, 1, 23, 30, tzinfo=TOKYO), "ends_at": datetime(2026, 3, 2, 1, 0, tzinfo=TOKYO)})
    p.refresh_from_db()
    assert p.last_activity_on == date(2026, 3, 1)  # the day in the activity's own time zone


def test_activity_page_shows_the_agenda_by_day_in_the_activitys_time_zone(client, deep_dive, settings):
    settings.TIME_ZONE = "UTC"
    html = client.get(f"/activities/{deep_dive.slug}/").content.decode()
    assert html.count('class="agenda-day"') == 5
    assert "10:00–11:30" in html and "Signing of the Memorandum of Understanding" in html  # Tokyo, not UTC
    assert "Times are in Asia/Tokyo" in html
    assert "Masashi Mori" in html and "Mayor of Toyama City" in html
    assert "Add the session" not in html  # visitors do not get the form
    client.post("/i18n/setlang/", {"language": "ja", "next": "/"})
    html = client.get(f"/activities/{deep_dive.slug}/").content.decode()
    assert "シティ・パートナーシップ・プログラムに関する覚書の署名" in html and "2016年11月3日" in html


def test_the_agenda_hides_speakers_who_did_not_consent_from_visitors(client, demo, officer):
    Contact.objects.filter(name="Eri Hosoe").update(public_consent=False)
    assert "Eri Hosoe" not in client.get("/activities/wuf11-jica-kamaishi-session/").content.decode()
    client.force_login(officer)
    assert "Eri Hosoe" in client.get("/activities/wuf11-jica-kamaishi-session/").content.decode()


def test_session_form_on_the_activity_page(client, deep_dive, toyama_focal_point):
    url = f"/activities/{deep_dive.slug}/sessions/"
    client.force_login(toyama_focal_point)
    html = client.get(f"/activities/{deep_dive.slug}/").content.decode()
    assert "Add the session" in html and 'min="2016-10-30T09:00"' in html
    outside = client.post(url, {"title_en": "Late dinner", "starts_at": "2016-11-04T19:00",
                                "ends_at": "2016-11-04T21:00"})
    assert outside.status_code == 200
    text = outside.content.decode()
    assert 'href="/activities/" aria-current="page"' in text
    assert "Starts: must be within the activity, 2016-10-30 09:00 – 2016-11-04 17:00 (Asia/Tokyo)" in text
    assert 'value="Late dinner"' in text  # what was typed stays in the form
    backwards = client.post(url, {"title_en": "Panel", "starts_at": "2016-11-02T11:00", "ends_at": "2016-11-02T10:00"})
    assert "Ends: A session must end after it starts." in backwards.content.decode()
    garbled = client.post(url, {"title_en": "Panel", "starts_at": "tomorrow", "ends_at": "2016-11-02T10:00"})
    assert "Starts: use a date and time like 2026-03-31T09:00" in garbled.content.decode()
    unknown = client.post(url, {"title_en": "Panel", "starts_at": "2016-11-02T09:00", "ends_at": "2016-11-02T10:00",
                                "speakers": "Masashi Mori | moderator\nNo Such Person"})
    assert "line 2: no contact is called “No Such Person”" in unknown.content.decode()
    assert deep_dive.sessions.count() == 5
    ok = client.post(url, {"title_en": "Panel on light rail", "title_ja": "ライトレールに関するパネル",
                           "starts_at": "2016-11-02T09:00", "ends_at": "2016-11-02T10:30", "room": "Hall B",
                           "speakers": "Masashi Mori | moderator\nYasusuke Tsukagoshi"})
    assert ok.status_code == 302 and ok["Location"] == f"/activities/{deep_dive.slug}/"
    session = deep_dive.sessions.get(title__en="Panel on light rail")
    assert session.starts_at == datetime(2016, 11, 2, 0, 0, tzinfo=ZoneInfo("UTC"))  # typed in Tokyo time
    assert [(s.contact.name, s.role) for s in session.speakers.all()] == [("Masashi Mori", "moderator"),
                                                                          ("Yasusuke Tsukagoshi", "speaker")]
    html = client.get(f"/activities/{deep_dive.slug}/").content.decode()
    assert "09:00–10:30" in html and "Hall B" in html


def test_session_form_permissions(client, deep_dive, focal_point, reviewer, officer):
    url = f"/activities/{deep_dive.slug}/sessions/"
    data = {"title_en": "Panel", "starts_at": "2016-11-02T09:00", "ends_at": "2016-11-02T10:00"}
    anonymous = client.post(url, data)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    for user in (focal_point, reviewer):
        client.force_login(user)
        assert client.post(url, data).status_code == 403
        assert "Add the session" not in client.get(f"/activities/{deep_dive.slug}/").content.decode()
    client.force_login(officer)
    assert client.get(url).status_code == 405
    assert client.post("/activities/nowhere/sessions/", data).status_code == 404
    assert client.post(url, data).status_code == 302
    assert deep_dive.sessions.count() == 6
