"""Forms of the place, theme and organisation pages. They collect strings; the places services
validate (one validator for forms, API and imports), and ApplicationError.errors is put back onto
the fields (renkei.ui.forms.add_service_errors)."""

from __future__ import annotations

from django import forms
from django.db.models import Count, Max
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from renkei.places.labels import all_country_choices
from renkei.places.models import Hazard, IncomeGroup, Level, Theme
from renkei.ui.forms import FieldsetForm
from renkei.ui.pagecache import page_part
from renkei.ui.widgets import QuickSelect

# Service field names that a form shows under another name.
STATEMENT_FIELD_MAP = {"priority": "scale", "maturity": "scale", "description": "description_en"}


def theme_signature() -> tuple:
    return tuple(Theme.objects.aggregate(n=Count("id"), t=Max("updated_at")).values())


def theme_choices(*, blank_label=None, branch_suffix: bool = False) -> list:
    """Themes grouped by their top-level branch, for a <select> with <optgroup>s. Choosing a
    branch itself matches all its themes in a filter."""
    themes = list(Theme.objects.only("code", "name_en", "name_ja", "parent_id", "position")
                  .order_by("position", "code"))
    by_parent: dict[int | None, list[Theme]] = {}
    for theme in themes:
        by_parent.setdefault(theme.parent_id, []).append(theme)

    def descendants(node, depth: int) -> list[tuple[str, str]]:
        out = []
        for child in by_parent.get(node.pk, []):
            out.append((child.code, "\u2003" * (depth - 1) + child.name))  # em spaces indent deeper levels
            out.extend(descendants(child, depth + 1))
        return out

    choices: list = [("", blank_label)] if blank_label is not None else []
    for root in by_parent.get(None, []):
        label = gettext("%(branch)s (whole branch)") % {"branch": root.name} if branch_suffix else root.name
        choices.append((root.name, [(root.code, label), *descendants(root, 1)]))
    return choices


