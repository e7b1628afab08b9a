"""Who sees which programmes, calls, applications and review seats. Pages and the API read one
record by slug or id through the ``…_for`` functions here, which raise NotFound for what the
viewer may not see (the same answer as for what does not exist)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role, represented_place_ids
from renkei.core.errors import NotFound
from renkei.programmes.models import Answer, Application, Call, Criterion, Programme, Question, ReviewAssignment

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User
    from renkei.places.models import Place

    Viewer = User | AnonymousUser


def programme_list(*, viewer: Viewer) -> QuerySet[Programme]:
    qs = Programme.objects.prefetch_related("owners", "themes")
    if has_role(viewer, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        return qs
    return qs.filter(is_published=True)


def manageable_programmes(viewer: Viewer) -> QuerySet[Programme]:
    """The programmes the viewer may run calls for."""
    from renkei.programmes.permissions import can_manage_programme

    ids = [p.pk for p in programme_list(viewer=viewer) if can_manage_programme(viewer, p)]
    return Programme.objects.filter(pk__in=ids)


def programme_for(viewer: Viewer, slug: str) -> Programme:
    programme = programme_list(viewer=viewer).filter(slug=slug).first()
    if programme is None:
        raise NotFound(_("No such programme."), field="slug")
    return programme


def call_list(*, viewer: Viewer, status: str = "") -> QuerySet[Call]:
    qs = Call.objects.select_related("programme")
    if not has_role(viewer, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        qs = qs.filter(programme__is_published=True).exclude(status=Call.Status.DRAFT)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-opens_at", "title__en")


def call_for(viewer: Viewer, slug: str) -> Call:
    """One call with its questions and criteria."""
    call = call_list(viewer=viewer).prefetch_related("questions", "criteria").filter(slug=slug).first()
    if call is None:
        raise NotFound(_("No such call."), field="slug")
    return call


def applicant_for(viewer: Viewer, slug: str) -> Place:
    """The place an application is made for, by its slug (permission to apply is the service's check)."""
    from renkei.places.selectors import place_get_by_ref

    return place_get_by_ref(viewer=viewer, ref=slug)


def application_list(*, viewer: Viewer, call: Call | None = None) -> QuerySet[Application]:
    """Officers see every application; focal points their places'; reviewers the ones assigned to
    them where they declared no conflict; everyone else none."""
    qs = Application.objects.select_related("call", "place", "call__programme")
    if call is not None:
        qs = qs.filter(call=call)
    if has_role(viewer, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        return qs
    rule = Q(place_id__in=represented_place_ids(viewer))
    if has_role(viewer, Role.REVIEWER):
        # Only after declaring no conflict: an assignment whose declaration is still empty shows nothing.
        rule |= Q(assignments__reviewer=viewer, assignments__conflicted=False, status="submitted")
    return qs.filter(rule).distinct() if getattr(viewer, "is_authenticated", False) else qs.none()


def application_for(viewer: Viewer, pk: int | str, *, call: Call | None = None) -> Application:
    try:
        application = application_list(viewer=viewer, call=call).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        application = None
    if application is None:
        raise NotFound(_("No such application."), field="id")
    return application


def answer_file_for(viewer: Viewer, pk: int | str, question: int | str) -> Answer:
    """The answer to one question of an application the viewer may see, when a file is attached
    (NotFound otherwise: no such application for this viewer, no such answer, or no file)."""
    application = application_for(viewer, pk)
    answer = application.answers.filter(question_id=_int(question)).select_related("question").first()
    if answer is None or not answer.file:
        raise NotFound(_("This application has no file for this question."), field="question")
    return answer


def own_applications(viewer: Viewer, call: Call) -> list[dict]:
    """The places the viewer applies for, each with its application to ``call`` (or None)."""
    from renkei.places.models import Place

    places = list(Place.objects.filter(pk__in=represented_place_ids(viewer)))
    applications = {a.place_id: a for a in call.applications.filter(place__in=places)}
    return [{"place": place, "application": applications.get(place.pk)} for place in places]


def application_of(call: Call, place: Place) -> Application | None:
    """The place's application to the call, with its answers, if it has one."""
    return (call.applications.filter(place=place)
            .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("question")))
            .first())


