"""Optimistic concurrency on the API (ETag / If-Match) and concurrent writers against a live server:
every acknowledged write is in the database afterwards, on SQLite and on PostgreSQL."""

import contextlib
import json
import threading
import urllib.request
from urllib.error import HTTPError

import pytest
from django.db import connection

from renkei.accounts.models import Role
from renkei.accounts.services import api_token_create, user_create
from renkei.core.tests.threads import run_together
from renkei.places.models import Need, Theme
from renkei.places.taxonomy import load_taxonomy
from renkei.places.tests.factories import PlaceFactory


@pytest.fixture
def need(db):
    place = PlaceFactory(slug="kamaishi")
    theme = Theme.objects.get(code="tsunami-reconstruction")
    return Need.objects.create(place=place, theme=theme, priority=3, description={"en": "Evacuation drills"})


@pytest.fixture
def token(db):
    user = user_create(username="api-officer", roles=[Role.PROGRAMME_OFFICER])
    return api_token_create(user=user, name="test")[1]


def auth(token, **extra):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", **extra}


def test_a_read_carries_the_version_as_its_etag(client, need):
    response = client.get(f"/api/v1/needs/{need.pk}")
    assert response["ETag"] == f'"v{need.version}"'
    assert response.json()["version"] == need.version


def test_if_match_with_the_current_version_writes_and_gives_the_new_etag(client, need, token):
    etag = client.get(f"/api/v1/needs/{need.pk}")["ETag"]
    response = client.patch(f"/api/v1/needs/{need.pk}", {"priority": 5}, content_type="application/json",
                            **auth(token, HTTP_IF_MATCH=etag))
    assert response.status_code == 200, response.content
    assert response["ETag"] != etag
    need.refresh_from_db()
    assert need.priority == 5


def test_a_stale_if_match_is_a_412_and_changes_nothing(client, need, token):
    stale = client.get(f"/api/v1/needs/{need.pk}")["ETag"]
    client.patch(f"/api/v1/needs/{need.pk}", {"description": {"en": "Drills twice a year"}},
                 content_type="application/json", **auth(token))
    response = client.patch(f"/api/v1/needs/{need.pk}", {"priority": 1}, content_type="application/json",
                            **auth(token, HTTP_IF_MATCH=stale))
    assert response.status_code == 412
    assert response.json()["error"]["code"] == "precondition_failed"
    assert client.delete(f"/api/v1/needs/{need.pk}", **auth(token, HTTP_IF_MATCH=stale)).status_code == 412
    need.refresh_from_db()
    assert need.priority == 3 and need.description == {"en": "Drills twice a year"}


def test_an_if_match_we_never_gave_is_a_412(client, need, token):
    response = client.patch(f"/api/v1/needs/{need.pk}", {"priority": 1}, content_type="application/json",
                            **auth(token, HTTP_IF_MATCH="something"))
    assert response.status_code == 412
    assert "If-Match" in response.json()["error"]["fields"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_of_different_fields_lose_no_acknowledged_write(live_server):
    load_taxonomy(Theme)  # transactional tests flush the tables, data migrations included
    place = PlaceFactory(slug="kamaishi")
    need = Need.objects.create(place=place, theme=Theme.objects.get(code="tsunami-reconstruction"), priority=1,
                               description={"en": "start"})
    user = user_create(username="api-officer", roles=[Role.PROGRAMME_OFFICER])
    raw = api_token_create(user=user, name="test")[1]
    url = f"{live_server.url}/api/v1/needs/{need.pk}"
    acknowledged: dict[str, object] = {}
    failures: list[str] = []

    # The in-memory SQLite test database is one connection that the live server's threads share, so
    # there the requests take turns (the interleaved service tests cover SQLite's own writers).
    turns = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()

    def patch(body: dict) -> bool:
        with turns:
            return _patch(body)

    def _patch(body: dict) -> bool:
        request = urllib.request.Request(url, data=json.dumps(body).encode(), method="PATCH", headers={  # noqa: S310
            "Authorization": f"Bearer {raw}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - the test's own server
                return response.status == 200
        except HTTPError as exc:
            failures.append(f"{exc.code} {exc.read()[:200]!r}")
            return False

    def writer(field: str, values: list):
        for value in values:
            if patch({field: value}):
                acknowledged[field] = value

    plan = {
        "priority": [2, 3, 4, 5, 1, 2, 3, 4, 5, 2, 3, 4],
        "description": [{"en": f"description {n}"} for n in range(12)],
        "evidence": [[f"https://example.org/report-{n}"] for n in range(12)],
    }
    run_together(writer, plan.items())
    assert failures == []
    need.refresh_from_db()
    assert need.priority == acknowledged["priority"] == plan["priority"][-1]
    assert need.description == acknowledged["description"] == plan["description"][-1]
    assert need.evidence == acknowledged["evidence"] == plan["evidence"][-1]
    assert need.version == 1 + sum(len(values) for values in plan.values())
