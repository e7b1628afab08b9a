from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.models import TimeStampedModel, Titled, Translated
from renkei.core.text import pick_language


class Partnership(Titled, TimeStampedModel):
    class Kind(models.TextChoices):
        BILATERAL = "bilateral", _("Bilateral (city–city)")
        TRIANGULAR = "triangular", _("Triangular (agency + Japanese city + partner city)")
        NETWORK = "network", _("Network")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        AGREED = "agreed", _("Agreed")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        COMPLETED = "completed", _("Completed")
        CLOSED = "closed", _("Closed")

    slug = models.SlugField(_("URL name"), max_length=120, unique=True)
    title = models.JSONField(_("title"), default=dict, help_text=_("text per language"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.BILATERAL)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    programme = models.ForeignKey("programmes.Programme", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="partnerships", verbose_name=_("programme"))
    application = models.OneToOneField("programmes.Application", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="partnership")
    themes = models.ManyToManyField("places.Theme", blank=True, related_name="partnerships",
                                    verbose_name=_("themes"))
    description = models.JSONField(_("description"), default=dict, blank=True)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    last_activity_on = models.DateField(_("last activity"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=True)

    description_text = Translated("description")

    class Meta:
        ordering = ["title__en", "id"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")


class Member(models.Model):
    """A place or an organisation in a partnership, with its IATI OrganisationRole."""

    class Role(models.TextChoices):
        FUNDING = "1", _("Funding")
        ACCOUNTABLE = "2", _("Accountable")
        EXTENDING = "3", _("Extending")
        IMPLEMENTING = "4", _("Implementing")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="members")
    place = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="partnership_memberships")
    organisation = models.ForeignKey("places.Organisation", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="partnership_memberships")
    role = models.CharField(_("role"), max_length=2, choices=Role.choices, default=Role.IMPLEMENTING)
    focal_points = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="partnership_roles",
                                          verbose_name=_("focal points"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(place__isnull=False, organisation__isnull=True)
                           | models.Q(place__isnull=True, organisation__isnull=False)),
                name="member_is_place_or_organisation"),
        ]
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return str(self.place or self.organisation)


class StatusChange(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    reason = models.TextField(_("why"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    changed_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Agreement(models.Model):
    class Kind(models.TextChoices):
        MOU = "mou", _("Memorandum of understanding")
        LETTER_OF_INTENT = "loi", _("Letter of intent")
        SISTER_CITY = "sister", _("Sister-city agreement")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="agreements")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.MOU)
    signed_on = models.DateField(_("signed on"))
    signed_at = models.CharField(_("place of signature"), max_length=200, blank=True)
    signatories = models.JSONField(_("signatories"), default=list, blank=True,
                                   help_text=_('[{"name": …, "title": …, "organisation": …}]'))
    themes = models.ManyToManyField("places.Theme", blank=True, related_name="+")
    term_years = models.PositiveSmallIntegerField(_("term (years)"), null=True, blank=True)
    document = models.FileField(_("document"), upload_to="agreements/", blank=True)
    signed_by_both_heads = models.BooleanField(_("signed by both heads of government"), default=False)
    budget_approved_by_assembly = models.BooleanField(_("budget approved by the assembly"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["signed_on"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.signed_on}"

    @property
    def formal_conditions(self) -> dict[str, bool]:
        """The usual tests of a formal city partnership: both heads signed, exchanges in more than
        one field, a budget approved by the assembly."""
        return {"signed_by_both_heads": self.signed_by_both_heads,
                "more_than_one_field": self.themes.count() > 1 if self.pk else False,
                "budget_approved_by_assembly": self.budget_approved_by_assembly}

    @property
    def is_formal(self) -> bool:
        return all(self.formal_conditions.values())


class Objective(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="objectives")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.JSONField(_("objective"), default=dict)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self) -> str:
        return pick_language(self.text)


class Action(Titled):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    title = models.JSONField(_("action"), default=dict)
    owner = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    starts_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    budget_eur = models.DecimalField(_("budget (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["due_on", "id"]


class Milestone(Titled):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.JSONField(default=dict)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["due_on", "id"]


class Pilot(Titled):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="pilots")
    title = models.JSONField(_("pilot"), default=dict)
    objective = models.JSONField(_("objective"), default=dict, blank=True)
    location = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    budget_eur = models.DecimalField(_("budget (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    results = models.JSONField(_("results"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
