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
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from renkei.core.errors import ApplicationError
from renkei.core.inputs import parse
from renkei.places import services
from renkei.places.codelists import organisation_types
from renkei.places.inputs import statement_input
from renkei.places.models import Contact, Expertise, Need, Organisation, Place, Theme
from renkei.ui.admin import ServiceAdmin, Writes, put_errors


def _place_ref(place: Place | None) -> str | None:
    return (place.external_id or place.slug) if place is not None else None


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
            put_errors(self, exc, {})
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


class StatementInline(admin.TabularInline):
    form = StatementInlineForm
    extra = 0
    autocomplete_fields = ["theme"]


class NeedInline(StatementInline):
    model = Need
    fields = ["theme", "priority", "description", "evidence"]


class ExpertiseInline(StatementInline):
    model = Expertise
    fields = ["theme", "maturity", "description", "evidence"]


class StatementAdmin(ServiceAdmin):
    kind = "need"
    list_filter = [("theme__parent", admin.RelatedOnlyFieldListFilter), "place__country"]
    search_fields = ["place__name_en", "place__name_ja", "theme__name_en", "theme__name_ja", "theme__code"]
    autocomplete_fields = ["place", "theme"]
    list_select_related = ["place", "theme"]

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
    list_filter = ["priority", *StatementAdmin.list_filter]


@admin.register(Expertise)
class ExpertiseAdmin(StatementAdmin):
    kind = "expertise"
    list_display = ["place", "theme", "maturity", "updated_at"]
    list_filter = ["maturity", *StatementAdmin.list_filter]


# --- places -----------------------------------------------------------------------------------

PLACE_KEYS = {"name_en": "name", "external_id": "id", "latitude": "lat", "longitude": "lon",
              "is_published": "published"}


@admin.register(Place)
class PlaceAdmin(ServiceAdmin):
    writes = Writes("place", services.place_create, services.place_update, services.place_delete)
    list_display = ["name_en", "name_ja", "name_ja_reading", "country", "level", "population", "is_published",
                    "updated_at"]
    list_filter = ["country", "level", "is_published", "income_group", "coastal"]
    search_fields = ["name_en", "name_ja", "name_ja_reading", "name_local", "slug", "external_id"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["parent"]
    readonly_fields = ["version", "created_at", "updated_at"]
    list_per_page = 50
    inlines = [NeedInline, ExpertiseInline]
    fieldsets = [
        (None, {"fields": ["name_en", "name_ja", "name_ja_reading", "name_local", "slug", "external_id", "level",
                           "country", "parent", "is_published"]}),
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

    def save_formset(self, request, form, formset, change):
        save_statements(request, formset)


# --- organisations and contacts ---------------------------------------------------------------

@admin.register(Organisation)
class OrganisationAdmin(ServiceAdmin):
    writes = Writes("organisation", services.organisation_create, services.organisation_update,
                    services.organisation_delete)
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



@admin.register(Contact)
class ContactAdmin(ServiceAdmin):
    writes = Writes("contact", services.contact_create, services.contact_update, services.contact_delete)
    list_display = ["name", "title", "organisation", "place", "public_consent"]
    list_filter = ["public_consent"]
    search_fields = ["name", "title", "email", "organisation__name_en", "place__name_en"]
    autocomplete_fields = ["organisation", "place"]
    list_select_related = ["organisation", "place"]



# --- themes -----------------------------------------------------------------------------------

@admin.register(Theme)
class ThemeAdmin(ServiceAdmin):
    writes = Writes("theme", services.theme_create, services.theme_update, services.theme_delete)
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


