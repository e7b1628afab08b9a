"""Learning activities with their participants, as spreadsheets: the calendar's downloads (one row per
activity, with counts) and an activity's participant list for those who run it (names are personal
data: the rows come only after `can_manage_activity`)."""

from __future__ import annotations

from statistics import mean
from zoneinfo import ZoneInfo

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from renkei.activities import selectors
from renkei.activities.models import Participant
from renkei.activities.permissions import can_manage_activity
from renkei.core.errors import NotAllowed
from renkei.core.spreadsheets import Column, Sheet


def _local(moment, zone: str):
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def activity_sheet(*, viewer) -> Sheet:
    qs = selectors.activity_list(viewer=viewer).prefetch_related(
        Prefetch("participants", queryset=Participant.objects.order_by("id")))

    def rows():
        for a in qs:
            people = list(a.participants.all())
            gains = [p.after_score - p.before_score for p in people
                     if p.before_score is not None and p.after_score is not None]
            yield {
                "title": a.title_text, "kind": a.get_kind_display(), "starts": _local(a.starts_at, a.timezone),
                "ends": _local(a.ends_at, a.timezone), "timezone": a.timezone,
                "partnership": a.partnership.title_text if a.partnership else None,
                "programme": a.programme.title_text if a.programme else None,
                "participants": len(people), "attended": sum(1 for p in people if p.attended),
                "gain": round(mean(gains), 2) if gains else None,
                "address": reverse("activities:detail", args=[a.slug]),
            }

    return Sheet(title=_("Activities"), name="activities", rows=rows(), columns=[
        Column("title", _("Activity")), Column("kind", _("Type")), Column("starts", _("Starts")),
        Column("ends", _("Ends")), Column("timezone", _("Time zone")), Column("partnership", _("Partnership")),
        Column("programme", _("Programme")), Column("participants", _("Participants"), number=True),
        Column("attended", _("Attended"), number=True), Column("gain", _("Average learning gain"), number=True),
        Column("address", _("Page in Renkei")),
    ])


def participant_sheet(*, viewer, activity) -> Sheet:
    if not can_manage_activity(viewer, activity):
        raise NotAllowed(_("Only the people who run this activity see its participants."))
    rows = [{
        "name": p.name, "place": p.place.name if p.place else None, "attended": p.attended,
        "before": p.before_score, "after": p.after_score,
        "gain": p.after_score - p.before_score if p.before_score is not None and p.after_score is not None else None,
        "adopted_later": p.adopted_later or None,
    } for p in activity.participants.select_related("place").order_by("id")]
    return Sheet(title=_("Participants"), name=f"participants-{activity.slug}", rows=rows, columns=[
        Column("name", _("Name")), Column("place", _("Place")), Column("attended", _("Attended")),
        Column("before", _("Before (1–5)"), number=True), Column("after", _("After (1–5)"), number=True),
        Column("gain", _("Learning gain"), number=True), Column("adopted_later", _("Adopted later")),
    ])
