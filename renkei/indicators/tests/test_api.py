"""Indicators, values, imports, peer groups and benchmarks through the JSON API, per role."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from renkei.accounts.services import api_token_create
from renkei.indicators.models import PeerGroup, Value

pytestmark = pytest.mark.django_db


def _bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')[1]}"}


def test_the_catalogue_is_public(client):
    page = client.get("/api/v1/indicators", {"framework": "sdg11", "page_size": 5}).json()
    assert page["count"] == 15 and len(page["results"]) == 5
    one = client.get("/api/v1/indicators/11.2.1").json()
    assert one["unit"] == "percent" and one["range"] == [0.0, 100.0] and one["direction"] == "higher"
    assert one["disaggregations"] == ["sex", "age", "disability"] and one["name"]["ja"]
    frameworks = {f["code"]: f for f in client.get("/api/v1/frameworks").json()}
    assert len(frameworks["sendai"]["classes"]) == 7 and len(frameworks["iso37120"]["classes"]) == 19
    assert client.get("/api/v1/indicators/nope").status_code == 404
    assert client.get("/api/v1/indicators", {"page": 10**7}).status_code == 422
    assert client.get("/api/v1/indicators", {"page": 999}).json()["results"] == []
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/indicators", "/api/v1/indicator-values", "/api/v1/indicator-values/import",
            "/api/v1/peer-groups", "/api/v1/places/{slug}/benchmark"} <= set(paths)


def test_custom_indicators_per_role(client, officer, focal_point):
    body = {"code": "trees", "name": {"en": "Street trees per person", "ja": "一人当たりの街路樹"},
            "unit": "per_capita", "direction": "higher"}
    assert client.post("/api/v1/indicators", body, content_type="application/json").status_code == 401
    refused = client.post("/api/v1/indicators", body, content_type="application/json", **_bearer(focal_point))
    assert refused.status_code == 403
    made = client.post("/api/v1/indicators", body, content_type="application/json", **_bearer(officer))
    assert made.status_code == 201 and made.json()["custom"] is True
    stale = client.patch("/api/v1/indicators/trees", {"direction": "lower"}, content_type="application/json",
                         HTTP_IF_MATCH='"v7"', **_bearer(officer))
    assert stale.status_code == 412
    changed = client.patch("/api/v1/indicators/trees", {"direction": "lower"}, content_type="application/json",
                           HTTP_IF_MATCH='"v1"', **_bearer(officer))
    assert changed.status_code == 200 and changed.json()["direction"] == "lower" and changed.json()["version"] == 2
    bad = client.post("/api/v1/indicators", {**body, "code": "x\x00"}, content_type="application/json",
                      **_bearer(officer))
    assert bad.status_code in (400, 422)
    assert client.delete("/api/v1/indicators/trees", **_bearer(officer)).status_code == 204
    assert client.delete("/api/v1/indicators/11.6.2", **_bearer(officer)).status_code == 409


def test_values_entered_and_revised_through_the_api(client, place, other_place, focal_point, officer):
    body = {"place": "testville", "indicator": "11.6.2", "year": 2022, "value": 12.5, "source": "Monitoring"}
    first = client.post("/api/v1/indicator-values", body, content_type="application/json", **_bearer(focal_point))
    assert first.status_code == 200, first.content
    pk = first.json()["id"]
    second = client.post("/api/v1/indicator-values", {**body, "value": 11.0}, content_type="application/json",
                         **_bearer(focal_point))
    assert second.json()["id"] == pk and second.json()["revisions"] == 1
    history = client.get(f"/api/v1/indicator-values/{pk}/history").json()
    assert [r["value"] for r in history] == [12.5]
    listed = client.get("/api/v1/indicator-values", {"place": "testville"}).json()
    assert listed["count"] == 1 and listed["results"][0]["value"] == 11.0
    theirs = client.post("/api/v1/indicator-values", {**body, "place": "otherton"}, content_type="application/json",
                         **_bearer(focal_point))
    assert theirs.status_code == 403
    share = client.post("/api/v1/indicator-values", {**body, "indicator": "11.2.1", "value": 140},
                        content_type="application/json", **_bearer(officer))
    assert share.status_code == 422 and "value" in share.json()["error"]["fields"]
    huge = client.post("/api/v1/indicator-values", {**body, "year": 10**20}, content_type="application/json",
                       **_bearer(officer))
    assert huge.status_code == 422
    assert client.delete(f"/api/v1/indicator-values/{pk}").status_code == 401
    assert client.delete(f"/api/v1/indicator-values/{pk}", **_bearer(focal_point)).status_code == 204
    assert not Value.objects.exists()


def test_a_csv_import_through_the_api(client, place, officer):
    good = b"place,indicator,year,value,source\ntestville,11.6.2,2021,13,Monitoring\ntestville,11.6.2,2022,12,M\n"
    answer = client.post("/api/v1/indicator-values/import", {"file": SimpleUploadedFile("v.csv", good)},
                         **_bearer(officer))
    assert answer.status_code == 200 and answer.json()["created"] == 2
    bad = good + b"testville,11.2.1,2022,101,M\nnowhere,11.2.1,2022,1,M\n"
    refused = client.post("/api/v1/indicator-values/import", {"file": SimpleUploadedFile("v.csv", bad)},
                          **_bearer(officer))
    assert refused.status_code == 422
    assert set(refused.json()["error"]["fields"]) == {"4:value", "5:place"}
    assert Value.objects.count() == 2


def test_peer_groups_and_benchmarks_through_the_api(client, place, peers, officer, focal_point):
    body = {"name": {"en": "Peers"}, "kind": "list", "places": [p.slug for p in peers]}
    made = client.post("/api/v1/peer-groups", body, content_type="application/json", **_bearer(officer))
    assert made.status_code == 201 and made.json()["owner"] == str(officer)
    assert client.get("/api/v1/peer-groups").json()["count"] == 0  # private: not shown to visitors
    assert client.get("/api/v1/peer-groups/peers").status_code == 404
    refused = client.patch("/api/v1/peer-groups/peers", {"shared": True}, content_type="application/json",
                           **_bearer(focal_point))
    assert refused.status_code == 404  # a private group of someone else is not even seen
    shared = client.patch("/api/v1/peer-groups/peers", {"shared": True}, content_type="application/json",
                          **_bearer(officer))
    assert shared.json()["shared"] is True and client.get("/api/v1/peer-groups").json()["count"] == 1
    bench = client.get("/api/v1/places/testville/benchmark", {"group": "peers"}).json()
    rows = {r["indicator"]: r for r in bench["indicators"]}
    assert rows["11.6.2"]["percentile"] == 50.0 and rows["11.2.1"]["status"] == "missing"
    assert rows["11.2.1"]["value"] is None and bench["selected"] == "11.6.2"
    assert bench["distribution"][0] == {"place": "testville", "name": "Testville", "value": 12.0, "year": 2022}
    adhoc = client.get("/api/v1/places/testville/benchmark",
                       {"kind": "list", "places": ",".join(p.slug for p in peers[:2])}).json()
    assert {r["indicator"]: r["status"] for r in adhoc["indicators"]}["11.6.2"] == "too_few"
    assert client.get("/api/v1/places/testville/benchmark", {"kind": "nonsense"}).status_code == 422
    assert client.get("/api/v1/places/testville/benchmark", {"window": 0}).status_code == 422
    assert client.get("/api/v1/places/testville/benchmark", {"group": "nope"}).status_code == 404
    assert client.get("/api/v1/places/nowhere/benchmark").status_code == 404
    assert client.delete("/api/v1/peer-groups/peers", **_bearer(officer)).status_code == 204
    assert not PeerGroup.objects.exists()
