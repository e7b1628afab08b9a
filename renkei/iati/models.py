from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.models import TimeStampedModel


class PublishingSettings(TimeStampedModel):
    """Who reports Renkei's partnerships to IATI, and the defaults of every activity. One row
    (``pk=1``), written only by ``iati.services.settings_update``."""

    reporting_organisation = models.ForeignKey(
        "places.Organisation", verbose_name=_("reporting organisation"), null=True, blank=True,
        related_name="+", on_delete=models.SET_NULL,
    )
    organisation_identifier = models.CharField(
        _("IATI organisation identifier"), max_length=100, blank=True,
        help_text=_("As registered with IATI, e.g. XM-DAC-701-8; every activity identifier begins with it."),
    )
    collaboration_type = models.CharField(_("collaboration type"), max_length=4, default="1")
    aid_type = models.CharField(_("aid type"), max_length=8, default="D02")
    flow_type = models.CharField(_("flow type"), max_length=4, default="10")
    finance_type = models.CharField(_("finance type"), max_length=4, default="110")
    currency = models.CharField(_("default currency"), max_length=3, default="EUR")
    language = models.CharField(_("default language"), max_length=3, default="en")
    site_address = models.URLField(
        _("site address"), blank=True,
        help_text=_("The public address of this Renkei, e.g. https://renkei.example.org; documents and "
                    "pages are linked from it in exported files."),
    )

    class Meta:
        verbose_name = _("IATI publishing settings")
        verbose_name_plural = _("IATI publishing settings")

    def __str__(self) -> str:
        return str(_("IATI publishing settings"))

    @property
    def is_ready(self) -> bool:
        return bool(self.reporting_organisation_id and self.organisation_identifier)


class DocumentLink(TimeStampedModel):
    """A ``document-link`` of an imported activity that Renkei has no record of its own for (another
    publisher's report, an agreement or a library item that lives on another site): kept as a link on
    the partnership or programme, shown on its page and written back into its exported activity."""

    partnership = models.ForeignKey("partnerships.Partnership", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="iati_document_links", verbose_name=_("partnership"))
    programme = models.ForeignKey("programmes.Programme", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="iati_document_links", verbose_name=_("programme"))
    url = models.URLField(_("web address"), max_length=2000)
    format = models.CharField(_("media type"), max_length=100, default="text/html")
    title = models.JSONField(_("title"), default=dict, help_text=_("text per language"))
    categories = models.JSONField(_("document categories"), default=list,
                                  help_text=_("IATI DocumentCategory codes, e.g. A07"))
    languages = models.JSONField(_("languages"), default=list, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    source = models.CharField(_("imported from"), max_length=200, blank=True,
                              help_text=_("the IATI identifier of the activity it came with"))

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(partnership__isnull=False, programme__isnull=True)
                           | models.Q(partnership__isnull=True, programme__isnull=False)),
                name="document_link_of_partnership_or_programme"),
        ]
        verbose_name = _("document link (IATI)")
        verbose_name_plural = _("document links (IATI)")

    def __str__(self) -> str:
        from renkei.core.text import pick_language

        return pick_language(self.title) or self.url
