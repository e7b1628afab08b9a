"""A place's connected people as a spreadsheet (the people page's downloads): for its focal points and
administrators only, as the list they see."""

from __future__ import annotations

from django.utils.translation import gettext as _

from renkei.connections import selectors
from renkei.connections.regions import where_label
from renkei.core.spreadsheets import Column, Sheet


def people_sheet(*, viewer, place, search: str = "", kind: str | None = None, contactable: bool | None = None
                 ) -> Sheet:
    """The e-mail address is given only for those a consent not withdrawn allows contacting."""
    qs = selectors.people_list(viewer=viewer, place=place, search=search, kind=kind, contactable=contactable)
    rows = ({"name": p.name, "email": p.email if p.may_contact else None, "kind": p.get_kind_display(),
             "since": p.since, "where": where_label(p.where_key),
             "stage": p.get_stage_display(), "interactions": p.interactions, "last_contact_on": p.last_contact_on,
             "activity": p.activity.title_text if p.activity else None, "reference": p.reference,
             "sample": p.is_sample} for p in qs.iterator(chunk_size=2000))
    return Sheet(title=_("Connected people"), name=f"connected-people-{place.slug}", rows=rows, columns=[
        Column("name", _("Name")), Column("email", _("E-mail (may be contacted)")),
        Column("kind", _("How connected")), Column("since", _("Connected since")),
        Column("where", _("Where")), Column("stage", _("Engagement stage")),
        Column("interactions", _("Interactions"), number=True), Column("last_contact_on", _("Last contact")),
        Column("activity", _("Through the activity")), Column("reference", _("Reference")),
        Column("sample", _("Sample data")),
    ])
