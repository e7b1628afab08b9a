"""A call's applications with their scores and ranking, as a spreadsheet (the committee page's
downloads and `renkei export sheet applications --call SLUG`)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from renkei.core.spreadsheets import Column, Sheet
from renkei.places.validation import country_label
from renkei.programmes import services


def application_sheet(*, actor, call) -> Sheet:
    """Only the programme's officers (and administrators) get it: `committee_ranking` checks."""
    ranking = services.committee_ranking(actor=actor, call=call)
    rows = [{
        "rank": r.rank, "place": r.application.place.name, "country": country_label(r.application.place.country),
        "status": r.application.get_status_display(), "submitted_at": r.application.submitted_at,
        "weighted_total": r.weighted_total, "reviews": r.reviews,
        "reviewer_totals": [f"{total:.2f}" for total in r.reviewer_totals], "spread": r.spread,
        "divergent": r.divergent, "decision_reason": r.application.decision_reason or None,
    } for r in ranking]
    return Sheet(title=_("Applications"), name=f"applications-{call.slug}", rows=rows, columns=[
        Column("rank", _("Rank"), number=True), Column("place", _("Applicant")), Column("country", _("Country")),
        Column("status", _("Status")), Column("submitted_at", _("Submitted")),
        Column("weighted_total", _("Weighted total"), number=True), Column("reviews", _("Reviews"), number=True),
        Column("reviewer_totals", _("Reviewers' totals")), Column("spread", _("Spread"), number=True),
        Column("divergent", _("Divergent")), Column("decision_reason", _("Reason for the decision")),
    ])
