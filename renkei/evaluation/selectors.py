"""Reads of results and evaluations that depend on who is looking: a partnership's results chain with
the progress of each target, its evaluations, the mutual learning of its sides, and the portfolio of
a programme (criteria × partnerships, indicator progress, learning by side)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role, represented_place_ids
from renkei.activities.models import Participant
from renkei.core.errors import NotAllowed, NotFound
from renkei.evaluation.learning import MutualLearning, mutual_learning, side_of
from renkei.evaluation.models import Actual, Adoption, Criterion, Evaluation, Result, ResultIndicator, Score, Target
from renkei.evaluation.permissions import OFFICERS
from renkei.evaluation.progress import Progress, progress_status
from renkei.partnerships.models import Partnership
from renkei.partnerships.selectors import partnership_get, partnership_list
from renkei.programmes.selectors import programme_list

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User
    from renkei.programmes.models import Programme


# --- results ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TargetProgress:
    target: Target
    actual: Actual | None  # the latest actual whose period ends inside the target's period
    progress: Progress


@dataclass(frozen=True)
class IndicatorRow:
    indicator: ResultIndicator
    targets: list[TargetProgress]
    actuals: list[Actual]

    @property
    def current(self) -> TargetProgress | None:
        """The target the latest actual counts towards (the first whose period holds it), else the
        last target with an actual, else the first target."""
        if self.actuals:
            latest = self.actuals[-1].period_end
            for row in self.targets:
                if row.target.period_start <= latest <= row.target.period_end:
                    return row
        with_data = [t for t in self.targets if t.actual is not None]
        return with_data[-1] if with_data else (self.targets[0] if self.targets else None)


@dataclass(frozen=True)
class ResultNode:
    result: Result
    indicators: list[IndicatorRow]
    children: list[ResultNode] = field(default_factory=list)


def indicator_progress(indicator: ResultIndicator) -> IndicatorRow:
    # `_results` prefetches into plain lists (to_attr): Django's prefetch into managers clones a
    # queryset per object, which cost more than everything else on a 500-partnership portfolio
    actuals = getattr(indicator, "actual_list", None)
    targets = getattr(indicator, "target_list", None)
    actuals = sorted(indicator.actuals.all() if actuals is None else actuals, key=lambda a: (a.period_end, a.pk))
    rows = []
    for target in sorted(indicator.targets.all() if targets is None else targets, key=lambda t: (t.period_end, t.pk)):
        inside = [a for a in actuals if target.period_start <= a.period_end <= target.period_end]
        actual = inside[-1] if inside else None
        start = indicator.baseline_on or target.period_start
        rows.append(TargetProgress(target=target, actual=actual, progress=progress_status(
            baseline=indicator.baseline_value, target=target.value, actual=actual.value if actual else None,
            direction=indicator.direction, start=start, end=target.period_end,
            as_of=actual.period_end if actual else None)))
    return IndicatorRow(indicator=indicator, targets=rows, actuals=actuals)


def _results(partnership_ids) -> QuerySet[Result]:
    """The partnerships' results; each result's ``indicator_list``, each indicator's ``target_list`` and
    ``actual_list`` prefetched."""
    indicators = ResultIndicator.objects.select_related("indicator").prefetch_related(
        Prefetch("targets", queryset=Target.objects.all(), to_attr="target_list"),
        Prefetch("actuals", queryset=Actual.objects.all(), to_attr="actual_list"))
    return (Result.objects.filter(partnership_id__in=partnership_ids)
            .prefetch_related(Prefetch("indicators", queryset=indicators, to_attr="indicator_list"))
            .order_by("position", "id"))


def framework(partnership: Partnership) -> list[ResultNode]:
    """The partnership's results as a tree: impacts, their outcomes, their outputs (a result whose
    parent is gone is shown at the top)."""
    results = list(_results([partnership.pk]))
    nodes = {r.pk: ResultNode(result=r, indicators=[indicator_progress(i) for i in r.indicator_list])
             for r in results}
    roots = []
    for r in results:
        parent = nodes.get(r.parent_id)
        (parent.children if parent else roots).append(nodes[r.pk])
    return roots


def results_get(*, viewer: User | AnonymousUser, slug: str) -> tuple[Partnership, list[ResultNode]]:
    partnership = partnership_get(viewer=viewer, slug=slug)
    return partnership, framework(partnership)


def result_get(*, viewer: User | AnonymousUser, pk: int) -> Result:
    result = Result.objects.select_related("partnership").filter(
        pk=pk, partnership__in=partnership_list(viewer=viewer)).first()
    if result is None:
        raise NotFound(_("No such result."), field="pk")
    return result


def result_indicator_get(*, viewer: User | AnonymousUser, pk: int) -> ResultIndicator:
    row = ResultIndicator.objects.select_related("result__partnership", "indicator").filter(
        pk=pk, result__partnership__in=partnership_list(viewer=viewer)).first()
    if row is None:
        raise NotFound(_("No such indicator."), field="pk")
    return row


def target_get(*, viewer: User | AnonymousUser, pk: int) -> Target:
    row = Target.objects.select_related("result_indicator__result__partnership").filter(
        pk=pk, result_indicator__result__partnership__in=partnership_list(viewer=viewer)).first()
    if row is None:
        raise NotFound(_("No such target."), field="pk")
    return row


def actual_get(*, viewer: User | AnonymousUser, pk: int) -> Actual:
    row = Actual.objects.select_related("result_indicator__result__partnership").filter(
        pk=pk, result_indicator__result__partnership__in=partnership_list(viewer=viewer)).first()
    if row is None:
        raise NotFound(_("No such actual."), field="pk")
    return row


def adoption_get(*, viewer: User | AnonymousUser, pk: int) -> Adoption:
    row = Adoption.objects.select_related("partnership", "place").filter(
        pk=pk, partnership__in=partnership_list(viewer=viewer)).first()
    if row is None:
        raise NotFound(_("No such adoption."), field="pk")
    return row


# --- mutual learning --------------------------------------------------------------------------------

def learning_by_partnership(partnership_ids) -> dict[int, MutualLearning]:
    """Mutual learning of each partnership, from its activities' participants and its adoptions."""
    pairs: dict[int, dict[str, list[tuple[int, int]]]] = {pk: {} for pk in partnership_ids}
    for pid, before, after, country in (Participant.objects
                                        .filter(activity__partnership_id__in=partnership_ids, place__isnull=False,
                                                before_score__isnull=False, after_score__isnull=False)
                                        .values_list("activity__partnership_id", "before_score", "after_score",
                                                     "place__country")):
        pairs[pid].setdefault(side_of(country), []).append((before, after))
    adoptions: dict[int, dict[str, int]] = {pk: {} for pk in partnership_ids}
    for pid, country in Adoption.objects.filter(partnership_id__in=partnership_ids).values_list(
            "partnership_id", "place__country"):
        side = side_of(country)
        adoptions[pid][side] = adoptions[pid].get(side, 0) + 1
    return {pk: mutual_learning(pairs[pk], adoptions[pk]) for pk in partnership_ids}


