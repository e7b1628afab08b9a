from django.contrib import admin

from renkei.core.admin_mixins import AuditedAdmin
from renkei.places.models import Contact, Expertise, Need, Organisation, Place, Theme


class NeedInline(admin.TabularInline):
    model = Need
    extra = 0
    autocomplete_fields = ["theme"]


class ExpertiseInline(admin.TabularInline):
    model = Expertise
    extra = 0
    autocomplete_fields = ["theme"]


@admin.register(Place)
class PlaceAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name_en", "name_ja", "country", "level", "population", "is_published", "updated_at"]
    list_filter = ["level", "is_published", "country", "income_group", "coastal"]
    search_fields = ["name_en", "name_ja", "name_local", "slug", "external_id"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["parent"]
    inlines = [NeedInline, ExpertiseInline]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name_en", "acronym", "org_type", "country"]
    list_filter = ["org_type", "country"]
    search_fields = ["name_en", "name_ja", "acronym", "slug"]
    autocomplete_fields = ["parent", "place"]


@admin.register(Contact)
class ContactAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "title", "organisation", "place", "public_consent"]
    list_filter = ["public_consent"]
    search_fields = ["name", "title", "email"]
    autocomplete_fields = ["organisation", "place"]


@admin.register(Theme)
class ThemeAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ja", "parent", "position"]
    list_filter = ["parent"]
    search_fields = ["code", "name_en", "name_ja", "synonyms_en", "synonyms_ja"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["related"]


@admin.register(Need)
class NeedAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["place", "theme", "priority"]
    list_filter = ["priority", "theme__parent"]
    search_fields = ["place__name_en", "theme__name_en"]
    autocomplete_fields = ["place", "theme"]


@admin.register(Expertise)
class ExpertiseAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["place", "theme", "maturity"]
    list_filter = ["maturity", "theme__parent"]
    search_fields = ["place__name_en", "theme__name_en"]
    autocomplete_fields = ["place", "theme"]
