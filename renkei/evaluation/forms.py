"""HTML forms of the results and evaluation pages. They collect and parse strings; the services check
the rules, and their ApplicationError.errors go back onto the fields (``field_map``)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from renkei.accounts.models import Role
from renkei.evaluation.models import Direction, Evaluation, Level, ResultIndicator
from renkei.evaluation.rubric import BY_CRITERION, LEVELS
from renkei.indicators.models import Indicator
from renkei.ui.forms import FieldsetForm

DATE = {"type": "date"}
DATE_ERROR = {"invalid": _("use a date like 2026-03-31")}


def _texts(en: str, ja: str) -> dict:
    return {"en": en or "", "ja": ja or ""}


def _date(label, required=True):
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs=DATE),
                           error_messages=DATE_ERROR)


class ResultForm(FieldsetForm):
    level = forms.ChoiceField(choices=Level.choices, label=_("Level of the result"))
    parent = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label=_("Contributes to"),
                                    help_text=_("An outcome contributes to an impact, an output to an outcome."))
    title_en = forms.CharField(max_length=500, required=False, label=_("Result (English)"))
    title_ja = forms.CharField(max_length=500, required=False, label=_("Result (Japanese)"))
    field_map = {"title": "title_en", "title.en": "title_en", "title.ja": "title_ja"}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", "—")] + [
            (r.pk, f"{r.get_level_display()}: {r.title_text}")
            for r in partnership.results.exclude(level=Level.OUTPUT)]
        self.groups = [(gettext("Add a result"), ["level", "parent", "title_en", "title_ja"])]

    def input(self) -> dict:
        d = self.cleaned_data
        return {"level": d["level"], "parent": d["parent"], "title": _texts(d["title_en"], d["title_ja"])}


def _indicator_choices(partnership):
    return [(i.pk, f"{i.result.title_text} · {i.name_text}")
            for i in ResultIndicator.objects.filter(result__partnership=partnership)
            .select_related("result", "indicator")]


class IndicatorForm(FieldsetForm):
    result = forms.TypedChoiceField(coerce=int, label=_("Result"))
    indicator = forms.ChoiceField(required=False, label=_("Catalogue indicator"),
                                  help_text=_("Or leave it empty and give an indicator of its own below."))
    name_en = forms.CharField(max_length=500, required=False, label=_("Own indicator (English)"))
    name_ja = forms.CharField(max_length=500, required=False, label=_("Own indicator (Japanese)"))
    unit = forms.CharField(max_length=40, required=False, label=_("Unit"))
    direction = forms.ChoiceField(choices=[("", "—"), *Direction.choices], required=False, label=_("Direction"))
    baseline_value = forms.FloatField(required=False, label=_("Baseline"))
    baseline_on = _date(_("Baseline date"), required=False)
    baseline_source = forms.CharField(max_length=500, required=False, label=_("Source of the baseline"))
    field_map = {"name": "name_en", "name.en": "name_en", "body": "indicator"}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = [(r.pk, f"{r.get_level_display()}: {r.title_text}")
                                         for r in partnership.results.all()]
        self.fields["indicator"].choices = [("", "—")] + [
            (i.code, f"{i.code} {i.name_text}") for i in Indicator.objects.only("code", "name")]
        self.groups = [(gettext("Measure a result"), [
            "result", "indicator", "name_en", "name_ja", "unit", "direction", "baseline_value", "baseline_on",
            "baseline_source"])]

    def input(self) -> dict:
        d = self.cleaned_data
        data = {"indicator": d["indicator"] or None, "unit": d["unit"], "direction": d["direction"] or None,
                "baseline_value": d["baseline_value"], "baseline_on": d["baseline_on"],
                "baseline_source": d["baseline_source"]}
        if d["name_en"] or d["name_ja"] or not d["indicator"]:
            data["name"] = _texts(d["name_en"], d["name_ja"])
        return data


class TargetForm(FieldsetForm):
    result_indicator = forms.TypedChoiceField(coerce=int, label=_("Indicator"))
    period_start = _date(_("Period starts"))
    period_end = _date(_("Period ends"))
    value = forms.FloatField(label=_("Target"))
    note = forms.CharField(max_length=500, required=False, label=_("Note"))

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result_indicator"].choices = _indicator_choices(partnership)
        self.groups = [(gettext("Set a target"), ["result_indicator", "period_start", "period_end", "value",
                                                  "note"])]

    def input(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "result_indicator"}


class ActualForm(FieldsetForm):
    result_indicator = forms.TypedChoiceField(coerce=int, label=_("Indicator"))
    period_start = _date(_("Period starts"))
    period_end = _date(_("Period ends"))
    value = forms.FloatField(label=_("Actual"))
    evidence_url = forms.CharField(max_length=500, required=False, label=_("Evidence (web address)"))
    source = forms.CharField(max_length=500, required=False, label=_("Source"))
    is_sample = forms.BooleanField(required=False, label=_("a sample value, not a measured one"))

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result_indicator"].choices = _indicator_choices(partnership)
        self.groups = [(gettext("Record an actual"), ["result_indicator", "period_start", "period_end", "value",
                                                      "evidence_url", "source", "is_sample"])]

    def input(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "result_indicator"}


class AdoptionForm(FieldsetForm):
    place = forms.ChoiceField(label=_("Adopted by"))
    practice_en = forms.CharField(max_length=500, required=False, label=_("Practice (English)"))
    practice_ja = forms.CharField(max_length=500, required=False, label=_("Practice (Japanese)"))
    adopted_on = _date(_("Adopted on"))
    evidence_url = forms.CharField(max_length=500, required=False, label=_("Evidence (web address)"))
    source = forms.CharField(max_length=500, required=False, label=_("Source"))
    field_map = {"practice": "practice_en", "practice.en": "practice_en"}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [(m.place.slug, m.place.name) for m in partnership.members.all() if m.place]
        self.groups = [(gettext("Record an adoption"), ["place", "practice_en", "practice_ja", "adopted_on",
                                                        "evidence_url", "source"])]

    def input(self) -> dict:
        d = self.cleaned_data
        return {"place": d["place"], "practice": _texts(d["practice_en"], d["practice_ja"]),
                "adopted_on": d["adopted_on"], "evidence_url": d["evidence_url"], "source": d["source"]}


def _evaluator_choices():
    users = get_user_model().objects.filter(role_grants__role=Role.EVALUATOR).distinct().order_by("username")
    return [(u.username, u.get_full_name() or u.username) for u in users]


class EvaluationForm(FieldsetForm):
    kind = forms.ChoiceField(choices=Evaluation.Kind.choices, label=_("Kind"))
    mode = forms.ChoiceField(choices=Evaluation.Mode.choices, label=_("By"))
    due_on = _date(_("Due"), required=False)
    evaluators = forms.MultipleChoiceField(required=False, label=_("Evaluators"),
                                           help_text=_("For an external evaluation; the focal points score a "
                                                       "self-evaluation."),
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluators"].choices = _evaluator_choices()
        self.groups = [(gettext("Plan an evaluation"), ["kind", "mode", "due_on", "evaluators"])]

    def input(self) -> dict:
        return dict(self.cleaned_data)


class AssignForm(FieldsetForm):
    due_on = _date(_("Due"), required=False)
    evaluators = forms.MultipleChoiceField(required=False, label=_("Evaluators"),
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluators"].choices = _evaluator_choices()
        self.groups = [(gettext("Due date and evaluators"), ["due_on", "evaluators"])]

    def input(self) -> dict:
        return dict(self.cleaned_data)


class ScoreForm(FieldsetForm):
    """One criterion: the level chosen among the rubric's descriptors, why, and the evidence."""

    level = forms.TypedChoiceField(coerce=int, label=_("Rubric level"), widget=forms.RadioSelect)
    justification = forms.CharField(max_length=4000, label=_("Justification"),
                                    widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(max_length=4000, required=False, label=_("Evidence"),
                               help_text=_("Documents, web addresses, figures."),
                               widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, criterion: str, **kwargs):
        super().__init__(*args, prefix=criterion, **kwargs)
        self.rubric = BY_CRITERION[criterion]
        self.fields["level"].choices = [(level, f"{level} · {LEVELS[level]} — {text}")
                                        for level, _name, text in self.rubric.rows()]
        self.groups = [(f"{self.rubric.label} — {self.rubric.question}", ["level", "justification", "evidence"])]

    wide = {"level", "justification", "evidence"}

    def input(self) -> dict:
        return dict(self.cleaned_data)


class SummaryForm(forms.Form):
    summary_en = forms.CharField(max_length=4000, required=False, label=_("Summary (English)"),
                                 widget=forms.Textarea(attrs={"rows": 3}))
    summary_ja = forms.CharField(max_length=4000, required=False, label=_("Summary (Japanese)"),
                                 widget=forms.Textarea(attrs={"rows": 3}))

    def input(self) -> dict:
        return {"summary": {"en": self.cleaned_data["summary_en"], "ja": self.cleaned_data["summary_ja"]}}
