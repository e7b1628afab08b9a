"""The call form: strings in, a ``CallIn`` out; the service checks the rules, and its errors go
back onto these fields (``error_field``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renkei.core.errors import ApplicationError
from renkei.core.inputs import parse
from renkei.programmes.inputs import CallIn, time_zone
from renkei.programmes.models import Programme


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


def question_line(line: str) -> dict:
    """`What can you offer?`, `[file] Supporting documents`, `[choice: small|large] Size`, `? optional`."""
    required = not line.startswith("?")
    line = line.lstrip("?").strip()
    if line.startswith("[file]"):
        return {"kind": "file", "text": {"en": line[6:].strip()}, "required": required}
    if line.startswith("[choice:"):
        head, _sep, text = line.partition("]")
        choices = [c.strip() for c in head[len("[choice:"):].split("|") if c.strip()]
        if len(choices) < 2 or not text.strip():
            raise ValueError(_("a choice question needs two options and a text"))
        return {"kind": "choice", "choices": choices, "text": {"en": text.strip()}, "required": required}
    return {"kind": "text", "text": {"en": line}, "required": required}


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


class CallForm(forms.Form):
    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), label=gettext_lazy("Programme"))
    title_en = forms.CharField(max_length=255, label=gettext_lazy("Title (English)"))
    title_ja = forms.CharField(max_length=255, required=False, label=gettext_lazy("Title (Japanese)"))
    opens_at = forms.DateTimeField(label=gettext_lazy("Opens"),
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    closes_at = forms.DateTimeField(label=gettext_lazy("Closes"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    timezone = forms.CharField(initial="Asia/Tokyo", label=gettext_lazy("Time zone of the dates"))
    places_to_select = forms.IntegerField(min_value=1, initial=1, label=gettext_lazy("Places to select"))
    description_en = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                     label=gettext_lazy("What the programme offers (English)"))
    questions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label=gettext_lazy("Questions, one per line"),
        help_text=gettext_lazy("[file] for a file, [choice: a|b] for options, ? first for optional"))
    criteria = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=gettext_lazy("Criteria, one per line"),
                               help_text=gettext_lazy("Name | weight, e.g. Relevance | 2"))

    #: the service's field → this form's field
    FIELDS = {"title": "title_en", "title.en": "title_en", "title.ja": "title_ja", "description": "description_en",
              "questions": "questions", "criteria": "criteria"}

    def __init__(self, *args: Any, programmes: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if programmes is not None:
            self.fields["programme"].queryset = programmes

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        questions, q_errors = parse_lines(data.get("questions", ""), question_line)
        criteria, c_errors = parse_lines(data.get("criteria", ""), criterion_line)
        for message in q_errors:
            self.add_error("questions", message)
        for message in c_errors:
            self.add_error("criteria", message)
        if "criteria" in data and not criteria and not c_errors:
            self.add_error("criteria", _("Give at least one criterion."))
        data["question_rows"], data["criterion_rows"] = questions, criteria
        if data.get("timezone"):
            try:
                time_zone(data["timezone"])
            except ValueError as exc:
                self.add_error("timezone", str(exc))
        return data

    def to_input(self) -> CallIn:
        """The cleaned form as the service's input (dates read in the chosen time zone)."""
        data = self.cleaned_data
        zone = ZoneInfo(data["timezone"])
        return parse(CallIn, {
            "title": texts(data["title_en"], data["title_ja"]),
            "opens_at": data["opens_at"].replace(tzinfo=zone), "closes_at": data["closes_at"].replace(tzinfo=zone),
            "timezone": data["timezone"], "places_to_select": data["places_to_select"],
            "description": texts(data["description_en"], ""),
            "questions": data["question_rows"], "criteria": data["criterion_rows"]})

    def error_field(self, field: str) -> str | None:
        """The form field a service error belongs on (None: the whole form)."""
        if field in self.fields:
            return field
        head = field.split(".")[0]
        name = self.FIELDS.get(field) or self.FIELDS.get(head)
        return name if name in self.fields else None

    def add_service_error(self, exc: ApplicationError) -> None:
        for field, messages in (exc.errors or {"": [exc.message]}).items():
            for message in messages:
                self.add_error(self.error_field(field), message)
