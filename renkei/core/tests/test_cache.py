"""The per-process cache: built once, kept while the signature holds, updated or built again."""

import pytest

from renkei.core import cache


@pytest.fixture(autouse=True)
def clean(settings):
    settings.RENKEI_INDEX_CHECK_SECONDS = 0
    cache.forget()
    yield
    cache.forget()


def test_a_value_is_built_once_and_again_when_its_signature_changes():
    state = {"signature": 1, "built": 0}

    def build():
        state["built"] += 1
        return ["value", state["signature"]]

    first = cache.refreshed("test", lambda: state["signature"], build)
    assert cache.refreshed("test", lambda: state["signature"], build) is first and state["built"] == 1
    state["signature"] = 2
    assert cache.refreshed("test", lambda: state["signature"], build) == ["value", 2] and state["built"] == 2


def test_an_update_step_follows_changes_and_may_ask_for_a_build():
    state = {"signature": 1}
    steps = []

    def update(value, before, now):
        steps.append((before, now))
        if now == 3:
            return None  # cannot follow: build again
        value.append(now)
        return value

    value = cache.refreshed("test", lambda: state["signature"], lambda: [1], update=update)
    state["signature"] = 2
    assert cache.refreshed("test", lambda: state["signature"], lambda: ["built"], update=update) is value == [1, 2]
    state["signature"] = 3
    assert cache.refreshed("test", lambda: state["signature"], lambda: ["built"], update=update) == ["built"]
    assert steps == [(1, 2), (2, 3)]


def test_expire_and_forget_one_name(settings):
    settings.RENKEI_INDEX_CHECK_SECONDS = 3600
    state = {"signature": 1}
    cache.refreshed("a", lambda: state["signature"], lambda: "a1")
    cache.refreshed("b", lambda: state["signature"], lambda: "b1")
    state["signature"] = 2
    assert cache.refreshed("a", lambda: state["signature"], lambda: "a2") == "a1"  # not checked again yet
    cache.expire("a")
    assert cache.refreshed("a", lambda: state["signature"], lambda: "a2") == "a2"
    cache.forget("b")
    assert cache.refreshed("b", lambda: state["signature"], lambda: "b2") == "b2"
