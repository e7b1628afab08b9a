"""The connected population in the Django admin: every save, withdrawal and erasure goes through the
services (consent first, tallies in step, the audit log without erased data)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renkei.connections import services
from renkei.connections.models import ConnectedPerson, Consent, Interaction, RetentionRule, Scope, StageChange
from renkei.core.errors import ApplicationError
from renkei.ui.admin import ServiceAdmin, inline

_PERSON = ["name", "is_organisation", "email", "kind", "since", "country", "prefecture", "stage", "activity",
           "partnership", "notes", "reference", "is_sample"]


class PersonAdminForm(forms.ModelForm):
    """A new person comes with the consent they gave (purpose, scope, date, source)."""

    consent_purpose = forms.CharField(label=_("Purpose of the consent"), max_length=300, required=False)
    consent_scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices, initial=Scope.RECORD, required=False)
    consent_given_on = forms.DateField(label=_("Consent given on"), required=False, initial=timezone.localdate)
    consent_source = forms.CharField(label=_("How it was given"), max_length=200, required=False)

    class Meta:
        model = ConnectedPerson
        fields = ["place", *_PERSON]


ConsentInline = inline(Consent, readonly_fields=["purpose", "scope", "given_on", "source", "withdrawn_at"],
                       can_delete=False, max_num=0)
InteractionInline = inline(Interaction, readonly_fields=["kind", "on", "note", "imported"], can_delete=False,
                           max_num=0)
StageChangeInline = inline(StageChange, fields=["on", "from_stage", "to_stage", "source", "interaction", "activity"],
                           readonly_fields=["on", "from_stage", "to_stage", "source", "interaction", "activity"],
                           can_delete=False, max_num=0)


@admin.register(ConnectedPerson)
class ConnectedPersonAdmin(ServiceAdmin):
    form = PersonAdminForm
    list_display = ["name", "place", "kind", "since", "country", "stage", "interactions", "last_contact_on",
                    "is_sample", "withdrawn_at"]
    list_filter = ["kind", "stage", "is_sample", ("withdrawn_at", admin.EmptyFieldListFilter), "place"]
    search_fields = ["name", "reference", "email"]
    list_select_related = ["place"]
    autocomplete_fields = ["place"]
    raw_id_fields = ["activity", "partnership"]
    readonly_fields = ["interactions", "last_contact_on", "withdrawn_at", "version", "created_at", "updated_at"]
    inlines = [ConsentInline, InteractionInline, StageChangeInline]
    list_per_page = 50
    actions = ["withdraw"]
    field_names = {"consent.purpose": "consent_purpose", "consent.scope": "consent_scope",
                   "consent.given_on": "consent_given_on", "consent.source": "consent_source"}

    def get_fields(self, request, obj=None):
        fields = ["place", *_PERSON, *self.readonly_fields]
        if obj is None:
            return [f for f in fields if f not in self.readonly_fields] + [
                "consent_purpose", "consent_scope", "consent_given_on", "consent_source"]
        return [f for f in fields if f != "place"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "place"] if obj is not None else []

    def service_data(self, values):
        data = {k: v for k, v in values.items() if k in _PERSON}
        for name in ("activity", "partnership"):
            if name in data:
                data[name] = data[name].slug if data[name] else None
        if "consent_purpose" in values:
            data["consent"] = {"purpose": values.get("consent_purpose") or "",
                               "scope": values.get("consent_scope") or "record",
                               "given_on": values.get("consent_given_on"), "source": values.get("consent_source") or ""}
        return data

    def create(self, request, obj, data):
        return services.person_create(actor=request.user, place=self._new_place, data=data)

    def update(self, request, obj, data):
        return services.person_update(actor=request.user, person=obj, data=data)

    def remove(self, request, obj):
        services.person_erase(actor=request.user, person=obj)

    def _write(self, request, obj, form):
        self._new_place = form.cleaned_data.get("place")
        if (obj is None or not obj.pk) and self._new_place is None:
            raise ApplicationError(_("is required"), field="place")
        return super()._write(request, obj, form)

    @admin.action(description=_("Consent withdrawn (leave out of every list and count)"))
    def withdraw(self, request, queryset):
        for person in queryset:
            services.consent_withdraw(actor=request.user, person=person)
        self.message_user(request, _("Consent withdrawn."), messages.SUCCESS)


@admin.register(RetentionRule)
class RetentionRuleAdmin(ServiceAdmin):
    list_display = ["place", "years"]
    autocomplete_fields = ["place"]
    fields = ["place", "years"]

    def create(self, request, obj, data):
        return services.retention_set(actor=request.user, place=data["place"], data={"years": data.get("years")})

    def update(self, request, obj, data):
        return services.retention_set(actor=request.user, place=obj.place,
                                      data={"years": data.get("years", obj.years)})

    def remove(self, request, obj):
        services.retention_set(actor=request.user, place=obj.place, data={"years": None})

    def get_readonly_fields(self, request, obj=None):
        return ["place"] if obj is not None else []
