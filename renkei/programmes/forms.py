"""The call form: strings in, a ``CallIn`` out; the service checks the rules, and its errors go
back onto these fields (``error_field``)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renkei.core.errors import ApplicationError
from renkei.core.inputs import parse
from renkei.programmes.inputs import CallIn
from renkei.programmes.models import Programme
from renkei.ui.forms import FieldsetForm, TimeZoneField


def texts(english: str, japanese: str) -> dict[str, str]:
    """Two boxes of a form (English, Japanese) as one text per language."""
    return {lang: text for lang, text in (("en", english), ("ja", japanese)) if text}


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


class CriterionRowForm(forms.Form):
    """One criterion reviewers score: its name in English and in Japanese, its weight. A row left as it
    was given (no name, the weight untouched) is no criterion and is left out."""

    name_en = forms.CharField(max_length=200, required=False, label=gettext_lazy("Name (English)"))
    name_ja = forms.CharField(max_length=200, required=False, label=gettext_lazy("Name (Japanese)"))
    weight = forms.FloatField(min_value=0, initial=1, required=False, label=gettext_lazy("Weight"),
                              widget=forms.NumberInput(attrs={"step": "any", "min": "0", "inputmode": "decimal"}))
    wide: set[str] = set()

    def _named(self, data: dict[str, Any]) -> bool:
        return bool(data.get("name_en") or data.get("name_ja"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("DELETE") or self._named(data) or self.errors:
            return data
        if "weight" in self.changed_data and data.get("weight") is not None:
            self.add_error("name_en", _("Give the criterion a name, or clear its weight."))
        return data

    def row(self) -> dict[str, Any] | None:
        """The criterion as the service takes it (None: a row left empty or removed)."""
        data = self.cleaned_data
        if data.get("DELETE") or not self._named(data):
            return None
        weight = data.get("weight")
        return {"name": texts(data["name_en"], data["name_ja"]), "weight": 1.0 if weight is None else weight}


class BaseCriterionRows(forms.BaseFormSet):
    deletion_widget = forms.CheckboxInput

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["DELETE"].label = gettext_lazy("Remove this criterion")

    def clean(self) -> None:
        super().clean()
        if any(row.errors for row in self.forms):
            return
        if not any(row.row() for row in self.forms):
            raise forms.ValidationError(_("Give at least one criterion."))


CriterionRows = forms.formset_factory(CriterionRowForm, formset=BaseCriterionRows, extra=3, can_delete=True,
                                      max_num=50, validate_max=True, absolute_max=50)


class CallForm(FieldsetForm):
    """The new call: its fields, its criteria (``self.criteria``) and its questions (``self.questions``),
    one row each. Every part is checked in one pass, so all the errors are shown together."""

    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), label=gettext_lazy("Programme"))
    title_en = forms.CharField(max_length=255, label=gettext_lazy("Title (English)"))
    title_ja = forms.CharField(max_length=255, required=False, label=gettext_lazy("Title (Japanese)"))
    opens_at = forms.DateTimeField(label=gettext_lazy("Opens"),
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    closes_at = forms.DateTimeField(label=gettext_lazy("Closes"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    timezone = TimeZoneField(label=gettext_lazy("Time zone of the dates"),
                             help_text=gettext_lazy("The opening and closing times are read in this zone."))
    places_to_select = forms.IntegerField(min_value=1, max_value=10_000, initial=1,
                                          label=gettext_lazy("Places to select"))
    description_en = forms.CharField(required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 3}),
                                     label=gettext_lazy("What the programme offers (English)"))

    groups = [
        (gettext_lazy("The call"), ["programme", "title_en", "title_ja", "description_en"]),
        (gettext_lazy("Dates"), ["opens_at", "closes_at", "timezone", "places_to_select"]),
    ]
    wide = {"description_en"}

    #: the service's field → this form's field
    FIELDS = {"title": "title_en", "title.en": "title_en", "title.ja": "title_ja", "description": "description_en"}
    #: a question's or a criterion's field in the service → the row's field
    ROW_FIELDS = {"questions": ({"text": "text_en", "choices": "choices", "kind": "kind", "required": "required"},
                                "text_en", "text_ja"),
                  "criteria": ({"name": "name_en", "weight": "weight"}, "name_en", "name_ja")}

    def __init__(self, *args: Any, programmes: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if programmes is not None:
            self.fields["programme"].queryset = programmes
        self.questions = QuestionRows(self.data if self.is_bound else None, prefix="questions")
        self.criteria = CriterionRows(self.data if self.is_bound else None, prefix="criteria")

    @property
    def rows(self) -> dict[str, forms.BaseFormSet]:
        return {"criteria": self.criteria, "questions": self.questions}

    def full_clean(self) -> None:
        """The fields, then the criterion and question rows, then the call as a whole: the service's own
        check of the input, so that nothing it would refuse waits for a second submit."""
        super().full_clean()
        if not self.is_bound:
            return
        for rows in self.rows.values():
            rows.full_clean()
        if not self._errors and all(rows.is_valid() for rows in self.rows.values()):
            try:
                self._input = self._build_input()
            except ApplicationError as exc:
                self.add_service_error(exc)

    def is_valid(self) -> bool:
        return super().is_valid() and all(rows.is_valid() for rows in self.rows.values())

    def unchecked(self) -> CallForm:
        """The form shown again as typed, without its errors (a row was asked for, nothing was sent)."""
        self._errors, self.cleaned_data = ErrorDict(), {}
        for rows in self.rows.values():
            rows._errors, rows._non_form_errors = [], rows.error_class()
            for row in rows.forms:
                row._errors, row.cleaned_data = ErrorDict(), {}
        return self

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The call must close after it opens."))
        return data

    @property
    def more_errors(self) -> list[tuple[str, str, str]]:
        """The criterion and question rows' errors for the summary at the top: (the field's id,
        "Question 2 – Options", the message)."""
        if not self.is_bound:
            return []
        out = []
        for prefix, title, row_title, anchor in (
                ("criteria", _("Criteria"), _("Criterion %(n)s"), "criterion"),
                ("questions", _("Questions"), _("Question %(n)s"), "question")):
            rows = self.rows[prefix]
            for error in rows.non_form_errors():
                out.append((prefix, title, error))
            for number, row in enumerate(rows.forms, start=1):
                for name, messages in row.errors.items():
                    field = row[name] if name in row.fields else None
                    label = row_title % {"n": number}
                    if field is not None:
                        label = f"{label} – {field.label}"
                    for message in messages:
                        out.append((field.auto_id if field is not None else f"{anchor}-{number}", label, message))
        return out

    def numbered_rows(self, prefix: str) -> list[tuple[int, dict[str, Any]]]:
        """(row number, question or criterion) of the rows of ``prefix`` that are one, in their order."""
        rows = ((number, row.row()) for number, row in enumerate(self.rows[prefix].forms, start=1))
        return [(number, row) for number, row in rows if row is not None]

    def _build_input(self) -> CallIn:
        data = self.cleaned_data
        zone = ZoneInfo(data["timezone"])
        return parse(CallIn, {
            "title": texts(data["title_en"], data["title_ja"]),
            "opens_at": data["opens_at"].replace(tzinfo=zone), "closes_at": data["closes_at"].replace(tzinfo=zone),
            "timezone": data["timezone"], "places_to_select": data["places_to_select"],
            "description": texts(data["description_en"], ""),
            "questions": [row for _number, row in self.numbered_rows("questions")],
            "criteria": [row for _number, row in self.numbered_rows("criteria")]})

    def to_input(self) -> CallIn:
        """The checked form as the service's input (dates read in the chosen time zone)."""
        return self._input

    def error_field(self, field: str) -> tuple[forms.Form, str | None]:
        """The form (this one, a criterion or a question row) and its field a service error belongs on
        (None: the whole form)."""
        parts = field.split(".")
        if parts[0] in self.ROW_FIELDS and len(parts) > 1 and parts[1].isdigit():
            rows = self.numbered_rows(parts[0])
            index = int(parts[1])
            if index < len(rows):
                fields, english, japanese = self.ROW_FIELDS[parts[0]]
                row = self.rows[parts[0]].forms[rows[index][0] - 1]
                name = fields.get(parts[2] if len(parts) > 2 else "", english)
                if len(parts) > 3 and name == english and parts[3] == "ja":
                    name = japanese
                return row, name
        if field in self.fields:
            return self, field
        name = self.FIELDS.get(field) or self.FIELDS.get(parts[0])
        return self, name if name in self.fields else None

    def add_service_error(self, exc: ApplicationError) -> None:
        for field, messages in (exc.errors or {"": [exc.message]}).items():
            if field in self.rows:  # the rows as a whole (e.g. too many)
                self.rows[field]._non_form_errors.extend(messages)
                continue
            form, name = self.error_field(field)
            for message in messages:
                form.add_error(name, message)
