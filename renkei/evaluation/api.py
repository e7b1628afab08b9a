"""Results frameworks, adoptions, evaluations, the rubric and the portfolio in the JSON API. Every
write the pages offer is here, through the same services."""

from __future__ import annotations

from ninja import Query, Router, Status

from renkei.accounts.api_auth import AUTH, OPTIONAL_AUTH
from renkei.core.concurrency import precondition
from renkei.core.schemas import DELETED, READ_ERRORS, WRITE_ERRORS, ErrorOut, page_of
from renkei.core.text import texts
from renkei.evaluation import selectors, services
from renkei.evaluation.inputs import (
    ActualIn,
    AdoptionIn,
    EvaluationChange,
    EvaluationIn,
    EvaluationScoreIn,
    EvaluationTransitionIn,
    ResultChange,
    ResultIn,
    ResultIndicatorChange,
    ResultIndicatorIn,
    TargetIn,
)
from renkei.evaluation.learning import side_of
from renkei.evaluation.permissions import can_see_unpublished
from renkei.evaluation.rubric import RUBRIC
from renkei.evaluation.schemas import (
    ActualOut,
    AdoptionOut,
    EvaluationFilters,
    EvaluationOut,
    EvaluationPage,
    EvaluationScoreOut,
    FrameworkResultOut,
    PortfolioFilters,
    PortfolioOut,
    ResultIndicatorOut,
    ResultsOut,
    RubricCriterionOut,
    TargetOut,
)
from renkei.partnerships.selectors import partnership_get

router = Router(tags=["results"])


def _texts(value: dict) -> dict:
    both = texts(value)
    return {"en": both["en"], "ja": both["ja"]}


def _actual(a) -> dict:
    return {"id": a.pk, "period_start": a.period_start, "period_end": a.period_end, "value": a.value,
            "evidence_url": a.evidence_url, "source": a.source, "is_sample": a.is_sample}


def _target(row) -> dict:
    t = row.target
    return {"id": t.pk, "period_start": t.period_start, "period_end": t.period_end, "value": t.value, "note": t.note,
            "actual": row.actual.value if row.actual else None, "progress": row.progress.progress,
            "elapsed": row.progress.elapsed, "status": row.progress.status}


def _indicator(row) -> dict:
    i = row.indicator
    name = i.name or (i.indicator.name if i.indicator else {})
    return {"id": i.pk, "indicator": i.indicator.code if i.indicator else None, "name": _texts(name),
            "unit": i.unit, "direction": i.direction, "baseline_value": i.baseline_value,
            "baseline_on": i.baseline_on, "baseline_source": i.baseline_source,
            "targets": [_target(t) for t in row.targets], "actuals": [_actual(a) for a in row.actuals]}


def _flatten(nodes) -> list[dict]:
    out = []
    for node in nodes:
        r = node.result
        out.append({"id": r.pk, "level": r.level, "parent": r.parent_id, "title": _texts(r.title),
                    "position": r.position, "indicators": [_indicator(i) for i in node.indicators]})
        out.extend(_flatten(node.children))
    return out


def _learning(learning) -> dict:
    return {"sides": [vars(s) for s in learning.sides.values()], "balance": learning.balance,
            "score": learning.score, "suggested_level": learning.suggested_level}


def _adoption(a) -> dict:
    return {"id": a.pk, "place": a.place.slug, "side": side_of(a.place.country), "practice": _texts(a.practice),
            "adopted_on": a.adopted_on, "evidence_url": a.evidence_url, "source": a.source, "is_sample": a.is_sample}


def _evaluation(e, viewer) -> dict:
    return {"id": e.pk, "partnership": e.partnership.slug, "kind": e.kind, "mode": e.mode, "status": e.status,
            "due_on": e.due_on, "summary": _texts(e.summary),
            "evaluators": sorted(u.username for u in e.evaluators.all()) if can_see_unpublished(viewer, e) else [],
            "scores": [{"criterion": s.criterion, "level": s.level, "justification": s.justification,
                        "evidence": s.evidence} for s in e.scores.all()],
            "submitted_at": e.submitted_at, "published_at": e.published_at, "version": e.version,
            "updated_at": e.updated_at}


