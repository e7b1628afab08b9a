from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from renkei.core.admin_mixins import AuditedAdmin
from renkei.core.errors import ApplicationError
from renkei.partnerships.models import (
    Action,
    Agreement,
    Member,
    Objective,
    Partnership,
    Pilot,
    StatusChange,
)
from renkei.partnerships.services import AGREEMENT_FILE_TYPES
from renkei.programmes.services import MAX_FILE_BYTES, Upload, check_upload


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    autocomplete_fields = ["place", "organisation"]
    filter_horizontal = ["focal_points"]


class AgreementAdminForm(forms.ModelForm):
    """The admin takes the same documents as the partnership page: type by extension and first
    bytes, at most 10 MB."""

    class Meta:
        model = Agreement
        fields = ["kind", "signed_on", "signed_at", "signatories", "themes", "term_years", "document",
                  "signed_by_both_heads", "budget_approved_by_assembly"]

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document and hasattr(document, "content_type"):  # a new upload, not the stored file
            try:
                check_upload(Upload(document.name, document.read(MAX_FILE_BYTES + 1)), "document",
                             allowed=AGREEMENT_FILE_TYPES)
            except ApplicationError as exc:
                raise ValidationError(exc.message) from exc
            finally:
                document.seek(0)
        return document


class AgreementInline(admin.StackedInline):
    model = Agreement
    form = AgreementAdminForm
    extra = 0


class PilotInline(admin.StackedInline):
    model = Pilot
    extra = 0


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "reason", "changed_by", "changed_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # status changes go through the lifecycle service, which checks legal steps


@admin.register(Partnership)
class PartnershipAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["title_en", "kind", "status", "programme", "last_activity_on"]
    list_filter = ["kind", "status", "programme"]
    search_fields = ["title_en", "title_ja", "slug"]
    readonly_fields = ["status"]
    inlines = [MemberInline, AgreementInline, PilotInline, StatusChangeInline]


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["__str__", "partnership"]
    inlines = [ActionInline]
