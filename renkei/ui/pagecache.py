"""Parts of pages that are the same for every anonymous visitor (the home page's map and lists, the
place list's blank filter form), made once per language while the data they show stays the same.

They live in ``core/cache.py``'s per-process values: each process checks the data's signature at
most every RENKEI_INDEX_CHECK_SECONDS, and at once after a write it made itself (``parts_changed``,
run after a place, need or expertise change commits).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from django.utils.translation import get_language

from renkei.core.cache import expire_prefix, refreshed

PREFIX = "page part "


def page_part(name: str, signature: Callable[[], Hashable], build: Callable[[], Any]) -> Any:
    """``build()`` for the reader's language, made again when ``signature()`` changes."""
    return refreshed(f"{PREFIX}{name} {get_language()}", signature, build)


def parts_changed(**_payload: Any) -> None:
    expire_prefix(PREFIX)
