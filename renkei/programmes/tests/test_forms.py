"""The new-call form: every part checked in one pass, criteria and questions given as rows."""

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


def criteria(*items: dict, extra: int = 2) -> dict:
    """The criteria formset's fields for ``items`` and ``extra`` rows left as they were given."""
    data = {"criteria-TOTAL_FORMS": str(len(items) + extra), "criteria-INITIAL_FORMS": "0"}
    for index, item in enumerate([*items, *[{}] * extra]):
        data.update({f"criteria-{index}-{name}": value for name, value in {"weight": "1", **item}.items()})
    return data


def form_for(programme, **fields) -> CallForm:
    data = {"programme": programme.pk, "title_en": "Call 2027", "opens_at": "2027-01-10T09:00",
            "closes_at": "2027-02-10T17:00", "timezone": "Asia/Tokyo", "places_to_select": "2"}
    if "questions-TOTAL_FORMS" not in fields:
        data.update(rows({"text_en": "What can you offer?"}))
    if "criteria-TOTAL_FORMS" not in fields:
        data.update(criteria({"name_en": "Relevance", "weight": "2"}))
    data.update(fields)
    return CallForm(data, programmes=Programme.objects.all())


def test_every_error_at_once(programme):
    form = form_for(programme, title_en="", opens_at="2027-03-10T09:00", timezone="Mars/Olympus",
                    **criteria({"name_en": "Fit", "weight": "heavy"}),
                    **rows({"text_en": "Why?"}, {"text_en": "Size", "kind": "choice"}, {"kind": "file"}))
    assert not form.is_valid()
    assert set(form.errors) == {"title_en", "closes_at", "timezone"}
    assert form.errors["closes_at"] == ["The call must close after it opens."]
    assert form.errors["timezone"] == ["Mars/Olympus is not a time zone; choose one from the list."]
    summary = {(label, message) for _anchor, label, message in form.more_errors}
    assert summary == {
        ("Criterion 1 – Weight", "Enter a number."),
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


def test_criteria_are_rows_with_a_name_per_language(programme, officer):
    form = form_for(programme, **criteria({"name_en": "Relevance", "name_ja": "関連性", "weight": "2"},
                                          {"name_en": "Capacity to host", "weight": "0.5"},
                                          {"name_en": "Left out", "DELETE": "on"}, {"weight": ""}, extra=2))
    assert form.is_valid(), (form.errors, form.more_errors)
    assert [(c.name, c.weight) for c in form.to_input().criteria] == [
        ({"en": "Relevance", "ja": "関連性"}, 2.0), ({"en": "Capacity to host"}, 0.5)]
    call = services.call_create(actor=officer, programme=programme, data=form.to_input())
    assert [(c.name, c.weight) for c in call.criteria.all()] == [
        ({"en": "Relevance", "ja": "関連性"}, 2.0), ({"en": "Capacity to host"}, 0.5)]


def test_a_weight_without_a_name_is_an_error_on_its_row(programme):
    form = form_for(programme, **criteria({"name_en": "Relevance"}, {"weight": "3"}))
    assert not form.is_valid()
    assert [(anchor, label, message) for anchor, label, message in form.more_errors] == [
        ("id_criteria-1-name_en", "Criterion 2 – Name (English)", "Give the criterion a name, or clear its weight.")]


def test_a_negative_weight_is_refused(programme):
    form = form_for(programme, **criteria({"name_en": "Relevance", "weight": "-1"}))
    assert not form.is_valid()
    assert form.criteria.forms[0].errors == {"weight": ["Ensure this value is greater than or equal to 0."]}
    assert [label for _anchor, label, _message in form.more_errors] == ["Criterion 1 – Weight"]


def test_a_call_needs_a_criterion(programme):
    form = form_for(programme, **criteria(extra=3))
    assert not form.is_valid()
    assert form.criteria.non_form_errors() == ["Give at least one criterion."]
    assert [(anchor, message) for anchor, _label, message in form.more_errors] == [
        ("criteria", "Give at least one criterion.")]


def test_a_japanese_name_alone_is_refused_on_the_rows_english_field(programme):
    """The service wants every criterion named in English (the name every reader falls back on)."""
    form = form_for(programme, **criteria({"name_en": "Relevance"}, {"name_ja": "受入能力"}))
    assert not form.is_valid()
    assert form.criteria.forms[1].errors == {"name_en": ["give the English text"]}
    assert not form.criteria.forms[0].errors


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "asia/tokyo", "localtime", "posixrules"])
def test_an_unknown_time_zone_is_an_error_on_its_field(programme, zone):
    form = form_for(programme, timezone=zone)
    assert not form.is_valid()
    assert list(form.errors) == ["timezone"]


def test_the_time_zones_common_first_then_all(programme):
    html = str(CallForm(programmes=Programme.objects.all())["timezone"])
    most, everything = html.split("</optgroup>")[:2]
    assert most.count("<option") == 9 and 'value="Asia/Tokyo" selected' in most
    assert everything.count("<option") > 300 and " selected" not in everything
    assert everything.index('"Africa/Abidjan"') < everything.index('"Europe/Paris"') < everything.index('"UTC"')
    form = form_for(programme, timezone="America/Sao_Paulo")
    assert form.is_valid(), form.errors
    assert form.to_input().opens_at.utcoffset().total_seconds() == -3 * 3600


def test_a_criterion_row_is_added_without_javascript(programme, client, officer):
    client.force_login(officer)
    data = dict(form_for(programme, title_en="", **criteria({"name_en": "Relevance", "weight": "2"}, extra=0)).data)
    html = client.post("/calls/new/", {**data, "add_criterion": "1"}).content.decode()
    assert 'name="criteria-TOTAL_FORMS" value="2"' in html and 'name="criteria-1-name_ja"' in html
    assert 'name="questions-TOTAL_FORMS" value="3"' in html  # the questions keep their rows
    assert "Please correct the errors" not in html and 'aria-invalid' not in html
    assert 'value="Relevance"' in html
    assert Call.objects.count() == 0
