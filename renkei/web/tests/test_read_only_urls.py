"""Downloads and feeds that are only ever read (calendars, the IATI files, stored files, the health
check) answer any other method 405 with the methods they allow, before the CSRF check, which would
answer 403; a page that takes a form still checks its token."""

import pytest
from django.test import Client

READ_ONLY = [
    "/healthz",
    "/activities/feed.ics",
    "/activities/some-activity/event.ics",
    "/iati/activities.xml",
    "/iati/organisation.xml",
    "/library/some-product/files/1/",
    "/partnerships/some-partnership/agreements/1/document/",
    "/applications/1/answers/1/file/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", READ_ONLY)
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_read_only_url_answers_other_methods_405(url, method, officer):
    for signed_in in (False, True):
        client = Client(enforce_csrf_checks=True)
        if signed_in:
            client.force_login(officer)
        response = getattr(client, method)(url)
        assert response.status_code == 405, (url, method, signed_in, response.status_code)
        assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db
def test_the_health_check_still_answers_get_and_head():
    client = Client(enforce_csrf_checks=True)
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}
    assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
def test_a_form_still_needs_its_csrf_token(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.post("/match/pair/", {"a_country": ["DE"], "b_country": ["JP"]}).status_code == 403
