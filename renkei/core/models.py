from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.text import pick_language


class TimeStampedModel(models.Model):
    """Creation/update times and a version number for optimistic locking.

    Update services compare the version a form or API client saw with the stored one, so two
    officers editing the same profile cannot silently overwrite each other.
    """

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class Translated:
    """A read-only attribute: the text of a bilingual JSON field (``{"en": …, "ja": …}``) in the
    reader's language, e.g. ``title_text = Translated("title")``. Not a column: no migration."""

    def __init__(self, field: str) -> None:
        self.field = field

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return pick_language(getattr(instance, self.field))


class Localized:
    """A read-only attribute: the Japanese column for Japanese readers when it is filled, else the
    English one, e.g. ``name = Localized("name_en", "name_ja")`` (models with column pairs)."""

    def __init__(self, english: str, japanese: str) -> None:
        self.english, self.japanese = english, japanese

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return localized(getattr(instance, self.english), getattr(instance, self.japanese))


class Titled(models.Model):
    """A model whose ``title`` is bilingual text: ``title_text`` reads it and names the object."""

    title_text = Translated("title")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title_text


class AuditEntry(models.Model):
    """Who changed what, and when. Written explicitly by services, never by signals."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("updated")
        DELETE = "delete", _("deleted")
        IMPORT = "import", _("imported")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=255)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"


def localized(english: str, japanese: str) -> str:
    """The Japanese text for Japanese readers when there is one, else the English."""
    from django.utils.translation import get_language

    return japanese if japanese and (get_language() or "en").startswith("ja") else english
