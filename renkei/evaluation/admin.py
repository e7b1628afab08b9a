"""The admin of results and evaluations: every save and delete goes through the services (the same
permission checks, rules, audit and events as the pages and the API). An evaluation's status moves
only through its lifecycle (the actions below); scores are the evaluators' and are shown, not edited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from renkei.accounts.models import Role
from renkei.core.errors import ApplicationError
from renkei.core.text import compact, pick_language
from renkei.evaluation import services
from renkei.evaluation.models import Actual, Adoption, Evaluation, Result, ResultIndicator, Score, Target
from renkei.ui.admin import ServiceAdmin, inline


def _texts(values: dict[str, Any], name: str) -> None:
    """``name_en``/``name_ja`` given → ``name`` as one text per language."""
    keys = [f"{name}_en", f"{name}_ja"]
    if any(key in values for key in keys):
        values[name] = compact({"en": values.pop(keys[0], "") or "", "ja": values.pop(keys[1], "") or ""})


class TextsForm(forms.ModelForm):
    """A bilingual JSON field (``texts``) as one box per language."""

    texts = "title"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        value = getattr(self.instance, self.texts, None) or {}
        for language in ("en", "ja"):
            self.initial.setdefault(f"{self.texts}_{language}", value.get(language, ""))


class ResultForm(TextsForm):
    title_en = forms.CharField(label=_("Result (English)"), max_length=500, required=False)
    title_ja = forms.CharField(label=_("Result (Japanese)"), max_length=500, required=False)

    class Meta:
        model = Result
        fields = ["partnership", "level", "parent", "position"]


IndicatorInline = inline(ResultIndicator, fields=["indicator", "name", "unit", "direction", "baseline_value",
                                                  "baseline_on"], readonly_fields=["indicator", "name", "unit",
                                                                                   "direction", "baseline_value",
                                                                                   "baseline_on"],
                         can_delete=False, max_num=0)


@admin.register(Result)
class ResultAdmin(ServiceAdmin):
    form = ResultForm
    list_display = ["title_display", "level", "partnership", "position"]
    list_filter = ["level", "partnership"]
    search_fields = ["title", "partnership__slug"]
    autocomplete_fields = ["partnership"]
    fields = ["partnership", "level", "parent", "title_en", "title_ja", "position"]
    inlines = [IndicatorInline]
    field_names = {"title": "title_en", "title.en": "title_en", "title.ja": "title_ja"}

    def get_readonly_fields(self, request, obj=None):
        return ["partnership", "level", "parent"] if obj is not None else []

    @admin.display(description=_("result"))
    def title_display(self, obj):
        return pick_language(obj.title)

    def service_data(self, values):
        _texts(values, "title")
        if isinstance(values.get("parent"), Result):
            values["parent"] = values["parent"].pk
        values.pop("partnership", None)
        return values

    def create(self, request, obj, data):
        return services.result_add(actor=request.user, partnership=self._partnership, data=data)

    def update(self, request, obj, data):
        return services.result_update(actor=request.user, result=obj, data=data)

    def remove(self, request, obj):
        services.result_delete(actor=request.user, result=obj)

    def _write(self, request, obj, form):
        self._partnership = form.cleaned_data.get("partnership") or (obj.partnership if obj and obj.pk else None)
        return super()._write(request, obj, form)


class ResultIndicatorForm(TextsForm):
    texts = "name"
    name_en = forms.CharField(label=_("Own indicator (English)"), max_length=500, required=False)
    name_ja = forms.CharField(label=_("Own indicator (Japanese)"), max_length=500, required=False)

    class Meta:
        model = ResultIndicator
        fields = ["result", "indicator", "unit", "direction", "baseline_value", "baseline_on", "baseline_source"]


TargetInline = inline(Target, fields=["period_start", "period_end", "value", "note"],
                      readonly_fields=["period_start", "period_end", "value", "note"], can_delete=False, max_num=0)
ActualInline = inline(Actual, fields=["period_start", "period_end", "value", "evidence_url", "source", "is_sample"],
                      readonly_fields=["period_start", "period_end", "value", "evidence_url", "source", "is_sample"],
                      can_delete=False, max_num=0)


@admin.register(ResultIndicator)
class ResultIndicatorAdmin(ServiceAdmin):
    form = ResultIndicatorForm
    list_display = ["__str__", "result", "unit", "direction", "baseline_value", "baseline_on"]
    list_filter = ["direction", "result__partnership"]
    search_fields = ["name", "indicator__code"]
    autocomplete_fields = ["result"]
    fields = ["result", "indicator", "name_en", "name_ja", "unit", "direction", "baseline_value", "baseline_on",
              "baseline_source"]
    inlines = [TargetInline, ActualInline]
    field_names = {"name": "name_en", "name.en": "name_en", "name.ja": "name_ja", "body": "indicator"}

    def get_readonly_fields(self, request, obj=None):
        return ["result", "indicator", "name_en", "name_ja"] if obj is not None else []

    def service_data(self, values):
        _texts(values, "name")
        if "name" in values and not values["name"]:
            values.pop("name")
        if values.get("indicator") is not None:
            values["indicator"] = values["indicator"].code
        values.pop("result", None)
        return values

    def create(self, request, obj, data):
        return services.result_indicator_add(actor=request.user, result=self._result, data=data)

    def update(self, request, obj, data):
        data.pop("indicator", None)
        return services.result_indicator_update(actor=request.user, result_indicator=obj, data=data)

    def remove(self, request, obj):
        services.result_indicator_delete(actor=request.user, result_indicator=obj)

    def _write(self, request, obj, form):
        self._result = form.cleaned_data.get("result") or (obj.result if obj and obj.pk else None)
        return super()._write(request, obj, form)


class _PeriodAdmin(ServiceAdmin):
    """Targets and actuals: a save sets the value for its period (the service replaces the one there)."""

    autocomplete_fields = ["result_indicator"]
    list_filter = ["result_indicator__result__partnership"]

    def get_readonly_fields(self, request, obj=None):
        return ["result_indicator", "period_start", "period_end"] if obj is not None else []

    def _data(self, form, obj):
        names = [name for name in form.fields if name != "result_indicator"]
        data = {name: form.cleaned_data.get(name) for name in names if name in form.cleaned_data}
        if obj is not None and obj.pk:
            data.update(period_start=obj.period_start, period_end=obj.period_end)
        return {key: ("" if value is None and key in ("note", "evidence_url", "source") else value)
                for key, value in data.items()}

    def _write(self, request, obj, form):
        row = form.cleaned_data.get("result_indicator") or (obj.result_indicator if obj and obj.pk else None)
        return self.write(request, row, self._data(form, obj))


@admin.register(Target)
class TargetAdmin(_PeriodAdmin):
    list_display = ["result_indicator", "period_start", "period_end", "value"]
    fields = ["result_indicator", "period_start", "period_end", "value", "note"]

    def write(self, request, row, data):
        return services.target_set(actor=request.user, result_indicator=row, data=data)

    def remove(self, request, obj):
        services.target_delete(actor=request.user, target=obj)


@admin.register(Actual)
class ActualAdmin(_PeriodAdmin):
    list_display = ["result_indicator", "period_start", "period_end", "value", "is_sample"]
    list_filter = ["is_sample", *_PeriodAdmin.list_filter]
    fields = ["result_indicator", "period_start", "period_end", "value", "evidence_url", "source", "is_sample"]

    def write(self, request, row, data):
        return services.actual_record(actor=request.user, result_indicator=row, data=data)

    def remove(self, request, obj):
        services.actual_delete(actor=request.user, actual=obj)


class AdoptionForm(TextsForm):
    texts = "practice"
    practice_en = forms.CharField(label=_("Practice (English)"), max_length=500, required=False)
    practice_ja = forms.CharField(label=_("Practice (Japanese)"), max_length=500, required=False)

    class Meta:
        model = Adoption
        fields = ["partnership", "place", "adopted_on", "evidence_url", "source", "is_sample"]


@admin.register(Adoption)
class AdoptionAdmin(ServiceAdmin):
    form = AdoptionForm
    list_display = ["__str__", "place", "partnership", "adopted_on", "is_sample"]
    list_filter = ["is_sample", "partnership"]
    autocomplete_fields = ["partnership", "place"]
    fields = ["partnership", "place", "practice_en", "practice_ja", "adopted_on", "evidence_url", "source",
              "is_sample"]
    field_names = {"practice": "practice_en", "practice.en": "practice_en"}

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def service_data(self, values):
        _texts(values, "practice")
        values.pop("partnership", None)
        if values.get("place") is not None:
            values["place"] = values["place"].slug
        return {key: ("" if value is None and key in ("evidence_url", "source") else value)
                for key, value in values.items()}

    def create(self, request, obj, data):
        return services.adoption_add(actor=request.user, partnership=self._partnership, data=data)

    def remove(self, request, obj):
        services.adoption_delete(actor=request.user, adoption=obj)

    def _write(self, request, obj, form):
        self._partnership = form.cleaned_data.get("partnership")
        return super()._write(request, obj, form)


ScoreInline = inline(Score, fields=["criterion", "level", "justification", "evidence", "scored_by"],
                     readonly_fields=["criterion", "level", "justification", "evidence", "scored_by"],
                     can_delete=False, max_num=0)


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = ["partnership", "kind", "mode", "due_on", "evaluators", "summary"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "evaluators" in self.fields:
            self.fields["evaluators"].queryset = get_user_model().objects.filter(
                role_grants__role=Role.EVALUATOR).distinct()


@admin.register(Evaluation)
class EvaluationAdmin(ServiceAdmin):
    form = EvaluationForm
    list_display = ["__str__", "kind", "mode", "status", "due_on", "published_at"]
    list_filter = ["status", "kind", "mode"]
    autocomplete_fields = ["partnership"]
    filter_horizontal = ["evaluators"]
    inlines = [ScoreInline]
    actions = ["publish", "return_to_evaluators"]

    def get_fields(self, request, obj=None):
        base = ["partnership", "kind", "mode", "due_on", "evaluators"]
        return [*base, "summary", "status"] if obj is not None else base

    def get_readonly_fields(self, request, obj=None):
        return ["partnership", "kind", "mode", "status"] if obj is not None else []

    def service_data(self, values):
        values.pop("partnership", None)
        if values.get("evaluators") is not None:
            values["evaluators"] = [user.username for user in values["evaluators"]]
        return values

    def create(self, request, obj, data):
        return services.evaluation_create(actor=request.user, partnership=self._partnership, data=data)

    def update(self, request, obj, data):
        return services.evaluation_update(actor=request.user, evaluation=obj, data=data)

    def remove(self, request, obj):
        services.evaluation_delete(actor=request.user, evaluation=obj)

    def _write(self, request, obj, form):
        self._partnership = form.cleaned_data.get("partnership")
        return super()._write(request, obj, form)

    def _step(self, request, queryset, to: str) -> None:
        for evaluation in queryset:
            try:
                services.evaluation_transition(actor=request.user, evaluation=evaluation, to=to)
            except ApplicationError as exc:
                self.message_user(request, f"{evaluation}: {exc.message}", messages.ERROR)

    @admin.action(description=_("Publish the selected submitted evaluations"))
    def publish(self, request, queryset):
        self._step(request, queryset, "published")

    @admin.action(description=_("Return the selected submitted evaluations to their evaluators"))
    def return_to_evaluators(self, request, queryset):
        self._step(request, queryset, "in_progress")
