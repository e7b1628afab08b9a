from datetime import timedelta

import pytest
from django.utils import timezone

from renkei.accounts.models import Role
from renkei.accounts.services import api_token_create
from renkei.accounts.tests.factories import UserFactory
from renkei.places.tests.factories import PlaceFactory
from renkei.programmes import services

pytestmark = pytest.mark.django_db


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')[1]}"}


@pytest.fixture
def call(officer):
    programme = services.programme_create(actor=officer, data={"title_en": "CPP", "eligible_countries": ["JP"]})
    now = timezone.now()
    return services.call_create(actor=officer, programme=programme,
                                data={"title_en": "Call 2016", "slug": "call-2016", "opens_at": now - timedelta(days=1),
                                      "closes_at": now + timedelta(days=5)},
                                questions=[{"text_en": "Why?"}], criteria=[{"name_en": "Fit", "weight": 1}])


def test_call_flow_through_the_api(client, call, officer):
    toyama = PlaceFactory(slug="toyama")
    fp = UserFactory(roles=[Role.FOCAL_POINT], places=[toyama])
    reviewer = UserFactory(username="rev", roles=[Role.REVIEWER])
    assert client.get("/api/v1/calls").json()["results"] == []  # drafts are invisible to visitors
    r = client.post("/api/v1/calls/call-2016/status", {"to": "decided"}, content_type="application/json",
                    **bearer(officer))
    assert r.status_code == 422 and "cannot go from draft to decided" in r.json()["error"]["message"]
    assert client.post("/api/v1/calls/call-2016/status", {"to": "open"}, content_type="application/json",
                       **bearer(officer)).json()["status"] == "open"
    detail = client.get("/api/v1/calls/call-2016", {"place": "toyama"}).json()
    assert detail["eligibility"] == [] and detail["questions"][0]["text"] == {"en": "Why?"}
    qid = detail["questions"][0]["id"]
    r = client.post("/api/v1/calls/call-2016/applications", {"place": "toyama", "answers": {str(qid): ""},
                                                            "submit": True},
                    content_type="application/json", **bearer(fp))
    assert r.status_code == 422 and f"q{qid}" in r.json()["error"]["fields"]
    r = client.post("/api/v1/calls/call-2016/applications", {"place": "toyama", "answers": {str(qid): "Compact"},
                                                            "submit": True},
                    content_type="application/json", **bearer(fp))
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    app_id = r.json()["id"]
    seat = client.post(f"/api/v1/applications/{app_id}/reviewers", {"reviewer": "rev"},
                       content_type="application/json", **bearer(officer)).json()["assignment"]
    r = client.post(f"/api/v1/assignments/{seat}/scores", {"scores": {"1": {"value": 4}}},
                    content_type="application/json", **bearer(reviewer))
    assert r.status_code == 422 and "conflict" in r.json()["error"]["message"]
    # before declaring, the reviewer sees nothing of the application, in the list or by its id
    assert client.get("/api/v1/applications", **bearer(reviewer)).json()["results"] == []
    assert client.post(f"/api/v1/applications/{app_id}/decision", {"selected": True, "reason": "x"},
                       content_type="application/json", **bearer(reviewer)).status_code == 404
    client.post(f"/api/v1/assignments/{seat}/conflict", {"conflicted": False}, content_type="application/json",
                **bearer(reviewer))
    assert [a["id"] for a in client.get("/api/v1/applications", **bearer(reviewer)).json()["results"]] == [app_id]
    crit = call.criteria.get().pk
    r = client.post(f"/api/v1/assignments/{seat}/scores", {"scores": {str(crit): {"value": 4}}},
                    content_type="application/json", **bearer(reviewer))
    assert r.status_code == 200
    assert client.get("/api/v1/calls/call-2016/ranking", **bearer(reviewer)).status_code == 403
    client.post("/api/v1/calls/call-2016/status", {"to": "closed"}, content_type="application/json",
                **bearer(officer))
    ranking = client.get("/api/v1/calls/call-2016/ranking", **bearer(officer)).json()["results"]
    assert ranking[0]["place"] == "toyama" and ranking[0]["weighted_total"] == 4.0
    r = client.post(f"/api/v1/applications/{app_id}/decision", {"selected": True, "reason": ""},
                    content_type="application/json", **bearer(officer))
    assert r.status_code == 422 and "reason" in r.json()["error"]["fields"]
    r = client.post(f"/api/v1/applications/{app_id}/decision", {"selected": True, "reason": "Best"},
                    content_type="application/json", **bearer(officer))
    assert r.json()["status"] == "selected"
    assert client.get("/api/v1/applications", **bearer(fp)).json()["results"][0]["status"] == "selected"
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/calls/{slug}/applications" in paths and "/api/v1/calls/{slug}/ranking" in paths


def test_visitors_and_other_focal_points_see_no_applications(client, call, officer):
    services.call_transition(actor=officer, call=call, to="open")
    toyama = PlaceFactory(slug="toyama")
    fp = UserFactory(roles=[Role.FOCAL_POINT], places=[toyama])
    services.application_save(actor=fp, call=call, place=toyama, answers={}, submit=False)
    other = UserFactory(roles=[Role.FOCAL_POINT], places=[PlaceFactory()])
    assert client.get("/api/v1/applications", **bearer(other)).json()["results"] == []
    assert client.get("/api/v1/applications").status_code == 401


def test_lists_are_pages_and_queries_are_checked(client, call, officer):
    services.call_transition(actor=officer, call=call, to="open")
    page = client.get("/api/v1/calls", {"page_size": 1}).json()
    assert page["count"] == 1 and page["page_size"] == 1 and page["results"][0]["title"] == {"en": "Call 2016"}
    assert client.get("/api/v1/calls", {"status": "nonsense"}).status_code == 422
    assert client.get("/api/v1/calls", {"page_size": 201}).status_code == 422
    programmes = client.get("/api/v1/programmes").json()
    assert programmes["count"] == 1 and programmes["results"][0]["calls"] == ["call-2016"]
    missing = client.get("/api/v1/calls/no-such-call")
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "not_found", "message": "No such call.", "fields": {"slug": [
        "No such call."]}}}
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "ErrorOut" in str(paths["/api/v1/calls/{slug}"]["get"]["responses"]["404"])


def test_drafts_and_unpublished_programmes_are_not_found_for_visitors(client, call, officer):
    assert client.get("/api/v1/calls/call-2016").status_code == 404
    assert client.get("/api/v1/calls/call-2016", **bearer(officer)).status_code == 200


def test_a_reviewer_who_declared_a_conflict_sees_nothing_of_the_application(client, call, officer):
    from renkei.programmes.models import Application, ReviewAssignment

    toyama = PlaceFactory(slug="toyama")
    application = Application.objects.create(call=call, place=toyama, status="submitted")
    reviewer = UserFactory(username="rev", roles=[Role.REVIEWER])
    seat = ReviewAssignment.objects.create(application=application, reviewer=reviewer)
    assert client.get("/api/v1/applications", **bearer(reviewer)).json()["results"] == []
    client.post(f"/api/v1/assignments/{seat.pk}/conflict", {"conflicted": True, "note": "my city"},
                content_type="application/json", **bearer(reviewer))
    assert client.get("/api/v1/applications", **bearer(reviewer)).json()["results"] == []
