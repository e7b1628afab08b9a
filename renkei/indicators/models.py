"""The indicator catalogue (SDG 11, Sendai Framework, ISO 37120 themes, custom indicators)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.models import TimeStampedModel, Translated


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Unit(models.TextChoices):
    """What a value counts. Each unit has the range a value may take (`indicators.units`)."""

    PERCENT = "percent", _("Percent (0–100)")
    RATIO = "ratio", _("Ratio")
    COUNT = "count", _("Count")
    PER_100000 = "per_100000", _("Per 100,000 people")
    PER_1000 = "per_1000", _("Per 1,000 people")
    PER_CAPITA = "per_capita", _("Per person")
    USD = "usd", _("US dollars")
    USD_PER_CAPITA = "usd_per_capita", _("US dollars per person")
    KM2 = "km2", _("Square kilometres")
    M2_PER_CAPITA = "m2_per_capita", _("Square metres per person")
    TONNES_PER_CAPITA = "tonnes_per_capita", _("Tonnes per person")
    MICROGRAMS_M3 = "ug_m3", _("Micrograms per cubic metre")
    LITRES_PER_CAPITA_DAY = "l_per_capita_day", _("Litres per person per day")
    MINUTES = "minutes", _("Minutes")
    YEARS = "years", _("Years")
    INDEX = "index", _("Index (any value)")
    SCORE_0_1 = "score_0_1", _("Score (0–1)")


class Framework(models.Model):
    """A set of indicators or a classification: SDG 11, the Sendai Framework, ISO 37120 themes."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.JSONField(_("name"), default=dict)
    url = models.URLField(_("web address"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    name_text = Translated("name")

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")

    def __str__(self) -> str:
        return self.name_text or self.code


class Classification(models.Model):
    """A heading of a framework that groups indicators (an ISO 37120 theme, an SDG target, a Sendai
    global target). Names only: the standards' texts are not reproduced."""

    framework = models.ForeignKey(Framework, related_name="classes", on_delete=models.CASCADE)
    code = models.CharField(_("code"), max_length=40)
    name = models.JSONField(_("name"), default=dict)
    position = models.PositiveIntegerField(_("position"), default=0)

    name_text = Translated("name")

    class Meta:
        ordering = ["framework", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="unique_class_per_framework")]
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")

    def __str__(self) -> str:
        return self.name_text or self.code


class Indicator(TimeStampedModel):
    """A measure with a unit and a direction. Shipped ones have a framework code; officers add custom
    ones (``custom=True``)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.JSONField(_("name"), default=dict)
    definition = models.JSONField(_("definition"), default=dict, blank=True)
    unit = models.CharField(_("unit"), max_length=24, choices=Unit.choices)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    frameworks = models.ManyToManyField(Framework, verbose_name=_("frameworks"), related_name="indicators", blank=True)
    classes = models.ManyToManyField(
        Classification, verbose_name=_("classifications"), related_name="indicators", blank=True,
    )
    themes = models.ManyToManyField("places.Theme", verbose_name=_("themes"), related_name="indicators", blank=True)
    disaggregations = models.JSONField(_("disaggregations"), default=list, blank=True)
    custom = models.BooleanField(_("custom"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        related_name="+", on_delete=models.SET_NULL,
    )

    name_text = Translated("name")
    definition_text = Translated("definition")

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name_text}"


#: the groups of a disaggregation ("dimension:group") in words
GROUP_LABELS = {"sex:female": _("Women"), "sex:male": _("Men"), "sex:other": _("Other sex"),
                "disability:yes": _("People with disabilities"), "disability:no": _("People without disabilities")}


class Value(models.Model):
    """The current value of an indicator for a place, a year and (optionally) a period within the year
    and a disaggregation. Entering a new value for the same key keeps the old one as a ``Revision``.

    ``period`` is "" (the whole year), "Q1"–"Q4", or "MM-DD/MM-DD" (a start and end within the year);
    ``disaggregation`` is "" (everyone) or "dimension:group" (``sex:female``, ``age:65+``,
    ``disability:yes``). The unique key's order (place, indicator, year, …) serves the benchmarking
    query, which reads a group of places' yearly totals."""

    place = models.ForeignKey("places.Place", verbose_name=_("place"), related_name="indicator_values",
                              on_delete=models.CASCADE)
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), related_name="values",
                                  on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=11, blank=True, default="")
    disaggregation = models.CharField(_("disaggregation"), max_length=40, blank=True, default="")
    value = models.FloatField(_("value"))
    source = models.CharField(_("source"), max_length=500)
    note = models.TextField(_("note"), blank=True, default="")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    entered_at = models.DateTimeField(_("entered"))

    class Meta:
        ordering = ["indicator", "place", "year", "period", "disaggregation"]
        constraints = [models.UniqueConstraint(fields=["place", "indicator", "year", "period", "disaggregation"],
                                               name="one_value_per_key")]
        indexes = [
            models.Index(fields=["indicator", "year"], name="indicators_value_ind_year"),
            # covers the benchmark's query (a group's yearly totals): no table row is read
            models.Index(fields=["place", "period", "disaggregation", "indicator", "year", "value"],
                         name="indicators_value_latest"),
        ]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")

    def __str__(self) -> str:
        period = f" {self.period}" if self.period else ""
        return f"{self.indicator.code} {self.place} {self.year}{period}: {self.value:g}"

    @property
    def disaggregation_label(self) -> str:
        """The group a value counts, in words ("Men", "Aged 65+"); "" for everyone."""
        if not self.disaggregation:
            return ""
        if self.disaggregation in GROUP_LABELS:
            return str(GROUP_LABELS[self.disaggregation])
        dimension, _sep, group = self.disaggregation.partition(":")
        if dimension == "age":
            return _("Aged %(group)s") % {"group": group}
        return self.disaggregation


class Revision(models.Model):
    """A value as it was before a newer one replaced it (the history of a value)."""

    current = models.ForeignKey(Value, verbose_name=_("indicator value"), related_name="revisions",
                                on_delete=models.CASCADE)
    value = models.FloatField(_("value"))
    source = models.CharField(_("source"), max_length=500)
    note = models.TextField(_("note"), blank=True, default="")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    entered_at = models.DateTimeField(_("entered"))
    replaced_at = models.DateTimeField(_("replaced"))

    class Meta:
        ordering = ["current", "-replaced_at", "-id"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")

    def __str__(self) -> str:
        return f"{self.current_id}: {self.value:g} ({self.entered_at:%Y-%m-%d})"


class PeerGroup(TimeStampedModel):
    """A saved group of places to compare with: by filter, by hand, a programme's cohort, or the
    places most like one place (the matching engine's peer similarity)."""

    class Kind(models.TextChoices):
        FILTER = "filter", _("By filter")
        LIST = "list", _("By hand")
        COHORT = "cohort", _("Programme cohort")
        SIMILAR = "similar", _("Places like one place")

    slug = models.SlugField(_("URL name"), max_length=120, unique=True)
    name = models.JSONField(_("name"), default=dict)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    criteria = models.JSONField(_("criteria"), default=dict, blank=True)
    places = models.ManyToManyField("places.Place", verbose_name=_("places"), related_name="+", blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              related_name="peer_groups", on_delete=models.SET_NULL)
    shared = models.BooleanField(_("shared"), default=False, help_text=_("everyone may use it"))

    name_text = Translated("name")

    class Meta:
        ordering = ["slug"]
        verbose_name = _("peer group")
        verbose_name_plural = _("peer groups")

    def __str__(self) -> str:
        return self.name_text or self.slug
