"""Who sees which partnerships, and the health of a programme's partnerships for its officers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role, represented_place_ids
from renkei.core.errors import NotAllowed, NotFound
from renkei.partnerships.models import Action, Agreement, Member, Milestone, Objective, Partnership, Pilot
from renkei.partnerships.services import Health, health
from renkei.programmes.permissions import can_manage_programme
from renkei.programmes.selectors import application_list, programme_list

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User
    from renkei.programmes.models import Application, Programme


def partnership_list(*, viewer: User | AnonymousUser, status: str | None = None,
                     kind: str | None = None) -> QuerySet[Partnership]:
    """Visitors see published partnerships; officers all; focal points also their own places'."""
    qs = Partnership.objects.select_related("programme").prefetch_related(
        "members__place", "members__organisation", "members__focal_points")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if has_role(viewer, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        return qs
    own = represented_place_ids(viewer)
    visible = Partnership.objects.filter(Q(is_published=True) | Q(members__place_id__in=own)).values("pk")
    return qs.filter(pk__in=visible)


def partnership_get(*, viewer: User | AnonymousUser, slug: str) -> Partnership:
    p = partnership_list(viewer=viewer).filter(slug=slug).first()
    if p is None:
        raise NotFound(_("No such partnership."), field="slug")
    return p


def agreement_get(*, viewer: User | AnonymousUser, slug: str, pk: int) -> Agreement:
    """An agreement of a partnership the viewer may see (else NotFound, as for a missing one)."""
    agreement = Agreement.objects.filter(partnership=partnership_get(viewer=viewer, slug=slug), pk=pk).first()
    if agreement is None:
        raise NotFound(_("No such agreement."), field="pk")
    return agreement


def programme_get(*, viewer: User | AnonymousUser, slug: str) -> Programme:
    """A programme the viewer may see (partnership pages link to their programme)."""
    programme = programme_list(viewer=viewer).filter(slug=slug).first()
    if programme is None:
        raise NotFound(_("No such programme."), field="slug")
    return programme


def application_get(*, viewer: User | AnonymousUser, pk: int) -> Application:
    """An application the viewer may see, to turn into a partnership."""
    application = application_list(viewer=viewer).filter(pk=pk).first()
    if application is None:
        raise NotFound(_("No such application."), field="pk")
    return application


@dataclass(frozen=True)
class HealthRow:
    partnership: Partnership
    health: Health


@dataclass(frozen=True)
class ProgrammeHealth:
    programme: Programme
    rows: list[HealthRow]  # after the filters
    total: int  # before the filters, like the counts below
    live: int
    dormant: int
    single_focal_point: int
    dormant_months: int
    by_status: dict[str, int] = field(default_factory=dict)


def programme_health(*, viewer: User | AnonymousUser, slug: str, dormant_only: bool = False, single_only: bool = False,
                     today: date | None = None) -> ProgrammeHealth:
    """A programme's partnerships with their health flags, for its officers and administrators:
    flagged ones first, the quietest first among them."""
    programme = programme_get(viewer=viewer, slug=slug)
    if not can_manage_programme(viewer, programme):
        raise NotAllowed(_("Only the programme's officers and administrators see the health of its partnerships."))
    qs = (Partnership.objects.filter(programme=programme)
          .prefetch_related("members__place", "members__organisation", "members__focal_points"))
    every = [HealthRow(partnership=p, health=health(p, today)) for p in qs]
    rows = [r for r in every if (not dormant_only or r.health.dormant)
            and (not single_only or r.health.single_focal_point)]
    rows.sort(key=lambda r: (not r.health.dormant, not r.health.single_focal_point,
                             -(r.health.months_quiet or 0), r.partnership.title.get("en", "")))
    by_status: dict[str, int] = {}
    for r in every:
        by_status[r.partnership.status] = by_status.get(r.partnership.status, 0) + 1
    return ProgrammeHealth(
        programme=programme, rows=rows, total=len(every),
        live=sum(r.partnership.status in (Partnership.Status.AGREED, Partnership.Status.ACTIVE) for r in every),
        dormant=sum(r.health.dormant for r in every),
        single_focal_point=sum(r.health.single_focal_point for r in every),
        dormant_months=settings.RENKEI_DORMANT_MONTHS, by_status=by_status)


def _one(queryset, pk, message: str):
    try:
        row = queryset.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        row = None
    if row is None:
        raise NotFound(message, field="pk")
    return row


def member_get(*, viewer: User | AnonymousUser, slug: str, pk: int) -> Member:
    p = partnership_get(viewer=viewer, slug=slug)
    return _one(Member.objects.filter(partnership=p).select_related("partnership"), pk, _("No such member."))


def objective_get(*, viewer: User | AnonymousUser, slug: str, pk: int) -> Objective:
    p = partnership_get(viewer=viewer, slug=slug)
    return _one(Objective.objects.filter(partnership=p).select_related("partnership"), pk, _("No such objective."))


def action_get(*, viewer: User | AnonymousUser, slug: str, pk: int) -> Action:
    p = partnership_get(viewer=viewer, slug=slug)
    return _one(Action.objects.filter(objective__partnership=p).select_related("objective__partnership", "owner"),
                pk, _("No such action."))


def milestone_get(*, viewer: User | AnonymousUser, slug: str, pk: int) -> Milestone:
    p = partnership_get(viewer=viewer, slug=slug)
    return _one(Milestone.objects.filter(action__objective__partnership=p)
                .select_related("action__objective__partnership"), pk, _("No such milestone."))


def pilot_get(*, viewer: User | AnonymousUser, slug: str, pk: int) -> Pilot:
    p = partnership_get(viewer=viewer, slug=slug)
    return _one(Pilot.objects.filter(partnership=p).select_related("partnership", "location"), pk,
                _("No such pilot."))


def objectives_of(partnership: Partnership) -> QuerySet[Objective]:
    return partnership.objectives.prefetch_related("actions__milestones", "actions__owner").order_by("position", "id")


def actions_of(partnership: Partnership) -> QuerySet[Action]:
    return (Action.objects.filter(objective__partnership=partnership).select_related("owner")
            .prefetch_related("milestones").order_by("objective__position", "objective_id", "due_on", "id"))


def pilots_of(partnership: Partnership) -> QuerySet[Pilot]:
    return partnership.pilots.select_related("location").order_by("id")


def members_of(partnership: Partnership) -> QuerySet[Member]:
    return partnership.members.select_related("place", "organisation").prefetch_related("focal_points").order_by("id")


# --- start page ("my work") -------------------------------------------------------------------

LIVE = (Partnership.Status.AGREED, Partnership.Status.ACTIVE)


def focal_point_work(viewer: User | AnonymousUser, *, soon: int = 3, today: date | None = None) -> dict:
    """The partnerships the viewer's places are members of (not closed), and the next milestones of
    their action plans that are not done yet."""
    from django.utils import timezone

    today = today or timezone.localdate()
    own = represented_place_ids(viewer)
    mine = (Partnership.objects.filter(members__place_id__in=own)
            .exclude(status__in=[Partnership.Status.CLOSED, Partnership.Status.COMPLETED]).distinct())
    milestones = list(Milestone.objects.filter(action__objective__partnership__in=mine.values("pk"),
                                               done_on__isnull=True, due_on__gte=today)
                      .select_related("action__objective__partnership").order_by("due_on", "id")[:soon])
    return {"partnerships": mine.count(), "first": mine.order_by("-updated_at").first(), "milestones": milestones}


def officer_work(viewer: User | AnonymousUser, programme_ids, *, today: date | None = None) -> dict:
    """Over the partnerships of the programmes the viewer runs: how many are live, dormant (no recorded
    activity for RENKEI_DORMANT_MONTHS months, as ``services.health`` decides) or hang on a single focal
    point. Counted in the database, in two queries."""
    from datetime import timedelta

    from django.db.models import Count
    from django.utils import timezone

    today = today or timezone.localdate()
    if not has_role(viewer, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        return {"live": 0, "dormant": 0, "single_focal_point": 0, "programme": None}
    quiet_since = today - timedelta(days=30 * settings.RENKEI_DORMANT_MONTHS)
    live = Partnership.objects.filter(programme_id__in=programme_ids, status__in=LIVE)
    dormant = live.filter(Q(last_activity_on__isnull=True) | Q(last_activity_on__lt=quiet_since))
    single = (live.annotate(people=Count("members__focal_points", distinct=True)).filter(people=1))
    # both asked whatever the first answers, so the page costs the same queries whatever the data
    first_dormant, first_single = dormant.values("programme__slug").first(), single.values("programme__slug").first()
    flagged = first_dormant or first_single or {}
    return {"live": live.count(), "dormant": dormant.count(), "single_focal_point": single.count(),
            "programme": flagged.get("programme__slug")}
