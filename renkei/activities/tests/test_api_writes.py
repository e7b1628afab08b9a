"""Learning activities written through the API: creating and changing activities and sessions,
speakers, participants with attendance and self-assessments; who may, and what is refused."""

import pytest

from renkei.accounts.tests.clients import as_user, error
from renkei.activities.models import Activity, Participant, Speaker

pytestmark = pytest.mark.django_db

API = "/api/v1"
TOYAMA = "toyama-technical-deep-dive-2016"


def _json(client, method, path, data=None, **headers):
    return getattr(client, method)(f"{API}{path}", data, content_type="application/json", **headers)


NEW = {"kind": "workshop", "title": {"en": "Compact city workshop", "ja": "コンパクトシティ勉強会"},
       "starts_at": "2026-10-05T09:00", "ends_at": "2026-10-05T17:00", "timezone": "Asia/Jakarta",
       "venue": "Surabaya City Hall"}


def test_activities_are_created_and_changed(demo, officer, reviewer):
    client = as_user(officer)
    created = _json(client, "post", "/activities", NEW)
    assert created.status_code == 201, created.content
    activity = created.json()
    assert activity["starts_at"] == "2026-10-05T02:00:00Z"  # no offset: in Asia/Jakarta
    assert activity["id"] and activity["version"] == 1 and activity["updated_at"]
    assert error(_json(as_user(reviewer), "post", "/activities", NEW), 403)
    wrong = error(_json(client, "post", "/activities", {**NEW, "ends_at": "2026-10-04T09:00"}), 422)
    assert wrong["fields"] == {"ends_at": ["An activity must end after it starts."]}
    for not_a_zone in ("Mars/Olympus", "localtime"):
        zone = error(_json(client, "post", "/activities", {**NEW, "timezone": not_a_zone}), 422)
        assert list(zone["fields"]) == ["timezone"]
    far = error(_json(client, "post", "/activities", {**NEW, "starts_at": "9999-01-01T00:00"}), 422)
    assert list(far["fields"]) == ["starts_at"]
    assert error(_json(client, "post", "/activities", {**NEW, "venue": "v" * 256}), 422)["fields"] == {
        "venue": ["must be at most 255 characters"]}
    assert error(_json(client, "post", "/activities", {**NEW, "slug": "not a slug"}), 422)["fields"].keys() == {
        "slug"}
    url = f"/activities/{activity['slug']}"
    tag = client.get(f"{API}{url}")["ETag"]
    changed = _json(client, "patch", url, {"venue": "Surabaya Convention Hall"}, HTTP_IF_MATCH=tag).json()
    assert changed["venue"] == "Surabaya Convention Hall" and changed["title"] == activity["title"]
    assert error(_json(client, "patch", url, {"venue": "x"}, HTTP_IF_MATCH=tag), 412)
    assert error(_json(client, "patch", url, {"kind": None}), 422)["fields"] == {"kind": ["is required"]}
    assert Activity.objects.filter(title__en=NEW["title"]["en"]).count() == 1


def test_sessions_speakers_and_participants(demo, officer, focal_point):
    client = as_user(officer)
    agenda = client.get(f"{API}/activities/{TOYAMA}/sessions").json()
    session = _json(client, "post", f"/activities/{TOYAMA}/sessions", {
        "title": {"en": "Wrap-up"}, "starts_at": "2016-11-02T16:00", "ends_at": "2016-11-02T17:00"}).json()
    assert client.get(f"{API}/activities/{TOYAMA}/sessions").json()["count"] == agenda["count"] + 1
    moved = _json(client, "patch", f"/activities/{TOYAMA}/sessions/{session['id']}",
                  {"ends_at": "2016-11-02T17:30"}).json()
    assert moved["ends_at"] == "2016-11-02T08:30:00Z" and moved["starts_at"] == session["starts_at"]
    outside = error(_json(client, "patch", f"/activities/{TOYAMA}/sessions/{session['id']}",
                          {"starts_at": "2016-12-01T10:00"}), 422)
    assert "starts_at" in outside["fields"]
    shrink = error(_json(client, "patch", f"/activities/{TOYAMA}", {"ends_at": "2016-11-01T12:00+09:00"}), 422)
    assert list(shrink["fields"]) == ["ends_at"]
    speaker = _json(client, "post", f"/activities/{TOYAMA}/speakers", {"name": "Masashi Mori"})
    assert speaker.status_code == 201 and speaker.json()["session"] is None
    twice = error(_json(client, "post", f"/activities/{TOYAMA}/speakers", {"name": "masashi mori"}), 422)
    assert list(twice["fields"]) == ["name"]
    nobody = error(_json(client, "post", f"/activities/{TOYAMA}/speakers", {"name": "Nobody"}), 422)
    assert list(nobody["fields"]) == ["name"]
    assert error(_json(client, "post", f"/activities/{TOYAMA}/speakers",
                       {"name": "Masashi Mori", "session": 999999}), 422)["fields"] == {
        "session": ["No such session in this activity."]}
    assert client.delete(f"{API}/activities/{TOYAMA}/speakers/{speaker.json()['id']}").status_code == 204
    assert not Speaker.objects.filter(pk=speaker.json()["id"]).exists()

    person = _json(client, "post", f"/activities/{TOYAMA}/participants", {"name": "Aiko Tanaka"}).json()
    assert person["attended"] is None and person["version"] == 1
    url = f"/activities/{TOYAMA}/participants/{person['id']}"
    assert _json(client, "patch", url, {"attended": True}).json()["attended"] is True
    scored = _json(client, "patch", url, {"before_score": 2, "after_score": 4}).json()
    assert (scored["attended"], scored["before_score"], scored["after_score"]) == (True, 2, 4)
    assert error(_json(client, "patch", url, {"after_score": 6}), 422)["fields"] == {
        "after_score": ["must be from 1 to 5"]}
    assert error(_json(client, "patch", url, {"after_score": 3}, HTTP_IF_MATCH='"v1"'), 412)
    assert Participant.objects.get(pk=person["id"]).after_score == 4
    assert error(_json(client, "post", f"/activities/{TOYAMA}/participants", {"name": ""}), 422)["fields"] == {
        "name": ["is required"]}
    outsider = as_user(focal_point)
    assert error(outsider.get(f"{API}/activities/{TOYAMA}/participants"), 403)
    assert error(_json(outsider, "patch", url, {"attended": False}), 403)
    assert error(_json(outsider, "post", f"/activities/{TOYAMA}/speakers", {"name": "Masashi Mori"}), 403)


def test_an_agenda_change_shows_the_activity_as_changed(demo, officer):
    client = as_user(officer)
    before = client.get(f"{API}/activities/{TOYAMA}").json()
    session = before["sessions"][0]
    _json(client, "patch", f"/activities/{TOYAMA}/sessions/{session['id']}", {"room": "Room 2"})
    changed = client.get(f"{API}/activities", {"updated_since": before["updated_at"]}).json()["results"]
    assert TOYAMA in [a["slug"] for a in changed]
    assert client.get(f"{API}/activities/{TOYAMA}").json()["updated_at"] > before["updated_at"]