def assignment_list(*, viewer: Viewer, call: str = "") -> QuerySet[ReviewAssignment]:
    """A reviewer's own seats; administrators see every seat, programme officers the seats of the
    programmes they run (as ``can_manage_programme`` decides)."""
    if not getattr(viewer, "is_authenticated", False):
        return ReviewAssignment.objects.none()
    qs = ReviewAssignment.objects.select_related("application__place", "application__call", "reviewer")
    if call:
        qs = qs.filter(application__call__slug=call)
    if has_role(viewer, Role.ADMINISTRATOR):
        return qs.order_by("id")
    rule = Q(reviewer=viewer)
    if has_role(viewer, Role.PROGRAMME_OFFICER):
        rule |= Q(application__call__programme__officers=viewer) | Q(application__call__programme__officers=None)
    return qs.filter(pk__in=ReviewAssignment.objects.filter(rule).values("pk")).order_by("id")


def question_for(viewer: Viewer, slug: str, pk: int | str) -> Question:
    question = Question.objects.filter(call=call_for(viewer, slug), pk=_int(pk)).select_related("call").first()
    if question is None:
        raise NotFound(_("No such question."), field="pk")
    return question


def criterion_for(viewer: Viewer, slug: str, pk: int | str) -> Criterion:
    criterion = Criterion.objects.filter(call=call_for(viewer, slug), pk=_int(pk)).select_related("call").first()
    if criterion is None:
        raise NotFound(_("No such criterion."), field="pk")
    return criterion


