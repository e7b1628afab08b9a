from django.db.models import QuerySet

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role
from renkei.matching.models import MatchFeedback, MatchRun
from renkei.places.selectors import visible_places


def match_run_list(*, viewer) -> QuerySet[MatchRun]:
    """Officers see every run; others see their own."""
    qs = MatchRun.objects.select_related("place", "created_by")
    if has_role(viewer, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        return qs
    if not getattr(viewer, "is_authenticated", False):
        return qs.none()
    return qs.filter(created_by=viewer)


def feedback_for(*, viewer, place) -> QuerySet[MatchFeedback]:
    return MatchFeedback.objects.filter(place=place, candidate__in=visible_places(viewer)).select_related(
        "candidate", "created_by")
