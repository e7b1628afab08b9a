"""The activity pages: the calendar, the agenda in the activity's time zone, and the forms of
those who run an activity."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from renkei.activities import services
from renkei.activities.models import Activity
from renkei.places.models import Contact

pytestmark = pytest.mark.django_db


TOKYO = ZoneInfo("Asia/Tokyo")
NEW_ACTIVITY = {"kind": "study_tour", "timezone": "Asia/Tokyo", "starts_at": "2027-02-01T09:00",
                "ends_at": "2027-02-03T17:00"}  # everything the form needs but a title


def test_calendar_and_activity_pages(client, demo):
    html = client.get("/activities/?view=list").content.decode()
    assert "Technical Deep Dive on Compact Cities" in html and '<time datetime="2016-10">October 2016</time>' in html
    assert "2016-10-30 09:00" in html and "(Asia/Tokyo)" in html  # in the activity's time zone, not UTC
    html = client.get("/activities/wuf11-jica-kamaishi-session/").content.decode()
    assert "Reiko Fujihara" in html and "Europe/Warsaw" in html and "13:30" in html


@pytest.mark.parametrize(("changes", "message"), [
    ({"title_en": "Tour", "starts_at": "soon"}, "use a date and time like"),
    ({"title_en": "Tour", "starts_at": "2027-02-03T09:00", "ends_at": "2027-02-01T09:00"}, "must end after it starts"),
    ({}, "is required (in at least one language)"),
    ({"title_en": "Tour", "timezone": "localtime"}, "localtime is not a time zone; choose one from the list."),
    ({"title_en": "Tour", "timezone": "Mars/Olympus"}, "Mars/Olympus is not a time zone; choose one from the list."),
], ids=["start-is-not-a-time", "ends-before-it-starts", "no-title-in-any-language", "a-file-of-the-zone-folder",
        "no-such-zone"])
def test_the_new_activity_form_says_what_is_wrong(client, demo, officer, changes, message):
    client.force_login(officer)
    before = Activity.objects.count()
    response = client.post("/activities/new/", {**NEW_ACTIVITY, **changes})
    assert response.status_code == 200 and message in response.content.decode()
    assert Activity.objects.count() == before  # nothing written


def test_activity_and_participants_in_the_browser_forms(client, demo, officer, anonymous):
    assert client.get("/activities/new/").status_code == 403
    client.force_login(officer)
    ok = client.post("/activities/new/", {**NEW_ACTIVITY, "title_en": "Study tour to Toyama",
                                          "partnership": "toyama-world-bank-cpp"})
    assert ok.status_code == 302
    tour = Activity.objects.get(title__en="Study tour to Toyama")
    assert tour.starts_at.hour == 0 and tour.partnership.slug == "toyama-world-bank-cpp"  # 09:00 Tokyo = 00:00 UTC
    client.post(f"/activities/{tour.slug}/participants/", {"name": "Officer A", "attended": "1", "before": "2",
                                                          "after": "4", "adopted_later": "Bus priority lanes"})
    client.post(f"/activities/{tour.slug}/participants/", {"name": "Officer B", "before": "9", "after": "4"})
    assert list(tour.participants.values_list("name", flat=True)) == ["Officer A"]
    html = client.get(f"/activities/{tour.slug}/").content.decode()
    assert "Bus priority lanes" in html and "average learning gain" in html


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


def test_a_new_activity_with_its_title_in_japanese_only(client, demo, officer):
    client.force_login(officer)
    page = client.get("/activities/new/").content.decode()
    assert 'name="title_en"' in page and 'name="title_ja"' in page and 'name="description_ja"' in page
    assert '<select name="timezone"' in page and '<option value="Asia/Tokyo" selected>' in page  # a list, Tokyo first
    ok = client.post("/activities/new/", {**NEW_ACTIVITY, "kind": "workshop", "ends_at": "2027-02-01T17:00",
                                          "title_ja": "防災ワークショップ", "description_ja": "釜石市で開催"})
    assert ok.status_code == 302
    workshop = Activity.objects.get(title__ja="防災ワークショップ")
    assert workshop.title == {"ja": "防災ワークショップ"} and workshop.description == {"ja": "釜石市で開催"}
    assert "防災ワークショップ" in client.get(ok["Location"]).content.decode()
    assert "防災ワークショップ" in client.get("/activities/?view=list").content.decode()


def day_cell(html: str, day: str) -> str:
    """The month grid's cell of ``day`` (YYYY-MM-DD)."""
    cells = [cell for cell in html.split("<td")[1:] if f'<time datetime="{day}">' in cell]
    assert len(cells) == 1, day
    return cells[0].split("</td>")[0]