# --- results ----------------------------------------------------------------------------------------

@router.get("/partnerships/{slug}/results", response={200: ResultsOut, **READ_ERRORS}, auth=OPTIONAL_AUTH,
            summary="A partnership's results framework, with progress, adoptions and mutual learning",
            operation_id="results_get")
def results_get(request, slug: str):
    partnership, nodes = selectors.results_get(viewer=request.user, slug=slug)
    return {"partnership": partnership.slug, "results": _flatten(nodes),
            "adoptions": [_adoption(a) for a in partnership.adoptions.select_related("place")],
            "learning": _learning(selectors.partnership_learning(partnership))}


def _result_out(result) -> dict:
    return _flatten([selectors.ResultNode(result=result, indicators=[
        selectors.indicator_progress(i) for i in result.indicators.all()])])[0]


@router.post("/partnerships/{slug}/results", response={201: FrameworkResultOut, **WRITE_ERRORS}, auth=AUTH,
             summary="Add an impact, an outcome or an output", operation_id="result_add")
def result_add(request, slug: str, payload: ResultIn):
    result = services.result_add(actor=request.user, partnership=partnership_get(viewer=request.user, slug=slug),
                                 data=payload)
    return Status(201, _result_out(result))


@router.patch("/results/{pk}", response={200: FrameworkResultOut, **WRITE_ERRORS}, auth=AUTH,
              summary="Change a result's title or position", operation_id="result_update")
def result_update(request, pk: int, payload: ResultChange):
    result = services.result_update(actor=request.user, result=selectors.result_get(viewer=request.user, pk=pk),
                                    data=payload)
    return _result_out(result)


@router.delete("/results/{pk}", response=DELETED, auth=AUTH, summary="Delete a result and what hangs under it",
               operation_id="result_delete")
def result_delete(request, pk: int):
    services.result_delete(actor=request.user, result=selectors.result_get(viewer=request.user, pk=pk))
    return Status(204, None)


@router.post("/results/{pk}/indicators", response={201: ResultIndicatorOut, **WRITE_ERRORS}, auth=AUTH,
             summary="Measure a result: a catalogue indicator or one of its own, with its baseline",
             operation_id="result_indicator_add")
def result_indicator_add(request, pk: int, payload: ResultIndicatorIn):
    row = services.result_indicator_add(actor=request.user, result=selectors.result_get(viewer=request.user, pk=pk),
                                        data=payload)
    return Status(201, _indicator(selectors.indicator_progress(row)))


@router.patch("/result-indicators/{pk}", response={200: ResultIndicatorOut, **WRITE_ERRORS}, auth=AUTH,
              summary="Change an indicator's baseline, unit or direction", operation_id="result_indicator_update")
def result_indicator_update(request, pk: int, payload: ResultIndicatorChange):
    row = services.result_indicator_update(
        actor=request.user, result_indicator=selectors.result_indicator_get(viewer=request.user, pk=pk), data=payload)
    return _indicator(selectors.indicator_progress(row))


@router.delete("/result-indicators/{pk}", response=DELETED, auth=AUTH, summary="Delete a result's indicator",
               operation_id="result_indicator_delete")
def result_indicator_delete(request, pk: int):
    services.result_indicator_delete(actor=request.user,
                                     result_indicator=selectors.result_indicator_get(viewer=request.user, pk=pk))
    return Status(204, None)


@router.put("/result-indicators/{pk}/targets", response={200: TargetOut, **WRITE_ERRORS}, auth=AUTH,
            summary="Set the target for a period (replaces the one for the same period)", operation_id="target_set")
