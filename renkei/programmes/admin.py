"""The admin writes programmes and calls through the services (same checks, same audit, same
effects as the pages and the API); bilingual texts are edited in two boxes, English and Japanese."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from renkei.core.admin_mixins import AuditedAdmin
from renkei.core.errors import ApplicationError, NotAllowed
from renkei.core.inputs import parse
from renkei.core.text import texts
from renkei.programmes import services
from renkei.programmes.inputs import CallUpdate, CriterionIn, ProgrammeIn, ProgrammeUpdate, QuestionIn
from renkei.programmes.models import Answer, Application, Call, Criterion, Programme, Question, ReviewAssignment
from renkei.ui.admin import inline


class BilingualForm(forms.ModelForm):
    """A model form whose JSON text field (``bilingual``) is edited in ``<name>_en`` and
    ``<name>_ja`` boxes, which subclasses declare."""

    bilingual = "title"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = texts(getattr(self.instance, self.bilingual, None))
        for lang in ("en", "ja"):
            self.initial.setdefault(f"{self.bilingual}_{lang}", current[lang])
        if "slug" in self.fields:  # the service makes one from the English title
            self.fields["slug"].required = False

    def clean(self):
        data = super().clean()
        name = self.bilingual
        data[name] = {lang: data[f"{name}_{lang}"] for lang in ("en", "ja") if data.get(f"{name}_{lang}")}
        return data

    def _post_clean(self):
        if self.bilingual in self.cleaned_data:
            setattr(self.instance, self.bilingual, self.cleaned_data[self.bilingual])
        super()._post_clean()

    def given(self) -> dict:
        """The changed model fields, with the two boxes as one text."""
        name = self.bilingual
        changed = {f for f in self.changed_data if f in self.model_fields()}
        if {f"{name}_en", f"{name}_ja"} & set(self.changed_data):
            changed.add(name)
        return {f: self.cleaned_data[f] for f in changed}

    def model_fields(self) -> set[str]:
        return {f.name for f in self._meta.model._meta.get_fields()}

    def check_input(self, model) -> None:
        try:
            parse(model, self.given() if self.instance.pk else self.input_data())
        except ApplicationError as exc:
            for field, messages in exc.errors.items():
                head = field.split(".")[0]
                target = f"{head}_en" if head == self.bilingual else head
                for message in messages:
                    self.add_error(target if target in self.fields else None, message)

    def input_data(self) -> dict:
        return {}


class RowForm(BilingualForm):
    """An inline row (a question, a criterion) checked by its service input when kept."""

    row_input: type

    def row_data(self, data: dict) -> dict:
        """The row as the input's fields; an empty one takes the input's default."""
        return {name: data[name] for name in self.row_input.model_fields if data.get(name) not in (None, "")}

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("DELETE"):
            try:
                parse(self.row_input, self.row_data(data))
            except ApplicationError as exc:
                self.add_error(None, exc.message)
        return data


def _english(max_length: int) -> forms.CharField:
    return forms.CharField(label=_("English"), max_length=max_length)


def _japanese(max_length: int) -> forms.CharField:
    return forms.CharField(label=_("Japanese"), max_length=max_length, required=False)


class ProgrammeForm(BilingualForm):
    title_en, title_ja = _english(255), _japanese(255)

    class Meta:
        model = Programme
        fields = ["slug", "title_en", "title_ja", "description", "owners", "officers", "starts_on", "ends_on", "themes",
                  "eligible_countries", "eligible_levels", "min_population", "max_population", "required_themes",
                  "is_published"]

    SERVICE_FIELDS = set(ProgrammeIn.model_fields)

    def given(self) -> dict:
        return {k: v for k, v in super().given().items() if k in self.SERVICE_FIELDS}

    def input_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.SERVICE_FIELDS
                if self.cleaned_data.get(k) not in (None, "")}

    def clean(self):
        data = super().clean()
        self.check_input(ProgrammeUpdate if self.instance.pk else ProgrammeIn)
        return data


class CallForm(BilingualForm):
    title_en, title_ja = _english(255), _japanese(255)

    class Meta:
        model = Call
        fields = ["programme", "slug", "title_en", "title_ja", "description", "opens_at", "closes_at", "timezone",
                  "places_to_select"]

    SERVICE_FIELDS = set(CallUpdate.model_fields)

    def given(self) -> dict:
        return {k: v for k, v in super().given().items() if k in self.SERVICE_FIELDS}

    def input_data(self) -> dict:
        data = {k: self.cleaned_data.get(k) for k in (*self.SERVICE_FIELDS, "slug") if self.cleaned_data.get(k)}
        return {**data, "title": self.cleaned_data.get("title") or {}}

    def clean(self):
        data = super().clean()
        from renkei.programmes.inputs import CallIn

        self.check_input(CallUpdate if self.instance.pk else CallIn)
        return data


class QuestionForm(RowForm):
    bilingual, row_input = "text", QuestionIn
    text_en, text_ja = _english(500), _japanese(500)

    class Meta:
        model = Question
        fields = ["position", "kind", "text_en", "text_ja", "choices", "required"]


class CriterionForm(RowForm):
    bilingual, row_input = "name", CriterionIn
    name_en, name_ja = _english(200), _japanese(200)

    class Meta:
        model = Criterion
        fields = ["position", "name_en", "name_ja", "weight"]


QuestionInline = inline(Question, form=QuestionForm)


CriterionInline = inline(Criterion, form=CriterionForm)


class ThroughServices:
    """Creates and changes go through the app's services (checks, audit, after-commit effects)."""

    def _write(self, request, obj, form, change):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        try:
            saved = self._write(request, obj, form, change)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        # the form's related rows (many-to-many, inlines) are saved onto the service's row
        obj.pk = saved.pk
        obj._state.adding = False
        obj.refresh_from_db()


@admin.register(Programme)
class ProgrammeAdmin(ThroughServices, AuditedAdmin, admin.ModelAdmin):
    form = ProgrammeForm
    list_display = ["__str__", "starts_on", "ends_on", "is_published"]
    search_fields = ["title", "slug"]
    ordering = ["title__en"]
    filter_horizontal = ["owners", "officers", "themes", "required_themes"]

    def _write(self, request, obj, form, change):
        if change:
            return services.programme_update(actor=request.user, programme=obj, data=form.given())
        return services.programme_create(actor=request.user, data=form.input_data())


@admin.register(Call)
class CallAdmin(ThroughServices, AuditedAdmin, admin.ModelAdmin):
    form = CallForm
    list_display = ["__str__", "programme", "status", "opens_at", "closes_at", "places_to_select"]
    list_filter = ["status", "programme"]
    search_fields = ["title", "slug"]
    readonly_fields = ["status"]
    inlines = [QuestionInline, CriterionInline]

    def _write(self, request, obj, form, change):
        if change:
            return services.call_update(actor=request.user, call=obj, data=form.given())
        return services.call_create(actor=request.user, programme=form.cleaned_data["programme"],
                                    data=form.input_data())


AnswerInline = inline(Answer)


class AssignmentInline(admin.TabularInline):
    model = ReviewAssignment
    extra = 0
    readonly_fields = ["submitted_at"]


@admin.register(Application)
class ApplicationAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["place", "call", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "call"]
    search_fields = ["place__name_en"]
    inlines = [AnswerInline, AssignmentInline]
