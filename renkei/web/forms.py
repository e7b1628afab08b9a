"""HTML forms. They collect strings; the services validate (one validator for forms, API and
imports), and ApplicationError.errors is put back onto the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from renkei.places.models import Hazard, IncomeGroup, Level, Theme


def add_service_errors(form: forms.Form, errors: dict[str, list[str]], message: str = "") -> None:
    """Attach a service's field errors to the form; unknown fields go to the form's top."""
    placed = False
    for field, messages in errors.items():
        target = field if field in form.fields else None
        for text in messages:
            form.add_error(target, text)
            placed = True
    if not placed and message:
        form.add_error(None, message)


class PlaceForm(forms.Form):
    name = forms.CharField(label=_("Name (English)"), max_length=200)
    name_ja = forms.CharField(label=_("Name (Japanese)"), max_length=200, required=False)
    name_local = forms.CharField(label=_("Name (local language)"), max_length=200, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    country = forms.CharField(label=_("Country (ISO code)"), max_length=60)
    parent = forms.CharField(label=_("Part of (URL name or id)"), required=False)
    lat = forms.CharField(label=_("Latitude"), required=False)
    lon = forms.CharField(label=_("Longitude"), required=False)
    population = forms.CharField(label=_("Population"), required=False)
    population_year = forms.CharField(label=_("Population year"), required=False)
    area_km2 = forms.CharField(label=_("Area (km²)"), required=False)
    share_65_plus = forms.CharField(label=_("Population aged 65+ (%)"), required=False)
    population_growth = forms.CharField(label=_("Annual population growth (%)"), required=False)
    coastal = forms.BooleanField(label=_("Coastal"), required=False)
    hazards = forms.MultipleChoiceField(
        label=_("Hazards"), choices=Hazard.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    income_group = forms.ChoiceField(label=_("Income group"), choices=[("", "—"), *IncomeGroup.choices],
                                     required=False)
    timezone = forms.CharField(label=_("Time zone"), required=False)
    website = forms.CharField(label=_("Website"), required=False)
    summary_en = forms.CharField(label=_("Summary (English)"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    summary_ja = forms.CharField(label=_("Summary (Japanese)"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 5}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_for(place) -> dict:
        def text(value):
            return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)

        return {
            "name": place.name_en, "name_ja": place.name_ja, "name_local": place.name_local, "level": place.level,
            "country": place.country, "parent": place.parent.slug if place.parent else "",
            "lat": text(place.latitude), "lon": text(place.longitude), "population": text(place.population),
            "population_year": text(place.population_year), "area_km2": text(place.area_km2),
            "share_65_plus": text(place.share_65_plus), "population_growth": text(place.population_growth),
            "coastal": place.coastal, "hazards": place.hazards, "income_group": place.income_group,
            "timezone": place.timezone, "website": place.website,
            "summary_en": (place.summary or {}).get("en", ""), "summary_ja": (place.summary or {}).get("ja", ""),
            "version": place.version,
        }

    def service_data(self) -> dict:
        data = {key: value for key, value in self.cleaned_data.items() if key != "version"}
        return data


class StatementForm(forms.Form):
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none(), to_field_name="code")
    scale = forms.TypedChoiceField(label=_("Priority"), coerce=int, choices=[(i, str(i)) for i in range(1, 6)],
                                   initial=3)
    description_en = forms.CharField(label=_("Description (English)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    description_ja = forms.CharField(label=_("Description (Japanese)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(label=_("Evidence links (one per line)"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, kind: str = "need", **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["theme"].queryset = Theme.objects.select_related("parent").order_by("position")
        self.fields["theme"].label_from_instance = lambda t: (f"— {t.name}" if t.parent_id else t.name)
        self.fields["scale"].label = _("Priority (1–5)") if kind == "need" else _("Maturity (1–5)")

    @property
    def scale_field(self) -> str:
        return "priority" if self.kind == "need" else "maturity"

    @staticmethod
    def initial_for(obj) -> dict:
        return {
            "theme": obj.theme.code, "scale": getattr(obj, "priority", None) or getattr(obj, "maturity", 3),
            "description_en": obj.description.get("en", ""), "description_ja": obj.description.get("ja", ""),
            "evidence": "\n".join(obj.evidence or []),
        }

    def service_data(self) -> dict:
        data = self.cleaned_data
        description = {k: v for k, v in {"en": data["description_en"], "ja": data["description_ja"]}.items() if v}
        return {"theme": data["theme"], self.scale_field: data["scale"], "description": description,
                "evidence": data["evidence"]}


class PlaceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("All levels")), *Level.choices])
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    min_population = forms.IntegerField(label=_("Population from"), required=False, min_value=0)
    max_population = forms.IntegerField(label=_("Population to"), required=False, min_value=0)

    def __init__(self, *args, countries: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries")), *countries]
        choices = [("", _("All themes"))]
        for theme in Theme.objects.order_by("position"):
            choices.append((theme.code, f"— {theme.name}" if theme.parent_id else theme.name))
        self.fields["theme"].choices = choices

    def clean(self):
        data = super().clean()
        low, high = data.get("min_population"), data.get("max_population")
        if low is not None and high is not None and low > high:
            self.add_error("max_population", _("must be at least the lower bound"))
        return data
