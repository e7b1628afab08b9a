from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.models import Localized, TimeStampedModel, Translated
from renkei.places.reading import sort_key


class Level(models.TextChoices):
    COUNTRY = "country", _("Country")
    REGION = "region", _("Prefecture / region")
    CITY = "city", _("City / municipality")


class Hazard(models.TextChoices):
    EARTHQUAKE = "earthquake", _("Earthquake")
    TSUNAMI = "tsunami", _("Tsunami")
    FLOOD = "flood", _("Flood")
    TYPHOON = "typhoon", _("Typhoon / cyclone")
    LANDSLIDE = "landslide", _("Landslide")
    VOLCANIC = "volcanic", _("Volcanic eruption")
    DROUGHT = "drought", _("Drought")
    HEAT = "heat", _("Extreme heat")


class IncomeGroup(models.TextChoices):
    LOW = "LIC", _("Low income")
    LOWER_MIDDLE = "LMC", _("Lower-middle income")
    UPPER_MIDDLE = "UMC", _("Upper-middle income")
    HIGH = "HIC", _("High income")


class Theme(models.Model):
    """A cooperation theme in the curated bilingual taxonomy (see renkei/data/taxonomy)."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent theme"), null=True, blank=True, related_name="children",
        on_delete=models.PROTECT,
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    synonyms_en = models.JSONField(_("synonyms (English)"), default=list, blank=True)
    synonyms_ja = models.JSONField(_("synonyms (Japanese)"), default=list, blank=True)
    dac_codes = models.JSONField(_("DAC sector codes"), default=list, blank=True)
    sdg_targets = models.JSONField(_("SDG targets"), default=list, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    related = models.ManyToManyField("self", verbose_name=_("related themes"), blank=True, symmetrical=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    # search, theme suggestions and matching rebuild their copies of the taxonomy when it changes
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    name = Localized("name_en", "name_ja")
    description = Localized("description_en", "description_ja")

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


class Place(TimeStampedModel):
    slug = models.SlugField(_("URL name"), max_length=120, unique=True)
    external_id = models.CharField(_("external id"), max_length=120, unique=True, null=True, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.CITY)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True)
    name_ja_reading = models.CharField(
        _("reading of the Japanese name"), max_length=200, blank=True,
        help_text=_("in kana, for the order of places in Japanese; made from the Japanese name when left empty"),
    )
    name_ja_sort = models.CharField(
        _("sort key of the reading"), max_length=401, blank=True, editable=False,
        help_text=_("the reading in gojūon order, kept from the reading when the place is saved"),
    )
    name_local = models.CharField(_("name (local language)"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, db_index=True, help_text=_("ISO 3166-1 alpha-2"))
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, related_name="children",
        on_delete=models.SET_NULL,
    )
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True, db_index=True)
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)
    area_km2 = models.FloatField(_("area (km²)"), null=True, blank=True, validators=[MinValueValidator(0)])
    share_65_plus = models.FloatField(
        _("population aged 65+ (%)"), null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    population_growth = models.FloatField(
        _("annual population growth (%)"), null=True, blank=True,
        validators=[MinValueValidator(-100), MaxValueValidator(100)],
    )
    coastal = models.BooleanField(_("coastal"), default=False)
    hazards = models.JSONField(_("hazards"), default=list, blank=True)
    income_group = models.CharField(_("income group"), max_length=3, choices=IncomeGroup.choices, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)
    website = models.URLField(_("website"), blank=True)
    summary = models.JSONField(_("profile summary"), default=dict, blank=True, help_text=_("text per language"))
    is_published = models.BooleanField(_("published"), default=True, db_index=True)

    name = Localized("name_en", "name_ja")
    summary_text = Translated("summary")

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.UniqueConstraint(fields=["country", "name_en", "level"], name="unique_place_name_per_country")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        """Keep ``name_ja_sort`` in step with the reading (also when only the reading is saved)."""
        self.name_ja_sort = sort_key(self.name_ja_reading)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name_ja_reading" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_ja_sort"}
        super().save(*args, **kwargs)

    @property
    def density(self) -> float | None:
        if self.population and self.area_km2:
            return self.population / self.area_km2
        return None


class Organisation(TimeStampedModel):
    slug = models.SlugField(_("URL name"), max_length=120, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=255)
    name_ja = models.CharField(_("name (Japanese)"), max_length=255, blank=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    org_type = models.CharField(_("type"), max_length=4, help_text=_("IATI OrganisationType code"))
    country = models.CharField(_("country"), max_length=2, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, related_name="children",
        on_delete=models.SET_NULL,
    )
    place = models.ForeignKey(
        Place, verbose_name=_("place"), null=True, blank=True, related_name="organisations",
        on_delete=models.SET_NULL,
    )
    website = models.URLField(_("website"), blank=True)
    description = models.JSONField(_("description"), default=dict, blank=True)

    name = Localized("name_en", "name_ja")
    description_text = Translated("description")

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Contact(TimeStampedModel):
    """A person to talk to. E-mail and phone are private: only signed-in users with a role see them;
    the public sees name and title only when the person has consented."""

    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, related_name="contacts",
        on_delete=models.CASCADE,
    )
    place = models.ForeignKey(
        Place, verbose_name=_("place"), null=True, blank=True, related_name="contacts", on_delete=models.CASCADE
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    public_consent = models.BooleanField(
        _("consents to public listing"), default=False,
        help_text=_("Name and title may be shown on public pages. E-mail and phone never are."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class Statement(TimeStampedModel):
    """What a place needs or offers, in its own words: a need (with a priority) or expertise (with a
    maturity), on a theme of the taxonomy or "not yet tagged" (no theme fits yet: the text is kept,
    matched by its meaning, and shown with suggested themes for a person to confirm). Each kind has
    its own table."""

    description = models.JSONField(_("description"), default=dict, blank=True)
    evidence = models.JSONField(_("evidence links"), default=list, blank=True)
    suggested_themes = models.JSONField(
        _("suggested themes"), default=list, blank=True, editable=False,
        help_text=_("codes of the themes the text is closest to, best first (for a statement not yet tagged)"))

    text = Translated("description")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.place}: {self.theme if self.theme_id else _('not yet tagged')}"

    @property
    def tagged(self) -> bool:
        return self.theme_id is not None


def _scale(label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, default=3, validators=[MinValueValidator(1), MaxValueValidator(5)])


class Need(Statement):
    place = models.ForeignKey(Place, verbose_name=_("place"), related_name="needs", on_delete=models.CASCADE)
    theme = models.ForeignKey(Theme, verbose_name=_("theme"), related_name="needs", on_delete=models.PROTECT,
                              null=True, blank=True)
    priority = _scale(_("priority"))

    class Meta:
        ordering = ["-priority", "id"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")


class Expertise(Statement):
    place = models.ForeignKey(Place, verbose_name=_("place"), related_name="expertise", on_delete=models.CASCADE)
    theme = models.ForeignKey(Theme, verbose_name=_("theme"), related_name="expertise", on_delete=models.PROTECT,
                              null=True, blank=True)
    maturity = _scale(_("maturity"))

    class Meta:
        ordering = ["-maturity", "id"]
        verbose_name = _("expertise")
        verbose_name_plural = _("expertise")
