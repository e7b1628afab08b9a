"""An application is written whole or not at all: every answer is checked before anything is
stored, files come last, and files stored by a write that fails are removed again."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from renkei.accounts.models import Role
from renkei.accounts.tests.factories import UserFactory
from renkei.core.errors import ApplicationError
from renkei.core.tests.files import pdf_with_text
from renkei.places.tests.factories import PlaceFactory
from renkei.programmes import services
from renkei.programmes.models import Answer, Application

pytestmark = pytest.mark.django_db
PDF = pdf_with_text("Letter of support")


def files_in(root) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


@pytest.fixture
def call(officer):
    programme = services.programme_create(actor=officer, data={"title": {"en": "CPP"}})
    now = timezone.now()
    call = services.call_create(actor=officer, programme=programme, data={
        "title": {"en": "Call"}, "opens_at": now - timedelta(days=1), "closes_at": now + timedelta(days=3),
        "questions": [{"text": {"en": "Letter"}, "kind": "file"},
                      {"text": {"en": "Size"}, "kind": "choice", "choices": ["small", "large"]},
                      {"text": {"en": "Why?"}}],
        "criteria": [{"name": {"en": "Fit"}}]})
    services.call_transition(actor=officer, call=call, to="open")
    return call


@pytest.fixture
def applicant():
    place = PlaceFactory(slug="toyama")
    return place, UserFactory(roles=[Role.FOCAL_POINT], places=[place])


def test_a_bad_answer_after_a_file_leaves_no_file_and_no_rows(call, applicant, settings):
    place, fp = applicant
    letter, size, why = call.questions.all()
    with pytest.raises(ApplicationError) as caught:
        services.application_save(actor=fp, call=call, place=place, answers={
            letter.pk: services.Upload("letter.pdf", PDF), size.pk: "gigantic", why.pk: "x" * 10_001})
    assert set(caught.value.errors) == {f"q{size.pk}", f"q{why.pk}"}  # every bad answer, not the first
    assert files_in(settings.MEDIA_ROOT) == []
    assert not Application.objects.exists() and not Answer.objects.exists()


def test_files_written_by_a_write_that_fails_are_removed(call, applicant, settings, monkeypatch):
    place, fp = applicant
    letter, size, why = call.questions.all()
    bulk_update = Answer.objects.bulk_update

    def failing(objs, fields, **kwargs):
        if fields == ["file"]:
            raise OSError("disk full")
        return bulk_update(objs, fields, **kwargs)

    monkeypatch.setattr(Answer.objects, "bulk_update", failing)
    with pytest.raises(OSError):
        services.application_save(actor=fp, call=call, place=place, answers={
            letter.pk: services.Upload("letter.pdf", PDF), size.pk: "small", why.pk: "Because"})
    assert files_in(settings.MEDIA_ROOT) == []
    assert not Application.objects.exists()


def test_a_replaced_file_is_removed_once_the_write_commits(call, applicant, settings,
                                                           django_capture_on_commit_callbacks):
    place, fp = applicant
    letter = call.questions.get(kind="file")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_save(actor=fp, call=call, place=place,
                                  answers={letter.pk: services.Upload("first.pdf", PDF)})
    with django_capture_on_commit_callbacks(execute=True):
        services.application_save(actor=fp, call=call, place=place,
                                  answers={letter.pk: services.Upload("second.pdf", PDF)})
    assert [p.name for p in files_in(settings.MEDIA_ROOT)] == ["second.pdf"]
    assert Answer.objects.get().file.name.endswith("second.pdf")


def test_a_submitted_file_answer_counts_on_the_next_save(call, applicant):
    place, fp = applicant
    letter, size, why = call.questions.all()
    services.application_save(actor=fp, call=call, place=place, answers={letter.pk: services.Upload("a.pdf", PDF)})
    application = services.application_save(actor=fp, call=call, place=place, submit=True,
                                            answers={size.pk: "small", why.pk: "Because"})
    assert application.status == "submitted"


def test_no_query_per_question(officer, applicant, django_assert_max_num_queries):
    place, fp = applicant
    now = timezone.now()
    programme = services.programme_create(actor=officer, data={"title": {"en": "Big programme"}})
    call = services.call_create(actor=officer, programme=programme, data={
        "title": {"en": "A long form"}, "opens_at": now - timedelta(days=1), "closes_at": now + timedelta(days=3),
        "questions": [{"text": {"en": f"Question {n}"}} for n in range(60)],
        "criteria": [{"name": {"en": "Fit"}}]})
    services.call_transition(actor=officer, call=call, to="open")
    questions = list(call.questions.all())
    first = {q.pk: f"Answer {q.pk}" for q in questions}
    with django_assert_max_num_queries(16):
        services.application_save(actor=fp, call=call, place=place, answers=first)
    again = {q.pk: f"Changed {q.pk}" for q in questions}
    with django_assert_max_num_queries(16):
        services.application_save(actor=fp, call=call, place=place, answers=again, submit=True)
    assert Answer.objects.filter(text__startswith="Changed").count() == 60


def test_unknown_questions_and_files_for_text_are_refused(call, applicant):
    place, fp = applicant
    letter, size, why = call.questions.all()
    with pytest.raises(ApplicationError) as caught:
        services.application_save(actor=fp, call=call, place=place, answers={
            999_999: "?", why.pk: services.Upload("a.pdf", PDF), letter.pk: "not a file"})
    assert set(caught.value.errors) == {"q999999", f"q{why.pk}", f"q{letter.pk}"}