@pytest.fixture
def early_in_tokyo(demo):
    """Starts at 08:00 on 1 March in Tokyo, which is still 29 February in UTC, and runs three days; years
    after the demo's sample activities (dated from today), so the months around it are empty."""
    return Activity.objects.create(slug="early-tour", kind="study_tour", title={"en": "Early tour", "ja": "早朝の視察"},
                                   starts_at=datetime(2032, 3, 1, 8, tzinfo=TOKYO),
                                   ends_at=datetime(2032, 3, 3, 17, tzinfo=TOKYO), timezone="Asia/Tokyo")


def test_month_view_shows_an_activity_on_its_days_in_its_own_time_zone(client, early_in_tokyo, settings):
    settings.TIME_ZONE = "UTC"
    html = client.get("/activities/?year=2032&month=3").content.decode()
    assert '<time datetime="2032-03">March 2032</time>' in html
    first = day_cell(html, "2032-03-01")
    assert "Early tour" in first and "08:00 JST" in first and 'data-zone="Asia/Tokyo"' in first
    assert "Early tour" in day_cell(html, "2032-03-03") and "continued" in day_cell(html, "2032-03-03")
    assert "Early tour" not in day_cell(html, "2032-03-04")
    assert "Early tour" not in client.get("/activities/?year=2032&month=2").content.decode()  # not on 29 Feb (UTC)
    assert "Times are in each activity’s own time zone." in html  # without JavaScript, the page says so
    assert html.count("<tr>") == 1 + 5  # the weekday row and five weeks, Monday first
    assert "<th scope=\"col\"><abbr title=\"Monday\">Mon</abbr></th>" in html


def test_month_view_moves_between_months(client, early_in_tokyo):
    html = client.get("/activities/?year=2032&month=1").content.decode()
    assert 'href="?year=2031&amp;month=12" rel="prev"' in html and 'href="?year=2032&amp;month=2" rel="next"' in html
    assert "December 2031" in html and "February 2032" in html
    assert "No activities this month." in html
    assert 'href="?year=2032&amp;month=3">Next: March 2032</a>' in html  # where the next activity is
    assert "Earlier: November 2024" in html or "Earlier:" in html
    html = client.get("/activities/?year=2032&month=3").content.decode()
    assert "No activities this month." not in html
    assert 'href="?year=2032&amp;month=4" rel="next"' in html
    for wrong in ("year=x&month=3", "year=2032&month=13", "year=99999&month=1"):
        assert client.get(f"/activities/?{wrong}").status_code == 200  # this month instead


def test_month_view_marks_today_and_list_view_keeps_the_list(client, early_in_tokyo):
    from django.utils import timezone

    today = timezone.localdate()
    html = client.get("/activities/").content.decode()
    assert html.count('aria-current="date"') == 1
    assert 'class="today-mark"' in day_cell(html, today.isoformat())
    assert f'<a href="?year={today.year}&amp;month={today.month}" aria-current="page">Month</a>' in html
    listed = client.get("/activities/?view=list").content.decode()
    assert '<a href="?view=list" aria-current="page">List</a>' in listed
    assert "Early tour" in listed and "2032-03-01 08:00" in listed and "(Asia/Tokyo)" in listed
    assert listed.index("Early tour") < listed.index("Technical Deep Dive on Compact Cities")  # newest month first


def test_month_view_in_japanese(client, early_in_tokyo):
    client.post("/i18n/setlang/", {"language": "ja", "next": "/"})
    html = client.get("/activities/?year=2032&month=3").content.decode()
    assert "2032年3月" in html and "2032年2月" in html and "2032年4月" in html
    assert all(f'<abbr title="{day}曜日">{day}</abbr>' in html for day in "月火水木金土日")
    assert "3月1日 月曜日" in html and "早朝の視察" in html
    assert "Month" not in html.split("<main")[1] and "continued" not in html


@pytest.mark.parametrize("url", ["/activities/", "/activities/?view=list",
                                 "/activities/toyama-technical-deep-dive-2016/", "/places/", "/places/kamaishi/",
                                 "/themes/", "/organisations/", "/match/",
                                 "/match/pair/", "/programmes/", "/partnerships/", "/library/", "/indicators/",
                                 "/networks/"])
def test_one_navigation_item_is_current(client, demo, officer, url):
    import re

    for signed_in in (False, True):
        if signed_in:
            client.force_login(officer)
        html = client.get(url).content.decode()
        nav = html.split('<nav class="site-nav"')[1].split("</nav>")[0]
        assert len(re.findall(r"<a [^>]*aria-current", nav)) == 1, (url, signed_in)


def test_new_activity_is_offered_only_to_those_who_may_create_one(client, officer, knowledge_manager, reviewer):
    for user, offered in ((officer, True), (knowledge_manager, False), (reviewer, False)):
        client.force_login(user)
        html = client.get("/activities/").content.decode()
        assert ('href="/activities/new/"' in html) is offered, user
        assert client.get("/activities/new/").status_code == (200 if offered else 403)
    client.logout()
    assert 'href="/activities/new/"' not in client.get("/activities/").content.decode()
