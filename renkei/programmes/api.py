"""Programmes, calls, applications and reviews in the JSON API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Query, Router, Schema

from renkei.accounts.api_auth import AUTH, OPTIONAL_AUTH
from renkei.core.schemas import ERRORS, Page, PageQuery, page_of
from renkei.programmes import selectors, services

router = Router(tags=["programmes"])

Texts = dict[str, str]


class ProgrammeOut(Schema):
    slug: str
    title: Texts = Field(description="text per language: {\"en\": …, \"ja\": …}")
    description: Texts
    starts_on: date | None
    ends_on: date | None
    eligible_countries: list[str]
    eligible_levels: list[str]
    min_population: int | None
    max_population: int | None
    calls: list[str]


class QuestionOut(Schema):
    id: int
    kind: str
    text: Texts
    choices: list[str]
    required: bool


class CriterionOut(Schema):
    id: int
    name: Texts
    weight: float


class CallOut(Schema):
    slug: str
    programme: str
    title: Texts
    description: Texts
    opens_at: datetime
    closes_at: datetime
    timezone: str
    status: str
    places_to_select: int
    questions: list[QuestionOut]
    criteria: list[CriterionOut]
    eligibility: list[str] | None = Field(None, description="reasons the ?place= may not apply; [] if it may")


class TransitionIn(Schema):
    to: str


class ApplicationIn(Schema):
    place: str
    answers: dict[int, str] = {}
    submit: bool = False


class ApplicationOut(Schema):
    id: int
    call: str
    place: str
    status: str
    submitted_at: datetime | None
    decision_reason: str


class DecisionIn(Schema):
    selected: bool
    reason: str


class AssignIn(Schema):
    reviewer: str


class ConflictIn(Schema):
    conflicted: bool
    note: str = ""


class ScoreIn(Schema):
    value: int
    comment: str = ""


class ScoresIn(Schema):
    scores: dict[int, ScoreIn]


class RankingOut(Schema):
    rank: int | None
    application: int
    place: str
    status: str
    weighted_total: float | None
    reviewer_totals: list[float]
    spread: float
    divergent: bool


class ProgrammePage(Page[ProgrammeOut]):
    pass


class CallPage(Page[CallOut]):
    pass


class ApplicationPage(Page[ApplicationOut]):
    pass


class RankingPage(Page[RankingOut]):
    pass


class CallQuery(PageQuery):
    status: Literal["", "draft", "open", "closed", "decided"] = ""


class CallDetailQuery(Schema):
    place: str = Field("", max_length=200, description="a place's slug: say why it may not apply")


class ApplicationQuery(PageQuery):
    call: str = Field("", max_length=120, description="a call's slug")


def _programme(p) -> dict:
    return {**{k: getattr(p, k) for k in ("slug", "title", "description", "starts_on", "ends_on",
                                           "eligible_countries", "eligible_levels", "min_population",
                                           "max_population")},
            "calls": [c.slug for c in p.calls.all()]}


def _call(call, place=None) -> dict:
    out = {k: getattr(call, k) for k in ("slug", "title", "description", "opens_at", "closes_at",
                                          "timezone", "status", "places_to_select")}
    out["programme"] = call.programme.slug
    out["questions"] = list(call.questions.all())
    out["criteria"] = list(call.criteria.all())
    out["eligibility"] = services.eligibility(call.programme, place) if place is not None else None
    return out


def _application(a) -> dict:
    return {"id": a.pk, "call": a.call.slug, "place": a.place.slug, "status": a.status,
            "submitted_at": a.submitted_at, "decision_reason": a.decision_reason}


@router.get("/programmes", response={200: ProgrammePage, **ERRORS}, auth=OPTIONAL_AUTH, summary="Programmes",
            operation_id="programme_list")
def programmes(request, query: Query[PageQuery]):
    return page_of(selectors.programme_list(viewer=request.user).prefetch_related("calls"), query,
                   results=lambda rows: [_programme(p) for p in rows])


@router.get("/calls", response={200: CallPage, **ERRORS}, auth=OPTIONAL_AUTH,
            summary="Calls for expressions of interest", operation_id="call_list")
def calls(request, query: Query[CallQuery]):
    qs = selectors.call_list(viewer=request.user, status=query.status).prefetch_related("questions", "criteria")
    return page_of(qs, query, results=lambda rows: [_call(c) for c in rows])


@router.get("/calls/{slug}", response={200: CallOut, **ERRORS}, auth=OPTIONAL_AUTH, summary="One call",
            operation_id="call_get")
def call_get(request, slug: str, query: Query[CallDetailQuery]):
    call = selectors.call_for(request.user, slug)
    return _call(call, selectors.applicant_for(request.user, query.place) if query.place else None)


@router.post("/calls/{slug}/status", response={200: CallOut, **ERRORS},
             auth=AUTH, summary="Open, close or decide a call (legal steps only)", operation_id="call_transition")
def call_transition(request, slug: str, payload: TransitionIn):
    call = services.call_transition(actor=request.user, call=selectors.call_for(request.user, slug), to=payload.to)
    return _call(call)


@router.post("/calls/{slug}/applications", response={200: ApplicationOut, **ERRORS},
             auth=AUTH, summary="Save or submit a place's application (text and choice answers)",
             operation_id="application_save")
def application_save(request, slug: str, payload: ApplicationIn):
    call = selectors.call_for(request.user, slug)
    place = selectors.applicant_for(request.user, payload.place)
    application = services.application_save(actor=request.user, call=call, place=place, answers=payload.answers,
                                            submit=payload.submit)
    return _application(application)


@router.get("/applications", response={200: ApplicationPage, **ERRORS}, auth=AUTH,
            summary="Applications the caller may see", operation_id="application_list")
def applications(request, query: Query[ApplicationQuery]):
    qs = selectors.application_list(viewer=request.user)
    if query.call:
        qs = qs.filter(call__slug=query.call)
    return page_of(qs, query, results=lambda rows: [_application(a) for a in rows])


@router.post("/applications/{pk}/decision", response={200: ApplicationOut, **ERRORS},
             auth=AUTH, summary="Select or not select an application, with a reason", operation_id="application_decide")
def decide(request, pk: int, payload: DecisionIn):
    application = services.application_decide(actor=request.user,
                                              application=selectors.application_for(request.user, pk),
                                              selected=payload.selected, reason=payload.reason)
    return _application(application)


@router.post("/applications/{pk}/reviewers", response={200: dict, **ERRORS},
             auth=AUTH, summary="Assign a reviewer", operation_id="review_assign")
def assign(request, pk: int, payload: AssignIn):
    reviewer = selectors.user_for(payload.reviewer)
    seat = services.review_assign(actor=request.user, application=selectors.application_for(request.user, pk),
                                  reviewer=reviewer)
    return {"assignment": seat.pk}


@router.post("/assignments/{pk}/conflict", response={200: dict, **ERRORS},
             auth=AUTH, summary="Declare a conflict of interest (or none)", operation_id="conflict_declare")
def conflict(request, pk: int, payload: ConflictIn):
    seat = services.conflict_declare(actor=request.user, assignment=selectors.assignment_for(request.user, pk),
                                     conflicted=payload.conflicted, note=payload.note)
    return {"assignment": seat.pk, "conflicted": seat.conflicted}


@router.post("/assignments/{pk}/scores", response={200: dict, **ERRORS},
             auth=AUTH, summary="Score every criterion 1–5", operation_id="scores_submit")
def scores(request, pk: int, payload: ScoresIn):
    seat = services.scores_submit(actor=request.user, assignment=selectors.assignment_for(request.user, pk),
                                  scores={k: (v.value, v.comment) for k, v in payload.scores.items()})
    return {"assignment": seat.pk, "submitted_at": seat.submitted_at.isoformat()}


@router.get("/calls/{slug}/ranking", response={200: RankingPage, **ERRORS},
            auth=AUTH, summary="Committee view: weighted totals, spread and ranking", operation_id="call_ranking")
def ranking(request, slug: str, query: Query[PageQuery]):
    rows = services.committee_ranking(actor=request.user, call=selectors.call_for(request.user, slug))
    return page_of(rows, query, results=lambda page: [
        {"rank": r.rank, "application": r.application.pk, "place": r.application.place.slug,
         "status": r.application.status, "weighted_total": r.weighted_total,
         "reviewer_totals": list(r.reviewer_totals), "spread": r.spread, "divergent": r.divergent} for r in page])
