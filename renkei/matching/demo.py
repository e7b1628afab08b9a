"""Demo decisions for the City Partnership Program, enough to tune its weights (docs/algorithms/tuning.md).

The four Japanese cities the programme selected answered suggested client cities. These answers are
illustrative, not the programme's record: a suggestion was accepted when the client city shares
some of the Japanese city's own challenges (the "same challenges" component, which the `offer`
preset does not weigh), so tuning the `offer` preset on them shows the weights moving and the
held-back check. Loading is idempotent (one answer per pair)."""

from __future__ import annotations

from django.db import transaction

from renkei.matching.models import MatchFeedback
from renkei.places.models import Place

PROGRAMME = "world-bank-city-partnership-program"
REASON = "Illustrative demo answer: {why}"
ANSWERS = {  # Japanese city: (accepted, declined)
    "kitakyushu": (["surabaya"], ["banda-aceh", "semarang", "cebu-city", "davao-city", "da-nang", "hai-phong",
                                  "chiang-mai"]),
    "kobe": (["banda-aceh", "surabaya", "semarang", "cebu-city", "davao-city", "da-nang", "chiang-mai"],
             ["hai-phong"]),
    "toyama": (["banda-aceh", "semarang", "cebu-city", "davao-city", "da-nang"], ["surabaya", "hai-phong",
                                                                                  "chiang-mai"]),
    "yokohama": (["surabaya", "cebu-city", "davao-city", "da-nang", "chiang-mai"], ["banda-aceh", "semarang",
                                                                                    "hai-phong"]),
}


@transaction.atomic
def matching_demo_load() -> int:
    """Store the demo answers; returns how many were created or changed."""
    places = {p.slug: p for p in Place.objects.filter(slug__in={*ANSWERS, *(s for a, d in ANSWERS.values()
                                                                             for s in (*a, *d))})}
    changed = 0
    for city, (accepted, declined) in ANSWERS.items():
        if city not in places:
            continue
        for slugs, decision, why in (
                (accepted, MatchFeedback.Decision.ACCEPTED, "the client city faces some of our own challenges"),
                (declined, MatchFeedback.Decision.DECLINED, "our experience is far from what this city faces")):
            for slug in slugs:
                if slug not in places:
                    continue
                reason = REASON.format(why=why)
                row = MatchFeedback.objects.filter(place=places[city], candidate=places[slug]).first()
                if row is not None and row.decision == decision and row.reason == reason:
                    continue
                MatchFeedback.objects.update_or_create(place=places[city], candidate=places[slug],
                                                       defaults={"decision": decision, "reason": reason})
                changed += 1
    return changed
