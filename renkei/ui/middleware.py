"""Service errors a page did not handle become the right error page.

A selector that finds nothing raises ``NotFound`` and a service that refuses raises
``NotAllowed``; a view lets them rise instead of translating each one, and the visitor gets the
404 or 403 page. (The JSON API turns the same errors into its error format before this runs.)
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from renkei.core.errors import NotAllowed, NotFound


class ServiceErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        if isinstance(exception, NotAllowed):
            raise PermissionDenied(exception.message) from exception
        return None
