"""Admin for places, organisations, contacts, themes, needs and expertise.

Every save and delete made here, inlines included, is recorded in the audit log like the writes
of the services (renkei.core.admin_mixins.AuditedAdmin for the main object, audited_formset_save
for the needs and expertise edited inline on a place).
"""

from django.contrib import admin
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from renkei.core.admin_mixins import AuditedAdmin
from renkei.core.audit import audit_record, diff, snapshot
from renkei.core.models import AuditEntry
from renkei.places.codelists import organisation_types
from renkei.places.models import Contact, Expertise, Need, Organisation, Place, Theme


def audited_formset_save(request, formset) -> None:
    """Save an inline formset, writing one audit entry per created, changed or deleted row."""
    formset.save(commit=False)
    for obj in formset.deleted_objects:
        audit_record(actor=request.user, action=AuditEntry.Action.DELETE, obj=obj)
        obj.delete()
    for obj in formset.new_objects:
        obj.save()
        fields = [f.name for f in obj._meta.concrete_fields if f.name not in ("id", "created_at", "updated_at")]
        audit_record(actor=request.user, action=AuditEntry.Action.CREATE, obj=obj,
                     changes=diff({}, snapshot(obj, fields)))
    for obj, changed in formset.changed_objects:
        fields = [name for name in changed if hasattr(obj, name)]
        before = snapshot(type(obj).objects.get(pk=obj.pk), fields)
        if hasattr(obj, "version"):
            obj.version = F("version") + 1
        obj.save()
        obj.refresh_from_db()
        audit_record(actor=request.user, action=AuditEntry.Action.UPDATE, obj=obj,
                     changes=diff(before, snapshot(obj, fields)))
    formset.save_m2m()


class NeedInline(admin.TabularInline):
    model = Need
    extra = 0
    autocomplete_fields = ["theme"]
    fields = ["theme", "priority", "description", "evidence"]


class ExpertiseInline(admin.TabularInline):
    model = Expertise
    extra = 0
    autocomplete_fields = ["theme"]
    fields = ["theme", "maturity", "description", "evidence"]


@admin.register(Place)
class PlaceAdmin(AuditedAdmin, admin.ModelAdmin):
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

    def save_formset(self, request, form, formset, change):
        audited_formset_save(request, formset)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name_en", "acronym", "type_name", "country", "place"]
    list_filter = ["org_type", "country"]
    search_fields = ["name_en", "name_ja", "acronym", "slug"]
    autocomplete_fields = ["parent", "place"]
    prepopulated_fields = {"slug": ["name_en"]}
    list_select_related = ["place"]

    @admin.display(description=_("type"), ordering="org_type")
    def type_name(self, obj):
        return organisation_types().get(obj.org_type, obj.org_type)


@admin.register(Contact)
class ContactAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "title", "organisation", "place", "public_consent"]
    list_filter = ["public_consent"]
    search_fields = ["name", "title", "email", "organisation__name_en", "place__name_en"]
    autocomplete_fields = ["organisation", "place"]
    list_select_related = ["organisation", "place"]


@admin.register(Theme)
class ThemeAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ja", "parent", "position"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name_en", "name_ja", "synonyms_en", "synonyms_ja"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["related"]
    list_select_related = ["parent"]
    ordering = ["position", "code"]


@admin.register(Need)
class NeedAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["place", "theme", "priority", "updated_at"]
    list_filter = ["priority", ("theme__parent", admin.RelatedOnlyFieldListFilter), "place__country"]
    search_fields = ["place__name_en", "place__name_ja", "theme__name_en", "theme__name_ja", "theme__code"]
    autocomplete_fields = ["place", "theme"]
    list_select_related = ["place", "theme"]


@admin.register(Expertise)
class ExpertiseAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["place", "theme", "maturity", "updated_at"]
    list_filter = ["maturity", ("theme__parent", admin.RelatedOnlyFieldListFilter), "place__country"]
    search_fields = ["place__name_en", "place__name_ja", "theme__name_en", "theme__name_ja", "theme__code"]
    autocomplete_fields = ["place", "theme"]
    list_select_related = ["place", "theme"]
