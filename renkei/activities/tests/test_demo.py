"""The demo activities load as the public record lists them, and a second load writes nothing."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from renkei.activities.demo import activities_demo_load
from renkei.activities.models import Activity, Session, Speaker

pytestmark = pytest.mark.django_db


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
