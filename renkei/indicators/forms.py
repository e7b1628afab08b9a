"""HTML forms of the indicator pages. They collect strings; the services check the rules, and
their ApplicationError.errors go back onto the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from renkei.indicators.models import Direction, Indicator, Unit
from renkei.ui.forms import FieldsetForm

DIMENSION_CHOICES = [("sex", _("Sex")), ("age", _("Age")), ("disability", _("Disability"))]


def _words(text: str) -> list[str]:
    return [w for w in text.replace(",", " ").split() if w]


class ValueForm(FieldsetForm):
    """A value of one place (the place is the page's)."""

    indicator = forms.ChoiceField(label=_("Indicator"))
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100)
    value = forms.FloatField(label=_("Value"))
    period = forms.CharField(label=_("Period within the year"), required=False, max_length=40,
                             help_text=_("Empty for the whole year; Q1–Q4; or a start and an end like 04-01/09-30"))
    disaggregation = forms.CharField(label=_("Disaggregation"), required=False, max_length=40,
                                     help_text=_("Empty for everyone; or sex:female, age:65+, disability:yes …"))
    source = forms.CharField(label=_("Source"), max_length=500)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)

    groups = [(None, ["indicator", "year", "value", "period", "disaggregation", "source", "note"])]
    wide = {"indicator", "source", "note"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(i.code, f"{i.code} {i.name_text}"[:120])
                                            for i in Indicator.objects.order_by("code").only("code", "name")]

    def value_input(self, place) -> dict:
        return {**self.cleaned_data, "place": place.slug}


class IndicatorForm(FieldsetForm):
    code = forms.CharField(label=_("Code"), max_length=40, help_text=_("letters, digits, dots and hyphens"))
    name_en = forms.CharField(label=_("Name (English)"), max_length=500)
    name_ja = forms.CharField(label=_("Name (Japanese)"), max_length=500, required=False)
    definition_en = forms.CharField(label=_("Definition (English)"), required=False, max_length=5000,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    definition_ja = forms.CharField(label=_("Definition (Japanese)"), required=False, max_length=5000,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    disaggregations = forms.MultipleChoiceField(label=_("Disaggregations"), choices=DIMENSION_CHOICES,
                                                required=False, widget=forms.CheckboxSelectMultiple)
    themes = forms.CharField(label=_("Themes"), required=False, max_length=2000,
                             help_text=_("theme codes of the taxonomy, separated by spaces"))

    groups = [(None, ["code", "unit", "direction", "name_en", "name_ja", "definition_en", "definition_ja",
                      "disaggregations", "themes"])]
    wide = {"name_en", "name_ja", "definition_en", "definition_ja", "themes"}
    field_map = {"name": "name_en", "name.en": "name_en", "name.ja": "name_ja", "definition.en": "definition_en",
                 "definition.ja": "definition_ja"}

    def indicator_input(self) -> dict:
        d = self.cleaned_data
        return {"code": d["code"], "name": {"en": d["name_en"], "ja": d["name_ja"]},
                "definition": {"en": d["definition_en"], "ja": d["definition_ja"]}, "unit": d["unit"],
                "direction": d["direction"], "disaggregations": d["disaggregations"], "themes": _words(d["themes"])}


class PeerGroupForm(FieldsetForm):
    name_en = forms.CharField(label=_("Name (English)"), max_length=500)
    name_ja = forms.CharField(label=_("Name (Japanese)"), max_length=500, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[
        ("filter", _("By filter")), ("list", _("By hand")), ("cohort", _("Programme cohort")),
        ("similar", _("Places like one place"))])
    countries = forms.CharField(label=_("Countries"), required=False, max_length=1000,
                                help_text=_("ISO codes such as JP ID DE, separated by spaces"))
    min_population = forms.IntegerField(label=_("Population from"), required=False, min_value=0)
    max_population = forms.IntegerField(label=_("Population up to"), required=False, min_value=0)
    themes = forms.CharField(label=_("Themes"), required=False, max_length=2000,
                             help_text=_("places with a need or expertise on one of these theme codes"))
    places = forms.CharField(label=_("Places"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=50_000, help_text=_("by hand: the places' URL names, separated by spaces"))
    programme = forms.CharField(label=_("Programme"), required=False, max_length=120,
                                help_text=_("cohort: the programme's URL name"))
    place = forms.CharField(label=_("Like this place"), required=False, max_length=120,
                            help_text=_("similar: the place's URL name"))
    top = forms.IntegerField(label=_("How many places"), required=False, min_value=1, max_value=200)
    shared = forms.BooleanField(label=_("Everyone may use it"), required=False)

    groups = [(None, ["name_en", "name_ja", "kind", "shared"]),
              (_("By filter"), ["countries", "min_population", "max_population", "themes"]),
              (_("By hand"), ["places"]), (_("Programme cohort"), ["programme"]),
              (_("Places like one place"), ["place", "top"])]
    wide = {"places"}
    field_map = {"name": "name_en", "name.en": "name_en", "name.ja": "name_ja",
                 "criteria.min_population": "min_population", "criteria.max_population": "max_population",
                 "criteria.themes": "themes", "criteria.programme": "programme", "criteria.place": "place",
                 "criteria.top": "top"}

    def group_input(self) -> dict:
        d = self.cleaned_data
        criteria = {"countries": _words(d["countries"]), "themes": _words(d["themes"]),
                    "min_population": d["min_population"], "max_population": d["max_population"],
                    "programme": d["programme"] or None, "place": d["place"] or None}
        if d["top"]:
            criteria["top"] = d["top"]
        return {"name": {"en": d["name_en"], "ja": d["name_ja"]}, "kind": d["kind"], "shared": d["shared"],
                "criteria": {k: v for k, v in criteria.items() if v not in (None, [])},
                "places": _words(d["places"])}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
    dry_run = forms.BooleanField(label=_("Only check the file; write nothing"), required=False)
