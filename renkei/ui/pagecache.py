"""Pages and parts of pages that are the same for every visitor who is not signed in (the home
page's map and lists, the theme choices of the filters; whole pages with ``for_visitors``), made
once per language while the data they show stays the same.

They live in ``core/cache.py``'s per-process values: each process checks the data's signature at
most every RENKEI_INDEX_CHECK_SECONDS, and at once after a write it made itself (``parts_changed``,
run after a place, need or expertise change commits).
"""

from __future__ import annotations

import functools
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from renkei.core.cache import expire_prefix, refreshed

PREFIX = "page part "


def page_part(name: str, signature: Callable[[], Hashable], build: Callable[[], Any]) -> Any:
    """``build()`` for the reader's language, made again when ``signature()`` changes."""
    return refreshed(f"{PREFIX}{name} {get_language()}", signature, build)


def parts_changed(**_payload: Any) -> None:
    expire_prefix(PREFIX)
    _signature.update(checked=-float("inf"))


# --- whole pages for visitors who are not signed in --------------------------------------------

PAGES_KEPT = 256  # per process, the most recently used (a page is 5–140 KB)
# where a page carries its CSRF token: a form's hidden input, or the htmx request headers
_CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"|"X-CSRFToken": "([A-Za-z0-9]+)"')
_SLOT = "renkei-csrf-slot-of-this-request"  # where each requester's own CSRF token goes
_pages: OrderedDict[tuple, tuple[Hashable, bytes, dict[str, str]]] = OrderedDict()
_pages_lock = threading.Lock()
_signature: dict[str, Any] = {"of": None, "checked": -float("inf"), "value": None}


def set_visitor_signature(signature: Callable[[], Hashable]) -> None:
    """What changes whenever anything a visitor's page shows changes (set by the web shell, which
    knows every app); without it no page is kept."""
    _signature.update(of=signature, checked=-float("inf"), value=None)


def _current_signature() -> Hashable:
    now = time.monotonic()
    if now - _signature["checked"] >= settings.RENKEI_INDEX_CHECK_SECONDS:
        _signature.update(value=_signature["of"](), checked=now)
    return _signature["value"]


def forget_pages() -> None:
    with _pages_lock:
        _pages.clear()
    _signature.update(checked=-float("inf"))


def _kept_for(request) -> bool:
    """Only a plain GET by a visitor who is not signed in and has no messages waiting."""
    return (request.method == "GET" and _signature["of"] is not None and not request.user.is_authenticated
            and settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES)


def for_visitors(view: Callable | None = None, *, seconds: int | None = None) -> Callable:
    """Keep the page a visitor who is not signed in gets, per address and language, until the data
    changes (checked at most every RENKEI_INDEX_CHECK_SECONDS). Signed-in users always get a page
    made for them. The CSRF token in the kept page is the requester's own. A page is kept for one day
    at most (the date is part of its key), so "dormant" and "upcoming" follow the calendar; a page
    that changes with the clock (a call's deadline) is kept ``seconds`` at most."""
    if view is None:
        return functools.partial(for_visitors, seconds=seconds)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _kept_for(request):
            return view(request, *args, **kwargs)
        moment = int(time.time() // seconds) if seconds else timezone.localdate()
        key = (request.get_full_path(), get_language(), moment, request.headers.get("HX-Request", ""),
               request.headers.get("HX-Boosted", ""), request.headers.get("HX-History-Restore-Request", ""))
        signature = _current_signature()
        with _pages_lock:
            kept = _pages.get(key)
            if kept is not None and kept[0] == signature:
                _pages.move_to_end(key)
        if kept is None or kept[0] != signature:
            response = view(request, *args, **kwargs)
            if (response.status_code != 200 or response.streaming or response.cookies.keys() - {"csrftoken"}
                    or not response.get("Content-Type", "").startswith("text/html")):
                return response  # only pages are kept: not errors, downloads or a response that signs in
            body = response.content
            for token in {t for pair in _CSRF_TOKEN.findall(body.decode()) for t in pair if t}:
                body = body.replace(token.encode(), _SLOT.encode())
            headers = {name: value for name, value in response.items() if name in ("Content-Type", "Vary",
                                                                                  "Content-Language")}
            with _pages_lock:
                _pages[key] = (signature, body, headers)
                _pages.move_to_end(key)
                while len(_pages) > PAGES_KEPT:
                    _pages.popitem(last=False)
            kept = (signature, body, headers)
        _sig, body, headers = kept
        if _SLOT.encode() in body:
            body = body.replace(_SLOT.encode(), get_token(request).encode())
        response = HttpResponse(body)
        for name, value in headers.items():
            response[name] = value
        return response

    return wrapper
