"""Checking that a background task whose object vanished ends quietly."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any


def run_quietly(caplog, logger: str, task: Callable[[], Any]) -> tuple[Any, list[tuple[int, str]]]:
    """Run ``task`` (``logger`` at info level); its result and every record logged meanwhile."""
    with caplog.at_level(logging.INFO, logger=logger):
        result = task()
    return result, [(r.levelno, r.getMessage()) for r in caplog.records]