def partnership_learning(partnership: Partnership) -> MutualLearning:
    return learning_by_partnership([partnership.pk])[partnership.pk]


# --- evaluations ------------------------------------------------------------------------------------

def evaluation_list(*, viewer: User | AnonymousUser, partnership: Partnership | None = None,
                    status: str | None = None) -> QuerySet[Evaluation]:
    """Published evaluations of the partnerships the viewer sees; officers see every one, evaluators
    those assigned to them, focal points their partnerships' self-evaluations."""
    qs = (Evaluation.objects.select_related("partnership")
          .prefetch_related("evaluators", Prefetch("scores", queryset=Score.objects.order_by("id"))))
    if partnership is not None:
        qs = qs.filter(partnership=partnership)
    if status:
        qs = qs.filter(status=status)
    if has_role(viewer, *OFFICERS):
        return qs
    visible = Q(status=Evaluation.Status.PUBLISHED, partnership__in=partnership_list(viewer=viewer).values("pk"))
    if getattr(viewer, "is_authenticated", False):
        if has_role(viewer, Role.EVALUATOR):
            visible |= Q(mode=Evaluation.Mode.EXTERNAL, evaluators=viewer.pk)
        places = represented_place_ids(viewer)
        own = Partnership.objects.filter(Q(members__place_id__in=places) | Q(members__focal_points=viewer.pk))
        visible |= Q(mode=Evaluation.Mode.SELF, partnership__in=own.values("pk"))
    return qs.filter(pk__in=Evaluation.objects.filter(visible).values("pk"))


def evaluation_get(*, viewer: User | AnonymousUser, pk: int) -> Evaluation:
    evaluation = evaluation_list(viewer=viewer).filter(pk=pk).first()
    if evaluation is None:
        raise NotFound(_("No such evaluation."), field="pk")
    return evaluation


