"""Reads of the IATI app: the settings, what is published, and what cannot be."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from renkei.core.errors import NotAllowed, NotFound
from renkei.iati.models import PublishingSettings
from renkei.iati.permissions import can_edit_settings, can_see_problems
from renkei.partnerships.models import Member, Objective, Partnership
from renkei.places.models import Theme
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


def _to_list(name: str, queryset: QuerySet | None = None) -> Prefetch:
    return Prefetch(name, queryset=queryset, to_attr=f"iati_{name}")


def published_programmes(programme: str | None = None) -> QuerySet[Programme]:
    qs = Programme.objects.filter(is_published=True).prefetch_related(
        _to_list("owners"), _to_list("themes", Theme.objects.select_related("parent")),
        _to_list("iati_document_links"))
    return qs.filter(slug=programme) if programme else qs.order_by("slug")


def published_partnerships(programme: str | None = None, *, full: bool = True) -> QuerySet[Partnership]:
    """What IATI sees: a partnership marked published, past its proposal (agreed or later), and, when
    it belongs to a programme, one whose programme is published too. With the rows its activity
    shows (``full``), else only those its checks read."""
    from renkei.knowledge.models import Product

    qs = (Partnership.objects.filter(is_published=True).exclude(status=Partnership.Status.PROPOSED)
          .filter(Q(programme__isnull=True) | Q(programme__is_published=True))
          .prefetch_related(_to_list("members", Member.objects.select_related("place", "organisation")))
          .order_by("slug"))
    if full:
        qs = qs.prefetch_related(
            _to_list("agreements"), _to_list("pilots"), _to_list("status_changes"), _to_list("iati_document_links"),
            _to_list("objectives", Objective.objects.prefetch_related(_to_list("actions"))),
            _to_list("knowledge_products", Product.objects.filter(
                status=Product.Status.PUBLISHED, visibility=Product.Visibility.PUBLIC)))
    return qs.filter(programme__slug=programme) if programme else qs


def in_batches(qs: QuerySet[Partnership], size: int = 500) -> Iterator[list[Partnership]]:
    """The partnerships of ``qs`` a batch at a time, each with its themes in ``iati_themes``: the few
    themes of the taxonomy are read once and shared, not made again for every partnership."""
    themes = {t.pk: t for t in Theme.objects.select_related("parent")}
    through = Partnership.themes.through
    ids = list(qs.values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        chunk = ids[start:start + size]
        rows = {p.pk: p for p in qs.filter(pk__in=chunk)}
        for p in rows.values():
            p.iati_themes = []
        for partnership_id, theme_id in (through.objects.filter(partnership_id__in=chunk)
                                         .order_by("pk").values_list("partnership_id", "theme_id")):
            rows[partnership_id].iati_themes.append(themes[theme_id])
        yield [rows[pk] for pk in chunk if pk in rows]


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


def document_links(*, viewer: User | AnonymousUser, partnership: str = "", programme: str = "") -> QuerySet:
    """The document links kept from IATI imports, of the partnerships and programmes the viewer may see
    (``partnership``/``programme``: only that one's, by URL name)."""
    from renkei.iati.models import DocumentLink
    from renkei.partnerships.selectors import partnership_list
    from renkei.programmes.selectors import programme_list

    visible = (Q(partnership__in=partnership_list(viewer=viewer).values("pk"))
               | Q(programme__in=programme_list(viewer=viewer).values("pk")))
    qs = DocumentLink.objects.filter(visible).select_related("partnership", "programme")
    if partnership:
        qs = qs.filter(partnership__slug=partnership)
    if programme:
        qs = qs.filter(programme__slug=programme)
    return qs.order_by("id")


def document_link_for(*, viewer: User | AnonymousUser, pk: int | str):
    try:
        link = document_links(viewer=viewer).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        link = None
    if link is None:
        raise NotFound(_("No such document link."), field="id")
    return link
