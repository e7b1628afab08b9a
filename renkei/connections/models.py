"""The connected population (つながり人口) of a place: people and organisations outside it who stay
connected to it, each with the consent that allows keeping the record, their interactions, and the
tallies the dashboard reads (kept in step by the services)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renkei.core.models import TimeStampedModel


class Kind(models.TextChoices):
    FORMER_RESIDENT = "former_resident", _("Former resident")
    HOMETOWN_TAX_DONOR = "hometown_tax_donor", _("Hometown-tax donor (furusato nozei)")
    VOLUNTEER = "volunteer", _("Volunteer")
    STUDY_TOUR_ALUMNUS = "study_tour_alumnus", _("Study-tour alumnus")
    TRAINING_ALUMNUS = "training_alumnus", _("Training alumnus")
    BUSINESS_PARTNER = "business_partner", _("Business partner")
    RESEARCHER = "researcher", _("Researcher")
    REPEAT_VISITOR = "repeat_visitor", _("Repeat visitor")
    ONLINE_COMMUNITY = "online_community", _("Online community member")
    PARTNER_CITY_CITIZEN = "partner_city_citizen", _("Partner-city citizen")
    OTHER = "other", _("Other")


class Stage(models.IntegerChoices):
    """How far someone has come, from a first visit to contributing again and again; the highest
    stage reached is kept (people move forward, never back)."""

    VISITOR = 1, _("Visitor")
    REPEAT_VISITOR = 2, _("Repeat visitor")
    PARTICIPANT = 3, _("Participant")
    CONTRIBUTOR = 4, _("Contributor")
    REPEAT_CONTRIBUTOR = 5, _("Repeat contributor")


class Scope(models.TextChoices):
    RECORD = "record", _("Keep a record and count in statistics")
    CONTACT = "contact", _("Keep a record, count in statistics and contact")


class ConnectedPerson(TimeStampedModel):
    """Someone (or an organisation) outside ``place`` who is connected to it. Visible one by one only to
    the place's focal points and administrators; withdrawn people are left out of every list and
    tally from the moment of withdrawal, and erasure deletes the row."""

    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="connected_people",
                              verbose_name=_("place"))
    name = models.CharField(_("name"), max_length=200)
    is_organisation = models.BooleanField(_("an organisation"), default=False)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    kind = models.CharField(_("how connected"), max_length=24, choices=Kind.choices)
    since = models.DateField(_("connected since"))
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    prefecture = models.CharField(_("prefecture"), max_length=2, blank=True,
                                  help_text=_("JIS code 01–47, for people in Japan"))
    stage = models.PositiveSmallIntegerField(_("engagement stage"), choices=Stage.choices, default=Stage.VISITOR)
    activity = models.ForeignKey("activities.Activity", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("through the activity"))
    partnership = models.ForeignKey("partnerships.Partnership", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("through the partnership"))
    participant = models.ForeignKey("activities.Participant", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    interactions = models.PositiveIntegerField(_("interactions"), default=0)
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    reference = models.CharField(_("reference"), max_length=64, blank=True,
                                 help_text=_("the identifier in the system it was imported from"))
    is_sample = models.BooleanField(_("sample data"), default=False)
    withdrawn_at = models.DateTimeField(_("consent withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["place", "withdrawn_at", "name"], name="connection_place_name"),
                   models.Index(fields=["place", "last_contact_on"], name="connection_place_contact")]
        constraints = [
            models.UniqueConstraint(fields=["place", "participant"], name="connection_participant_once",
                                    condition=models.Q(participant__isnull=False)),
        ]
        verbose_name = _("connected person")
        verbose_name_plural = _("connected people")

    def __str__(self) -> str:
        # never the name: this text is what the audit log keeps after an erasure
        return f"#{self.pk}"

    @property
    def where_key(self) -> str:
        return f"JP-{self.prefecture}" if self.country == "JP" and self.prefecture else self.country

    @property
    def may_contact(self) -> bool:
        """Whether a consent not withdrawn allows contacting them (scope ``contact``); the selectors
        annotate it as ``contact_allowed``, otherwise it is read from the consents."""
        known = self.__dict__.get("contact_allowed")
        if known is not None:
            return bool(known)
        if self.pk is None or self.withdrawn_at is not None:
            return False
        return self.consents.filter(scope=Scope.CONTACT, withdrawn_at__isnull=True).exists()


class Consent(models.Model):
    """What a person agreed to: purpose, scope, when and how it was given; withdrawal ends it."""

    person = models.ForeignKey(ConnectedPerson, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=300)
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices, default=Scope.RECORD)
    given_on = models.DateField(_("given on"))
    source = models.CharField(pgettext_lazy("consent", "source"), max_length=200,
                              help_text=_("how it was given: a form, an e-mail…"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["given_on", "id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.get_scope_display()} ({self.given_on})"


class Interaction(models.Model):
    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        DONATION = "donation", _("Donation")
        EVENT = "event", _("Event or activity")
        MESSAGE = "message", _("Message")
        ONLINE = "online", _("Online")
        PURCHASE = "purchase", _("Purchase or business")
        OTHER = "other", _("Other")

    person = models.ForeignKey(ConnectedPerson, on_delete=models.CASCADE, related_name="interaction_set")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    imported = models.BooleanField(_("imported"), default=False)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class StageChange(models.Model):
    """One move of a person between engagement stages: when, from which stage (none: they joined at
    ``to_stage``), to which, and through what (an edit, a contact, an import, an activity). The
    dashboard's movement over time reads the ``moved`` tallies kept from these rows."""

    class Source(models.TextChoices):
        ADDED = "added", _("Added")
        EDIT = "edit", _("Edited")
        INTERACTION = "interaction", _("A contact")
        IMPORT = "import", _("Imported")
        ACTIVITY = "activity", _("A learning activity")
        SEEDED = "seeded", _("Recovered from earlier records")

    person = models.ForeignKey(ConnectedPerson, on_delete=models.CASCADE, related_name="stage_changes")
    on = models.DateField(_("date"))
    from_stage = models.PositiveSmallIntegerField(_("from"), choices=Stage.choices, null=True, blank=True)
    to_stage = models.PositiveSmallIntegerField(_("to"), choices=Stage.choices)
    source = models.CharField(_("through"), max_length=16, choices=Source.choices)
    interaction = models.ForeignKey(Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("the contact"))
    activity = models.ForeignKey("activities.Activity", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("the activity"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["person", "on"], name="connection_stage_person")]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.from_stage or '-'} → {self.to_stage} ({self.on})"

    @property
    def tally_key(self) -> str:
        return f"{self.on.year}:{self.from_stage or 0}:{self.to_stage}"


class RetentionRule(models.Model):
    """People of ``place`` with no contact for ``years`` years are erased by the retention task."""

    place = models.OneToOneField("places.Place", on_delete=models.CASCADE, related_name="connection_retention",
                                 verbose_name=_("place"))
    years = models.PositiveSmallIntegerField(_("erase after years without contact"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self) -> str:
        return f"{self.place}: {self.years}"


class Tally(models.Model):
    """How many connected people (consent not withdrawn) of a place have one value of one dimension:
    ``joined`` (kind:year), ``where`` (country or JP-prefecture), ``stage``, ``contact`` (month of last
    contact, or ``none``), ``sample`` (``yes``: invented sample records), ``moved`` (``year:from:to``
    of each stage change, ``from`` 0 when they joined at that stage). Kept in step by every service
    that changes people, read by the dashboard."""

    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=8)
    key = models.CharField(max_length=40)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["place", "dimension", "key"], name="connection_tally_key")]

    def __str__(self) -> str:
        return f"{self.dimension} {self.key}: {self.count}"
