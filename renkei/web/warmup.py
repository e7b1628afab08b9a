"""What a worker loads before it answers anyone: the matching index, the library's search catalogue
and sentence encoder, the map outlines. Without it the first visitor of each worker waits while
they load (seconds on a large data set). Run by gunicorn's ``post_worker_init`` hook
(``config/gunicorn.py``, used by ``renkei serve``); a step that fails is logged and skipped, and
loads again at its first use."""

from __future__ import annotations

import logging
import time

log = logging.getLogger(__name__)


def _map() -> None:
    from renkei.ui import worldmap

    worldmap.countries_svg()


def _matching() -> None:
    from renkei.matching.fetch import current_index

    current_index()


def _library() -> None:
    from django.contrib.auth.models import AnonymousUser

    from renkei.knowledge.search import service

    service.search(viewer=AnonymousUser(), query="city", page_size=1)


STEPS = (("map outlines", _map), ("matching index", _matching), ("library search", _library))


def warm() -> dict[str, float]:
    """Run every step; the seconds each took (None for a step that failed)."""
    took: dict[str, float] = {}
    for name, step in STEPS:
        started = time.perf_counter()
        try:
            step()
        except Exception:  # noqa: BLE001 - a worker must start even if a step cannot load now
            log.exception("Warming up %s failed; it loads at its first use", name)
            took[name] = None
            continue
        took[name] = round(time.perf_counter() - started, 3)
    log.info("Worker warmed up: %s", took)
    return took
