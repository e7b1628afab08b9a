"""A programme's decisions as labelled pairs (query place, candidate place, yes/no) for tuning its
weights (docs/algorithms/tuning.md §1).

Three sources, later ones overriding earlier ones for the same ordered pair:

1. **partnerships formed** in the programme (any status past "proposed"): every ordered pair of
   member places is a yes;
2. **selections** in the programme's decided calls: a selected applicant that went on to a
   partnership of the programme is a yes for each other member place of that partnership (its
   counterpart), and every applicant of the same call that was not selected is a no for the same
   counterpart — the programme preferred one over the other for that partner;
3. **suggestions** accepted or declined (match feedback) by the programme's places (applicants of
   its calls and members of its partnerships) or on searches made in the programme's context.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q

from renkei.matching.models import MatchFeedback
from renkei.partnerships.models import Member, Partnership
from renkei.programmes.models import Application, Programme

SOURCES = ("partnerships", "selections", "feedback")


def _members(programme: Programme) -> dict[int, list[int]]:
    """Place ids of each partnership of the programme that was formed, by partnership id."""
    places: dict[int, list[int]] = defaultdict(list)
    rows = (Member.objects.filter(partnership__programme=programme, place__isnull=False)
            .exclude(partnership__status=Partnership.Status.PROPOSED)
            .order_by("partnership_id", "place_id").values_list("partnership_id", "place_id"))
    for partnership_id, place_id in rows:
        if place_id not in places[partnership_id]:
            places[partnership_id].append(place_id)
    return places


def programme_places(programme: Programme) -> set[int]:
    """The programme's places: applicants of its calls and members of its partnerships."""
    applicants = Application.objects.filter(call__programme=programme).values_list("place_id", flat=True)
    members = Member.objects.filter(partnership__programme=programme, place__isnull=False).values_list(
        "place_id", flat=True)
    return set(applicants) | set(members)


def programme_decisions(programme: Programme) -> tuple[list[tuple[int, int, bool]], dict[str, int]]:
    """The decided pairs of ``programme``, oldest source first, and how many came from each source."""
    out: list[tuple[int, int, bool]] = []
    counts = dict.fromkeys(SOURCES, 0)
    members = _members(programme)
    partners_of: dict[int, set[int]] = defaultdict(set)
    for places in members.values():
        for a in places:
            for b in places:
                if a != b:
                    out.append((a, b, True))
                    counts["partnerships"] += 1
                    partners_of[b].add(a)
    decided = (Application.objects.filter(call__programme=programme)
               .filter(status__in=[Application.Status.SELECTED, Application.Status.NOT_SELECTED])
               .order_by("call_id", "place_id").values_list("call_id", "place_id", "status"))
    by_call: dict[int, dict[str, list[int]]] = defaultdict(lambda: {"yes": [], "no": []})
    for call_id, place_id, status in decided:
        by_call[call_id]["yes" if status == Application.Status.SELECTED else "no"].append(place_id)
    for groups in by_call.values():
        for selected in groups["yes"]:
            for counterpart in sorted(partners_of.get(selected, ())):
                out.append((counterpart, selected, True))
                counts["selections"] += 1
                for other in groups["no"]:
                    if other != counterpart:
                        out.append((counterpart, other, False))
                        counts["selections"] += 1
    feedback = (MatchFeedback.objects.filter(Q(run__programme=programme) | Q(place_id__in=programme_places(programme)))
                .order_by("updated_at", "id").values_list("place_id", "candidate_id", "decision"))
    for place_id, candidate_id, decision in feedback:
        out.append((place_id, candidate_id, decision == MatchFeedback.Decision.ACCEPTED))
        counts["feedback"] += 1
    return out, counts
