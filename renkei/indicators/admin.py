"""The indicator catalogue, values and peer groups in the Django admin: every save and delete goes
through the services (the same checks, audit and permissions as the pages and the API). The shipped
frameworks and their classifications are shown, not edited (they come with the data migration)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from renkei.indicators import services
from renkei.indicators.models import Classification, Framework, Indicator, PeerGroup, Revision, Value
from renkei.ui.admin import ServiceAdmin, Writes, inline


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_text", "url", "position"]
    inlines = [inline(Classification, fields=["code", "name", "position"], can_delete=False,
                      has_add_permission=lambda self, request, obj=None: False,
                      has_change_permission=lambda self, request, obj=None: False)]


def _texts(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


@admin.register(Indicator)
class IndicatorAdmin(ServiceAdmin):
    writes = Writes("indicator", services.indicator_create, services.indicator_update, services.indicator_delete)
    list_display = ["code", "name_text", "unit", "direction", "custom"]
    list_filter = ["frameworks", "custom", "unit", "direction"]
    search_fields = ["code", "name"]
    filter_horizontal = ["frameworks", "classes", "themes"]
    fields = ["code", "name", "definition", "unit", "direction", "disaggregations", "frameworks", "classes",
              "themes", "custom", "version"]

    def get_readonly_fields(self, request, obj=None):
        return ["code", "custom", "version"] if obj is not None else ["custom", "version"]

    def service_data(self, values):
        data = dict(values)
        if "name" in data:
            data["name"] = {k: v for k, v in _texts(data["name"]).items() if k in ("en", "ja")}
        if "definition" in data:
            data["definition"] = {k: v for k, v in _texts(data["definition"]).items() if k in ("en", "ja")}
        if "frameworks" in data:
            data["frameworks"] = [f.code for f in data["frameworks"] or []]
        if "classes" in data:
            data["classes"] = [f"{c.framework.code}:{c.code}" for c in data["classes"] or []]
        if "themes" in data:
            data["themes"] = [t.code for t in data["themes"] or []]
        if "disaggregations" in data:
            data["disaggregations"] = data["disaggregations"] or []
        return data


class RevisionInline(admin.TabularInline):
    model = Revision
    extra = 0
    fields = ["value", "source", "note", "entered_by", "entered_at", "replaced_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


KEY = ["place", "indicator", "year", "period", "disaggregation"]


@admin.register(Value)
class ValueAdmin(ServiceAdmin):
    list_display = ["indicator", "place", "year", "period", "disaggregation", "value", "source", "entered_at"]
    list_filter = ["indicator__frameworks", "year"]
    search_fields = ["place__name_en", "place__slug", "indicator__code", "source"]
    autocomplete_fields = ["place"]
    list_select_related = ["place", "indicator"]
    fields = [*KEY, "value", "source", "note", "entered_by", "entered_at"]
    inlines = [RevisionInline]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        # a value keeps its key: entering it again keeps the old value as a revision
        return [*KEY, "entered_by", "entered_at"] if obj is not None else ["entered_by", "entered_at"]

    def service_data(self, values):
        data = {k: v for k, v in values.items() if k in {*KEY, "value", "source", "note"}}
        if data.get("place") is not None:
            data["place"] = data["place"].slug
        if data.get("indicator") is not None:
            data["indicator"] = data["indicator"].code
        return data

    def create(self, request, obj, data):
        return services.value_record(actor=request.user, data=data)

    def update(self, request, obj, data):
        key = {"place": obj.place.slug, "indicator": obj.indicator.code, "year": obj.year, "period": obj.period,
               "disaggregation": obj.disaggregation, "value": obj.value, "source": obj.source, "note": obj.note}
        return services.value_record(actor=request.user, data={**key, **data})

    def remove(self, request, obj):
        services.value_delete(actor=request.user, value=obj)


@admin.register(PeerGroup)
class PeerGroupAdmin(ServiceAdmin):
    writes = Writes("group", services.peer_group_create, services.peer_group_update, services.peer_group_delete)
    list_display = ["slug", "name_text", "kind", "owner", "shared"]
    list_filter = ["kind", "shared"]
    search_fields = ["slug", "name"]
    autocomplete_fields = ["places"]
    fields = ["slug", "name", "kind", "criteria", "places", "shared", "owner", "version"]

    def get_readonly_fields(self, request, obj=None):
        return ["slug", "kind", "owner", "version"] if obj is not None else ["owner", "version"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "slug" in form.base_fields:
            form.base_fields["slug"].required = False  # made from the name when left empty
        return form

    def service_data(self, values):
        data = dict(values)
        if "name" in data:
            data["name"] = {k: v for k, v in _texts(data["name"]).items() if k in ("en", "ja")}
        if "places" in data:
            data["places"] = [p.slug for p in data["places"] or []]
        if "criteria" in data:
            data["criteria"] = data["criteria"] or {}
        if not data.get("slug"):
            data.pop("slug", None)
        return data
