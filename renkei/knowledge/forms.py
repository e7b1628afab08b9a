"""Forms of the knowledge library's pages. They collect strings; the knowledge services validate
(the same checks as the API and the import), and their errors are put back onto the fields."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from renkei.knowledge.models import Product
from renkei.places.forms import theme_choices
from renkei.places.models import Organisation, Place
from renkei.ui.forms import FieldsetForm
from renkei.ui.widgets import ChipPicker

TEXTS = ("title", "summary", "body", "preconditions")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class ProductForm(FieldsetForm):
    kind = forms.ChoiceField(label=_("Type"), choices=Product.Kind.choices)
    title_en = forms.CharField(label=_("Title (English)"), required=False, max_length=300)
    title_ja = forms.CharField(label=_("Title (Japanese)"), required=False, max_length=300)
    summary_en = forms.CharField(label=_("Summary (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    summary_ja = forms.CharField(label=_("Summary (Japanese)"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    body_en = forms.CharField(label=_("Text (English, Markdown)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 10}),
                              help_text=_("Headings with ##, lists with -, links as [text](https://…)."))
    body_ja = forms.CharField(label=_("Text (Japanese, Markdown)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 10}))
    video_url = forms.CharField(label=_("Video link"), required=False, max_length=500)
    themes = forms.MultipleChoiceField(
        label=_("Themes"), required=False, widget=ChipPicker,
        help_text=_("Leave empty to take the themes suggested from the text."))
    places = forms.CharField(label=_("Places"), required=False,
                             help_text=_("Names or URL names, separated by commas (e.g. Toyama, Kamaishi)."))
    organisations = forms.MultipleChoiceField(label=_("Organisations"), required=False,
                                              widget=ChipPicker)
    partnership = forms.ChoiceField(label=_("From partnership"), required=False)
    activity = forms.ChoiceField(label=_("From learning activity"), required=False)
    pilot = forms.ChoiceField(label=_("From pilot project"), required=False)
    published_on = forms.CharField(label=_("Publication date"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    authors = forms.CharField(label=_("Authors"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("One name per line, as printed."))
    licence = forms.ChoiceField(label=_("Licence"), choices=Product.Licence.choices)
    visibility = forms.ChoiceField(label=_("Who may see it once published"), choices=Product.Visibility.choices)
    editors = forms.CharField(label=_("Co-authors who may edit"), required=False,
                              help_text=_("User names, separated by commas."))
    suits_min_population = forms.CharField(label=_("Suits cities from (people)"), required=False)
    suits_max_population = forms.CharField(label=_("Suits cities up to (people)"), required=False)
    cost_min_eur = forms.CharField(label=_("Cost from (EUR)"), required=False)
    cost_max_eur = forms.CharField(label=_("Cost up to (EUR)"), required=False)
    preconditions_en = forms.CharField(label=_("Preconditions (English)"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    preconditions_ja = forms.CharField(label=_("Preconditions (Japanese)"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    files = MultipleFileField(label=_("Files"), required=False,
                              help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, GIF or WebP; at most "
                                          "50 MB each. Text is taken from PDFs for the search."))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    # texts per language are one form field per language
    field_map = {"title": "title_en", "summary": "summary_en", "body": "body_en", "preconditions": "preconditions_en"}
    groups = [
        (_("What it is"), ["kind", "title_en", "title_ja", "summary_en", "summary_ja", "body_en", "body_ja",
                           "video_url", "files"]),
        (_("What it is about and where it comes from"), ["themes", "places", "organisations", "partnership",
                                                         "activity", "pilot"]),
        (_("Who can use it"), ["suits_min_population", "suits_max_population", "cost_min_eur", "cost_max_eur",
                               "preconditions_en", "preconditions_ja"]),
        (_("Publication"), ["published_on", "authors", "licence", "visibility", "editors"]),
    ]
    wide = {"summary_en", "summary_ja", "body_en", "body_ja", "video_url", "files", "themes", "preconditions_en",
            "preconditions_ja", "places"}
    after_field = ("themes", "knowledge/_suggest_box.html")  # the "suggest themes" button

    def __init__(self, *args, viewer=None, editing: bool = False, **kwargs):
        from renkei.partnerships.models import Pilot
        from renkei.partnerships.selectors import partnership_list

        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = theme_choices()
        self.fields["organisations"].choices = [(o.slug, o.name) for o in Organisation.objects.order_by("name_en")]
        partnerships = list(partnership_list(viewer=viewer))
        self.fields["partnership"].choices = [("", "—"), *[(p.slug, p.title_text) for p in partnerships]]
        from renkei.activities.selectors import activity_list

        self.fields["activity"].choices = [("", "—"), *[(a.slug, a.title_text) for a in activity_list(viewer=viewer)]]
        pilots = Pilot.objects.filter(partnership__in=partnerships).select_related("partnership")
        self.fields["pilot"].choices = [("", "—"), *[(str(p.pk), f"{p.partnership.title_text}: {p}") for p in pilots]]
        if editing:
            del self.fields["files"]  # files are added and removed on the product page

    @staticmethod
    def initial_for(product: Product) -> dict:
        initial = {f"{name}_{lang}": getattr(product, name).get(lang, "") for name in TEXTS for lang in ("en", "ja")}
        initial.update({
            "kind": product.kind, "video_url": product.video_url, "themes": [t.code for t in product.themes.all()],
            "places": ", ".join(p.slug for p in product.places.all()),
            "organisations": [o.slug for o in product.organisations.all()],
            "partnership": product.partnership.slug if product.partnership else "",
            "activity": product.activity.slug if product.activity else "",
            "pilot": str(product.pilot_id or ""), "published_on": product.published_on.isoformat()
            if product.published_on else "", "authors": "\n".join(product.authors), "licence": product.licence,
            "visibility": product.visibility, "editors": ", ".join(u.username for u in product.editors.all()),
            "suits_min_population": product.suits_min_population or "",
            "suits_max_population": product.suits_max_population or "",
            "cost_min_eur": product.cost_min_eur if product.cost_min_eur is not None else "",
            "cost_max_eur": product.cost_max_eur if product.cost_max_eur is not None else "",
            "version": product.version,
        })
        return initial

    def clean_places(self):
        """Places by URL name or by name in either language; an unknown one is named."""
        raw = [p.strip() for p in self.cleaned_data.get("places", "").split(",") if p.strip()]
        slugs, unknown = [], []
        for value in raw:
            place = Place.objects.filter(Q(slug=value) | Q(name_en__iexact=value) | Q(name_ja=value)).order_by(
                "level", "pk").first()
            (slugs.append(place.slug) if place else unknown.append(value))
        if unknown:
            raise forms.ValidationError(_("Unknown places: %(names)s") % {"names": ", ".join(unknown)})
        return slugs

    def service_data(self) -> dict:
        data = self.cleaned_data
        out = {name: {lang: data.get(f"{name}_{lang}", "") for lang in ("en", "ja") if data.get(f"{name}_{lang}")}
               for name in TEXTS}
        out.update({key: data.get(key) for key in (
            "kind", "video_url", "places", "organisations", "partnership", "activity", "pilot", "published_on",
            "authors", "licence", "visibility", "suits_min_population", "suits_max_population", "cost_min_eur",
            "cost_max_eur")})
        out["themes"] = data.get("themes") or None
        out["editors"] = [u.strip() for u in (data.get("editors") or "").split(",") if u.strip()]
        return out


class RequestForm(FieldsetForm):
    place = forms.ChoiceField(label=_("For"))
    title_en = forms.CharField(label=_("What you need (English)"), required=False, max_length=300)
    title_ja = forms.CharField(label=_("What you need (Japanese)"), required=False, max_length=300)
    description_en = forms.CharField(label=_("Details (English)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 4}))
    description_ja = forms.CharField(label=_("Details (Japanese)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 4}))
    themes = forms.MultipleChoiceField(label=_("Themes"), required=False,
                                       widget=ChipPicker,
                                       help_text=_("Leave empty to take the themes of the text."))
    field_map = {"title": "title_en", "description": "description_en"}
    groups = [(None, ["place", "title_en", "title_ja", "description_en", "description_ja", "themes"])]
    wide = {"description_en", "description_ja", "themes"}

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [(p.slug, p.name) for p in places]
        self.fields["themes"].choices = theme_choices()

