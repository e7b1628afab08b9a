"""Reads of the IATI app: the settings, what is published, and what cannot be."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from renkei.core.errors import NotAllowed, NotFound
from renkei.iati.models import PublishingSettings
from renkei.iati.permissions import can_edit_settings, can_see_problems
from renkei.partnerships.models import Partnership
from renkei.programmes.models import Programme

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User
    from renkei.iati.mapping import Skipped


def publishing_settings() -> PublishingSettings:
    """The settings row, or the defaults (unsaved) before an administrator set them."""
    return (PublishingSettings.objects.select_related("reporting_organisation").filter(pk=1).first()
            or PublishingSettings(pk=1))


def settings_for(*, viewer: User | AnonymousUser) -> PublishingSettings:
    if not can_edit_settings(viewer):
        raise NotAllowed(_("Only administrators see the IATI publishing settings."))
    return publishing_settings()


def published_programmes(programme: str | None = None) -> QuerySet[Programme]:
    qs = Programme.objects.filter(is_published=True).prefetch_related("owners", "themes__parent")
    return qs.filter(slug=programme) if programme else qs.order_by("slug")


def published_partnerships(programme: str | None = None) -> QuerySet[Partnership]:
    """What IATI sees: a partnership marked published, past its proposal (agreed or later), and, when
    it belongs to a programme, one whose programme is published too."""
    qs = (Partnership.objects.filter(is_published=True).exclude(status=Partnership.Status.PROPOSED)
          .filter(Q(programme__isnull=True) | Q(programme__is_published=True))
          .select_related("programme")
          .prefetch_related("members__place", "members__organisation", "themes__parent", "agreements",
                            "pilots", "objectives__actions", "status_changes", "knowledge_products")
          .order_by("slug"))
    return qs.filter(programme__slug=programme) if programme else qs


def programme_or_404(slug: str) -> Programme:
    programme = published_programmes(slug).first()
    if programme is None:
        raise NotFound(_("No published programme has this URL name."), field="programme")
    return programme


def export_problems(*, viewer: User | AnonymousUser, programme: str | None = None) -> list[Skipped]:
    """The published partnerships (and programmes) that cannot be exported validly, with the reasons."""
    from renkei.iati.exporting import plan_export

    if not can_see_problems(viewer):
        raise NotAllowed(_("Only administrators and programme officers see what cannot be published."))
    return plan_export(programme=programme).skipped
