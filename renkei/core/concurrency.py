"""Optimistic concurrency on the API: an ``ETag`` on every read of a versioned object, and
``If-Match`` on a write answered by 412 when the client's copy is stale.

The tag is the object's ``version`` (``TimeStampedModel``), which every update service raises by
one inside its transaction, so a tag names exactly one state of the row. Clients that send no
``If-Match`` are not checked (the update services still lock the row and write only the fields
they were given, so two clients editing different fields never undo each other).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils.translation import gettext as _

from renkei.core.errors import ApplicationError, Conflict, PreconditionFailed

_TAG = re.compile(r'^\s*(?:W/)?"v(\d{1,18})"\s*$')


def etag(version: int) -> str:
    return f'"v{version}"'


def set_etag(response, obj) -> None:
    """Put the object's version on the response (a django-ninja temporal response or an HttpResponse)."""
    version = getattr(obj, "version", None)
    if version is not None:
        response["ETag"] = etag(version)


def expected_version(request) -> int | None:
    """The version named by the request's ``If-Match`` header; None when there is none (or ``*``).

    A header that is not one of our tags can never match, so it is a 412, not a silent pass."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    tags = [part for part in header.split(",") if part.strip()]
    if len(tags) == 1:
        match = _TAG.match(tags[0])
        if match:
            return int(match.group(1))
    raise PreconditionFailed(_("If-Match must be one ETag this API gave, like \"v3\"."), field="If-Match")


def check_version(obj, expected: int | None, *, message: str | None = None) -> None:
    """Raise 412 when ``expected`` is given and the stored object has moved on (call it on the locked row)."""
    if expected is not None and getattr(obj, "version", None) != expected:
        raise PreconditionFailed(
            message or _("Someone else changed this while you were editing. Reload it and try again."),
            field="If-Match",
        )


@contextmanager
def precondition(request) -> Iterator[int | None]:
    """The version the request's If-Match names, for the update service to compare on its locked row;
    a stale version it reports (Conflict) is answered as 412 when the client used If-Match."""
    expected = expected_version(request)
    try:
        yield expected
    except Conflict as exc:
        if expected is None:
            raise
        raise PreconditionFailed(exc.message, field="If-Match") from exc


__all__ = ["ApplicationError", "check_version", "etag", "expected_version", "precondition", "set_etag"]
