"""Per-process values rebuilt when the data they come from changes: the signature (a cheap query)
is read at most every RENKEI_INDEX_CHECK_SECONDS, and the value built again only when it differs.

A value that can follow changes without being built again (the matching index, the search
catalogue) passes ``update``: given the value, the signature it was made for and the current one,
it brings the value up to date (and returns it, or a new value), or returns None to have it built.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings

_lock = threading.Lock()  # guards the two dicts below
_entries: dict[str, tuple[float, Hashable, Any]] = {}  # name → (checked at, signature, value)
_refreshing: dict[str, threading.Lock] = {}  # name → held while its value is checked, updated or built


def refreshed(name: str, signature: Callable[[], Hashable], build: Callable[[], Any],
              update: Callable[[Any, Hashable, Hashable], Any] | None = None) -> Any:
    """The value called ``name``: ``build()`` the first time, then the same value until
    ``signature()`` changes (checked at most every RENKEI_INDEX_CHECK_SECONDS); then
    ``update(value, old_signature, new_signature)`` when given, else (or if it returns None)
    ``build()`` again. One thread at a time refreshes a name; values of other names stay available."""
    now = time.monotonic()
    with _lock:
        entry = _entries.get(name)
        if entry is not None and now - entry[0] < settings.RENKEI_INDEX_CHECK_SECONDS:
            return entry[2]
        refreshing = _refreshing.setdefault(name, threading.Lock())
    with refreshing:
        with _lock:
            entry = _entries.get(name)
        if entry is not None and entry[0] >= now:  # another thread checked while this one waited
            return entry[2]
        checked = time.monotonic()
        current = signature()
        if entry is not None and entry[1] == current:
            value = entry[2]
        else:
            value = update(entry[2], entry[1], current) if entry is not None and update is not None else None
            if value is None:
                value = build()
        with _lock:
            _entries[name] = (checked, current, value)
        return value


def expire(name: str) -> None:
    """Have the next ``refreshed(name, …)`` read the signature at once (e.g. after a write in this
    process), keeping the value for ``update``."""
    with _lock:
        entry = _entries.get(name)
        if entry is not None:
            _entries[name] = (-float("inf"), entry[1], entry[2])


def expire_prefix(prefix: str) -> None:
    """``expire`` every value whose name starts with ``prefix``."""
    with _lock:
        names = [name for name in _entries if name.startswith(prefix)]
    for name in names:
        expire(name)


def forget_prefix(prefix: str) -> None:
    """``forget`` every value whose name starts with ``prefix``."""
    with _lock:
        for name in [name for name in _entries if name.startswith(prefix)]:
            _entries.pop(name, None)


def forget(*names: str) -> None:
    """Drop the named values (every value when no name is given): they are built again."""
    with _lock:
        if not names:
            _entries.clear()
        for name in names:
            _entries.pop(name, None)