class PlaceForm(FieldsetForm):
    """A place profile in the exchange format's keys (renkei.places.validation.FIELDS)."""

    name = forms.CharField(label=_("Name in English"), max_length=200)
    name_ja = forms.CharField(label=_("Name in Japanese"), max_length=200, required=False)
    name_ja_reading = forms.CharField(
        label=_("Reading of the Japanese name (kana)"), max_length=200, required=False,
        help_text=_("For the order of places in Japanese, e.g. かまいしし. Left empty, it is made from the "
                    "Japanese name."))
    name_local = forms.CharField(label=_("Name in the local language"), max_length=200, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    country = forms.ChoiceField(label=_("Country"))
    parent = forms.CharField(
        label=_("Part of"), required=False,
        help_text=_("The URL name of the prefecture, region or country this place belongs to, e.g. iwate."),
    )
    lat = forms.CharField(label=_("Latitude"), required=False, help_text=_("Decimal degrees, e.g. 39.276"))
    lon = forms.CharField(label=_("Longitude"), required=False, help_text=_("Decimal degrees, e.g. 141.886"))
    timezone = forms.CharField(label=_("Time zone"), required=False, help_text=_("IANA name, e.g. Asia/Tokyo"))
    population = forms.CharField(label=_("Population"), required=False)
    population_year = forms.CharField(label=_("Year of the population figure"), required=False)
    area_km2 = forms.CharField(label=_("Area (km²)"), required=False)
    share_65_plus = forms.CharField(label=_("Share of people aged 65 or over (%)"), required=False)
    population_growth = forms.CharField(label=_("Annual population growth (%)"), required=False,
                                        help_text=_("Negative when the population shrinks, e.g. -1.2"))
    income_group = forms.ChoiceField(label=_("Income group (World Bank)"), required=False,
                                     choices=[("", _("Not set")), *IncomeGroup.choices])
    coastal = forms.BooleanField(label=_("On the coast"), required=False)
    hazards = forms.MultipleChoiceField(
        label=_("Natural hazards"), choices=Hazard.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    website = forms.CharField(label=_("Website"), required=False, widget=forms.URLInput)
    summary_en = forms.CharField(label=_("Summary in English"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 6}))
    summary_ja = forms.CharField(label=_("Summary in Japanese"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 6}))
    published = forms.BooleanField(label=_("Published (visible to the public)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    groups = [
        (_("Names"), ["name", "name_ja", "name_ja_reading", "name_local"]),
        (_("Where it is"), ["level", "country", "parent", "lat", "lon", "timezone"]),
        (_("People and economy"), ["population", "population_year", "area_km2", "share_65_plus",
                                   "population_growth", "income_group"]),
        (_("Risks"), ["coastal", "hazards"]),
        (_("Profile"), ["website", "summary_en", "summary_ja"]),
        (_("Publication"), ["published"]),
    ]
    wide = {"hazards", "summary_en", "summary_ja", "website"}

    def __init__(self, *args, can_publish: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose a country")), *all_country_choices()]
        if not can_publish:
            del self.fields["published"]  # publishing is an officer's decision (the service agrees)

    @staticmethod
    def initial_for(place) -> dict:
        def text(value):
            return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)

        return {
            "name": place.name_en, "name_ja": place.name_ja, "name_ja_reading": place.name_ja_reading,
            "name_local": place.name_local, "level": place.level,
            "country": place.country, "parent": place.parent.slug if place.parent else "",
            "lat": text(place.latitude), "lon": text(place.longitude), "population": text(place.population),
            "population_year": text(place.population_year), "area_km2": text(place.area_km2),
            "share_65_plus": text(place.share_65_plus), "population_growth": text(place.population_growth),
            "coastal": place.coastal, "hazards": place.hazards, "income_group": place.income_group,
            "timezone": place.timezone, "website": place.website,
            "summary_en": (place.summary or {}).get("en", ""), "summary_ja": (place.summary or {}).get("ja", ""),
            "published": place.is_published, "version": place.version,
        }

    def service_data(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if key != "version"}


class StatementForm(FieldsetForm):
    """A need (priority) or an expertise (maturity); both share one form."""

    field_map = STATEMENT_FIELD_MAP

    theme = forms.ChoiceField(
        label=_("Theme"), required=False,
        help_text=_("Leave it empty if no theme fits: the text is kept, matched by its meaning, and Renkei "
                    "suggests themes to confirm later."))
    scale = forms.TypedChoiceField(label=_("Priority"), coerce=int, initial=3, widget=forms.RadioSelect)
    description_en = forms.CharField(label=_("Description in English"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    description_ja = forms.CharField(label=_("Description in Japanese"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(label=_("Evidence links"), required=False,
                               help_text=_("Web addresses of reports, plans or articles, one per line."),
                               widget=forms.Textarea(attrs={"rows": 2}))
    wide = {"description_en", "description_ja", "evidence"}

    PRIORITY = [(1, _("1 · low")), (2, "2"), (3, "3"), (4, "4"), (5, _("5 · urgent"))]
    MATURITY = [(1, _("1 · starting")), (2, "2"), (3, "3"), (4, "4"), (5, _("5 · proven"))]

    def __init__(self, *args, kind: str = "need", **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["theme"].choices = theme_choices(blank_label=_("No theme fits (not yet tagged)"))
        scale = self.fields["scale"]
        if kind == "need":
            scale.label, scale.choices = _("Priority"), self.PRIORITY
            scale.help_text = _("How urgent this is for the place, from 1 to 5.")
            self.fields["description_en"].help_text = _("What the place wants to learn, and why.")
        else:
            scale.label, scale.choices = _("Maturity"), self.MATURITY
            scale.help_text = _("How proven the experience is, from 1 (starting) to 5 (proven and documented).")
            self.fields["description_en"].help_text = _("What the place can offer, with results.")
        self.fields["description_ja"].help_text = _("Give the description in at least one language.")

    @property
    def scale_field(self) -> str:
        return "priority" if self.kind == "need" else "maturity"

    def fieldsets(self):
        yield "", [self[name] for name in self.fields]

    @staticmethod
    def initial_for(obj) -> dict:
        return {
            "theme": obj.theme.code if obj.theme_id else "",
            "scale": getattr(obj, "priority", None) or getattr(obj, "maturity", 3),
            "description_en": obj.description.get("en", ""), "description_ja": obj.description.get("ja", ""),
            "evidence": "\n".join(obj.evidence or []),
        }

    def service_data(self) -> dict:
        data = self.cleaned_data
        description = {k: v for k, v in {"en": data["description_en"], "ja": data["description_ja"]}.items() if v}
        return {"theme": data["theme"] or None, self.scale_field: data["scale"], "description": description,
                "evidence": data["evidence"]}


class PlaceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. Kamaishi, 釜石")}))
    country = forms.ChoiceField(label=_("Country"), required=False, widget=QuickSelect)
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("All levels")), *Level.choices],
                              widget=QuickSelect)
    theme = forms.ChoiceField(label=_("Theme (need or expertise)"), required=False, widget=QuickSelect)
    min_population = forms.IntegerField(label=_("Population from"), required=False, min_value=0,
                                        widget=forms.NumberInput(attrs={"placeholder": "0", "inputmode": "numeric"}))
    max_population = forms.IntegerField(label=_("Population to"), required=False, min_value=0,
                                        widget=forms.NumberInput(attrs={"placeholder": "∞", "inputmode": "numeric"}))

    def __init__(self, *args, countries: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries")), *countries]
        self.fields["theme"].choices = page_part("theme filter choices", theme_signature,
                                                 lambda: theme_choices(blank_label=_("All themes"), branch_suffix=True))

    def clean_q(self):
        return self.cleaned_data["q"].strip()

    def clean(self):
        data = super().clean()
        low, high = data.get("min_population"), data.get("max_population")
        if low is not None and high is not None and low > high:
            self.add_error("max_population", _("Must be at least the lower bound."))
        return data

    def valid_data(self) -> dict:
        """The filters that are valid; a bad one is left out (and reported) instead of failing the page."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items()
                if name not in self.errors and value not in (None, "")}


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name or acronym"), required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. JICA")}))
    type = forms.ChoiceField(label=_("Type"), required=False, widget=QuickSelect)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=QuickSelect)

    def __init__(self, *args, types=(), countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("All types")), *types]
        self.fields["country"].choices = [("", _("All countries")), *countries]

    def valid_data(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors and value}
