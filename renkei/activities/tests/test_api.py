import pytest

from renkei.accounts.services import api_token_create
from renkei.activities.models import Session

pytestmark = pytest.mark.django_db


def _bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')[1]}"}


def test_activities_in_the_api(client, demo):
    wuf = client.get("/api/v1/activities/wuf11-jica-kamaishi-session").json()
    assert wuf["speakers"] == []  # they all speak in its one session
    assert wuf["title"]["en"].startswith("Resilient local cities") and wuf["title"]["ja"].startswith("開発協力機関")
    session = wuf["sessions"][0]
    assert session["room"] == "Multifunction Hall Room 13" and session["starts_at"] == "2022-06-29T11:30:00Z"
    assert set(session["title"]) == {"en", "ja"}
    speaker = session["speakers"][0]
    assert speaker == {"id": speaker["id"], "session": session["id"], "name": "Atsutoshi Hirabayashi",
                       "title": "Technical Advisor/Moderator",
                       "organisation": "Japan International Cooperation Agency", "role": "moderator"}
    listed = client.get("/api/v1/activities").json()
    # the two from the record, then the four samples dated from the load day (no agenda)
    assert (listed["count"], listed["page"], listed["page_size"]) == (6, 1, 50)
    assert [len(a["sessions"]) for a in listed["results"]] == [5, 1, 0, 0, 0, 0]
    second = client.get("/api/v1/activities", {"page": 2, "page_size": 1}).json()
    assert [a["slug"] for a in second["results"]] == ["wuf11-jica-kamaishi-session"]
    window = client.get("/api/v1/activities", {"start": "2020-01-01T00:00:00Z"}).json()
    slugs = [a["slug"] for a in window["results"]]
    assert slugs[0] == "wuf11-jica-kamaishi-session" and all(s.endswith("-sample") for s in slugs[1:])
    too_big = client.get("/api/v1/activities", {"page_size": 500})
    assert too_big.status_code == 422 and "page_size" in too_big.json()["error"]["fields"]
    missing = client.get("/api/v1/activities/nowhere")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "/api/v1/activities" in paths and "/api/v1/activities/{slug}/sessions" in paths
    assert {"en", "ja"} <= set(schema["components"]["schemas"]["TitleOut"]["properties"])


def test_sessions_added_through_the_api(client, demo, officer, focal_point, reviewer):
    url = "/api/v1/activities/toyama-technical-deep-dive-2016/sessions"
    body = {"title": {"en": "Light rail site visit", "ja": "ライトレール視察"}, "starts_at": "2016-11-02T13:00",
            "ends_at": "2016-11-02T15:00+09:00", "room": "Toyama Station",
            "speakers": [{"name": "Masashi Mori", "role": "moderator"}]}
    assert client.post(url, body, content_type="application/json").status_code == 401
    for user in (focal_point, reviewer):
        assert client.post(url, body, content_type="application/json", **_bearer(user)).status_code == 403
    ok = client.post(url, body, content_type="application/json", **_bearer(officer))
    assert ok.status_code == 201, ok.json()
    assert ok.json()["starts_at"] == "2016-11-02T04:00:00Z"  # no offset given: read in Tokyo time
    assert ok.json()["speakers"][0]["role"] == "moderator"
    assert ok.json()["title"] == {"en": "Light rail site visit", "ja": "ライトレール視察"}
    assert Session.objects.get(pk=ok.json()["id"]).title == {"en": "Light rail site visit", "ja": "ライトレール視察"}
    late = client.post(url, {**body, "ends_at": "2016-11-05T10:00+09:00"}, content_type="application/json",
                       **_bearer(officer))
    assert late.status_code == 422 and "must be within the activity" in late.json()["error"]["fields"]["ends_at"][0]
    nobody = client.post(url, {**body, "speakers": [{"name": "Nobody"}]}, content_type="application/json",
                         **_bearer(officer))
    assert nobody.status_code == 422
    assert nobody.json()["error"]["fields"]["speakers"] == [
        "speaker 1: no contact is called “Nobody”; add them as a contact first"]
    garbled = client.post(url, {**body, "starts_at": "soon"}, content_type="application/json", **_bearer(officer))
    assert garbled.status_code == 422 and "starts_at" in garbled.json()["error"]["fields"]
    untitled = client.post(url, {**body, "title": {"en": " "}}, content_type="application/json", **_bearer(officer))
    assert untitled.status_code == 422 and "title" in untitled.json()["error"]["fields"]
    old_shape = client.post(url, {**body, "title_en": "x"}, content_type="application/json", **_bearer(officer))
    assert old_shape.status_code == 422 and "title_en" in old_shape.json()["error"]["fields"]
    missing = client.post("/api/v1/activities/nowhere/sessions", body, content_type="application/json",
                          **_bearer(officer))
    assert missing.status_code == 404
