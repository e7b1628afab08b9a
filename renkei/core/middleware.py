"""Refuse text that no database column can hold before any view sees it.

PostgreSQL cannot store a NUL character in a text column (SQLite can), so a NUL in a query
string, a form field or a JSON body would pass validation and fail at the database with a 500 on
one database only. No person's text contains one, so the request is refused here with a 4xx
naming the field, the same on both databases.
"""

from __future__ import annotations

import json

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from renkei.core import jsonparse
from renkei.core.errors import ApplicationError

NUL = "\x00"


def _nul_path(value, path: str = "") -> str | None:
    """The dotted path of the first string (or key) in ``value`` holding a NUL, else None."""
    if isinstance(value, str):
        return path or "body" if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return name.replace(NUL, "")
            found = _nul_path(item, name)
            if found:
                return found
    if isinstance(value, list):
        for n, item in enumerate(value):
            found = _nul_path(item, f"{path}.{n}" if path else str(n))
            if found:
                return found
    return None


def _field_with_nul(request) -> str | None:
    if NUL in request.path:
        return "path"
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in value for value in values):
            return key.replace(NUL, "")
    content_type = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if content_type == "application/x-www-form-urlencoded":
            for key, values in request.POST.lists():
                if NUL in key or any(NUL in value for value in values):
                    return key.replace(NUL, "")
        elif content_type.endswith("json"):
            try:
                body = request.body
            except Exception:  # noqa: BLE001 - too big or unreadable: the view answers that
                return None
            if b"\\u0000" in body or b"\x00" in body:
                try:
                    return _nul_path(jsonparse.loads(body))
                except ValueError:
                    return None
    return None


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = _field_with_nul(request)
        if field is None:
            return self.get_response(request)
        error = ApplicationError(_("%(field)s: must not contain NUL characters") % {"field": field},
                                 errors={field: [_("must not contain NUL characters")]})
        if request.path.startswith("/api/"):
            return JsonResponse(error.as_dict(), status=422)
        return HttpResponseBadRequest(error.message, content_type="text/plain; charset=utf-8")


# Scripts only from Renkei's own static files (no inline script, no eval); styles from our files,
# with inline style attributes allowed for the widths of drawn bars; nothing from elsewhere.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class ContentSecurityPolicyMiddleware:
    """Every answer carries the policy (pages, API, files), unless a view set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class VersionETagMiddleware:
    """An API answer that is one versioned object (a JSON object with an integer ``version``) carries
    it as its ETag, for clients to send back as ``If-Match`` (see ``core/concurrency.py``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.path.startswith("/api/") and response.status_code in (200, 201)
                and response.get("Content-Type", "").startswith("application/json")
                and not response.has_header("ETag") and not getattr(response, "streaming", False)):
            content = response.content
            if b'"version"' not in content or len(content) > 1 << 20:  # lists and pages: nothing to parse
                return response
            try:
                body = json.loads(content)
            except ValueError:
                return response
            if isinstance(body, dict) and isinstance(body.get("version"), int):
                from renkei.core.concurrency import etag

                response["ETag"] = etag(body["version"])
        return response
