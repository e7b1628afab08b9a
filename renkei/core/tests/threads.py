"""Concurrent writers for tests of lost updates."""

import threading
from collections.abc import Callable, Iterable


def run_together(target: Callable, arguments: Iterable[tuple], *, timeout: float | None = None) -> None:
    """``target(*args)`` for every ``args``, each in its own thread, all started before any is awaited."""
    threads = [threading.Thread(target=target, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
