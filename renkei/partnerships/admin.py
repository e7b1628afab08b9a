from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from renkei.core.admin_mixins import AuditedAdmin
from renkei.core.errors import ApplicationError, NotAllowed
from renkei.core.inputs import parse
from renkei.core.text import compact
from renkei.core.uploads import Upload, check_upload
from renkei.partnerships import services
from renkei.partnerships.inputs import PartnershipChange
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
from renkei.ui.admin import inline


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    autocomplete_fields = ["place", "organisation"]
    filter_horizontal = ["focal_points"]


class AgreementAdminForm(forms.ModelForm):
    """The admin takes the same documents as the partnership page (``core.uploads.check_upload``)."""

    class Meta:
        model = Agreement
        fields = ["kind", "signed_on", "signed_at", "signatories", "themes", "term_years", "document",
                  "signed_by_both_heads", "budget_approved_by_assembly"]

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document and hasattr(document, "content_type"):  # a new upload, not the stored file
            try:
                check_upload(Upload.read(document), "document", allowed=AGREEMENT_FILE_TYPES)
            except ApplicationError as exc:
                raise ValidationError(exc.message) from exc
            finally:
                document.seek(0)
        return document


AgreementInline = inline(Agreement, form=AgreementAdminForm, stacked=True)


PilotInline = inline(Pilot, stacked=True)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "reason", "changed_by", "changed_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # status changes go through the lifecycle service, which checks legal steps


class PartnershipAdminForm(forms.ModelForm):
    """The title in an English and a Japanese box, stored as one text per language; a change is
    checked as the update service will check it."""

    title_en = forms.CharField(label=_("title (English)"), max_length=255)
    title_ja = forms.CharField(label=_("title (Japanese)"), max_length=255, required=False)

    class Meta:
        model = Partnership
        fields = ["slug", "title_en", "title_ja", "kind", "programme", "application", "themes", "description",
                  "starts_on", "ends_on", "last_activity_on", "is_published"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        title = self.instance.title or {}
        self.fields["title_en"].initial = title.get("en", "")
        self.fields["title_ja"].initial = title.get("ja", "")

    def change(self) -> dict:
        """What the editor changed, as the update service's input (``PartnershipChange``)."""
        data = self.cleaned_data
        change = {}
        for name in self.changed_data:
            if name in ("title_en", "title_ja"):
                change["title"] = {"en": data.get("title_en", ""), "ja": data.get("title_ja", "")}
            elif name in ("programme", "application"):
                value = data.get(name)
                change[name] = None if value is None else (value.slug if name == "programme" else value.pk)
            elif name == "themes":
                change["themes"] = list(data.get("themes") or [])
            elif name in PartnershipChange.model_fields:
                change[name] = data.get(name)
        return change

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        self.instance.title = compact({"en": data.get("title_en", ""), "ja": data.get("title_ja", "")})
        try:
            parse(PartnershipChange, self.change())
        except ApplicationError as exc:
            for field, messages in exc.errors.items():
                name = field.replace(".", "_") if field.startswith("title.") else field.split(".")[0]
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return data


@admin.register(Partnership)
class PartnershipAdmin(AuditedAdmin, admin.ModelAdmin):
    """A change goes through ``partnership_update`` (locked row, only the changed fields, version,
    audit, event); a new partnership is saved with its members from the inlines, audited."""

    form = PartnershipAdminForm
    list_display = ["__str__", "kind", "status", "programme", "last_activity_on"]
    list_filter = ["kind", "status", "programme"]
    search_fields = ["title", "slug"]
    readonly_fields = ["status"]
    inlines = [MemberInline, AgreementInline, PilotInline, StatusChangeInline]

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        data = form.change()
        if not data:
            return None
        try:
            services.partnership_update(actor=request.user, partnership=obj, data=data)
        except NotAllowed as exc:
            raise PermissionDenied from exc
        return None


ActionInline = inline(Action)


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["__str__", "partnership"]
    inlines = [ActionInline]
