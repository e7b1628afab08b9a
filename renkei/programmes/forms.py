"""The call form: strings in, a ``CallIn`` out; the service checks the rules, and its errors go
back onto these fields (``error_field``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renkei.core.errors import ApplicationError
from renkei.core.inputs import parse
from renkei.programmes.inputs import CallIn, time_zone
from renkei.programmes.models import Programme
from renkei.ui.forms import FieldsetForm


def texts(english: str, japanese: str) -> dict[str, str]:
    """Two boxes of a form (English, Japanese) as one text per language."""
    return {lang: text for lang, text in (("en", english), ("ja", japanese)) if text}


def parse_lines(text: str, parse_line: Callable[[str], dict]) -> tuple[list[dict], list[str]]:
    out, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(parse_line(line.strip()))
        except ValueError as exc:
            errors.append(_("line %(n)s: %(message)s") % {"n": number, "message": exc})
    return out, errors


def criterion_line(line: str) -> dict:
    name, sep, weight = line.rpartition("|")
    if not sep:
        return {"name": {"en": line}, "weight": 1.0}
    try:
        value = float(weight)
    except ValueError as exc:
        raise ValueError(_("the weight after | must be a number")) from exc
    if value < 0:
        raise ValueError(_("the weight cannot be negative"))
    return {"name": {"en": name.strip()}, "weight": value}


class QuestionRowForm(forms.Form):
    """One question of a call: its text, the kind of answer, the options of a choice, required or not.
    A row left as it was given (no text, nothing changed) is no question and is left out."""

    KINDS = [("text", gettext_lazy("Text")), ("choice", gettext_lazy("One of some options")),
             ("file", gettext_lazy("A file"))]

    text_en = forms.CharField(max_length=500, required=False, label=gettext_lazy("Question (English)"))
    text_ja = forms.CharField(max_length=500, required=False, label=gettext_lazy("Question (Japanese)"))
    kind = forms.ChoiceField(choices=KINDS, initial="text", label=gettext_lazy("Answer"))
    choices = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=gettext_lazy("Options"),
        help_text=gettext_lazy("For a choice: one option per line, at least two."))
    required = forms.BooleanField(required=False, initial=True, label=gettext_lazy("An answer is required"))
    wide: set[str] = set()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("DELETE") or not self.has_changed():
            return data
        if not data.get("text_en") and "text_en" not in self.errors:
            self.add_error("text_en", _("Give the question in English."))
        options = [line.strip() for line in (data.get("choices") or "").splitlines() if line.strip()]
        if data.get("kind") == "choice":
            if len(options) < 2:
                self.add_error("choices", _("A choice question needs at least two options, one per line."))
            elif any(len(option) > 200 for option in options):
                self.add_error("choices", _("An option may have at most %(n)s characters.") % {"n": 200})
        data["options"] = options
        return data

    def row(self) -> dict[str, Any] | None:
        """The question as the service takes it (None: a row left empty or removed)."""
        data = self.cleaned_data
        if data.get("DELETE") or not self.has_changed():
            return None
        return {"kind": data["kind"], "text": texts(data["text_en"], data["text_ja"]), "required": data["required"],
                "choices": data["options"] if data["kind"] == "choice" else []}


class BaseQuestionRows(forms.BaseFormSet):
    deletion_widget = forms.CheckboxInput

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["DELETE"].label = gettext_lazy("Remove this question")


QuestionRows = forms.formset_factory(QuestionRowForm, formset=BaseQuestionRows, extra=3, can_delete=True,
                                     max_num=100, validate_max=True, absolute_max=100)


class CallForm(FieldsetForm):
    """The new call: its fields, its criteria (one per line) and its questions (``self.questions``, one
    row each). Every part is checked in one pass, so all the errors are shown together."""

    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), label=gettext_lazy("Programme"))
    title_en = forms.CharField(max_length=255, label=gettext_lazy("Title (English)"))
    title_ja = forms.CharField(max_length=255, required=False, label=gettext_lazy("Title (Japanese)"))
    opens_at = forms.DateTimeField(label=gettext_lazy("Opens"),
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    closes_at = forms.DateTimeField(label=gettext_lazy("Closes"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    timezone = forms.CharField(initial="Asia/Tokyo", max_length=64, label=gettext_lazy("Time zone of the dates"),
                               help_text=gettext_lazy("e.g. Asia/Tokyo, Europe/Paris, UTC"))
    places_to_select = forms.IntegerField(min_value=1, max_value=10_000, initial=1,
                                          label=gettext_lazy("Places to select"))
    description_en = forms.CharField(required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 3}),
                                     label=gettext_lazy("What the programme offers (English)"))
    criteria = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=gettext_lazy("Criteria, one per line"),
                               help_text=gettext_lazy("Name | weight, e.g. Relevance | 2"))

    groups = [
        (gettext_lazy("The call"), ["programme", "title_en", "title_ja", "description_en"]),
        (gettext_lazy("Dates"), ["opens_at", "closes_at", "timezone", "places_to_select"]),
        (gettext_lazy("How reviewers score"), ["criteria"]),
    ]
    wide = {"description_en", "criteria"}

    #: the service's field → this form's field
    FIELDS = {"title": "title_en", "title.en": "title_en", "title.ja": "title_ja", "description": "description_en",
              "criteria": "criteria"}

    def __init__(self, *args: Any, programmes: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if programmes is not None:
            self.fields["programme"].queryset = programmes
        self.questions = QuestionRows(self.data if self.is_bound else None, prefix="questions")

    def full_clean(self) -> None:
        """The fields, then the question rows, then the call as a whole: the service's own check of the
        input, so that nothing it would refuse waits for a second submit."""
        super().full_clean()
        if not self.is_bound:
            return
        self.questions.full_clean()
        if not self._errors and self.questions.is_valid():
            try:
                self._input = self._build_input()
            except ApplicationError as exc:
                self.add_service_error(exc)

    def is_valid(self) -> bool:
        return super().is_valid() and self.questions.is_valid()

    def unchecked(self) -> CallForm:
        """The form shown again as typed, without its errors (a row was asked for, nothing was sent)."""
        self._errors, self.cleaned_data = ErrorDict(), {}
        self.questions._errors, self.questions._non_form_errors = [], self.questions.error_class()
        for row in self.questions.forms:
            row._errors, row.cleaned_data = ErrorDict(), {}
        return self

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        criteria, c_errors = parse_lines(data.get("criteria", ""), criterion_line)
        for message in c_errors:
            self.add_error("criteria", message)
        if "criteria" in data and not criteria and not c_errors:
            self.add_error("criteria", _("Give at least one criterion."))
        data["criterion_rows"] = criteria
        if data.get("timezone"):
            try:
                time_zone(data["timezone"])
            except ValueError as exc:
                self.add_error("timezone", str(exc))
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The call must close after it opens."))
        return data

    @property
    def more_errors(self) -> list[tuple[str, str, str]]:
        """The question rows' errors for the summary at the top: (the field's id, "Question 2: Options",
        the message)."""
        if not self.is_bound:
            return []
        out = []
        for error in self.questions.non_form_errors():
            out.append(("questions", _("Questions"), error))
        for number, row in enumerate(self.questions.forms, start=1):
            for name, messages in row.errors.items():
                field = row[name] if name in row.fields else None
                label = _("Question %(n)s") % {"n": number}
                if field is not None:
                    label = f"{label} – {field.label}"
                for message in messages:
                    out.append((field.auto_id if field is not None else f"question-{number}", label, message))
        return out

    def question_rows(self) -> list[tuple[int, dict[str, Any]]]:
        """(row number, question) of the rows that are questions, in their order."""
        rows = ((number, row.row()) for number, row in enumerate(self.questions.forms, start=1))
        return [(number, row) for number, row in rows if row is not None]

    def _build_input(self) -> CallIn:
        data = self.cleaned_data
        zone = ZoneInfo(data["timezone"])
        return parse(CallIn, {
            "title": texts(data["title_en"], data["title_ja"]),
            "opens_at": data["opens_at"].replace(tzinfo=zone), "closes_at": data["closes_at"].replace(tzinfo=zone),
            "timezone": data["timezone"], "places_to_select": data["places_to_select"],
            "description": texts(data["description_en"], ""),
            "questions": [row for _number, row in self.question_rows()], "criteria": data["criterion_rows"]})

    def to_input(self) -> CallIn:
        """The checked form as the service's input (dates read in the chosen time zone)."""
        return self._input

    def error_field(self, field: str) -> tuple[forms.Form, str | None]:
        """The form (this one or a question row) and its field a service error belongs on (None: the
        whole form)."""
        parts = field.split(".")
        if parts[0] == "questions" and len(parts) > 1 and parts[1].isdigit():
            rows = self.question_rows()
            index = int(parts[1])
            if index < len(rows):
                row = self.questions.forms[rows[index][0] - 1]
                name = {"text": "text_en", "choices": "choices", "kind": "kind", "required": "required"}.get(
                    parts[2] if len(parts) > 2 else "", "text_en")
                if len(parts) > 3 and parts[2] == "text" and parts[3] == "ja":
                    name = "text_ja"
                return row, name
        if field in self.fields:
            return self, field
        name = self.FIELDS.get(field) or self.FIELDS.get(parts[0])
        return self, name if name in self.fields else None

    def add_service_error(self, exc: ApplicationError) -> None:
        for field, messages in (exc.errors or {"": [exc.message]}).items():
            form, name = self.error_field(field)
            for message in messages:
                form.add_error(name, message)
