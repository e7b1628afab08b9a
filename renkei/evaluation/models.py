"""Results frameworks (impact → outcomes → outputs, their indicators, baselines, targets and actuals),
adoptions (a practice a side took up after the partnership) and evaluations scored on the OECD-DAC
criteria plus mutual learning, on one published 4-point rubric (``renkei.evaluation.rubric``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renkei.core.models import TimeStampedModel, Titled, Translated
from renkei.core.text import pick_language


class Level(models.TextChoices):
    # "Outcome" alone is a decision's outcome in the project's catalogue, which wins over this app's
    IMPACT = "impact", _("Impact")
    OUTCOME = "outcome", pgettext_lazy("results chain", "Outcome")
    OUTPUT = "output", _("Output")


# the level a result's parent must have
PARENT_LEVEL = {Level.IMPACT: None, Level.OUTCOME: Level.IMPACT, Level.OUTPUT: Level.OUTCOME}


class Result(Titled, TimeStampedModel):
    """One statement of a partnership's results chain: its impact, an outcome under it, an output
    under an outcome."""

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE, related_name="results",
                                    verbose_name=_("partnership"))
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children",
                               verbose_name=_("contributes to"))
    title = models.JSONField(_("result"), default=dict, help_text=_("text per language"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["partnership", "position", "id"]
        verbose_name = _("result")
        verbose_name_plural = _("results")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class ResultIndicator(TimeStampedModel):
    """How a result is measured: a catalogue indicator, or one of its own (name, unit, direction),
    with the baseline the targets and actuals are read against."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="indicators",
                               verbose_name=_("result"))
    indicator = models.ForeignKey("indicators.Indicator", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="result_uses", verbose_name=_("catalogue indicator"))
    name = models.JSONField(_("name"), default=dict, blank=True, help_text=_("for an indicator of its own"))
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    baseline_value = models.FloatField(_("baseline"), null=True, blank=True)
    baseline_on = models.DateField(_("baseline date"), null=True, blank=True)
    baseline_source = models.CharField(_("source of the baseline"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["result", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(indicator__isnull=False) | ~models.Q(name={}),
                                   name="result_indicator_is_named"),
        ]
        verbose_name = _("result indicator")
        verbose_name_plural = _("result indicators")

    @property
    def name_text(self) -> str:
        if self.indicator_id and not self.name:
            return self.indicator.name_text
        return pick_language(self.name)

    def __str__(self) -> str:
        return self.name_text


class Target(models.Model):
    """The value an indicator should reach by the end of a period."""

    result_indicator = models.ForeignKey(ResultIndicator, on_delete=models.CASCADE, related_name="targets",
                                         verbose_name=_("indicator"))
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    value = models.FloatField(_("target"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["period_end", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gt=models.F("period_start")),
                                   name="target_period_ends_after_it_starts"),
            models.UniqueConstraint(fields=["result_indicator", "period_start", "period_end"],
                                    name="one_target_per_period"),
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.value:g} ({self.period_start} – {self.period_end})"


class Actual(models.Model):
    """A value measured for a period, with its evidence. ``is_sample`` marks a value made up to show
    the feature (the demo's), never a measured one."""

    result_indicator = models.ForeignKey(ResultIndicator, on_delete=models.CASCADE, related_name="actuals",
                                         verbose_name=_("indicator"))
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    value = models.FloatField(_("actual"))
    evidence_url = models.URLField(_("evidence (web address)"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    is_sample = models.BooleanField(_("sample value"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["period_end", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="actual_period_ends_after_it_starts"),
            models.UniqueConstraint(fields=["result_indicator", "period_start", "period_end"],
                                    name="one_actual_per_period"),
        ]
        verbose_name = _("actual")
        verbose_name_plural = _("actuals")

    def __str__(self) -> str:
        return f"{self.value:g} ({self.period_start} – {self.period_end})"


class Adoption(TimeStampedModel):
    """A practice one side took up after (and because of) the partnership."""

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE, related_name="adoptions",
                                    verbose_name=_("partnership"))
    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="adoptions",
                              verbose_name=_("adopted by"))
    practice = models.JSONField(_("practice"), default=dict, help_text=_("text per language"))
    adopted_on = models.DateField(_("adopted on"))
    evidence_url = models.URLField(_("evidence (web address)"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    is_sample = models.BooleanField(_("sample value"), default=False)

    practice_text = Translated("practice")

    class Meta:
        ordering = ["adopted_on", "id"]
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")

    def __str__(self) -> str:
        return self.practice_text


class Criterion(models.TextChoices):
    RELEVANCE = "relevance", pgettext_lazy("evaluation criterion", "Relevance")
    COHERENCE = "coherence", pgettext_lazy("evaluation criterion", "Coherence")
    EFFECTIVENESS = "effectiveness", pgettext_lazy("evaluation criterion", "Effectiveness")
    EFFICIENCY = "efficiency", pgettext_lazy("evaluation criterion", "Efficiency")
    IMPACT = "impact", pgettext_lazy("evaluation criterion", "Impact")
    SUSTAINABILITY = "sustainability", pgettext_lazy("evaluation criterion", "Sustainability")
    MUTUAL_LEARNING = "mutual_learning", pgettext_lazy("evaluation criterion", "Mutual learning")


class Evaluation(TimeStampedModel):
    class Kind(models.TextChoices):
        MID_TERM = "mid_term", _("Mid-term")
        FINAL = "final", _("Final")
        EX_POST = "ex_post", _("Ex-post")

    class Mode(models.TextChoices):
        SELF = "self", _("Self-evaluation")
        EXTERNAL = "external", _("External evaluation")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        PUBLISHED = "published", _("Published")

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE,
                                    related_name="evaluations", verbose_name=_("partnership"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    mode = models.CharField(_("by"), max_length=10, choices=Mode.choices, default=Mode.EXTERNAL)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    due_on = models.DateField(_("due"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True, help_text=_("text per language"))
    evaluators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="evaluations_assigned",
                                        verbose_name=_("evaluators"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    summary_text = Translated("summary")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_mode_display()} · {self.partnership}"


class Score(models.Model):
    """One criterion of an evaluation: a level of the rubric (1–4), why, and the evidence."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores",
                                   verbose_name=_("evaluation"))
    criterion = models.CharField(_("criterion"), max_length=20, choices=Criterion.choices)
    level = models.PositiveSmallIntegerField(_("level (1–4)"))
    justification = models.TextField(_("justification"), max_length=4000)
    evidence = models.TextField(_("evidence"), max_length=4000, blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    scored_at = models.DateTimeField(_("scored"), auto_now=True)

    class Meta:
        ordering = ["evaluation", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="evaluation_one_score_per_criterion"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=4),
                                   name="evaluation_score_level_1_to_4"),
        ]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self) -> str:
        return f"{self.get_criterion_display()}: {self.level}"
