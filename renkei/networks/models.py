"""Intercity networks: members with tiers and standing, dues invoices and payments, offices,
meetings with their decisions, funding by source, and network projects.

Money is ``Decimal`` throughout (``DecimalField``), with an ISO 4217 currency code beside it."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renkei.core.models import Localized, TimeStampedModel, Titled, Translated


class Network(TimeStampedModel):
    slug = models.SlugField(_("URL name"), max_length=120, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    host = models.ForeignKey("places.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="hosted_networks", verbose_name=_("secretariat host"))
    founded_year = models.PositiveSmallIntegerField(_("founded"), null=True, blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    themes = models.ManyToManyField("places.Theme", blank=True, related_name="networks", verbose_name=_("themes"))
    website = models.URLField(_("website"), blank=True)
    description = models.JSONField(_("description"), default=dict, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="USD", help_text=_("ISO 4217"))
    secretariat = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="network_secretariats",
                                         verbose_name=_("secretariat users"))
    dues_formula = models.JSONField(_("dues formula"), default=dict, blank=True)
    presidency_rules = models.JSONField(_("presidency rules"), default=dict, blank=True)
    hhi_threshold = models.DecimalField(_("funding concentration warning (HHI)"), max_digits=5, decimal_places=4,
                                        default=Decimal("0.2500"))
    silent_months = models.PositiveSmallIntegerField(_("months of silence before a flag"), default=12)
    next_invoice_number = models.PositiveIntegerField(default=1, editable=False)
    is_sample = models.BooleanField(_("sample data"), default=False)
    is_published = models.BooleanField(_("published"), default=True)

    name = Localized("name_en", "name_ja")
    description_text = Translated("description")

    class Meta:
        ordering = ["name_en", "id"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.name_en


class NetworkMember(models.Model):
    class Tier(models.TextChoices):
        FULL = "full", _("Full")
        ASSOCIATE = "associate", _("Associate")
        AFFILIATE = "affiliate", _("Affiliate")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="members")
    place = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="network_memberships", verbose_name=_("place"))
    organisation = models.ForeignKey("places.Organisation", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="network_memberships", verbose_name=_("organisation"))
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, default=Tier.FULL)
    region = models.CharField(_("region"), max_length=100, blank=True)
    joined_on = models.DateField(_("joined"), null=True, blank=True)
    left_on = models.DateField(_("left"), null=True, blank=True)
    is_founder = models.BooleanField(_("founding member"), default=False)
    volunteers_for_presidency = models.BooleanField(_("volunteers for the presidency"), default=False)
    representatives = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                             related_name="network_representations",
                                             verbose_name=_("representatives"))
    contacts = models.ManyToManyField("places.Contact", blank=True, related_name="network_memberships",
                                      verbose_name=_("contacts"))

    class Meta:
        ordering = ["network", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(place__isnull=False, organisation__isnull=True)
                           | models.Q(place__isnull=True, organisation__isnull=False)),
                name="network_member_is_place_or_organisation"),
            models.UniqueConstraint(fields=["network", "place"], name="network_member_place_once"),
            models.UniqueConstraint(fields=["network", "organisation"], name="network_member_organisation_once"),
        ]
        verbose_name = _("network member")
        verbose_name_plural = _("network members")

    def __str__(self) -> str:
        return str(self.place or self.organisation)

    @property
    def name(self) -> str:
        return (self.place or self.organisation).name

    @property
    def key(self) -> str:
        return self.place.slug if self.place_id else self.organisation.slug

    @property
    def country(self) -> str:
        return (self.place.country if self.place_id else self.organisation.country) or ""


class Invoice(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("invoice status", "Open")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="invoices")
    member = models.ForeignKey(NetworkMember, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(_("number"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    currency = models.CharField(_("currency"), max_length=3)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    paid = models.DecimalField(_("paid"), max_digits=14, decimal_places=2, default=Decimal("0"))
    issued_on = models.DateField(_("issued"))
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    breakdown = models.JSONField(_("how the amount was reached"), default=dict, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_on = models.DateField(_("last reminded"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["network", "number"], name="invoice_number_unique_per_network"),
            models.UniqueConstraint(fields=["network", "member", "year"], condition=~models.Q(status="cancelled"),
                                    name="one_live_invoice_per_member_and_year"),
        ]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self) -> str:
        return self.number

    @property
    def balance(self) -> Decimal:
        return Decimal("0") if self.status == self.Status.CANCELLED else self.amount - self.paid


class Payment(models.Model):
    """A payment towards an invoice, as received: its amount and currency, and the rate that turns
    one unit of it into the invoice's currency (1 when they are the same)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="payments")
    received_on = models.DateField(_("received"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    rate = models.DecimalField(_("rate to the invoice currency"), max_digits=18, decimal_places=8)
    amount_in_invoice_currency = models.DecimalField(_("in the invoice currency"), max_digits=14, decimal_places=2)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class Office(models.Model):
    class Kind(models.TextChoices):
        PRESIDENT = "president", _("President")
        VICE_PRESIDENT = "vice_president", _("Vice-president")
        EXECUTIVE_COMMITTEE = "executive_committee", _("Executive committee")
        SECRETARIAT = "secretariat", _("Secretariat")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="offices")
    member = models.ForeignKey(NetworkMember, on_delete=models.CASCADE, related_name="offices")
    kind = models.CharField(_("office"), max_length=24, choices=Kind.choices)
    starts_on = models.DateField(_("term starts"))
    ends_on = models.DateField(_("term ends"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "kind", "id"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.member}"


class Meeting(Titled):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="meetings")
    title = models.JSONField(_("title"), default=dict)
    held_on = models.DateField(_("held on"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    quorum = models.PositiveSmallIntegerField(_("quorum (members present)"), default=1)
    agenda = models.JSONField(_("agenda"), default=list, blank=True)
    attendees = models.ManyToManyField(NetworkMember, blank=True, related_name="meetings_attended",
                                       verbose_name=_("members present"))

    class Meta:
        ordering = ["-held_on", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.JSONField(pgettext_lazy("meeting", "decision"), default=dict)
    votes_for = models.PositiveSmallIntegerField(_("for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("against"), default=0)
    abstentions = models.PositiveSmallIntegerField(_("abstentions"), default=0)

    text_value = Translated("text")

    class Meta:
        ordering = ["id"]
        verbose_name = pgettext_lazy("meeting", "decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.text_value

    @property
    def adopted(self) -> bool:
        return self.votes_for > self.votes_against


class FundingEntry(models.Model):
    class Source(models.TextChoices):
        MEMBERSHIP_FEES = "membership_fees", _("Membership fees")
        AGENCY_GRANTS = "agency_grants", _("Agency grants")
        HOST_CITY = "host_city", _("Host city contribution")
        PROJECT_INCOME = "project_income", _("Project income")
        SPONSORSHIP = "sponsorship", _("Sponsorship")
        OTHER = "other", _("Other")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="funding")
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(pgettext_lazy("funding", "source"), max_length=24, choices=Source.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2,
                                 help_text=_("in the network's currency"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["year", "source"]
        constraints = [models.UniqueConstraint(fields=["network", "year", "source"], name="funding_once_per_source")]
        verbose_name = _("funding")
        verbose_name_plural = _("funding")

    def __str__(self) -> str:
        return f"{self.year} {self.get_source_display()}"


class NetworkProject(Titled):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="projects")
    title = models.JSONField(_("title"), default=dict)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    members = models.ManyToManyField(NetworkMember, blank=True, related_name="projects",
                                     verbose_name=_("members taking part"))
    partnerships = models.ManyToManyField("partnerships.Partnership", blank=True, related_name="network_projects",
                                          verbose_name=_("partnerships"))
    activities = models.ManyToManyField("activities.Activity", blank=True, related_name="network_projects",
                                        verbose_name=_("learning activities"))

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("network project")
        verbose_name_plural = _("network projects")
