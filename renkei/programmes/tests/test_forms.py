"""The new-call form: every part checked in one pass, questions given as rows."""

import pytest

from renkei.programmes import services
from renkei.programmes.forms import CallForm
from renkei.programmes.models import Call, Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(officer):
    return services.programme_create(actor=officer, data={"title_en": "CPP"})


def rows(*questions: dict, extra: int = 2) -> dict:
    """The formset's fields for ``questions`` and ``extra`` rows left as they were given."""
    data = {"questions-TOTAL_FORMS": str(len(questions) + extra), "questions-INITIAL_FORMS": "0"}
    for index, question in enumerate([*questions, *[{}] * extra]):
        values = {"kind": "text", "required": "on", **question}
        if values["required"] is None:
            del values["required"]
        data.update({f"questions-{index}-{name}": value for name, value in values.items()})
    return data


def form_for(programme, **fields) -> CallForm:
    data = {"programme": programme.pk, "title_en": "Call 2027", "opens_at": "2027-01-10T09:00",
            "closes_at": "2027-02-10T17:00", "timezone": "Asia/Tokyo", "places_to_select": "2",
            "criteria": "Relevance | 2"}
    data.update(fields if "questions-TOTAL_FORMS" in fields else {**rows({"text_en": "What can you offer?"}), **fields})
    return CallForm(data, programmes=Programme.objects.all())


def test_every_error_at_once(programme):
    form = form_for(programme, title_en="", opens_at="2027-03-10T09:00", timezone="Mars/Olympus",
                    criteria="Fit | heavy", **rows({"text_en": "Why?"}, {"text_en": "Size", "kind": "choice"},
                                                  {"kind": "file"}))
    assert not form.is_valid()
    assert set(form.errors) == {"title_en", "closes_at", "timezone", "criteria"}
    assert form.errors["closes_at"] == ["The call must close after it opens."]
    assert form.errors["timezone"] == ["not a time zone, e.g. Asia/Tokyo"]
    assert form.errors["criteria"] == ["line 1: the weight after | must be a number"]
    summary = {(label, message) for _anchor, label, message in form.more_errors}
    assert summary == {
        ("Question 2 – Options", "A choice question needs at least two options, one per line."),
        ("Question 3 – Question (English)", "Give the question in English."),
    }
    assert Call.objects.count() == 0


def test_the_summary_links_to_the_rows_fields(programme, client, officer):
    client.force_login(officer)
    data = {k: v for k, v in form_for(programme, **rows({"text_en": "Size", "kind": "choice",
                                                          "choices": "only one"})).data.items()}
    html = client.post("/calls/new/", data).content.decode()
    assert ('<a href="#id_questions-0-choices">Question 1 – Options: A choice question needs at least two options, '
            'one per line.</a>') in html
    assert 'id="id_questions-0-choices_error"' in html and 'aria-invalid="true"' in html
    assert Call.objects.count() == 0


def test_a_file_question_is_a_file_question(programme, officer):
    form = form_for(programme, **rows({"text_en": "Supporting documents", "kind": "file", "required": None},
                                      {"text_en": "Size", "text_ja": "規模", "kind": "choice",
                                       "choices": "small\n\nlarge\n"}))
    assert form.is_valid(), (form.errors, form.more_errors)
    questions = form.to_input().questions
    assert [(q.kind, q.text, q.required, q.choices) for q in questions] == [
        ("file", {"en": "Supporting documents"}, False, []),
        ("choice", {"en": "Size", "ja": "規模"}, True, ["small", "large"]),
    ]
    call = services.call_create(actor=officer, programme=programme, data=form.to_input())
    assert [q.kind for q in call.questions.all()] == ["file", "choice"]


def test_rows_left_empty_or_removed_are_no_questions(programme):
    form = form_for(programme, **rows({"text_en": "Why?"}, {"text_en": "Dropped", "DELETE": "on"},
                                      {"kind": "choice", "DELETE": "on"}, extra=3))
    assert form.is_valid(), (form.errors, form.more_errors)
    assert [q.text["en"] for q in form.to_input().questions] == ["Why?"]


def test_a_choice_with_options_of_another_kind_keeps_no_options(programme):
    form = form_for(programme, **rows({"text_en": "Why?", "choices": "a\nb"}))
    assert form.is_valid()
    assert form.to_input().questions[0].choices == []


def test_a_row_is_added_without_checking_anything(programme, client, officer):
    client.force_login(officer)
    data = dict(form_for(programme, title_en="", **rows({"text_en": "Why?"}, extra=1)).data)
    html = client.post("/calls/new/", {**data, "add_question": "1"}).content.decode()
    assert 'name="questions-TOTAL_FORMS" value="3"' in html and 'name="questions-2-text_en"' in html
    assert "Please correct the errors" not in html and 'aria-invalid' not in html
    assert 'value="Why?"' in html  # what was typed is kept
    assert Call.objects.count() == 0
