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
