"""Pages of results and evaluations: a partnership's results framework with its forms, an evaluation
with its scoring form, the public rubric, and the portfolio of a programme (and, for administrators,
of every programme) with its charts and exports."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from renkei.core.errors import NotAllowed
from renkei.evaluation import exporting, selectors, services
from renkei.evaluation.forms import (
    ActualForm,
    AdoptionForm,
    AssignForm,
    EvaluationForm,
    IndicatorForm,
    ResultForm,
    ScoreForm,
    SummaryForm,
    TargetForm,
)
from renkei.evaluation.learning import SIDE_LABELS
from renkei.evaluation.models import Criterion, Evaluation, ResultIndicator
from renkei.evaluation.permissions import can_enter_results, can_plan_evaluations, can_score
from renkei.evaluation.progress import AT_RISK, ON_TRACK, STATUS_LABELS
from renkei.evaluation.rubric import RUBRIC
from renkei.evaluation.services import SCORABLE, TRANSITIONS
from renkei.partnerships.models import Partnership
from renkei.partnerships.selectors import partnership_get
from renkei.places.models import Theme
from renkei.ui.actions import perform, signed_in_post
from renkei.ui.charts import Chart, Column, chart_csv_response
from renkei.ui.forms import submit
from renkei.ui.pagecache import for_visitors

RESULT_FORMS = {"result": ResultForm, "indicator": IndicatorForm, "target": TargetForm, "actual": ActualForm,
                "adoption": AdoptionForm}


def _results_page(request, partnership, bound: dict | None = None, status: int = 200):
    may_enter = can_enter_results(request.user, partnership)
    bound = bound or {}
    forms = {}
    if may_enter:
        forms = {name: bound.get(name) or form_class(partnership=partnership)
                 for name, form_class in RESULT_FORMS.items()}
        has_results = partnership.results.exists()
        has_indicators = ResultIndicator.objects.filter(result__partnership=partnership).exists()
        if not has_results:
            forms.pop("indicator")
        if not has_indicators:
            forms.pop("target")
            forms.pop("actual")
    planner = can_plan_evaluations(request.user)
    return render(request, "evaluation/results.html", {
        "p": partnership, "nodes": selectors.framework(partnership),
        "adoptions": partnership.adoptions.select_related("place"),
        "learning": selectors.partnership_learning(partnership),
        "evaluations": selectors.evaluation_list(viewer=request.user, partnership=partnership),
        "can_enter": may_enter, "forms": forms,
        "evaluation_form": (bound.get("evaluation") or EvaluationForm()) if planner else None,
        "on_track": ON_TRACK, "at_risk": AT_RISK,
    }, status=status)


@for_visitors
def results(request, slug):
    return _results_page(request, partnership_get(viewer=request.user, slug=slug))


@signed_in_post
def results_add(request, slug, what):
    """Add to the framework from the results page: a result, an indicator, a target, an actual or an
    adoption; or plan an evaluation. Refused input shows the page again with the errors on the form."""
    partnership = partnership_get(viewer=request.user, slug=slug)
    done = ("evaluation:results", slug)
    if what == "evaluation":
        if not can_plan_evaluations(request.user):
            raise NotAllowed(_("Only programme officers and administrators plan evaluations."))
        form = EvaluationForm(request.POST)
        saved = submit(request, form, lambda: services.evaluation_create(
            actor=request.user, partnership=partnership, data=form.input()),
            done=_("The evaluation was planned."), to=lambda e: ("evaluation:evaluation", e.pk))
        return saved or _results_page(request, partnership, {"evaluation": form}, status=422)
    if what not in RESULT_FORMS:
        raise Http404
    form = RESULT_FORMS[what](request.POST, partnership=partnership)

    def write():
        data = form.input()
        if what == "result":
            return services.result_add(actor=request.user, partnership=partnership, data=data)
        if what == "adoption":
            return services.adoption_add(actor=request.user, partnership=partnership, data=data)
        if what == "indicator":
            result = partnership.results.get(pk=form.cleaned_data["result"])
            return services.result_indicator_add(actor=request.user, result=result, data=data)
        row = ResultIndicator.objects.get(pk=form.cleaned_data["result_indicator"], result__partnership=partnership)
        if what == "target":
            return services.target_set(actor=request.user, result_indicator=row, data=data)
        return services.actual_record(actor=request.user, result_indicator=row, data=data)

    if not can_enter_results(request.user, partnership):
        raise NotAllowed(_("Only the partnership's focal points and programme officers enter its results."))
    saved = submit(request, form, write, done=_("Saved."), to=done)
    return saved or _results_page(request, partnership, {what: form}, status=422)


# --- evaluations ------------------------------------------------------------------------------------

def _evaluation_page(request, evaluation: Evaluation, bound: dict | None = None, status: int = 200):
    bound = bound or {}
    scores = selectors.scores_by_criterion(evaluation)
    scorer = can_score(request.user, evaluation) and evaluation.status in SCORABLE
    planner = can_plan_evaluations(request.user)
    criteria = []
    for rubric in RUBRIC:
        score = scores.get(rubric.criterion)
        form = None
        if scorer:
            initial = ({"level": score.level, "justification": score.justification, "evidence": score.evidence}
                       if score else None)
            form = bound.get(rubric.criterion) or ScoreForm(criterion=rubric.criterion, initial=initial)
        criteria.append({"rubric": rubric, "score": score, "form": form})
    steps = []
    for (source, target), who in TRANSITIONS.items():
        if source == evaluation.status and (("officer" in who and planner)
                                            or ("scorer" in who and can_score(request.user, evaluation))):
            steps.append((target, Evaluation.Status(target).label))
    editable = evaluation.status != Evaluation.Status.PUBLISHED
    return render(request, "evaluation/evaluation.html", {
        "e": evaluation, "p": evaluation.partnership, "criteria": criteria, "steps": steps,
        "learning": selectors.partnership_learning(evaluation.partnership),
        "assign_form": (bound.get("assign") or AssignForm(initial={
            "due_on": evaluation.due_on, "evaluators": [u.username for u in evaluation.evaluators.all()]}))
        if planner and editable and evaluation.mode == Evaluation.Mode.EXTERNAL else None,
        "summary_form": (bound.get("summary") or SummaryForm(initial={
            "summary_en": evaluation.summary.get("en", ""), "summary_ja": evaluation.summary.get("ja", "")}))
        if editable and (planner or can_score(request.user, evaluation)) else None,
        "show_evaluators": planner or can_score(request.user, evaluation),
    }, status=status)


@for_visitors
def evaluation(request, pk):
    return _evaluation_page(request, selectors.evaluation_get(viewer=request.user, pk=pk))


@signed_in_post
def evaluation_score(request, pk, criterion):
    evaluation = selectors.evaluation_get(viewer=request.user, pk=pk)
    if criterion not in Criterion.values:
        raise Http404
    form = ScoreForm(request.POST, criterion=criterion)
    if not can_score(request.user, evaluation):
        raise NotAllowed(_("Only the evaluators assigned to this evaluation score it (the partnership's focal "
                           "points, for a self-evaluation)."))
    saved = submit(request, form, lambda: services.score_record(actor=request.user, evaluation=evaluation,
                                                                data={**form.input(), "criterion": criterion}),
                   done=_("The score was saved."), to=("evaluation:evaluation", pk))
    return saved or _evaluation_page(request, evaluation, {criterion: form}, status=422)


@signed_in_post
def evaluation_step(request, pk):
    evaluation = selectors.evaluation_get(viewer=request.user, pk=pk)
    return perform(request, lambda: services.evaluation_transition(actor=request.user, evaluation=evaluation,
                                                                   to=request.POST.get("to", "")),
                   done=_("The evaluation's status was changed."), to=("evaluation:evaluation", pk))


@signed_in_post
def evaluation_edit(request, pk, what):
    evaluation = selectors.evaluation_get(viewer=request.user, pk=pk)
    forms = {"assign": AssignForm, "summary": SummaryForm}
    if what not in forms:
        raise Http404
    form = forms[what](request.POST)
    saved = submit(request, form, lambda: services.evaluation_update(actor=request.user, evaluation=evaluation,
                                                                     data=form.input()),
                   done=_("Saved."), to=("evaluation:evaluation", pk))
    return saved or _evaluation_page(request, evaluation, {what: form}, status=422)


@for_visitors
def rubric(request):
    return render(request, "evaluation/rubric.html", {"rubric": RUBRIC})


# --- portfolio --------------------------------------------------------------------------------------

def portfolio_charts(report) -> list[Chart]:
    """The heat map of criteria × partnerships, the progress of every indicator and the learning of
    each side, as chart rows (the same rows make each chart's table and CSV)."""
    heat, progress, learning = [], [], []
    names = Counter(i.name_text for row in report.rows for i, _current in row.indicators)
    for row in report.rows:
        title = row.partnership.title_text
        for c in Criterion:
            heat.append({"partnership": title, "criterion": str(c.label), "level": row.scores[c.value]})
        for indicator, current in row.indicators:
            prog = current.progress if current else None
            progress.append({
                "item": indicator.name_text if names[indicator.name_text] == 1
                else f"{indicator.name_text} ({title})", "partnership": title,
                "progress": prog.percent if prog else None,
                "elapsed": None if prog is None or prog.elapsed is None else round(100 * prog.elapsed, 1),
                "status": str(STATUS_LABELS[prog.status if prog else "no_data"])})
        for side in row.learning.sides.values():
            learning.append({"partnership": title, "side": side.label, "score": side.score,
                             "gain": side.mean_gain, "adoptions": side.adoptions,
                             "mutual": row.learning.score})
    return [
        Chart(id="criteria-heatmap", kind="heatmap", title=_("Evaluation criteria by partnership (levels 1–4)"),
              columns=[Column("partnership", _("Partnership")), Column("criterion", _("Criterion")),
                       Column("level", _("Rubric level"), number=True)],
              rows=heat, x="criterion", y="partnership", fill="level", domain=(1, 4), label="partnership",
              note=_("From each partnership's latest published evaluation; missing where none is published.")),
        Chart(id="indicator-progress", kind="bar", title=_("Progress towards the current target"),
              columns=[Column("item", _("Indicator")), Column("partnership", _("Partnership")),
                       Column("progress", _("Progress"), number=True, unit="%"),
                       Column("elapsed", _("Time elapsed"), number=True, unit="%"), Column("status", _("Status"))],
              rows=progress, x="progress", y="item", label="item",
              note=_("Progress = (actual − baseline) / (target − baseline); on track at %(on)s of the elapsed "
                     "share or more, at risk from %(risk)s.") % {"on": f"{ON_TRACK:.0%}", "risk": f"{AT_RISK:.0%}"}),
        Chart(id="learning-by-side", kind="strip", title=_("Learning by side (0–1)"),
              columns=[Column("partnership", _("Partnership")), Column("side", _("Side")),
                       Column("score", _("Side's learning"), number=True, decimals=2),
                       Column("gain", _("Mean gain (points)"), number=True, decimals=2),
                       Column("adoptions", _("Adoptions"), number=True),
                       Column("mutual", _("Mutual learning"), number=True, decimals=2)],
              rows=learning, x="score", y="partnership", fill="side", domain=(0, 1), label="partnership"),
    ]


def _export(report, fmt: str, table: str, name: str) -> HttpResponse:
    tables = exporting.portfolio_tables(report)
    if fmt == "xlsx":
        response = HttpResponse(exporting.to_xlsx(tables), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    chosen = next((t for t in tables if t.name == table), tables[0])
    response = HttpResponse(exporting.to_csv(chosen), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{chosen.name}.csv"'
    return response


def _portfolio_page(request, slug: str | None):
    filters = {key: (request.GET.get(key) or "").strip()[:100] or None for key in ("theme", "country", "kind")}
    if filters["kind"] not in (None, *Partnership.Kind.values):
        filters["kind"] = None
    report = selectors.portfolio(viewer=request.user, programme=slug, **filters)
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "csv") and not request.GET.get("chart"):
        return _export(report, fmt, request.GET.get("table", "scores"), f"portfolio-{slug or 'all'}")
    charts = portfolio_charts(report)
    if (answer := chart_csv_response(request, charts)):
        return answer
    two_way = sum(r.learning.two_way for r in report.rows)
    return render(request, "evaluation/portfolio.html", {
        "report": report, "programme": report.programme, "charts": charts, "filters": filters,
        "themes": Theme.objects.filter(partnerships__in=[r.partnership for r in report.rows]).distinct()
        if report.rows else Theme.objects.none(),
        "kinds": Partnership.Kind.choices, "criteria": list(Criterion), "two_way": two_way,
        "statuses": [(key, label, report.status_counts.get(key, 0)) for key, label in STATUS_LABELS.items()],
        "sides": SIDE_LABELS, "tables": exporting.TABLES, "query": request.GET.urlencode(),
    })


@for_visitors
def _portfolio_kept(request, slug):
    return _portfolio_page(request, slug)


def portfolio(request, slug):
    """The page is kept for visitors; its downloads (CSV and XLSX) are made per request."""
    if request.GET.get("format"):
        return _portfolio_page(request, slug)
    return _portfolio_kept(request, slug)


@login_required
def portfolio_all(request):
    return _portfolio_page(request, None)
