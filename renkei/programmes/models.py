from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.models import TimeStampedModel, Titled, Translated


class Programme(Titled, TimeStampedModel):
    """A cooperation programme (the World Bank's City Partnership Program, the EU's IUC…) with the
    eligibility rules its calls apply."""

    slug = models.SlugField(_("URL name"), max_length=120, unique=True)
    title = models.JSONField(_("title"), default=dict, help_text=_("text per language"))
    description = models.JSONField(_("description"), default=dict, blank=True)
    owners = models.ManyToManyField("places.Organisation", verbose_name=_("run by"), blank=True,
                                    related_name="programmes")
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("programme officers"), blank=True,
                                      related_name="programmes")
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    themes = models.ManyToManyField("places.Theme", verbose_name=_("themes"), blank=True, related_name="programmes")
    eligible_countries = models.JSONField(_("eligible countries"), default=list, blank=True,
                                          help_text=_("ISO codes; empty means any country"))
    eligible_levels = models.JSONField(_("eligible levels"), default=list, blank=True)
    min_population = models.PositiveBigIntegerField(_("minimum population"), null=True, blank=True)
    max_population = models.PositiveBigIntegerField(_("maximum population"), null=True, blank=True)
    required_themes = models.ManyToManyField("places.Theme", verbose_name=_("required expertise themes"),
                                             blank=True, related_name="+")
    is_published = models.BooleanField(_("published"), default=True)

    description_text = Translated("description")

    class Meta:
        ordering = ["-starts_on", "title__en"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")


class Call(Titled, TimeStampedModel):
    """A call for expressions of interest: draft → open → closed → decided."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        DECIDED = "decided", _("Decided")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="calls",
                                  verbose_name=_("programme"))
    slug = models.SlugField(_("URL name"), max_length=120, unique=True)
    title = models.JSONField(_("title"), default=dict, help_text=_("text per language"))
    description = models.JSONField(_("what the programme offers"), default=dict, blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    timezone = models.CharField(_("time zone of the deadline"), max_length=64, default="Asia/Tokyo")
    places_to_select = models.PositiveSmallIntegerField(_("places to select"), default=1)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)

    description_text = Translated("description")

    class Meta:
        ordering = ["-opens_at", "title__en"]
        verbose_name = _("call for expressions of interest")
        verbose_name_plural = _("calls for expressions of interest")


class Question(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        CHOICE = "choice", _("Choice")
        FILE = "file", _("File")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.TEXT)
    text = models.JSONField(_("question"), default=dict, help_text=_("text per language"))
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)

    text_text = Translated("text")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text_text


class Criterion(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.JSONField(_("criterion"), default=dict, help_text=_("text per language"))
    weight = models.FloatField(_("weight"), default=1.0, validators=[MinValueValidator(0)])

    name_text = Translated("name")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.name_text


class Application(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="applications")
    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="applications",
                              verbose_name=_("applicant"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call", "place"], name="one_application_per_place")]
        ordering = ["call", "place__name_en"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return f"{self.place} → {self.call}"


def attachment_path(instance, filename: str) -> str:
    return f"applications/{instance.application_id}/{instance.question_id}/{filename}"


class Answer(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(blank=True)
    file = models.FileField(upload_to=attachment_path, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "question"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return f"{self.application}: {self.question_id}"


class ReviewAssignment(models.Model):
    """A reviewer's seat on one application: conflict declaration first, then scores."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    conflicted = models.BooleanField(_("conflict of interest"), null=True, blank=True,
                                     help_text=_("unknown until the reviewer declares"))
    conflict_note = models.TextField(_("conflict note"), blank=True)
    submitted_at = models.DateTimeField(_("scores submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="one_seat_per_reviewer")]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")

    def __str__(self) -> str:
        return f"{self.reviewer} · {self.application}"


class Score(models.Model):
    assignment = models.ForeignKey(ReviewAssignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"], name="one_score_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"
