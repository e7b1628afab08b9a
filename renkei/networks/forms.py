"""HTML forms of the network pages. They collect strings; the services check the rules and their
errors go back onto the fields (``field_map``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from renkei.networks.models import FundingEntry, NetworkMember
from renkei.ui.forms import FieldsetForm
from renkei.ui.widgets import ChipPicker

INCOME_GROUPS = ("HIC", "UMC", "LMC", "LIC")
DATE = forms.DateInput(attrs={"type": "date"})


class DuesForm(FieldsetForm):
    """The dues formula: base per tier × income-group factor × population band, floor and cap."""

    year = forms.IntegerField(label=_("Preview for the year"), min_value=1900, max_value=2200)
    currency = forms.CharField(max_length=3, label=_("Currency (ISO 4217)"))
    base_full = forms.CharField(required=False, label=_("Base: full members"))
    base_associate = forms.CharField(required=False, label=_("Base: associate members"))
    base_affiliate = forms.CharField(required=False, label=_("Base: affiliate members"))
    factor_HIC = forms.CharField(required=False, label=_("Factor: high income"))
    factor_UMC = forms.CharField(required=False, label=_("Factor: upper-middle income"))
    factor_LMC = forms.CharField(required=False, label=_("Factor: lower-middle income"))
    factor_LIC = forms.CharField(required=False, label=_("Factor: low income"))
    bands = forms.CharField(required=False, label=_("Population bands, one per line"),
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("up to | factor; * for the last, open band (e.g. 500000 | 0.8)"))
    floor = forms.CharField(required=False, label=_("Floor"))
    cap = forms.CharField(required=False, label=_("Cap"))

    wide = {"bands"}
    field_map = {"base": "base_full", "population_bands": "bands", "income_factors": "factor_HIC",
                 **{f"base.{t}": f"base_{t}" for t in ("full", "associate", "affiliate")},
                 **{f"income_factors.{g}": f"factor_{g}" for g in INCOME_GROUPS}}

    def __init__(self, *args, formula: dict | None = None, **kwargs):
        formula = formula or {}
        initial = kwargs.pop("initial", None) or {}
        initial.setdefault("currency", formula.get("currency", "USD"))
        for tier, value in (formula.get("base") or {}).items():
            initial.setdefault(f"base_{tier}", value)
        for group, value in (formula.get("income_factors") or {}).items():
            initial.setdefault(f"factor_{group}", value)
        initial.setdefault("bands", "\n".join(
            f"{'*' if b.get('up_to') is None else b['up_to']} | {b['factor']}"
            for b in formula.get("population_bands") or []))
        initial.setdefault("floor", formula.get("floor") or "")
        initial.setdefault("cap", formula.get("cap") or "")
        super().__init__(*args, initial=initial, **kwargs)
        self.groups = [
            (gettext("Base amount per tier"), ["currency", "base_full", "base_associate", "base_affiliate"]),
            (gettext("Income-group factors"), [f"factor_{g}" for g in INCOME_GROUPS]),
            (gettext("Population and limits"), ["bands", "floor", "cap", "year"]),
        ]

    def clean_bands(self):
        bands = []
        for number, line in enumerate(self.cleaned_data.get("bands", "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 2:
                raise forms.ValidationError(gettext("line %(n)s: use up to | factor") % {"n": number})
            up_to = parts[0].replace(",", "")
            if up_to != "*" and not up_to.isdigit():
                raise forms.ValidationError(gettext("line %(n)s: the population must be a whole number or *")
                                            % {"n": number})
            bands.append({"up_to": None if up_to == "*" else int(up_to), "factor": parts[1]})
        return bands

    def formula(self) -> dict:
        data = self.cleaned_data
        return {"currency": data["currency"],
                "base": {t: data[f"base_{t}"] for t in ("full", "associate", "affiliate") if data[f"base_{t}"]},
                "income_factors": {g: data[f"factor_{g}"] for g in INCOME_GROUPS if data[f"factor_{g}"]},
                "population_bands": data["bands"], "floor": data["floor"] or None, "cap": data["cap"] or None}


class IssueForm(FieldsetForm):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200)
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = [(gettext("Issue the year's invoices"), ["year", "issued_on", "due_on"])]


class PaymentForm(FieldsetForm):
    amount = forms.CharField(label=_("Amount"))
    currency = forms.CharField(max_length=3, label=_("Currency (ISO 4217)"))
    rate = forms.CharField(required=False, label=_("Rate to the invoice currency"),
                           help_text=_("invoice currency per unit paid; needed for another currency"))
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    reference = forms.CharField(required=False, max_length=100, label=_("Reference"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = [(gettext("Record a payment"), ["amount", "currency", "rate", "received_on", "reference"])]

    def payment(self) -> dict:
        data = self.cleaned_data
        return {"amount": data["amount"], "currency": data["currency"], "rate": data["rate"] or None,
                "received_on": data["received_on"], "reference": data["reference"]}


class ScheduleForm(forms.Form):
    terms = forms.IntegerField(label=_("Terms to propose"), min_value=1, max_value=100, initial=4)
    first_year = forms.IntegerField(required=False, label=_("First year"), min_value=1900, max_value=2200)
    term_years = forms.IntegerField(label=_("Term length (years)"), min_value=1, max_value=10, initial=2)
    max_terms = forms.IntegerField(required=False, label=_("At most this many terms per member"), min_value=1,
                                   max_value=100)
    no_consecutive_country = forms.BooleanField(required=False, label=_("No two in a row from the same country"))
    no_consecutive_region = forms.BooleanField(required=False, label=_("No two in a row from the same region"))
    rotate_regions = forms.BooleanField(required=False, label=_("Rotate across regions"))
    good_standing_only = forms.BooleanField(required=False, label=_("Only members in good standing"))
    volunteers_only = forms.BooleanField(required=False, label=_("Only members who volunteered"))

    RULES = ("no_consecutive_country", "no_consecutive_region", "rotate_regions", "good_standing_only",
             "volunteers_only")

    def schedule_input(self) -> dict:
        data = self.cleaned_data
        rules = {name: data[name] for name in self.RULES}
        rules.update(term_years=data["term_years"], max_terms=data["max_terms"])
        return {"terms": data["terms"], "first_year": data["first_year"], "rules": rules}


class FundingForm(FieldsetForm):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200)
    source = forms.ChoiceField(label=pgettext_lazy("funding", "Source"), choices=FundingEntry.Source.choices)
    amount = forms.CharField(label=_("Amount"))
    note = forms.CharField(required=False, max_length=200, label=_("Note"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = [(gettext("Record income"), ["year", "source", "amount", "note"])]


class SettingsForm(FieldsetForm):
    hhi_threshold = forms.CharField(label=_("Warn when the HHI is above"),
                                    help_text=_("0 to 1; 0.25 is a common mark of concentration"))
    silent_months = forms.IntegerField(label=_("Flag members silent for this many months"), min_value=1,
                                       max_value=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = [(gettext("Warnings"), ["hhi_threshold", "silent_months"])]


class MemberImportForm(forms.Form):
    file = forms.FileField(label=_("Members (CSV)"))


TIERS = NetworkMember.Tier.choices


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class MeetingForm(FieldsetForm):
    """A meeting: when and where, its quorum, the agenda, who was present and the decisions with their votes."""

    title = forms.CharField(label=_("Title (English)"), required=False, max_length=255)
    title_ja = forms.CharField(label=_("Title (Japanese)"), required=False, max_length=255)
    held_on = forms.DateField(label=_("Held on"), required=False, widget=DATE,
                              error_messages={"invalid": _("use a date like 2026-04-15")})
    venue = forms.CharField(label=_("Venue"), required=False, max_length=200)
    quorum = forms.IntegerField(label=_("Quorum (members present)"), required=False, min_value=1, max_value=10000,
                                initial=1)
    agenda = forms.CharField(label=_("Agenda, one item per line"), required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))
    attendees = forms.MultipleChoiceField(label=_("Members present"), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    decisions = forms.CharField(label=_("Decisions and votes, one per line"), required=False,
                                widget=forms.Textarea(attrs={"rows": 4}),
                                help_text=_("decision | for | against | abstentions, e.g. "
                                            "Adopt the 2027 budget | 14 | 2 | 1"))

    wide = {"agenda", "attendees", "decisions"}
    field_map = {**{f"agenda.{n}": "agenda" for n in range(100)},
                 **{f"decisions.{n}.{name}": "decisions" for n in range(100)
                    for name in ("text", "votes_for", "votes_against", "abstentions")}}
    NAMES = ["title", "title_ja", "held_on", "venue", "quorum", "agenda", "attendees", "decisions"]

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [(m.key, m.name) for m in members]
        self.groups = [(gettext("Meeting"), ["title", "title_ja", "held_on", "venue", "quorum"]),
                       (pgettext("meeting", "Agenda"), ["agenda"]), (gettext("Attendance"), ["attendees"]),
                       (gettext("Decisions and votes"), ["decisions"])]

    @staticmethod
    def initial_of(meeting) -> dict:
        return {"title": meeting.title.get("en", ""), "title_ja": meeting.title.get("ja", ""),
                "held_on": meeting.held_on, "venue": meeting.venue, "quorum": meeting.quorum,
                "agenda": "\n".join(meeting.agenda), "attendees": [m.key for m in meeting.attendees.all()],
                "decisions": "\n".join(f"{d.text_value} | {d.votes_for} | {d.votes_against} | {d.abstentions}"
                                       for d in meeting.decisions.all())}

    def clean_decisions(self):
        decisions = []
        for number, line in enumerate((self.cleaned_data.get("decisions") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.rsplit("|", 3)]
            if len(parts) == 1:
                parts += ["0", "0", "0"]
            if len(parts) != 4 or not all(p.isdigit() for p in parts[1:]):
                raise forms.ValidationError(gettext("line %(n)s: use decision | for | against | abstentions, "
                                                    "with whole numbers of votes") % {"n": number})
            decisions.append({"text": parts[0], "votes_for": int(parts[1]), "votes_against": int(parts[2]),
                              "abstentions": int(parts[3])})
        return decisions

    def meeting_input(self) -> dict:
        """The whole form (the page shows every field): a quorum left empty keeps the one recorded (1 for a
        new meeting)."""
        data = {n: self.cleaned_data[n] for n in self.NAMES}
        data["agenda"] = _lines(data["agenda"])
        if data["quorum"] is None:
            data.pop("quorum")
        return data


class ProjectForm(FieldsetForm):
    """A network project: its dates, the members taking part and the partnerships and activities it links."""

    title = forms.CharField(label=_("Title (English)"), required=False, max_length=255)
    title_ja = forms.CharField(label=_("Title (Japanese)"), required=False, max_length=255)
    starts_on = forms.DateField(label=_("Starts"), required=False, widget=DATE,
                                error_messages={"invalid": _("use a date like 2026-04-15")})
    ends_on = forms.DateField(label=_("Ends"), required=False, widget=DATE,
                              error_messages={"invalid": _("use a date like 2026-04-15")})
    members = forms.MultipleChoiceField(label=_("Members taking part"), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    partnerships = forms.MultipleChoiceField(label=_("Partnerships"), required=False,
                                             widget=ChipPicker)
    activities = forms.MultipleChoiceField(label=_("Learning activities"), required=False,
                                           widget=ChipPicker)

    wide = {"members", "partnerships", "activities"}
    NAMES = ["title", "title_ja", "starts_on", "ends_on", "members", "partnerships", "activities"]

    def __init__(self, *args, members=(), partnerships=(), activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(m.key, m.name) for m in members]
        self.fields["partnerships"].choices = [(p.slug, p.title_text) for p in partnerships]
        self.fields["activities"].choices = [(a.slug, a.title_text) for a in activities]
        self.groups = [(gettext("Project"), ["title", "title_ja", "starts_on", "ends_on"]),
                       (gettext("Who and what it links"), ["members", "partnerships", "activities"])]

    @staticmethod
    def initial_of(project) -> dict:
        return {"title": project.title.get("en", ""), "title_ja": project.title.get("ja", ""),
                "starts_on": project.starts_on, "ends_on": project.ends_on,
                "members": [m.key for m in project.members.all()],
                "partnerships": [p.slug for p in project.partnerships.all()],
                "activities": [a.slug for a in project.activities.all()]}

    def project_input(self) -> dict:
        return {n: self.cleaned_data[n] for n in self.NAMES}