def target_set(request, pk: int, payload: TargetIn):
    row = selectors.result_indicator_get(viewer=request.user, pk=pk)
    target = services.target_set(actor=request.user, result_indicator=row, data=payload)
    progress = selectors.indicator_progress(row)
    return next(_target(t) for t in progress.targets if t.target.pk == target.pk)


@router.delete("/targets/{pk}", response=DELETED, auth=AUTH, summary="Delete a target", operation_id="target_delete")
def target_delete(request, pk: int):
    services.target_delete(actor=request.user, target=selectors.target_get(viewer=request.user, pk=pk))
    return Status(204, None)


@router.put("/result-indicators/{pk}/actuals", response={200: ActualOut, **WRITE_ERRORS}, auth=AUTH,
            summary="Record the actual for a period, with its evidence (replaces the one for the same period)",
            operation_id="actual_record")
def actual_record(request, pk: int, payload: ActualIn):
    row = selectors.result_indicator_get(viewer=request.user, pk=pk)
    return _actual(services.actual_record(actor=request.user, result_indicator=row, data=payload))


@router.delete("/actuals/{pk}", response=DELETED, auth=AUTH, summary="Delete an actual", operation_id="actual_delete")
def actual_delete(request, pk: int):
    services.actual_delete(actor=request.user, actual=selectors.actual_get(viewer=request.user, pk=pk))
    return Status(204, None)


@router.post("/partnerships/{slug}/adoptions", response={201: AdoptionOut, **WRITE_ERRORS}, auth=AUTH,
             summary="Record a practice one side adopted after the partnership", operation_id="adoption_add")
def adoption_add(request, slug: str, payload: AdoptionIn):
    adoption = services.adoption_add(actor=request.user, partnership=partnership_get(viewer=request.user, slug=slug),
                                     data=payload)
    return Status(201, _adoption(adoption))


@router.delete("/adoptions/{pk}", response=DELETED, auth=AUTH, summary="Delete an adoption",
               operation_id="adoption_delete")
def adoption_delete(request, pk: int):
    services.adoption_delete(actor=request.user, adoption=selectors.adoption_get(viewer=request.user, pk=pk))
    return Status(204, None)


# --- evaluations ------------------------------------------------------------------------------------

@router.get("/evaluations", response={200: EvaluationPage, 422: ErrorOut}, auth=OPTIONAL_AUTH,
            summary="Evaluations the caller may see (visitors: published ones)", operation_id="evaluation_list",
            tags=["evaluations"])
def evaluation_list(request, filters: Query[EvaluationFilters]):
    qs = selectors.evaluation_list(viewer=request.user, status=filters.status)
    if filters.partnership:
        qs = qs.filter(partnership__slug=filters.partnership)
    return page_of(qs, filters, results=lambda items: [_evaluation(e, request.user) for e in items])


@router.get("/evaluations/{pk}", response={200: EvaluationOut, **READ_ERRORS}, auth=OPTIONAL_AUTH,
            summary="One evaluation with its scores", operation_id="evaluation_get", tags=["evaluations"])
def evaluation_get(request, pk: int):
    return _evaluation(selectors.evaluation_get(viewer=request.user, pk=pk), request.user)


def _fresh(request, pk: int) -> dict:
    return _evaluation(selectors.evaluation_get(viewer=request.user, pk=pk), request.user)


@router.post("/partnerships/{slug}/evaluations", response={201: EvaluationOut, **WRITE_ERRORS}, auth=AUTH,
             summary="Plan an evaluation and assign its evaluators (officers)", operation_id="evaluation_create",
             tags=["evaluations"])
def evaluation_create(request, slug: str, payload: EvaluationIn):
    evaluation = services.evaluation_create(actor=request.user,
                                            partnership=partnership_get(viewer=request.user, slug=slug), data=payload)
    return Status(201, _fresh(request, evaluation.pk))


@router.patch("/evaluations/{pk}", response={200: EvaluationOut, **WRITE_ERRORS}, auth=AUTH,
              summary="Change an evaluation's due date and evaluators (officers) or summary (its scorers); "
                      "If-Match guards against a stale copy", operation_id="evaluation_update", tags=["evaluations"])
