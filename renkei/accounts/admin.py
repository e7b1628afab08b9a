from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from renkei.accounts.models import ApiToken, PlaceRepresentation, RoleGrant, User
from renkei.core.audit import audit_record, diff, snapshot
from renkei.core.models import AuditEntry


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    readonly_fields = ["granted_at"]


class PlaceRepresentationInline(admin.TabularInline):
    model = PlaceRepresentation
    extra = 0
    autocomplete_fields = ["place"]


def _access(user: User) -> dict[str, list[str]]:
    return {
        "roles": sorted(user.role_grants.values_list("role", flat=True)),
        "places": sorted(user.represented_places.values_list("place__slug", flat=True)),
    }


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin with Renkei's roles and represented places. Changes to who may do
    what are written to the audit log."""

    inlines = [RoleGrantInline, PlaceRepresentationInline]
    fieldsets = [*DjangoUserAdmin.fieldsets, (_("Renkei"), {"fields": ["display_name", "preferred_language"]})]
    list_display = ["username", "display_name", "email", "roles", "is_staff", "is_active", "last_login"]
    list_filter = ["role_grants__role", "is_staff", "is_active", "is_superuser"]
    search_fields = ["username", "display_name", "email", "first_name", "last_name"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("role_grants")

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(grant.get_role_display() for grant in obj.role_grants.all()) or "—"

    def save_model(self, request, obj, form, change):
        fields = [name for name in form.changed_data if name in {f.name for f in User._meta.concrete_fields}]
        before = snapshot(User.objects.get(pk=obj.pk), fields) if change else {}
        super().save_model(request, obj, form, change)
        changes = diff(before, snapshot(obj, fields))
        if "password" in changes:
            changes["password"] = ["…", "…"]  # that it changed, never the hash
        audit_record(actor=request.user, action=AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE,
                     obj=obj, changes=changes)

    def save_related(self, request, form, formsets, change):
        before = _access(form.instance) if change else {"roles": [], "places": []}
        super().save_related(request, form, formsets, change)
        after = _access(form.instance)
        changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
        if changes:
            audit_record(actor=request.user, action=AuditEntry.Action.UPDATE, obj=form.instance, changes=changes)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created with `renkei token create`, which shows the raw value once. Here they
    can be read and revoked; the stored SHA-256 digest cannot be edited."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    readonly_fields = ["user", "name", "digest", "prefix", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "digest", "created_at", "last_used_at", "revoked"]
    search_fields = ["name", "user__username", "prefix"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "revoked" in form.changed_data:
            audit_record(actor=request.user, action=AuditEntry.Action.UPDATE, obj=obj,
                         changes={"revoked": [not obj.revoked, obj.revoked]})
