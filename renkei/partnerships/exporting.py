"""The partnership list with its health, as a spreadsheet (the list page's downloads and
`renkei export sheet partnerships`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from renkei.core.spreadsheets import Column, Sheet
from renkei.partnerships import selectors, services


def _member_name(member) -> str:
    return member.place.name if member.place_id else member.organisation.name


def partnership_rows(partnerships, *, today=None):
    for p in partnerships:
        health = services.health(p, today)
        members = list(p.members.all())
        yield {
            "title": p.title_text, "kind": p.get_kind_display(), "status": p.get_status_display(),
            "programme": p.programme.title_text if p.programme else None,
            "members": [f"{_member_name(m)} ({m.get_role_display()})" for m in members],
            "starts_on": p.starts_on, "ends_on": p.ends_on, "last_activity_on": p.last_activity_on,
            "months_quiet": health.months_quiet, "focal_points": health.focal_points,
            "dormant": health.dormant, "single_focal_point": health.single_focal_point,
            "address": reverse("partnerships:detail", args=[p.slug]),
        }


def partnership_sheet(*, viewer, programme: str | None = None) -> Sheet:
    qs = selectors.partnership_list(viewer=viewer).order_by("slug")
    if programme:
        qs = qs.filter(programme__slug=programme)
    return Sheet(title=_("Partnerships"), name="partnerships", rows=partnership_rows(qs), columns=[
        Column("title", _("Partnership")), Column("kind", _("Kind")), Column("status", _("Status")),
        Column("programme", _("Programme")), Column("members", _("Members")), Column("starts_on", _("Starts")),
        Column("ends_on", _("Ends")), Column("last_activity_on", _("Last activity")),
        Column("months_quiet", _("Months without activity"), number=True),
        Column("focal_points", _("Focal points"), number=True), Column("dormant", _("Dormant")),
        Column("single_focal_point", _("Hangs on one person")), Column("address", _("Page in Renkei")),
    ])