def evaluation_update(request, pk: int, payload: EvaluationChange):
    evaluation = selectors.evaluation_get(viewer=request.user, pk=pk)
    with precondition(request) as expected:
        services.evaluation_update(actor=request.user, evaluation=evaluation, data=payload,
                                   expected_version=expected)
    return _fresh(request, pk)


@router.delete("/evaluations/{pk}", response=DELETED, auth=AUTH, summary="Delete an unpublished evaluation",
               operation_id="evaluation_delete", tags=["evaluations"])
def evaluation_delete(request, pk: int):
    services.evaluation_delete(actor=request.user, evaluation=selectors.evaluation_get(viewer=request.user, pk=pk))
    return Status(204, None)


@router.put("/evaluations/{pk}/scores", response={200: EvaluationScoreOut, **WRITE_ERRORS}, auth=AUTH,
            summary="Score one criterion on the rubric, with justification and evidence (assigned scorers)",
            operation_id="score_record", tags=["evaluations"])
def score_record(request, pk: int, payload: EvaluationScoreIn):
    score = services.score_record(actor=request.user, evaluation=selectors.evaluation_get(viewer=request.user, pk=pk),
                                  data=payload)
    return {"criterion": score.criterion, "level": score.level, "justification": score.justification,
            "evidence": score.evidence}


@router.post("/evaluations/{pk}/status", response={200: EvaluationOut, **WRITE_ERRORS}, auth=AUTH,
             summary="Take one step of the lifecycle: submit (scorers), return or publish (officers)",
             operation_id="evaluation_transition", tags=["evaluations"])
def evaluation_transition(request, pk: int, payload: EvaluationTransitionIn):
    services.evaluation_transition(actor=request.user, evaluation=selectors.evaluation_get(viewer=request.user, pk=pk),
                                   to=payload)
    return _fresh(request, pk)


@router.get("/evaluation-rubric", response=list[RubricCriterionOut], auth=OPTIONAL_AUTH,
            summary="The published rubric: each criterion's question and its four levels",
            operation_id="evaluation_rubric", tags=["evaluations"])
def evaluation_rubric(request):
    return [{"criterion": c.criterion, "name": c.label, "question": str(c.question),
             "levels": [{"level": level, "name": name, "descriptor": text} for level, name, text in c.rows()]}
            for c in RUBRIC]


# --- portfolio --------------------------------------------------------------------------------------

def _portfolio(report) -> dict:
    return {
        "programme": report.programme.slug if report.programme else None, "partnerships": report.total,
        "status_counts": report.status_counts,
        "rows": [{"partnership": r.partnership.slug, "title": _texts(r.partnership.title), "kind": r.partnership.kind,
                  "evaluation": r.evaluation.pk if r.evaluation else None, "scores": r.scores,
                  "learning": _learning(r.learning),
                  "indicators": [{"name": i.name_text, "unit": i.unit,
                                  "status": current.progress.status if current else "no_data",
                                  "progress": current.progress.progress if current else None}
                                 for i, current in r.indicators]}
                 for r in report.rows]}


@router.get("/programmes/{slug}/portfolio", response={200: PortfolioOut, **READ_ERRORS}, auth=OPTIONAL_AUTH,
            summary="A programme's portfolio: criteria by partnership, indicator progress, learning by side",
            operation_id="programme_portfolio", tags=["programmes"])
def programme_portfolio(request, slug: str, filters: Query[PortfolioFilters]):
    return _portfolio(selectors.portfolio(viewer=request.user, programme=slug, **filters.model_dump()))


@router.get("/portfolio", response={200: PortfolioOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut}, auth=AUTH,
            summary="The portfolio across programmes (administrators)", operation_id="portfolio")
def portfolio(request, filters: Query[PortfolioFilters]):
    return _portfolio(selectors.portfolio(viewer=request.user, programme=None, **filters.model_dump()))
