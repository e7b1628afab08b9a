"""The admin keeps the rules of the services: session times inside the activity; titles are
edited per language and land in the title's JSON."""

import pytest

from renkei.activities.models import Activity
from renkei.core.models import AuditEntry
from renkei.core.tests.forms import management

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(demo, staff_client):
    return staff_client


def _activity_form(activity, sessions=()):
    data = {"slug": activity.slug, "kind": activity.kind, "title_en": activity.title["en"], "title_ja": "",
            "description": "{}", "starts_at_0": "2022-06-29", "starts_at_1": "11:30:00", "ends_at_0": "2022-06-29",
            "ends_at_1": "13:00:00", "timezone": activity.timezone, "venue": "", "room": "", "online_url": "",
            "follow_up": "{}", "is_published": "on", "partnership": "", "programme": "", "organiser": ""}
    existing = list(activity.sessions.all())
    data.update(management("sessions", len(existing) + len(sessions), len(existing)))
    for n, s in enumerate(existing):
        data.update({f"sessions-{n}-id": str(s.pk), f"sessions-{n}-activity": str(activity.pk),
                     f"sessions-{n}-title_en": s.title.get("en", ""), f"sessions-{n}-title_ja": s.title.get("ja", ""),
                     f"sessions-{n}-starts_at_0": "2022-06-29", f"sessions-{n}-starts_at_1": "11:30:00",
                     f"sessions-{n}-ends_at_0": "2022-06-29", f"sessions-{n}-ends_at_1": "13:00:00",
                     f"sessions-{n}-room": s.room})
    for n, (starts, ends) in enumerate(sessions, start=len(existing)):
        data.update({f"sessions-{n}-title_en": "Extra", f"sessions-{n}-title_ja": "", f"sessions-{n}-room": "",
                     f"sessions-{n}-starts_at_0": starts[0], f"sessions-{n}-starts_at_1": starts[1],
                     f"sessions-{n}-ends_at_0": ends[0], f"sessions-{n}-ends_at_1": ends[1]})
    data.update(management("speakers", 0, 0))
    data.update(management("participants", 0, 0))
    return data


def test_admin_refuses_a_session_outside_its_activity(staff, settings):
    settings.TIME_ZONE = "UTC"
    wuf = Activity.objects.get(slug="wuf11-jica-kamaishi-session")
    url = f"/admin/activities/activity/{wuf.pk}/change/"
    assert staff.get(url).status_code == 200
    outside = staff.post(url, _activity_form(wuf, [(("2022-06-30", "09:00:00"), ("2022-06-30", "10:00:00"))]))
    assert outside.status_code == 200 and "must be within the activity" in outside.content.decode()
    backwards = staff.post(url, _activity_form(wuf, [(("2022-06-29", "12:30:00"), ("2022-06-29", "12:00:00"))]))
    assert "A session must end after it starts." in backwards.content.decode()
    assert wuf.sessions.count() == 1
    ok = staff.post(url, _activity_form(wuf, [(("2022-06-29", "12:00:00"), ("2022-06-29", "12:30:00"))]))
    assert ok.status_code == 302, ok.content.decode()[:3000]
    assert wuf.sessions.count() == 2


def test_admin_edits_the_title_per_language_and_records_it(staff):
    wuf = Activity.objects.get(slug="wuf11-jica-kamaishi-session")
    url = f"/admin/activities/activity/{wuf.pk}/change/"
    page = staff.get(url).content.decode()
    assert 'name="title_en"' in page and 'name="title_ja"' in page
    data = {**_activity_form(wuf), "title_en": "Resilient local cities", "title_ja": "レジリエントな地方都市"}
    assert staff.post(url, data).status_code == 302
    wuf.refresh_from_db()
    assert wuf.title == {"en": "Resilient local cities", "ja": "レジリエントな地方都市"}
    entry = AuditEntry.objects.filter(object_id=str(wuf.pk), content_type__app_label="activities").first()
    assert entry is not None and entry.changes["title"][1]["ja"] == "レジリエントな地方都市"
    empty = staff.post(url, {**data, "title_en": "", "title_ja": ""})
    assert empty.status_code == 200 and "is required (in at least one language)" in empty.content.decode()
    assert "Resilient local cities" in staff.get("/admin/activities/activity/?q=Resilient").content.decode()
