from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from renkei.accounts.models import ApiToken, PlaceRepresentation, RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0


class PlaceRepresentationInline(admin.TabularInline):
    model = PlaceRepresentation
    extra = 0
    autocomplete_fields = ["place"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [RoleGrantInline, PlaceRepresentationInline]
    fieldsets = [*DjangoUserAdmin.fieldsets, ("Renkei", {"fields": ["display_name", "preferred_language"]})]
    list_display = ["username", "display_name", "email", "is_staff", "is_active"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    readonly_fields = ["digest", "prefix", "created_at", "last_used_at"]
    search_fields = ["name", "user__username", "prefix"]

    def has_add_permission(self, request):
        return False  # tokens are created with `renkei token create`, which shows the raw value once