def scores_by_criterion(evaluation: Evaluation) -> dict[str, Score]:
    return {s.criterion: s for s in evaluation.scores.all()}


# --- portfolio --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PortfolioRow:
    partnership: Partnership
    evaluation: Evaluation | None  # the latest published one
    scores: dict[str, int | None]  # criterion → level
    learning: MutualLearning
    indicators: list[tuple[ResultIndicator, TargetProgress | None]]


@dataclass(frozen=True)
class Portfolio:
    programme: Programme | None  # None: across programmes
    rows: list[PortfolioRow]
    total: int  # before the filters
    status_counts: dict[str, int]


def portfolio(*, viewer: User | AnonymousUser, programme: str | None, theme: str | None = None,
              country: str | None = None, kind: str | None = None) -> Portfolio:
    """A programme's partnerships (every programme's, for an administrator, when ``programme`` is None)
    with their latest published evaluation's levels, their indicators' progress and their mutual
    learning. Visitors see the published partnerships and published evaluations only."""
    if programme is None:
        if not has_role(viewer, Role.ADMINISTRATOR):
            raise NotAllowed(_("Only administrators see the portfolio across programmes."))
        found = None
        qs = Partnership.objects.filter(pk__in=partnership_list(viewer=viewer).values("pk"))
    else:
        found = programme_list(viewer=viewer).filter(slug=programme).first()
        if found is None:
            raise NotFound(_("No such programme."), field="programme")
        qs = Partnership.objects.filter(pk__in=partnership_list(viewer=viewer).filter(programme=found).values("pk"))
    total = qs.count()
    if theme:
        qs = qs.filter(themes__code=theme)
    if country:
        qs = qs.filter(members__place__country=country.upper())
    if kind:
        qs = qs.filter(kind=kind)
    partnerships = sorted({p.pk: p for p in qs.select_related("programme")}.values(),
                          key=lambda p: (p.title.get("en", ""), p.pk))
    ids = [p.pk for p in partnerships]
    published = {}
    for evaluation in (Evaluation.objects.filter(partnership_id__in=ids, status=Evaluation.Status.PUBLISHED)
                       .prefetch_related(Prefetch("scores", queryset=Score.objects.all(), to_attr="score_list"))
                       .order_by("published_at", "id")):
        published[evaluation.partnership_id] = evaluation  # the latest wins
    learning = learning_by_partnership(ids)
    by_partnership: dict[int, list] = {pk: [] for pk in ids}
    for result in _results(ids):
        for indicator in result.indicator_list:
            by_partnership[result.partnership_id].append((indicator, indicator_progress(indicator).current))
    rows, counts = [], {}
    for p in partnerships:
        evaluation = published.get(p.pk)
        levels = {s.criterion: s.level for s in evaluation.score_list} if evaluation else {}
        for _indicator, current in by_partnership[p.pk]:
            status = current.progress.status if current else "no_data"
            counts[status] = counts.get(status, 0) + 1
        rows.append(PortfolioRow(partnership=p, evaluation=evaluation,
                                 scores={c.value: levels.get(c.value) for c in Criterion},
                                 learning=learning[p.pk], indicators=by_partnership[p.pk]))
    return Portfolio(programme=found, rows=rows, total=total, status_counts=counts)


# --- start page ("my work") -------------------------------------------------------------------

def evaluator_work(viewer: User | AnonymousUser) -> dict:
    """The evaluations assigned to the viewer: to do (planned or in progress), submitted, published;
    with the next one to do, the last one submitted and the last one published (each None if none)."""
    from django.db.models import Count

    if not getattr(viewer, "is_authenticated", False):
        return {"open": 0, "submitted": 0, "published": 0, "next": None, "last_submitted": None,
                "last_published": None}
    S = Evaluation.Status
    mine = Evaluation.objects.filter(evaluators=viewer.pk)
    counts = mine.aggregate(open=Count("id", filter=Q(status__in=[S.PLANNED, S.IN_PROGRESS])),
                            submitted=Count("id", filter=Q(status=S.SUBMITTED)),
                            published=Count("id", filter=Q(status=S.PUBLISHED)))
    counts["next"] = (mine.filter(status__in=[S.PLANNED, S.IN_PROGRESS])
                      .order_by(F("due_on").asc(nulls_last=True), "id").only("pk").first())
    counts["last_submitted"] = mine.filter(status=S.SUBMITTED).order_by("-updated_at", "-id").only("pk").first()
    counts["last_published"] = mine.filter(status=S.PUBLISHED).order_by("-published_at", "-id").only("pk").first()
    return counts
