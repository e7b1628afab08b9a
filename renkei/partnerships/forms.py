"""HTML forms for the partnership pages. They collect and parse strings; the services
check the rules, and their ApplicationError.errors go back onto the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from renkei.core.text import LANGUAGES
from renkei.partnerships.models import Agreement
from renkei.ui.forms import FieldsetForm


class ActionForm(forms.Form):
    """The one-line form under the action plan."""

    objective = forms.CharField(max_length=500, required=False, label=_("Objective"))
    action = forms.CharField(max_length=500, required=False, label=_("Action"))
    due_on = forms.DateField(required=False, label=_("Due"),
                             error_messages={"invalid": _("use a date like 2026-03-31")})

    def input(self) -> dict:
        """The service's input (``renkei.partnerships.inputs.ActionIn``)."""
        return dict(self.cleaned_data)


class PilotForm(forms.Form):
    """The one-line form under the pilots: a title in the reader's language."""

    title = forms.CharField(max_length=500, required=False, label=_("Pilot project"))

    def input(self) -> dict:
        """The service's input (``renkei.partnerships.inputs.PilotIn``)."""
        language = (get_language() or "en")[:2]
        return {"title": {language if language in LANGUAGES else "en": self.cleaned_data["title"]}}


class AgreementForm(FieldsetForm):
    kind = forms.ChoiceField(choices=Agreement.Kind.choices, label=_("Kind"))
    signed_on = forms.DateField(label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"}),
                                error_messages={"invalid": _("use a date like 2026-03-31")})
    signed_at = forms.CharField(max_length=200, required=False, label=_("Place of signature"))
    term_years = forms.IntegerField(min_value=1, max_value=99, required=False, label=_("Term (years)"),
                                    help_text=_("Leave empty for an open-ended agreement."))
    signatories = forms.CharField(
        required=False, label=_("Signatories, one per line"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Name | title | organisation, e.g. Masashi Mori | Mayor | Toyama City"))
    document = forms.FileField(
        required=False, label=_("Document"),
        help_text=_("The signed text: PDF, Word (.docx), PNG or JPEG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.png,.jpg,.jpeg"}))
    signed_by_both_heads = forms.BooleanField(required=False, label=_("signed by both heads"))
    budget_approved_by_assembly = forms.BooleanField(required=False, label=_("budget approved by the assembly"))

    wide = {"signatories", "document"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = [(gettext("Record an agreement"), [
            "kind", "signed_on", "signed_at", "term_years", "signatories", "document", "signed_by_both_heads",
            "budget_approved_by_assembly"])]

    def input(self, themes=()) -> dict:
        """The service's input (``renkei.partnerships.inputs.AgreementIn``): the signatory lines read
        into signatories (an ApplicationError naming the bad lines), the partnership's themes."""
        from renkei.partnerships.services import signatories_from_lines

        data = {name: value for name, value in self.cleaned_data.items() if name != "document"}
        data["signatories"] = signatories_from_lines(data["signatories"])
        data["themes"] = list(themes)
        return data
