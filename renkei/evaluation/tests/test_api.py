import json

import pytest

from renkei.accounts.services import api_token_create
from renkei.evaluation.models import Criterion, Evaluation, Result
from renkei.evaluation.tests.conftest import scored

pytestmark = pytest.mark.django_db


def _bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')[1]}"}


def _send(client, method, url, body, user=None, **headers):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json",
                                   **(_bearer(user) if user else {}), **headers)


def test_the_results_chain_through_the_api(client, kamakura_umea, kamakura_fp, outsider_fp):
    url = "/api/v1/partnerships/kamakura-umea/results"
    assert _send(client, "post", url, {"level": "impact", "title": {"en": "x"}}).status_code == 401
    assert _send(client, "post", url, {"level": "impact", "title": {"en": "x"}}, outsider_fp).status_code == 403
    impact = _send(client, "post", url, {"level": "impact", "title": {"en": "Citizens lead"}}, kamakura_fp)
    assert impact.status_code == 201
    outcome = _send(client, "post", url, {"level": "outcome", "parent": impact.json()["id"],
                                          "title": {"en": "Meetings", "ja": "会議"}}, kamakura_fp).json()
    bad = _send(client, "post", url, {"level": "output", "parent": impact.json()["id"], "title": {"en": "x"}},
                kamakura_fp)
    assert bad.status_code == 422 and "parent" in bad.json()["error"]["fields"]
    indicator = _send(client, "post", f"/api/v1/results/{outcome['id']}/indicators",
                      {"name": {"en": "Meetings a year"}, "unit": "meetings", "baseline_value": 0,
                       "baseline_on": "2017-01-01"}, kamakura_fp)
    assert indicator.status_code == 201
    pk = indicator.json()["id"]
    target = _send(client, "put", f"/api/v1/result-indicators/{pk}/targets",
                   {"period_start": "2017-01-01", "period_end": "2021-01-01", "value": 12}, kamakura_fp)
    assert target.status_code == 200 and target.json()["status"] == "no_data"
    actual = _send(client, "put", f"/api/v1/result-indicators/{pk}/actuals",
                   {"period_start": "2019-01-01", "period_end": "2019-01-01", "value": 6,
                    "evidence_url": "https://example.org/minutes"}, kamakura_fp)
    assert actual.status_code == 200
    body = client.get(url).json()
    [row] = [r for r in body["results"] if r["id"] == outcome["id"]]
    assert row["indicators"][0]["targets"][0]["status"] == "on_track"  # half way at half time
    assert row["indicators"][0]["targets"][0]["progress"] == 0.5
    changed = _send(client, "patch", f"/api/v1/results/{outcome['id']}", {"position": 2}, kamakura_fp).json()
    assert changed["position"] == 2 and changed["title"]["ja"] == "会議"
    assert _send(client, "patch", f"/api/v1/result-indicators/{pk}", {"baseline_source": "minutes"},
                 kamakura_fp).json()["baseline_source"] == "minutes"
    assert client.delete(f"/api/v1/actuals/{actual.json()['id']}", **_bearer(outsider_fp)).status_code == 403
    assert client.delete(f"/api/v1/actuals/{actual.json()['id']}", **_bearer(kamakura_fp)).status_code == 204
    assert client.delete(f"/api/v1/targets/{target.json()['id']}", **_bearer(kamakura_fp)).status_code == 204
    assert client.delete(f"/api/v1/result-indicators/{pk}", **_bearer(kamakura_fp)).status_code == 204
    assert client.delete(f"/api/v1/results/{impact.json()['id']}", **_bearer(kamakura_fp)).status_code == 204
    assert not Result.objects.filter(partnership=kamakura_umea).exists()
    assert client.get("/api/v1/partnerships/nowhere/results").status_code == 404
    assert client.delete("/api/v1/results/999999", **_bearer(kamakura_fp)).status_code == 404


def test_adoptions_and_learning_through_the_api(client, kamakura_umea, kamakura_fp):
    url = "/api/v1/partnerships/kamakura-umea/adoptions"
    made = _send(client, "post", url, {"place": "umea", "practice": {"en": "Umecons"}, "adopted_on": "2018-04-01",
                                       "source": "IUC final report"}, kamakura_fp)
    assert made.status_code == 201 and made.json()["side"] == "partner"
    bad = _send(client, "post", url, {"place": "umea", "practice": {"en": "x"}, "adopted_on": "2018-13-01"},
                kamakura_fp)
    assert bad.status_code == 422 and "adopted_on" in bad.json()["error"]["fields"]
    learning = client.get("/api/v1/partnerships/kamakura-umea/results").json()["learning"]
    partner = next(s for s in learning["sides"] if s["side"] == "partner")
    assert partner["adoptions"] == 1 and learning["score"] == 0  # one side only
    assert client.delete(f"/api/v1/adoptions/{made.json()['id']}", **_bearer(kamakura_fp)).status_code == 204


