from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TextEmbedding(models.Model):
    """Embedding of one text, keyed by the SHA-256 of the text: recomputed only when a text changes."""

    key = models.CharField(max_length=64)
    model = models.CharField(max_length=40)
    vector = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "model"], name="unique_embedding_per_model")]
        verbose_name = _("text embedding")
        verbose_name_plural = _("text embeddings")

    def __str__(self) -> str:
        return f"{self.model}:{self.key[:12]}"


class MatchRun(models.Model):
    """A stored search or cohort pairing, so a programme can show why it paired whom."""

    class Kind(models.TextChoices):
        MATCH = "match", _("Partner search")
        PAIRING = "pairing", _("Cohort pairing")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   verbose_name=_("by"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    place = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="match_runs", verbose_name=_("place"))
    preset = models.CharField(_("preset"), max_length=20, blank=True)
    weights = models.JSONField(_("weights"), default=dict)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    results = models.JSONField(_("results"), default=list)
    total = models.FloatField(_("total score"), null=True, blank=True)
    programme = models.ForeignKey("programmes.Programme", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="match_runs", verbose_name=_("programme"),
                                  help_text=_("the programme whose context the search was made in"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} #{self.pk}"


class MatchFeedback(models.Model):
    """What a place said about a suggested partner. A declined pair is not suggested again."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="match_feedback",
                              verbose_name=_("place"))
    candidate = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("suggested partner"))
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    run = models.ForeignKey(MatchRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["place", "candidate"], name="one_feedback_per_pair")]
        verbose_name = _("match feedback")
        verbose_name_plural = _("match feedback")

    def __str__(self) -> str:
        return f"{self.place} → {self.candidate}: {self.get_decision_display()}"


class ProgrammeTuning(models.Model):
    """One tuning of a preset's weights on a programme's own decisions (docs/algorithms/tuning.md):
    the figures on the held-back decisions before and after, and whether the tuned weights were
    applied. At most one tuning per programme and preset is in use; matching in that programme's
    context uses its weights until an officer returns to the preset."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="matching_tunings",
                                  verbose_name=_("programme"))
    preset = models.CharField(_("preset"), max_length=20)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    applied = models.BooleanField(_("applied"), default=False,
                                  help_text=_("the tuned weights ranked the held-back decisions at least as well"))
    in_use = models.BooleanField(_("in use"), default=False)
    weights = models.JSONField(_("tuned weights"), default=dict, blank=True)
    preset_weights = models.JSONField(_("preset weights"), default=dict, blank=True)
    metric = models.CharField(_("metric"), max_length=40, blank=True)
    comparison = models.CharField(_("compared"), max_length=20, blank=True)
    decisions = models.PositiveIntegerField(_("decided pairs"), default=0)
    positives = models.PositiveIntegerField(_("yes"), default=0)
    negatives = models.PositiveIntegerField(_("no"), default=0)
    sources = models.JSONField(_("decisions by source"), default=dict, blank=True)
    train_pairs = models.PositiveIntegerField(_("training pairs"), default=0)
    held_back_pairs = models.PositiveIntegerField(_("held-back pairs"), default=0)
    train_before = models.FloatField(_("training, preset"), null=True, blank=True)
    train_after = models.FloatField(_("training, tuned"), null=True, blank=True)
    held_back_before = models.FloatField(_("held back, preset"), null=True, blank=True)
    held_back_after = models.FloatField(_("held back, tuned"), null=True, blank=True)
    reason = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["programme", "preset"], condition=models.Q(in_use=True),
                                               name="one_tuning_in_use_per_programme_preset")]
        verbose_name = _("programme weight tuning")
        verbose_name_plural = _("programme weight tunings")

    def __str__(self) -> str:
        return f"{self.programme} · {self.preset} #{self.pk}"
