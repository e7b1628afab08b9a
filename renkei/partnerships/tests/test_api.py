import pytest

from renkei.accounts.services import api_token_create
from renkei.partnerships.demo import activities_demo_load, partnerships_demo_load
from renkei.places.demo import demo_load
from renkei.programmes.demo import programmes_demo_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    demo_load()
    programmes_demo_load()
    partnerships_demo_load()
    activities_demo_load()


def test_partnerships_and_activities_in_the_api(client, demo, officer, focal_point):
    body = client.get("/api/v1/partnerships", {"kind": "triangular"}).json()
    assert [p["slug"] for p in body] == ["jica-kamaishi-banda-aceh"]
    assert {m["role"] for m in body[0]["members"]} == {"1", "4"}
    toyama = client.get("/api/v1/partnerships/toyama-world-bank-cpp").json()
    assert toyama["agreements"][0]["signed_on"] == "2016-11-03"
    assert client.get("/api/v1/partnerships/nowhere").json()["error"]["code"] == "not_found"
    token = api_token_create(user=officer, name="t")[1]
    bad = client.post("/api/v1/partnerships/kamakura-umea/status", {"to": "active", "reason": "x"},
                      content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert bad.status_code == 422 and "cannot go from completed to active" in bad.json()["error"]["message"]
    ok = client.post("/api/v1/partnerships/kamakura-umea/status", {"to": "closed", "reason": "Programme ended"},
                     content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert ok.json()["status"] == "closed"
    other = api_token_create(user=focal_point, name="t")[1]
    assert client.post("/api/v1/partnerships/koriyama-essen/status", {"to": "closed", "reason": "x"},
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 403
    session = client.get("/api/v1/activities/wuf11-jica-kamaishi-session").json()
    assert session["speakers"][0] == {"name": "Atsutoshi Hirabayashi", "title": "Technical Advisor/Moderator",
                                      "role": "moderator"}
    assert len(client.get("/api/v1/activities").json()) == 2
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/partnerships/{slug}/status" in paths and "/api/v1/activities" in paths
