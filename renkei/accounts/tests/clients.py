"""Clients for tests: signed in to the pages, or authenticated like an API client; and the check
of the API's one error format."""

from django.test import Client

from renkei.accounts.services import api_token_create


def login(client, user):
    """The test client, signed in as ``user`` (a session, as a browser has)."""
    client.force_login(user)
    return client


def as_user(user) -> Client:
    """A client that authenticates like an API client: a bearer token, CSRF enforced."""
    _token, raw = api_token_create(user=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {raw}"}, enforce_csrf_checks=True)


def error(response, status: int) -> dict:
    """Assert the status and the one error format; return the error object."""
    assert response.status_code == status, response.content
    body = response.json()
    assert list(body) == ["error"]
    assert set(body["error"]) == {"code", "message", "fields"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]
