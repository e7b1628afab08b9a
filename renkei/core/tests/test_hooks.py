import pytest
from django.db import transaction

from renkei.core import hooks


@pytest.fixture
def event():
    name = "test.something_changed"
    yield name
    hooks._handlers.pop(name, None)


@pytest.mark.django_db(transaction=True)
def test_handlers_run_after_commit_with_the_payload(event):
    seen = []
    hooks.register(event, lambda **payload: seen.append(payload))
    with transaction.atomic():
        hooks.emit(event, place_id=7)
        assert seen == []  # not before the commit
    assert seen == [{"place_id": 7}]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_has_no_effects(event):
    seen = []
    hooks.register(event, lambda **payload: seen.append(payload))
    with pytest.raises(RuntimeError), transaction.atomic():
        hooks.emit(event, place_id=7)
        raise RuntimeError("the write failed")
    assert seen == []


@pytest.mark.django_db(transaction=True)
def test_registering_twice_runs_once_and_a_failing_handler_does_not_stop_the_others(event):
    seen = []

    def broken(**payload):
        raise ValueError("listener bug")

    def handler(**payload):
        seen.append(payload)

    hooks.register(event, broken)
    hooks.register(event, handler)
    hooks.register(event, handler)
    hooks.emit(event, product_id=1)  # outside a transaction: at once
    assert seen == [{"product_id": 1}]


@pytest.mark.django_db
def test_recorded_collects_emitted_events(event):
    with hooks.recorded() as events:
        hooks.emit(event, place_id=3)
    assert events == [(event, {"place_id": 3})]
