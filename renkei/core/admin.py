import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from renkei.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, read-only: entries are written by services and audited admin saves."""

    list_display = ["created_at", "actor", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "object_id", "actor__username"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "content_type"]
    fields = ["created_at", "actor", "action", "content_type", "object_id", "object_repr", "changes_pretty"]
    readonly_fields = fields

    @admin.display(description=_("changes"))
    def changes_pretty(self, obj):
        return format_html("<pre style=\"white-space: pre-wrap\">{}</pre>",
                           json.dumps(obj.changes, ensure_ascii=False, indent=2))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
