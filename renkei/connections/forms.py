"""HTML forms of the connected-population pages. They collect strings; the services check the rules and
their errors go back onto the fields (``consent.purpose`` → ``consent_purpose``)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renkei.connections.models import Interaction, Kind, Scope, Stage
from renkei.connections.regions import PREFECTURES
from renkei.ui.forms import FieldsetForm

DATE = {"invalid": _("use a date like 2016-11-03")}
CONSENT_MAP = {"consent.purpose": "consent_purpose", "consent.scope": "consent_scope",
               "consent.given_on": "consent_given_on", "consent.source": "consent_source"}


def _prefectures():
    from renkei.connections.regions import prefecture_name

    return [("", "—")] + [(code, f"{code} {prefecture_name(code)}") for code in PREFECTURES]


class ConsentFields(forms.Form):
    consent_purpose = forms.CharField(label=_("Purpose of the consent"), required=False, max_length=300,
                                      help_text=_("what the record is kept for"))
    consent_scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices, initial=Scope.RECORD)
    consent_given_on = forms.DateField(label=_("Consent given on"), required=False, error_messages=DATE,
                                       widget=forms.DateInput(attrs={"type": "date"}))
    consent_source = forms.CharField(label=_("How it was given"), required=False, max_length=200,
                                     help_text=_("a signed form, an e-mail, an online sign-up…"))

    def consent_input(self) -> dict:
        d = self.cleaned_data
        return {"purpose": d["consent_purpose"], "scope": d["consent_scope"], "given_on": d["consent_given_on"],
                "source": d["consent_source"]}


class PersonForm(FieldsetForm, ConsentFields):
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    is_organisation = forms.BooleanField(label=_("An organisation"), required=False)
    email = forms.CharField(label=_("E-mail"), required=False, max_length=254)
    kind = forms.ChoiceField(label=_("How connected"), choices=Kind.choices)
    since = forms.DateField(label=_("Connected since"), required=False, error_messages=DATE,
                            widget=forms.DateInput(attrs={"type": "date"}))
    country = forms.CharField(label=_("Country (ISO code)"), required=False, max_length=2, initial="JP")
    prefecture = forms.ChoiceField(label=_("Prefecture (in Japan)"), required=False, choices=_prefectures)
    stage = forms.TypedChoiceField(label=_("Engagement stage"), choices=Stage.choices, coerce=int,
                                   initial=Stage.VISITOR)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    groups = [(_("Person"), ["name", "is_organisation", "email", "kind", "since", "country", "prefecture", "stage",
                             "notes"]),
              (_("Consent"), ["consent_purpose", "consent_scope", "consent_given_on", "consent_source"])]
    wide = {"notes"}
    field_map = CONSENT_MAP

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            for name in ConsentFields.base_fields:
                self.fields.pop(name)
        else:
            self.fields["consent_given_on"].initial = timezone.localdate()

    def person_input(self, *, changed_only: bool = False) -> dict:
        names = ["name", "is_organisation", "email", "kind", "since", "country", "prefecture", "stage", "notes"]
        if changed_only:
            names = [n for n in names if n in self.changed_data]
        data = {n: self.cleaned_data[n] for n in names}
        if "country" in data:
            data["country"] = (data["country"] or "").upper()
        if not changed_only:
            data["consent"] = self.consent_input()
        return data


class InteractionForm(FieldsetForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Interaction.Kind.choices)
    on = forms.DateField(label=_("Date"), required=False, error_messages=DATE,
                         widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    stage = forms.TypedChoiceField(label=_("Brought them to the stage"), required=False, coerce=int, empty_value=None,
                                   choices=[("", _("no change")), *Stage.choices])
    groups = [(None, ["kind", "on", "note", "stage"])]


class ConsentForm(FieldsetForm, ConsentFields):
    groups = [(None, ["consent_purpose", "consent_scope", "consent_given_on", "consent_source"])]
    field_map = {"purpose": "consent_purpose", "scope": "consent_scope", "given_on": "consent_given_on",
                 "source": "consent_source"}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
    dry_run = forms.BooleanField(label=_("Only check, write nothing"), required=False)


class ParticipantsForm(FieldsetForm, ConsentFields):
    place = forms.ChoiceField(label=_("Connected to"))
    kind = forms.ChoiceField(label=_("How connected"), choices=Kind.choices, initial=Kind.TRAINING_ALUMNUS)
    participants = forms.MultipleChoiceField(label=_("Participants who consented"), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    groups = [(None, ["place", "kind", "participants"]),
              (_("Consent"), ["consent_purpose", "consent_scope", "consent_given_on", "consent_source"])]
    wide = {"participants"}
    field_map = CONSENT_MAP

    def __init__(self, *args, places=(), participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [(p.slug, p.name) for p in places]
        self.fields["participants"].choices = [(str(p.pk), p.name) for p in participants]
        self.fields["consent_given_on"].initial = timezone.localdate()

    def participants_input(self) -> dict:
        return {"place": self.cleaned_data["place"], "kind": self.cleaned_data["kind"],
                "participants": [int(pk) for pk in self.cleaned_data["participants"]],
                "consent": self.consent_input()}
