"""Who sees which programmes, calls, applications and review seats."""

from django.db.models import Q, QuerySet

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role, represented_place_ids
from renkei.core.errors import NotFound
from renkei.programmes.models import Application, Call, Programme, ReviewAssignment


def programme_list(*, viewer) -> QuerySet[Programme]:
    qs = Programme.objects.prefetch_related("owners", "themes")
    if has_role(viewer, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        return qs
    return qs.filter(is_published=True)


def call_list(*, viewer, status: str = "") -> QuerySet[Call]:
    qs = Call.objects.select_related("programme")
    if not has_role(viewer, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        qs = qs.filter(programme__is_published=True).exclude(status=Call.Status.DRAFT)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-opens_at")


def call_get(*, viewer, slug: str) -> Call:
    call = call_list(viewer=viewer).prefetch_related("questions", "criteria").filter(slug=slug).first()
    if call is None:
        raise NotFound("No such call.", field="slug")
    return call


def application_list(*, viewer, call: Call | None = None) -> QuerySet[Application]:
    """Officers see every application; focal points their places'; reviewers the ones assigned to
    them where they declared no conflict; everyone else none."""
    qs = Application.objects.select_related("call", "place", "call__programme")
    if call is not None:
        qs = qs.filter(call=call)
    if has_role(viewer, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        return qs
    rule = Q(place_id__in=represented_place_ids(viewer))
    if has_role(viewer, Role.REVIEWER):
        rule |= Q(assignments__reviewer=viewer) & ~Q(assignments__conflicted=True) & Q(status="submitted")
    return qs.filter(rule).distinct() if getattr(viewer, "is_authenticated", False) else qs.none()


def assignment_list(*, viewer) -> QuerySet[ReviewAssignment]:
    if not getattr(viewer, "is_authenticated", False):
        return ReviewAssignment.objects.none()
    return ReviewAssignment.objects.filter(reviewer=viewer).select_related("application__place",
                                                                           "application__call")
