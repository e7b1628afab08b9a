"""The connected population through the JSON API: the protected dashboard for anyone, individual
records for the place's focal points and administrators only, every write the pages offer."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from renkei.accounts.services import api_token_create
from renkei.connections.models import ConnectedPerson

pytestmark = pytest.mark.django_db


def _bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')[1]}"}


def test_the_dashboard_is_protected_for_the_public(client, place, focal_point, add):
    add(7, kind="volunteer")
    add(2, kind="researcher", country="ID", prefecture="")
    public = client.get(f"/api/v1/places/{place.slug}/connections").json()
    assert public["exact"] is False and public["total"] == 9
    kinds = {c["key"]: c["count"] for c in public["by_kind"]}
    assert kinds == {"volunteer": None, "researcher": None}
    assert all(c["count"] is None or c["count"] >= 5 for c in public["where"])
    exact = client.get(f"/api/v1/places/{place.slug}/connections", **_bearer(focal_point)).json()
    assert exact["exact"] and {c["key"]: c["count"] for c in exact["where"]} == {"JP-13": 7, "ID": 2}
    assert client.get("/api/v1/places/nowhere/connections").status_code == 404


def test_people_only_for_the_focal_points(client, place, focal_point, officer, add):
    person = add(name="Hana Sample")
    url = f"/api/v1/places/{place.slug}/connections/people"
    assert client.get(url).status_code == 401
    assert client.get(url, **_bearer(officer)).status_code == 403
    assert client.get(f"/api/v1/connections/people/{person.pk}", **_bearer(officer)).status_code == 403
    listed = client.get(url, {"search": "Hana"}, **_bearer(focal_point)).json()
    assert listed["count"] == 1 and listed["results"][0]["consents"][0]["source"]
    assert client.get(url, {"page": 10 ** 9}, **_bearer(focal_point)).status_code == 422
    assert client.get(url, {"page": 1000}, **_bearer(focal_point)).json()["results"] == []


def test_every_write_through_the_api(client, place, focal_point, person_data, consent):
    auth = _bearer(focal_point)
    person_data = {**person_data, "activity": None, "partnership": ""}
    made = client.post(f"/api/v1/places/{place.slug}/connections/people", person_data,
                       content_type="application/json", **auth)
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    url = f"/api/v1/connections/people/{pk}"
    changed = client.patch(url, {"stage": 4}, content_type="application/json", **auth)
    assert changed.status_code == 200 and changed.json()["stage"] == 4 and changed.json()["name"] == "Sample Person"
    stale = client.patch(url, {"stage": 5}, content_type="application/json", HTTP_IF_MATCH='"1"', **auth)
    assert stale.status_code == 412
    assert client.post(f"{url}/interactions", {"kind": "visit", "on": "2025-03-01"}, content_type="application/json",
                       **auth).status_code == 201
    assert client.post(f"{url}/consents", consent, content_type="application/json", **auth).status_code == 201
    exported = client.get(f"{url}/export", **auth).json()
    assert exported["name"] == "Sample Person" and len(exported["consents"]) == 2
    assert client.post(f"{url}/withdraw", **auth).json()["withdrawn_at"]
    assert client.get(url, **auth).status_code == 404  # no longer used
    assert client.get(f"/api/v1/places/{place.slug}/connections/withdrawn", **auth).json()["count"] == 1
    assert client.get(f"{url}/export", **auth).status_code == 200  # but still theirs to have
    assert client.delete(url, **auth).status_code == 204
    assert not ConnectedPerson.objects.exists()
    rule = client.put(f"/api/v1/places/{place.slug}/connections/retention", {"years": 10},
                      content_type="application/json", **auth)
    assert rule.json() == {"place": place.slug, "years": 10}


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "x" * 201}, "name"), ({"name": "a\x00"}, "name"), ({"since": "2019-02-30"}, "since"),
    ({"consent": {"purpose": ""}}, "consent.purpose"), ({"colour": "red"}, "colour"),
    ({"activity": "x" * 121}, "activity"), ({"activity": "nowhere"}, "activity"), ({"stage": None}, "stage"),
])
def test_bad_bodies_are_422_naming_the_field(client, place, focal_point, person_data, body, field):
    data = {**person_data, **body}
    if "consent" in body:
        data["consent"] = {**person_data["consent"], **body["consent"]}
    answer = client.post(f"/api/v1/places/{place.slug}/connections/people", data, content_type="application/json",
                         **_bearer(focal_point))
    assert answer.status_code == 422 and field in answer.json()["error"]["fields"]
    assert not ConnectedPerson.objects.exists()


CSV = ("name,kind,since,country,consent_purpose,consent_given_on,consent_source\n"
       "Aki Sample,volunteer,2019-01-01,JP,News,2019-01-01,form\n")


def test_csv_import_through_the_api(client, place, focal_point):
    url = f"/api/v1/places/{place.slug}/connections/import"
    ok = client.post(url, {"file": SimpleUploadedFile("p.csv", CSV.encode())}, **_bearer(focal_point))
    assert ok.status_code == 200 and ok.json()["created"] == 1
    bad = client.post(url, {"file": SimpleUploadedFile("p.csv", (CSV + "B,alien,2019-01-01,JP,N,2019-01-01,f\n")
                                                       .encode())}, **_bearer(focal_point))
    assert bad.status_code == 422 and "line 3: kind" in bad.json()["error"]["fields"]
    assert ConnectedPerson.objects.count() == 1


def test_participants_through_the_api(client, place, focal_point, consent):
    from datetime import timedelta

    from django.utils import timezone

    from renkei.activities.models import Activity, Participant

    now = timezone.now()
    activity = Activity.objects.create(slug="tour", kind="study_tour", title={"en": "Tour"},
                                       starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=2))
    ids = [Participant.objects.create(activity=activity, name=n).pk for n in ("A", "B")]
    made = client.post("/api/v1/activities/tour/connect", {"place": place.slug, "participants": ids,
                                                            "consent": consent},
                       content_type="application/json", **_bearer(focal_point))
    assert made.status_code == 201 and len(made.json()["created"]) == 2


def test_the_operations_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/places/{slug}/connections", "/api/v1/places/{slug}/connections/people",
                 "/api/v1/connections/people/{pk}/export", "/api/v1/places/{slug}/connections/import",
                 "/api/v1/activities/{slug}/connect", "/api/v1/places/{slug}/connections/retention"):
        assert path in paths