def test_evaluations_through_the_api_per_role(client, kamakura_umea, officer, evaluator, other_evaluator, anonymous):
    url = "/api/v1/partnerships/kamakura-umea/evaluations"
    assert _send(client, "post", url, {"kind": "final"}, evaluator).status_code == 403
    made = _send(client, "post", url, {"kind": "final", "evaluators": ["eva"], "due_on": "2021-03-31"}, officer)
    assert made.status_code == 201 and made.json()["evaluators"] == ["eva"]
    pk = made.json()["id"]
    # visitors and other evaluators do not see it yet
    assert client.get(f"/api/v1/evaluations/{pk}").status_code == 404
    assert client.get(f"/api/v1/evaluations/{pk}", **_bearer(other_evaluator)).status_code == 404
    assert client.get("/api/v1/evaluations").json()["count"] == 0
    assert client.get(f"/api/v1/evaluations/{pk}", **_bearer(evaluator)).status_code == 200
    score = {"criterion": "relevance", "level": 4, "justification": "Both plans name it"}
    assert _send(client, "put", f"/api/v1/evaluations/{pk}/scores", score, other_evaluator).status_code == 404
    assert _send(client, "put", f"/api/v1/evaluations/{pk}/scores", score, officer).status_code == 403
    bad = _send(client, "put", f"/api/v1/evaluations/{pk}/scores", {**score, "level": 9}, evaluator)
    assert bad.status_code == 422 and "level" in bad.json()["error"]["fields"]
    assert _send(client, "put", f"/api/v1/evaluations/{pk}/scores", score, evaluator).json()["level"] == 4
    early = _send(client, "post", f"/api/v1/evaluations/{pk}/status", {"to": "submitted"}, evaluator)
    assert early.status_code == 422 and "Score every criterion" in early.json()["error"]["message"]
    scored(Evaluation.objects.get(pk=pk), evaluator)
    assert _send(client, "post", f"/api/v1/evaluations/{pk}/status", {"to": "submitted"},
                 evaluator).json()["status"] == "submitted"
    stale = _send(client, "patch", f"/api/v1/evaluations/{pk}", {"summary": {"en": "Good"}}, officer,
                  HTTP_IF_MATCH='"v1"')
    assert stale.status_code == 412
    assert _send(client, "post", f"/api/v1/evaluations/{pk}/status", {"to": "published"},
                 officer).json()["status"] == "published"
    public = client.get(f"/api/v1/evaluations/{pk}").json()
    assert public["evaluators"] == [] and len(public["scores"]) == len(Criterion.values)
    assert client.get("/api/v1/evaluations", {"partnership": "kamakura-umea"}).json()["count"] == 1
    assert client.get("/api/v1/evaluations", {"page": 10**12}).status_code == 422
    assert client.delete(f"/api/v1/evaluations/{pk}", **_bearer(officer)).status_code == 422


def test_rubric_and_portfolio(client, kamakura_umea, officer, admin_user, evaluator):
    rubric = client.get("/api/v1/evaluation-rubric").json()
    assert [c["criterion"] for c in rubric] == Criterion.values
    assert all(len(c["levels"]) == 4 and all(level["descriptor"] for level in c["levels"]) for c in rubric)
    ja = client.get("/api/v1/evaluation-rubric", HTTP_ACCEPT_LANGUAGE="ja").json()
    assert ja[0]["name"] == "妥当性"
    body = client.get("/api/v1/programmes/eu-international-urban-cooperation/portfolio").json()
    assert {r["partnership"] for r in body["rows"]} == {"koriyama-essen", "nagano-obuse-turku", "kamakura-umea"}
    only = client.get("/api/v1/programmes/eu-international-urban-cooperation/portfolio",
                      {"country": "SE"}).json()["rows"]
    assert [r["partnership"] for r in only] == ["kamakura-umea"]
    assert client.get("/api/v1/programmes/eu-international-urban-cooperation/portfolio",
                      {"country": "SWE"}).status_code == 422
    unknown_kind = client.get("/api/v1/programmes/eu-international-urban-cooperation/portfolio", {"kind": "pairs"})
    assert unknown_kind.status_code == 422 and "kind" in unknown_kind.json()["error"]["fields"]
    networks = client.get("/api/v1/programmes/eu-international-urban-cooperation/portfolio", {"kind": "network"})
    assert [r["partnership"] for r in networks.json()["rows"]] == ["nagano-obuse-turku"]
    assert client.get("/api/v1/programmes/nowhere/portfolio").status_code == 404
    assert client.get("/api/v1/portfolio").status_code == 401
    assert client.get("/api/v1/portfolio", **_bearer(officer)).status_code == 403
    assert client.get("/api/v1/portfolio", **_bearer(admin_user)).json()["programme"] is None


def test_every_write_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/partnerships/{slug}/results", "/api/v1/results/{pk}/indicators",
                 "/api/v1/result-indicators/{pk}/targets", "/api/v1/result-indicators/{pk}/actuals",
                 "/api/v1/partnerships/{slug}/adoptions", "/api/v1/partnerships/{slug}/evaluations",
                 "/api/v1/evaluations/{pk}/scores", "/api/v1/evaluations/{pk}/status",
                 "/api/v1/programmes/{slug}/portfolio", "/api/v1/evaluation-rubric"):
        assert path in paths, path
