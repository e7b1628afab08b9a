"""Deciding a call queues the e-mails to its applicants (after commit); the task sends them."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from renkei.accounts.models import Role
from renkei.accounts.tests.factories import UserFactory
from renkei.core import hooks
from renkei.places.tests.factories import PlaceFactory
from renkei.programmes import events, services, tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_call(officer):
    now = timezone.now()
    programme = services.programme_create(actor=officer, data={"title": {"en": "CPP", "ja": "シティ"}})
    call = services.call_create(actor=officer, programme=programme, data={
        "title": {"en": "Call 2016", "ja": "募集 2016"}, "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=3), "places_to_select": 1,
        "questions": [{"text": {"en": "Why?"}}], "criteria": [{"name": {"en": "Fit"}}]})
    services.call_transition(actor=officer, call=call, to="open")
    question = call.questions.get()
    for slug in ("toyama", "kobe"):
        place = PlaceFactory(slug=slug, name_en=slug.title())
        fp = UserFactory(email=f"intl@{slug}.example.jp", roles=[Role.FOCAL_POINT], places=[place])
        services.application_save(actor=fp, call=call, place=place, answers={question.pk: "Because"}, submit=True)
    services.call_transition(actor=officer, call=call, to="closed")
    for application in call.applications.order_by("place__slug"):
        services.application_decide(actor=officer, application=application, selected=application.place.slug == "kobe",
                                    reason="Committee's choice")
    return call


def test_deciding_emits_the_event_and_queues_the_task(closed_call, officer, settings,
                                                      django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django_tasks import default_task_backend

    with hooks.recorded() as emitted, django_capture_on_commit_callbacks(execute=True):
        services.call_transition(actor=officer, call=closed_call, to="decided")
    assert emitted == [(events.CALL_DECIDED, {"call_id": closed_call.pk})]
    queued = [r for r in default_task_backend.results if r.task.func is tasks.notify_applicants.func]
    assert [r.args for r in queued] == [[closed_call.pk]]
    assert mail.outbox == []  # nothing is sent inside the request


def test_nothing_is_queued_when_the_decision_rolls_back(closed_call, officer, django_capture_on_commit_callbacks,
                                                        settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.db import transaction

    with (django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError),
          transaction.atomic()):
        services.call_transition(actor=officer, call=closed_call, to="decided")
        raise RuntimeError
    assert callbacks == [] and mail.outbox == []


def test_the_task_mails_every_applicant_its_result(closed_call, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sent = tasks.notify_applicants.call(closed_call.pk)
    assert sent == 2
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("intl@kobe.example.jp", "[Renkei] Call 2016: Selected"),
        ("intl@toyama.example.jp", "[Renkei] Call 2016: Not selected")]
    assert "Committee's choice" in mail.outbox[0].body and "CPP" in mail.outbox[0].body


def test_with_immediate_tasks_deciding_sends_the_mails_after_commit(closed_call, officer, settings,
                                                                    django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.call_transition(actor=officer, call=closed_call, to="decided")
        assert mail.outbox == []
    assert len(mail.outbox) == 2


def test_the_task_for_a_call_deleted_meanwhile_ends_quietly(closed_call, settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    pk = closed_call.pk
    closed_call.applications.all().delete()
    type(closed_call).objects.filter(pk=pk).delete()
    with caplog.at_level(logging.INFO, logger="renkei.programmes.services"):
        assert tasks.notify_applicants.call(pk) == 0
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.INFO, f"notify_applicants: call {pk} no longer exists; nobody to tell")]
    assert mail.outbox == []
