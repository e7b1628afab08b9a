"""Per-process values rebuilt when the data they come from changes: the signature (a cheap query)
is read at most every RENKEI_INDEX_CHECK_SECONDS, and the value built again only when it differs."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings

_lock = threading.Lock()
_entries: dict[str, tuple[float, Hashable, Any]] = {}  # name → (checked at, signature, value)


def refreshed(name: str, signature: Callable[[], Hashable], build: Callable[[], Any]) -> Any:
    now = time.monotonic()
    with _lock:
        entry = _entries.get(name)
        if entry is not None and now - entry[0] < settings.RENKEI_INDEX_CHECK_SECONDS:
            return entry[2]
    current = signature()
    with _lock:
        entry = _entries.get(name)
        value = entry[2] if entry is not None and entry[1] == current else build()
        _entries[name] = (now, current, value)
        return value


def forget() -> None:
    with _lock:
        _entries.clear()
