"""The IATI publishing settings in the admin (one row, saved through ``services.settings_update``),
and the admin page of the published partnerships that cannot be exported."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from renkei.core.errors import ApplicationError
from renkei.iati import codelists, selectors, services
from renkei.iati.models import DocumentLink, PublishingSettings
from renkei.iati.permissions import can_see_problems
from renkei.ui.admin import ServiceAdmin

LISTS = {"collaboration_type": "CollaborationType", "aid_type": "AidType", "flow_type": "FlowType",
         "finance_type": "FinanceType", "currency": "Currency", "language": "Language"}


class SettingsAdminForm(forms.ModelForm):
    class Meta:
        model = PublishingSettings
        fields = ["reporting_organisation", "organisation_identifier", "site_address", *LISTS]
        widgets = {name: forms.Select(choices=codelists.choices(codelist)) for name, codelist in LISTS.items()}


@admin.register(PublishingSettings)
class PublishingSettingsAdmin(ServiceAdmin):
    form = SettingsAdminForm
    autocomplete_fields = ["reporting_organisation"]
    readonly_fields = ["cannot_be_published"]

    @admin.display(description=_("Cannot be published"))
    def cannot_be_published(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:iati_problems"),
                           _("The published partnerships and programmes that cannot be exported, and why"))

    def service_data(self, values: dict[str, Any]) -> dict[str, Any]:
        if "reporting_organisation" in values:
            org = values["reporting_organisation"]
            values["reporting_organisation"] = org.slug if org else None
        return values

    def create(self, request, obj, data):
        return services.settings_update(actor=request.user, data=data)

    def update(self, request, obj, data):
        return services.settings_update(actor=request.user, data=data, expected_version=obj.version)

    def has_add_permission(self, request):
        return not PublishingSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """One row: the list is its form."""
        if PublishingSettings.objects.filter(pk=1).exists():
            return redirect("admin:iati_publishingsettings_change", 1)
        return redirect("admin:iati_publishingsettings_add")

    def get_urls(self):
        return [path("problems/", self.admin_site.admin_view(self.problems_view), name="iati_problems"),
                *super().get_urls()]

    def problems_view(self, request):
        if not can_see_problems(request.user):
            raise PermissionDenied
        try:
            problems, setup = selectors.export_problems(viewer=request.user), ""
        except ApplicationError as exc:
            problems, setup = [], exc.message
        return TemplateResponse(request, "admin/iati/problems.html", {
            **self.admin_site.each_context(request), "title": _("Cannot be published to IATI"),
            "problems": problems, "setup": setup, "opts": self.model._meta,
            "settings_url": reverse("admin:iati_publishingsettings_changelist")})


@admin.register(DocumentLink)
class DocumentLinkAdmin(ServiceAdmin):
    """The document links kept from IATI imports: looked at and removed here (the import makes them)."""

    list_display = ["__str__", "partnership", "programme", "url", "document_date", "source"]
    search_fields = ["url", "title", "source", "partnership__slug", "programme__slug"]
    list_select_related = ["partnership", "programme"]
    readonly_fields = ["partnership", "programme", "url", "format", "title", "categories", "languages",
                       "document_date", "position", "source", "created_at", "updated_at"]
    fields = readonly_fields

    def remove(self, request, obj) -> None:
        services.document_link_delete(actor=request.user, link=obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
