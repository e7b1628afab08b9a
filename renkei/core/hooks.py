"""After-commit hooks: one explicit way for a write to have its side effects.

A service that changed something *emits* an event once its transaction commits; apps that care
*register* a handler for the event in their ``AppConfig.ready``. The service does not know who
listens (places never imports matching), and every entry point that writes through the service —
web page, API, admin, command, import — gets the same effects. Not Django signals: events are
named here, emitted explicitly by services, and run only after a successful commit (never for a
rolled-back write).

    # places/services.py
    hooks.emit(events.PROFILE_CHANGED, place_id=place.pk)

    # matching/apps.py, in ready()
    hooks.register(PROFILE_CHANGED, place_changed)

Handlers take the event's keyword arguments. They should be quick: queue a background task
rather than do the work. A handler that raises is logged and does not stop the others (the
write it follows is already committed).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

log = logging.getLogger("renkei.hooks")

Handler = Callable[..., Any]

_handlers: dict[str, list[Handler]] = defaultdict(list)
_recorders: list[list[tuple[str, dict[str, Any]]]] = []


def register(event: str, handler: Handler) -> None:
    """Run ``handler(**payload)`` after every committed write that emits ``event`` (idempotent)."""
    if handler not in _handlers[event]:
        _handlers[event].append(handler)


def handlers(event: str) -> tuple[Handler, ...]:
    return tuple(_handlers.get(event, ()))


def emit(event: str, /, *, using: str | None = None, **payload: Any) -> None:
    """Schedule the event's handlers for when the current transaction commits (at once outside one)."""
    for recorder in _recorders:
        recorder.append((event, payload))
    transaction.on_commit(lambda: _run(event, payload), using=using)


def _run(event: str, payload: dict[str, Any]) -> None:
    for handler in handlers(event):
        try:
            handler(**payload)
        except Exception:  # noqa: BLE001 - the write is committed; one listener must not stop the rest
            log.exception("After-commit handler %r for %s failed", handler, event)


@contextmanager
def recorded() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Collect the events emitted inside the block (for tests): ``[(event, payload), …]``."""
    events: list[tuple[str, dict[str, Any]]] = []
    _recorders.append(events)
    try:
        yield events
    finally:
        _recorders.remove(events)
