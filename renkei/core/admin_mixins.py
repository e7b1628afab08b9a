from renkei.core.audit import audit_record, diff, snapshot
from renkei.core.models import AuditEntry


class AuditedAdmin:
    """Admin edits are recorded in Renkei's audit log like every other write."""

    def save_model(self, request, obj, form, change):
        fields = [f for f in form.changed_data if hasattr(obj, f)]
        before = snapshot(type(obj).objects.get(pk=obj.pk), fields) if change and obj.pk else {}
        if change and hasattr(obj, "version"):
            obj.version = (obj.version or 0) + 1
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action=AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE,
                     obj=obj, changes=diff(before, snapshot(obj, fields)))

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action=AuditEntry.Action.DELETE, obj=obj)
        super().delete_model(request, obj)
