"""The settings page's form. It parses strings; ``services.settings_update`` checks the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from renkei.iati import codelists
from renkei.places.models import Organisation
from renkei.ui.forms import FieldsetForm


class SettingsForm(FieldsetForm):
    reporting_organisation = forms.ModelChoiceField(
        Organisation.objects.order_by("name_en"), required=False, to_field_name="slug",
        label=_("Reporting organisation"), empty_label=_("(none)"))
    organisation_identifier = forms.CharField(
        max_length=100, required=False, label=_("IATI organisation identifier"),
        help_text=_("As registered with IATI, e.g. XM-DAC-701-8; every activity identifier begins with it."))
    site_address = forms.CharField(max_length=200, required=False, label=_("Site address"),
                                   help_text=_("e.g. https://renkei.example.org; exported files link to its pages."))
    collaboration_type = forms.ChoiceField(label=_("Collaboration type"))
    aid_type = forms.ChoiceField(label=_("Aid type"))
    flow_type = forms.ChoiceField(label=_("Flow type"))
    finance_type = forms.ChoiceField(label=_("Finance type"))
    currency = forms.ChoiceField(label=_("Default currency"))
    language = forms.ChoiceField(label=_("Default language"))

    groups = [(_("Who reports"), ["reporting_organisation", "organisation_identifier", "site_address"]),
              (_("Defaults of every activity"), ["collaboration_type", "aid_type", "flow_type", "finance_type",
                                                  "currency", "language"])]
    LISTS = {"collaboration_type": "CollaborationType", "aid_type": "AidType", "flow_type": "FlowType",
             "finance_type": "FinanceType", "currency": "Currency", "language": "Language"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, codelist in self.LISTS.items():
            self.fields[name].choices = codelists.choices(codelist)

    def settings_input(self) -> dict:
        data = dict(self.cleaned_data)
        org = data.pop("reporting_organisation")
        return {**data, "reporting_organisation": org.slug if org else None}
