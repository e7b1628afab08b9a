"""A worker loads its indexes before its first visitor."""

import pytest

from renkei.core import cache
from renkei.web import warmup

pytestmark = pytest.mark.django_db


def test_warm_loads_the_indexes(place):
    cache.forget()
    took = warmup.warm()
    assert set(took) == {"map outlines", "matching index", "library search"}
    assert all(seconds is not None for seconds in took.values())
    assert cache._entries  # the matching index and the search catalogue are held by this process


def test_a_failing_step_is_logged_and_skipped(monkeypatch, caplog):
    def broken():
        raise RuntimeError("database away")

    monkeypatch.setattr(warmup, "STEPS", (("broken", broken), ("map outlines", warmup._map)))
    took = warmup.warm()
    assert took["broken"] is None and took["map outlines"] is not None
    assert "Warming up broken failed" in caplog.text


def test_serve_runs_gunicorn_with_the_warm_up_hook(monkeypatch):
    from django.core.management import call_command

    calls = []
    monkeypatch.setattr("os.execv", lambda path, argv: calls.append(argv))
    call_command("serve", "--no-task-worker", "--port", "8999")
    assert "python:renkei.config.gunicorn" in calls[0]
