"""Programmes, calls, questions and criteria written through the API: officers only, the fields sent
only, If-Match, drafts only for questions and criteria; review seats read by their reviewers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from renkei.accounts.tests.clients import as_user, error
from renkei.programmes.models import Call, Criterion, Programme, Question

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _json(client, method, path, data=None, **headers):
    return getattr(client, method)(f"{API}{path}", data, content_type="application/json", **headers)


@pytest.fixture
def programme(officer):
    response = _json(as_user(officer), "post", "/programmes", {
        "title": {"en": "Urban resilience", "ja": "都市の強靭化"}, "eligible_countries": ["JP"],
        "eligible_levels": ["city"], "min_population": 10_000})
    assert response.status_code == 201, response.content
    return response.json()


def _call(officer, programme, **extra):
    now = timezone.now()
    body = {"title": {"en": "Second round"}, "opens_at": (now - timedelta(hours=1)).isoformat(),
            "closes_at": (now + timedelta(days=7)).isoformat(), "criteria": [{"name": {"en": "Fit"}}], **extra}
    response = _json(as_user(officer), "post", f"/programmes/{programme['slug']}/calls", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_programmes_are_created_and_changed_by_officers_only(programme, officer, focal_point, reviewer):
    assert programme["eligible_levels"] == ["city"] and programme["version"] == 1 and programme["updated_at"]
    for user in (focal_point, reviewer):
        assert error(_json(as_user(user), "post", "/programmes", {"title": {"en": "Mine"}}), 403)
    client = as_user(officer)
    url = f"/programmes/{programme['slug']}"
    changed = _json(client, "patch", url, {"max_population": 500_000}).json()
    assert changed["max_population"] == 500_000 and changed["min_population"] == 10_000
    assert changed["eligible_countries"] == ["JP"]  # not sent, kept
    below = error(_json(client, "patch", url, {"max_population": 5}), 422)
    assert below["fields"] == {"max_population": ["The maximum population must not be below the minimum."]}
    taken = error(_json(client, "post", "/programmes", {"title": {"en": "Again"}, "slug": programme["slug"]}), 422)
    assert "slug" in taken["fields"]
    themes = error(_json(client, "patch", url, {"required_themes": ["no-such-theme"]}), 422)
    assert themes["fields"] == {"required_themes": ["unknown: no-such-theme"]}
    assert error(_json(client, "patch", url, {"eligible_countries": ["JPN"]}), 422)["fields"].keys() == {
        "eligible_countries.0"}
    assert error(_json(client, "patch", url, {"title": {"en": "x" * 256}}), 422)["fields"] == {
        "title": ["must be at most 255 characters"]}
    assert Programme.objects.get(slug=programme["slug"]).max_population == 500_000
    assert error(_json(as_user(focal_point), "patch", url, {"max_population": 1}), 403)
    assert client.get(f"{API}/programmes/{programme['slug']}").json()["version"] == 2


def test_calls_questions_and_criteria_change_while_draft(programme, officer, reviewer):
    call = _call(officer, programme)
    client = as_user(officer)
    q = _json(client, "post", f"/calls/{call['slug']}/questions", {"text": {"en": "Why?"}}).json()
    bad = error(_json(client, "patch", f"/calls/{call['slug']}/questions/{q['id']}", {"kind": "choice"}), 422)
    assert bad["fields"] == {"choices": ["a choice question needs two options and a text"]}
    choice = _json(client, "patch", f"/calls/{call['slug']}/questions/{q['id']}",
                   {"kind": "choice", "choices": ["a", "b"]}).json()
    assert choice["kind"] == "choice" and choice["text"] == {"en": "Why?"} and choice["version"] == 2
    stale = _json(client, "patch", f"/calls/{call['slug']}/questions/{q['id']}", {"required": False},
                  HTTP_IF_MATCH='"v1"')
    assert error(stale, 412)
    c = call["criteria"][0]
    assert _json(client, "patch", f"/calls/{call['slug']}/criteria/{c['id']}", {"weight": 3}).json()["weight"] == 3
    assert error(_json(client, "patch", f"/calls/{call['slug']}/criteria/{c['id']}", {"weight": -1}), 422)
    assert error(_json(as_user(reviewer), "post", f"/calls/{call['slug']}/criteria", {"name": {"en": "x"}}), 404)
    closes = error(_json(client, "patch", f"/calls/{call['slug']}", {"closes_at": "2000-01-01T00:00:00Z"}), 422)
    assert closes["fields"] == {"closes_at": ["The call must close after it opens."]}
    assert client.delete(f"{API}/calls/{call['slug']}/questions/{q['id']}").status_code == 204
    extra = _json(client, "post", f"/calls/{call['slug']}/criteria", {"name": {"en": "Spare"}}).json()
    assert client.delete(f"{API}/calls/{call['slug']}/criteria/{extra['id']}").status_code == 204
    assert _json(client, "post", f"/calls/{call['slug']}/status", {"to": "open"}).status_code == 200
    refused = error(_json(client, "post", f"/calls/{call['slug']}/criteria", {"name": {"en": "Late"}}), 422)
    assert refused["fields"] == {"criteria": ["Questions and criteria change only while the call is a draft."]}
    assert error(client.delete(f"{API}/calls/{call['slug']}/criteria/{c['id']}"), 422)
    assert Criterion.objects.filter(call__slug=call["slug"]).count() == 1
    assert not Question.objects.filter(call__slug=call["slug"]).exists()
    assert Call.objects.get(slug=call["slug"]).status == "open"


def test_applications_are_read_and_withdrawn_and_seats_listed(programme, officer, focal_point, reviewer):
    from renkei.places.models import Place

    Place.objects.filter(slug="testville").update(population=20_000, level="city", country="JP")
    call = _call(officer, programme)
    officer_client = as_user(officer)
    _json(officer_client, "post", f"/calls/{call['slug']}/status", {"to": "open"})
    mine = as_user(focal_point)
    applied = _json(mine, "post", f"/calls/{call['slug']}/applications", {"place": "testville", "submit": True})
    assert applied.status_code == 200, applied.content
    application = applied.json()
    assert mine.get(f"{API}/applications/{application['id']}").json()["status"] == "submitted"
    assert error(as_user(reviewer).get(f"{API}/applications/{application['id']}"), 404)
    assert _json(officer_client, "post", f"/applications/{application['id']}/reviewers",
                 {"reviewer": reviewer.username}).status_code == 200
    seats = as_user(reviewer).get(f"{API}/assignments").json()
    assert seats["count"] == 1 and seats["results"][0]["conflicted"] is None
    assert as_user(focal_point).get(f"{API}/assignments").json()["count"] == 0
    withdrawn = _json(mine, "post", f"/applications/{application['id']}/withdraw")
    assert withdrawn.json()["status"] == "withdrawn"
    assert error(_json(as_user(reviewer), "post", f"/applications/{application['id']}/withdraw"), 404)
    for bad in ("0", "abc", "1" * 30):
        assert as_user(officer).get(f"{API}/applications/{bad}").status_code in (404, 422)
    listed = officer_client.get(f"{API}/applications", {"status": "withdrawn", "call": call["slug"]}).json()
    assert [a["id"] for a in listed["results"]] == [application["id"]]
