"""Admin for places, organisations, contacts, themes, needs and expertise.

Every save and delete made here, inlines included, goes through the places services, so the
admin checks the same rules as the API, the forms and the imports, and its writes have the same
effects: one audit entry, the version bumped, the permission checked, the matching embeddings
refreshed. The form is checked by running the service in a savepoint that is rolled back, so its
errors land on the admin's fields before anything is saved.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from renkei.core.errors import ApplicationError, NotAllowed
from renkei.core.inputs import parse
from renkei.places import services
from renkei.places.codelists import organisation_types
from renkei.places.inputs import statement_input
from renkei.places.models import Contact, Expertise, Need, Organisation, Place, Theme


class _DryRun(Exception):
    """Rolls back a service call made only to check a form."""


def _place_ref(place: Place | None) -> str | None:
    return (place.external_id or place.slug) if place is not None else None


def _put_errors(form: forms.BaseForm, exc: ApplicationError, field_names: dict[str, str]) -> None:
    """A service's field errors onto the admin form's fields (the rest at the top, named)."""
    if not exc.errors:
        form.add_error(None, exc.message)
    for name, texts in exc.errors.items():
        target = field_names.get(name, name).split(".")[0]
        for text in texts:
            if target in form.fields and target not in form.errors:
                form.add_error(target, text)
            else:
                form.add_error(None, f"{name}: {text}")


class ServiceAdmin(admin.ModelAdmin):
    """A model admin whose writes are the places services'.

    Subclasses say how a form's values become the service's input (``service_data``), which
    service creates, updates and deletes (``create``, ``update``, ``remove``), and how the
    service's field names map back to the form's (``field_names``)."""

    field_names: dict[str, str] = {}

    def service_data(self, values: dict[str, Any]) -> dict[str, Any]:
        return values

    def create(self, request, obj, data: dict[str, Any]):
        raise NotImplementedError

    def update(self, request, obj, data: dict[str, Any]):
        raise NotImplementedError

    def remove(self, request, obj) -> None:
        raise NotImplementedError

    def _data(self, form: forms.ModelForm, obj) -> dict[str, Any]:
        names = form.changed_data if obj is not None and obj.pk else list(form.fields)
        return self.service_data({name: form.cleaned_data.get(name) for name in names if name in form.cleaned_data})

    def _write(self, request, obj, form: forms.ModelForm):
        data = self._data(form, obj)
        if obj is not None and obj.pk:
            return self.update(request, obj, data) if data else obj
        return self.create(request, obj, data)

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceForm(base):
            def clean(self):
                cleaned = super().clean()
                if self.errors:
                    return cleaned
                try:
                    with transaction.atomic():
                        model_admin._write(request, obj, self)
                        raise _DryRun
                except _DryRun:
                    pass
                except NotAllowed as exc:
                    raise ValidationError(exc.message) from exc
                except ApplicationError as exc:
                    _put_errors(self, exc, model_admin.field_names)
                return cleaned

        return ServiceForm

    def save_model(self, request, obj, form, change):
        saved = self._write(request, obj, form)
        if saved is not obj:  # the admin goes on with its own object (inlines, messages, redirect)
            for field in type(obj)._meta.concrete_fields:
                setattr(obj, field.attname, getattr(saved, field.attname))
            obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        self.remove(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            try:
                self.remove(request, obj)
            except ApplicationError as exc:
                self.message_user(request, f"{obj}: {exc.message}", messages.ERROR)


# --- needs and expertise ----------------------------------------------------------------------

def _statement_data(values: dict[str, Any]) -> dict[str, Any]:
    data = {key: value for key, value in values.items() if key not in ("place", "id", "DELETE")}
    if "theme" in data:
        data["theme"] = data["theme"].code if data["theme"] is not None else None
    return data


class StatementInlineForm(forms.ModelForm):
    """A need or expertise row on a place's page, checked by the service's input."""

    def clean(self):
        cleaned = super().clean()
        if self.errors or cleaned.get("DELETE") or not self.has_changed():
            return cleaned
        kind = "need" if self._meta.model is Need else "expertise"
        names = self.changed_data if self.instance.pk else list(self.fields)
        data = _statement_data({name: cleaned.get(name) for name in names if name in cleaned})
        try:
            parse(statement_input(kind), data)
        except ApplicationError as exc:
            _put_errors(self, exc, {})
        return cleaned


def save_statements(request, formset) -> None:
    """Write an inline formset of needs or expertise through the services, row by row (and tell the
    admin's change message what was created, changed and deleted, as ``formset.save`` would)."""
    kind = "need" if formset.model is Need else "expertise"
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.deleted_forms:
        if form.instance.pk:
            formset.deleted_objects.append(form.instance)
            services.statement_delete(actor=request.user, obj=form.instance)
    for form in formset.forms:
        if form in formset.deleted_forms or not form.has_changed():
            continue
        if form.instance.pk:
            data = _statement_data({name: form.cleaned_data.get(name) for name in form.changed_data})
            if data:
                services.statement_update(actor=request.user, obj=form.instance, data=data)
                formset.changed_objects.append((form.instance, form.changed_data))
        else:
            data = _statement_data({name: form.cleaned_data.get(name) for name in form.fields})
            formset.new_objects.append(
                services.statement_create(actor=request.user, place=formset.instance, kind=kind, data=data))


class NeedInline(admin.TabularInline):
    model = Need
    form = StatementInlineForm
    extra = 0
    autocomplete_fields = ["theme"]
    fields = ["theme", "priority", "description", "evidence"]


class ExpertiseInline(admin.TabularInline):
    model = Expertise
    form = StatementInlineForm
    extra = 0
    autocomplete_fields = ["theme"]
    fields = ["theme", "maturity", "description", "evidence"]


class StatementAdmin(ServiceAdmin):
    kind = "need"

    def get_readonly_fields(self, request, obj=None):
        # a statement stays with its place (delete it and add one to the other place instead)
        return ["place"] if obj is not None else []

    def service_data(self, values):
        return _statement_data(values)

    def create(self, request, obj, data):
        return services.statement_create(actor=request.user, place=obj.place, kind=self.kind, data=data)

    def update(self, request, obj, data):
        return services.statement_update(actor=request.user, obj=obj, data=data)

    def remove(self, request, obj):
        services.statement_delete(actor=request.user, obj=obj)

    def _write(self, request, obj, form):
        if obj is None or not obj.pk:
            obj = Need(place=form.cleaned_data.get("place")) if self.kind == "need" else Expertise(
                place=form.cleaned_data.get("place"))
        return super()._write(request, obj, form)


@admin.register(Need)
class NeedAdmin(StatementAdmin):
    kind = "need"
    list_display = ["place", "theme", "priority", "updated_at"]
    list_filter = ["priority", ("theme__parent", admin.RelatedOnlyFieldListFilter), "place__country"]
    search_fields = ["place__name_en", "place__name_ja", "theme__name_en", "theme__name_ja", "theme__code"]
    autocomplete_fields = ["place", "theme"]
    list_select_related = ["place", "theme"]


@admin.register(Expertise)
class ExpertiseAdmin(StatementAdmin):
    kind = "expertise"
    list_display = ["place", "theme", "maturity", "updated_at"]
    list_filter = ["maturity", ("theme__parent", admin.RelatedOnlyFieldListFilter), "place__country"]
    search_fields = ["place__name_en", "place__name_ja", "theme__name_en", "theme__name_ja", "theme__code"]
    autocomplete_fields = ["place", "theme"]
    list_select_related = ["place", "theme"]


# --- places -----------------------------------------------------------------------------------

PLACE_KEYS = {"name_en": "name", "external_id": "id", "latitude": "lat", "longitude": "lon",
              "is_published": "published"}


@admin.register(Place)
class PlaceAdmin(ServiceAdmin):
    list_display = ["name_en", "name_ja", "country", "level", "population", "is_published", "updated_at"]
    list_filter = ["country", "level", "is_published", "income_group", "coastal"]
    search_fields = ["name_en", "name_ja", "name_local", "slug", "external_id"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["parent"]
    readonly_fields = ["version", "created_at", "updated_at"]
    list_per_page = 50
    inlines = [NeedInline, ExpertiseInline]
    fieldsets = [
        (None, {"fields": ["name_en", "name_ja", "name_local", "slug", "external_id", "level", "country", "parent",
                           "is_published"]}),
        (_("Location"), {"fields": ["latitude", "longitude", "timezone"]}),
        (_("People and economy"), {"fields": ["population", "population_year", "area_km2", "share_65_plus",
                                              "population_growth", "income_group"]}),
        (_("Risks"), {"fields": ["coastal", "hazards"]}),
        (_("Profile"), {"fields": ["website", "summary"]}),
        (_("Record"), {"fields": ["version", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    field_names = {**{value: key for key, value in PLACE_KEYS.items()}, "summary_en": "summary",
                   "summary_ja": "summary"}

    def service_data(self, values):
        """Model values as a record in the exchange format."""
        data: dict[str, Any] = {}
        for key, value in values.items():
            if key == "parent":
                data["parent"] = _place_ref(value)
            elif key == "summary":
                summary = value or {}
                data.update(summary_en=summary.get("en", ""), summary_ja=summary.get("ja", ""))
            else:
                data[PLACE_KEYS.get(key, key)] = value
        return data

    def create(self, request, obj, data):
        return services.place_create(actor=request.user, data=data)

    def update(self, request, obj, data):
        return services.place_update(actor=request.user, place=obj, data=data)

    def remove(self, request, obj):
        services.place_delete(actor=request.user, place=obj)

    def delete_model(self, request, obj):
        try:
            self.remove(request, obj)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def save_formset(self, request, form, formset, change):
        save_statements(request, formset)


# --- organisations and contacts ---------------------------------------------------------------

@admin.register(Organisation)
class OrganisationAdmin(ServiceAdmin):
    list_display = ["name_en", "acronym", "type_name", "country", "place"]
    list_filter = ["org_type", "country"]
    search_fields = ["name_en", "name_ja", "acronym", "slug"]
    autocomplete_fields = ["parent", "place"]
    prepopulated_fields = {"slug": ["name_en"]}
    list_select_related = ["place"]

    @admin.display(description=_("type"), ordering="org_type")
    def type_name(self, obj):
        return organisation_types().get(obj.org_type, obj.org_type)

    def service_data(self, values):
        data = dict(values)
        if "parent" in data:
            data["parent"] = data["parent"].slug if data["parent"] is not None else None
        if "place" in data:
            data["place"] = _place_ref(data["place"])
        return data

    def create(self, request, obj, data):
        return services.organisation_create(actor=request.user, data=data)

    def update(self, request, obj, data):
        return services.organisation_update(actor=request.user, organisation=obj, data=data)

    def remove(self, request, obj):
        services.organisation_delete(actor=request.user, organisation=obj)


@admin.register(Contact)
class ContactAdmin(ServiceAdmin):
    list_display = ["name", "title", "organisation", "place", "public_consent"]
    list_filter = ["public_consent"]
    search_fields = ["name", "title", "email", "organisation__name_en", "place__name_en"]
    autocomplete_fields = ["organisation", "place"]
    list_select_related = ["organisation", "place"]

    def create(self, request, obj, data):
        return services.contact_create(actor=request.user, data=data)

    def update(self, request, obj, data):
        return services.contact_update(actor=request.user, contact=obj, data=data)

    def remove(self, request, obj):
        services.contact_delete(actor=request.user, contact=obj)


# --- themes -----------------------------------------------------------------------------------

@admin.register(Theme)
class ThemeAdmin(ServiceAdmin):
    list_display = ["code", "name_en", "name_ja", "parent", "position"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name_en", "name_ja", "synonyms_en", "synonyms_ja"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["related"]
    list_select_related = ["parent"]
    ordering = ["position", "code"]

    def service_data(self, values):
        data = dict(values)
        if "parent" in data:
            data["parent"] = data["parent"].code if data["parent"] is not None else None
        if "related" in data:
            data["related"] = [theme.code for theme in data["related"] or []]
        return data

    def create(self, request, obj, data):
        return services.theme_create(actor=request.user, data=data)

    def update(self, request, obj, data):
        return services.theme_update(actor=request.user, theme=obj, data=data)

    def remove(self, request, obj):
        services.theme_delete(actor=request.user, theme=obj)

    def delete_model(self, request, obj):
        try:
            self.remove(request, obj)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)

