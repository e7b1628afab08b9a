"""The networks in the Django admin. Networks and members are saved through the services (the
same checks, audit and permissions as the pages); invoices and payments are read-only here — they
are issued and recorded on the secretariat's pages, the API or the CLI, which keep numbers unique
and balances right."""

from __future__ import annotations

from django.contrib import admin

from renkei.networks import services
from renkei.networks.models import (
    Decision,
    FundingEntry,
    Invoice,
    Meeting,
    Network,
    NetworkMember,
    NetworkProject,
    Office,
    Payment,
)
from renkei.ui.admin import ServiceAdmin, Writes, inline

CREATE_FIELDS = {"slug", "name_en", "name_ja", "acronym", "host", "founded_year", "regions", "website",
                 "description", "currency", "secretariat", "is_sample"}


@admin.register(Network)
class NetworkAdmin(ServiceAdmin):
    list_display = ["name_en", "acronym", "founded_year", "currency", "is_sample", "is_published"]
    search_fields = ["name_en", "name_ja", "acronym", "slug"]
    filter_horizontal = ["secretariat"]
    fields = ["slug", "name_en", "name_ja", "acronym", "host", "founded_year", "regions", "website", "description",
              "currency", "secretariat", "hhi_threshold", "silent_months", "is_sample", "is_published"]
    writes = Writes("network", services.network_create, services.network_update, services.network_delete)

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj is not None and obj.pk else []

    def service_data(self, values):
        data = dict(values)
        if "host" in data:
            data["host"] = data["host"].slug if data["host"] else None
        if "secretariat" in data:
            data["secretariat"] = [u.username for u in data["secretariat"] or []]
        if "regions" in data and data["regions"] is None:
            data["regions"] = []
        return data

    def create(self, request, obj, data):
        network = services.network_create(actor=request.user, data={k: v for k, v in data.items()
                                                                     if k in CREATE_FIELDS})
        rest = {k: v for k, v in data.items() if k not in CREATE_FIELDS}
        return services.network_update(actor=request.user, network=network, data=rest) if rest else network

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the service set the secretariat


@admin.register(NetworkMember)
class NetworkMemberAdmin(ServiceAdmin):
    list_display = ["__str__", "network", "tier", "region", "joined_on", "left_on", "volunteers_for_presidency"]
    list_filter = ["network", "tier", "volunteers_for_presidency"]
    autocomplete_fields = ["place", "organisation"]
    filter_horizontal = ["representatives"]
    fields = ["network", "place", "organisation", "tier", "region", "joined_on", "left_on", "is_founder",
              "volunteers_for_presidency", "representatives"]
    writes = Writes("member", None, services.member_update, services.member_remove)

    def get_readonly_fields(self, request, obj=None):
        return ["network", "place", "organisation", "is_founder"] if obj is not None and obj.pk else []

    def service_data(self, values):
        data = dict(values)
        if "representatives" in data:
            data["representatives"] = [u.username for u in data["representatives"] or []]
        for key in ("place", "organisation"):
            if key in data:
                data[key] = data[key].slug if data[key] else None
        return data

    def create(self, request, obj, data):
        network = data.pop("network")
        return services.member_add(actor=request.user, network=network, data=data)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


PaymentInline = inline(Payment, can_delete=False, readonly_fields=[
    "received_on", "amount", "currency", "rate", "amount_in_invoice_currency", "reference", "recorded_by"])


@admin.register(Invoice)
class InvoiceAdmin(ReadOnly):
    list_display = ["number", "member", "year", "amount", "paid", "currency", "due_on", "status"]
    list_filter = ["network", "year", "status"]
    search_fields = ["number"]
    inlines = [PaymentInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ["invoice", "received_on", "amount", "currency", "rate", "amount_in_invoice_currency"]
    list_filter = ["currency"]


@admin.register(Office)
class OfficeAdmin(ReadOnly):
    list_display = ["member", "kind", "network", "starts_on", "ends_on"]
    list_filter = ["network", "kind"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnly):
    list_display = ["__str__", "network", "held_on", "quorum"]
    inlines = [inline(Decision, can_delete=False)]


@admin.register(FundingEntry)
class FundingAdmin(ReadOnly):
    list_display = ["network", "year", "source", "amount"]
    list_filter = ["network", "source"]


@admin.register(NetworkProject)
class ProjectAdmin(ReadOnly):
    list_display = ["__str__", "network", "starts_on", "ends_on"]
