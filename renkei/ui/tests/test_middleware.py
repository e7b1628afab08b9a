"""Service errors a page lets rise become the 404 and 403 pages, not a 500."""

import pytest
from django.test import RequestFactory

from renkei.core.errors import ApplicationError, NotAllowed, NotFound
from renkei.ui.middleware import ServiceErrorPagesMiddleware


def _raising(exc):
    def view(request):
        raise exc
    return view


@pytest.mark.parametrize(("exc", "status"), [(NotFound("No such place."), 404), (NotAllowed("Not yours."), 403)])
def test_service_errors_become_error_pages(exc, status, settings):
    from django.core.handlers.exception import convert_exception_to_response

    middleware = ServiceErrorPagesMiddleware(_raising(exc))
    request = RequestFactory().get("/places/nowhere/")

    def get_response(request):
        try:
            return middleware.get_response(request)
        except Exception as error:
            middleware.process_exception(request, error)
            raise

    assert convert_exception_to_response(get_response)(request).status_code == status


def test_other_errors_are_left_alone():
    middleware = ServiceErrorPagesMiddleware(lambda request: None)
    assert middleware.process_exception(RequestFactory().get("/"), ApplicationError("bad")) is None


@pytest.mark.django_db
def test_a_page_that_lets_not_found_rise_answers_404(client):
    assert client.get("/places/no-such-place/").status_code == 404
    assert client.get("/organisations/no-such-organisation/").status_code == 404
    assert client.get("/library/no-such-product/").status_code == 404
