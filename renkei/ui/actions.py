"""The buttons of a page: a POST that runs one service call and goes back to the page; and the other
side, a download or feed that is only ever read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from renkei.core.errors import ApplicationError, NotAllowed, NotFound


def signed_in_post(view: Callable) -> Callable:
    """A button's view: signed-in visitors only (others go to the sign-in page), POST only (405)."""
    return login_required(require_POST(view))


def read_only(view: Callable) -> Callable:
    """A download or feed (a calendar, an XML file, a stored file, the health check): GET and HEAD only.
    Any other method is answered 405 with ``Allow: GET, HEAD``, before the CSRF check, which would
    otherwise answer a POST 403 (the view never writes, so there is nothing for that check to guard)."""
    return csrf_exempt(require_safe(view))


def perform(request, call: Callable[[], Any], *, done: str | Callable[[Any], str], to: tuple,
            about: str = "") -> HttpResponse:
    """Run ``call``; say ``done`` (or ``done(result)``) when it worked and the service's message when it
    refused (after ``about:``, the thing it was about, when given), then redirect to ``to`` (a URL name
    and its arguments). Not found and not allowed rise to the 404 and 403 pages."""
    try:
        result = call()
    except (NotFound, NotAllowed):
        raise
    except ApplicationError as exc:
        messages.error(request, f"{about}: {exc.message}" if about else exc.message)
    else:
        messages.success(request, done(result) if callable(done) else done)
    return redirect(*to)