def _int(value: int | str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def assignment_for(viewer: Viewer, pk: int | str) -> ReviewAssignment:
    try:
        seat = assignment_list(viewer=viewer).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        seat = None
    if seat is None:
        raise NotFound(_("No such review assignment."), field="id")
    return seat


def reviewer_list() -> QuerySet[User]:
    from renkei.accounts.models import User

    return User.objects.filter(role_grants__role=Role.REVIEWER).distinct().order_by("username")


def user_for(username: str) -> User:
    """A user named by an officer assigning reviewers (whether they review is the service's check)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound(_("No user %(name)s.") % {"name": repr(username)}, field="reviewer")
    return user


# --- start page ("my work") -------------------------------------------------------------------

def _officer_programmes(viewer: Viewer) -> QuerySet[Programme]:
    """The programmes the viewer runs, in one query: administrators every one, programme officers the
    ones naming them and the ones naming no officer (as ``can_manage_programme`` decides)."""
    if has_role(viewer, Role.ADMINISTRATOR):
        return Programme.objects.all()
    if not has_role(viewer, Role.PROGRAMME_OFFICER):
        return Programme.objects.none()
    return Programme.objects.filter(Q(officers=viewer) | Q(officers=None)).distinct()


def officer_work(viewer: Viewer, *, soon: int = 3) -> dict:
    """What the programmes the viewer runs need: their calls by status, the next deadlines of the
    open ones, submitted applications without a reviewer, and applications whose reviewers' scores
    diverge (the committee's DIVERGENCE). A fixed number of queries, whatever the data."""
    from django.db.models import Count

    from renkei.programmes.services import DIVERGENCE

    programmes = _officer_programmes(viewer)
    calls = Call.objects.filter(programme__in=programmes)
    by_status = {row["status"]: row["n"] for row in calls.values("status").annotate(n=Count("id"))}
    deadlines = list(calls.filter(status=Call.Status.OPEN).select_related("programme").order_by("closes_at")[:soon])
    live = Application.objects.filter(call__in=calls, status=Application.Status.SUBMITTED)
    unassigned = live.filter(assignments__isnull=True)
    waiting = unassigned.count()
    first_waiting = unassigned.select_related("call").order_by("call__closes_at", "id").first()
    divergent = _divergent(live.filter(call__status__in=[Call.Status.OPEN, Call.Status.CLOSED]), DIVERGENCE)
    return {"programmes": programmes.count(), "calls_by_status": by_status, "deadlines": deadlines,
            "awaiting_reviewers": waiting, "first_awaiting": first_waiting,
            "divergent": len(divergent), "first_divergent": divergent[0] if divergent else None}


def _divergent(applications: QuerySet[Application], threshold: float) -> list[Application]:
    """The applications whose reviewers' weighted totals differ by ``threshold`` or more (two queries)."""
    from collections import defaultdict

    from renkei.programmes.models import Score

    scores = (Score.objects.filter(assignment__application__in=applications, assignment__conflicted=False,
                                   assignment__submitted_at__isnull=False)
              .values_list("assignment__application_id", "assignment_id", "criterion_id", "criterion__weight",
                           "value"))
    seats: dict[int, dict[int, list[tuple[float, int]]]] = defaultdict(lambda: defaultdict(list))
    for application_id, seat, _criterion, weight, value in scores:
        seats[application_id][seat].append((weight, value))
    flagged = []
    for application_id, by_seat in seats.items():
        totals = [sum(w * v for w, v in rows) / (sum(w for w, _v in rows) or 1.0) for rows in by_seat.values()]
        if len(totals) > 1 and max(totals) - min(totals) >= threshold:
            flagged.append(application_id)
    return list(Application.objects.filter(pk__in=flagged).select_related("call").order_by("call__closes_at", "id"))


def focal_point_work(viewer: Viewer) -> dict:
    """The calls open now that one of the viewer's places may apply to (the programme's eligibility
    rules) and has not applied to yet, and their draft applications."""
    from django.utils import timezone

    from renkei.places.models import Place
    from renkei.programmes.services import eligibility

    place_ids = represented_place_ids(viewer)
    places = list(Place.objects.filter(pk__in=place_ids).prefetch_related("expertise"))
    applied = Application.objects.filter(place_id__in=place_ids).exclude(status=Application.Status.WITHDRAWN)
    taken = set(applied.values_list("call_id", "place_id"))
    open_calls = (call_list(viewer=viewer, status=Call.Status.OPEN).filter(closes_at__gt=timezone.now())
                  .select_related("programme").prefetch_related("programme__required_themes")
                  .order_by("closes_at", "id"))
    to_apply = [call for call in open_calls
                if any((call.pk, place.pk) not in taken and not eligibility(call.programme, place) for place in places)]
    drafts = applied.filter(status=Application.Status.DRAFT, call__status=Call.Status.OPEN)
    return {"open_calls": len(to_apply), "next_call": to_apply[0] if to_apply else None,
            "drafts": drafts.count(), "first_draft": drafts.select_related("call", "place").order_by(
                "call__closes_at", "id").first()}


def reviewer_work(viewer: Viewer) -> dict:
    """The viewer's own review seats: waiting for a conflict declaration, waiting for scores, done."""
    from django.db.models import Count

    if not getattr(viewer, "is_authenticated", False):
        return {"conflict": 0, "scores": 0, "done": 0, "next_conflict": None, "next_scores": None}
    seats = ReviewAssignment.objects.filter(reviewer=viewer)
    counts = seats.aggregate(
        conflict=Count("id", filter=Q(conflicted__isnull=True)),
        scores=Count("id", filter=Q(conflicted=False, submitted_at__isnull=True)),
        done=Count("id", filter=Q(conflicted=True) | Q(submitted_at__isnull=False)))
    counts["next_conflict"] = seats.filter(conflicted__isnull=True).order_by("id").values_list("pk", flat=True).first()
    counts["next_scores"] = (seats.filter(conflicted=False, submitted_at__isnull=True).order_by("id")
                             .values_list("pk", flat=True).first())
    return counts
