"""Learning activities: study tours, deep dives, workshops… with their agenda (sessions), speakers
and participants. The tables keep the names they had inside ``partnerships``."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.models import TimeStampedModel, Titled


class Activity(Titled, TimeStampedModel):
    """A learning activity: study tour, technical deep dive, workshop, training, conference session…"""

    class Kind(models.TextChoices):
        STUDY_TOUR = "study_tour", _("Study tour")
        DEEP_DIVE = "deep_dive", _("Technical deep dive")
        WORKSHOP = "workshop", _("Peer-to-peer workshop")
        TRAINING = "training", _("Training")
        CONFERENCE = "conference", _("Conference session")
        WEBINAR = "webinar", _("Webinar")
        SITE_VISIT = "site_visit", _("Site visit")
        STAFF_EXCHANGE = "staff_exchange", _("Staff exchange")

    slug = models.SlugField(_("URL name"), max_length=120, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.JSONField(_("title"), default=dict, help_text=_("text per language"))
    description = models.JSONField(_("description"), default=dict, blank=True)
    partnership = models.ForeignKey("partnerships.Partnership", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="activities")
    programme = models.ForeignKey("programmes.Programme", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="activities")
    organiser = models.ForeignKey("places.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="activities")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Tokyo")
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    room = models.CharField(_("room"), max_length=100, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    follow_up = models.JSONField(_("what was adopted later"), default=dict, blank=True)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        db_table = "partnerships_activity"
        ordering = ["starts_at"]
        verbose_name = _("learning activity")
        verbose_name_plural = _("learning activities")


class Session(Titled, TimeStampedModel):
    """One slot of an activity's agenda: a talk, a panel, a visit. Inside the activity's span."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions",
                                 verbose_name=_("learning activity"))
    title = models.JSONField(_("title"), default=dict, help_text=_("text per language"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.CharField(_("room"), max_length=100, blank=True)

    class Meta:
        db_table = "partnerships_session"
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="session_ends_after_it_starts"),
        ]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")


class Speaker(models.Model):
    """Someone who speaks or moderates: in one session, or (session empty) at the activity as a whole."""

    class Role(models.TextChoices):
        MODERATOR = "moderator", _("Moderator")
        SPEAKER = "speaker", _("Speaker")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="speakers")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.CASCADE, related_name="speakers",
                                verbose_name=_("session"))
    contact = models.ForeignKey("places.Contact", on_delete=models.CASCADE, related_name="talks")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.SPEAKER)
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "partnerships_speaker"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.contact} ({self.get_role_display()})"


class Participant(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(max_length=200)
    place = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    attended = models.BooleanField(null=True, blank=True)
    before_score = models.PositiveSmallIntegerField(_("self-assessment before (1–5)"), null=True, blank=True)
    after_score = models.PositiveSmallIntegerField(_("self-assessment after (1–5)"), null=True, blank=True)
    adopted_later = models.TextField(_("what they adopted later"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        db_table = "partnerships_participant"

    def __str__(self) -> str:
        return self.name
