"""The API checked by a machine: schemathesis generates requests for every operation of the OpenAPI
document, anonymous and with an administrator's token, and checks that no answer is a server
error and that every status code, content type and body is the one the document promises."""

import io

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from renkei.config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 25


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data and an administrator's token, loaded once for the module and rolled back after it."""
    from renkei.accounts.models import Role
    from renkei.accounts.services import api_token_create, user_create

    # Requests go straight to the WSGI application, whose end-of-request signal would close the
    # test's database connection (Django's own test client disconnects it the same way).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock():
        block = transaction.atomic()
        block.__enter__()
        try:
            call_command("demo", "--no-users", stdout=io.StringIO())
            user = user_create(username="schema-admin", roles=[Role.ADMINISTRATOR])
            yield api_token_create(user=user, name="schemathesis")[1]
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


@pytest.mark.parametrize("as_admin", [False, True], ids=["anonymous", "token"])
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_its_promises(case, as_admin, demo, db):
    headers = {"Authorization": f"Bearer {demo}"} if as_admin else {}
    case.call_and_validate(headers=headers, checks=CHECKS)
