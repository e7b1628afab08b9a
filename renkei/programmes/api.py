"""Programmes, calls, applications and reviews in the JSON API."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth import get_user_model
from ninja import Field, Router, Schema

from renkei.accounts.api_auth import AUTH, OPTIONAL_AUTH
from renkei.core.errors import NotFound
from renkei.places.selectors import place_get_by_ref
from renkei.programmes import selectors, services

router = Router(tags=["programmes"])


class ErrorOut(Schema):
    error: dict


class ProgrammeOut(Schema):
    slug: str
    title_en: str
    title_ja: str
    description: dict
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
    text_en: str
    text_ja: str
    choices: list[str]
    required: bool


class CriterionOut(Schema):
    id: int
    name_en: str
    name_ja: str
    weight: float


class CallOut(Schema):
    slug: str
    programme: str
    title_en: str
    title_ja: str
    description: dict
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


def _programme(p) -> dict:
    return {**{k: getattr(p, k) for k in ("slug", "title_en", "title_ja", "description", "starts_on", "ends_on",
                                           "eligible_countries", "eligible_levels", "min_population",
                                           "max_population")},
            "calls": [c.slug for c in p.calls.all()]}


def _application(a) -> dict:
    return {"id": a.pk, "call": a.call.slug, "place": a.place.slug, "status": a.status,
            "submitted_at": a.submitted_at, "decision_reason": a.decision_reason}


@router.get("/programmes", response=list[ProgrammeOut], auth=OPTIONAL_AUTH, summary="Programmes",
            operation_id="programme_list")
def programmes(request):
    return [_programme(p) for p in selectors.programme_list(viewer=request.user).prefetch_related("calls")]


@router.get("/calls", response=list[CallOut], auth=OPTIONAL_AUTH, summary="Calls for expressions of interest",
            operation_id="call_list")
def calls(request, status: str = ""):
    return [_call(request, c) for c in selectors.call_list(viewer=request.user, status=status)
            .prefetch_related("questions", "criteria")]


def _call(request, call, place=None) -> dict:
    out = {k: getattr(call, k) for k in ("slug", "title_en", "title_ja", "description", "opens_at", "closes_at",
                                          "timezone", "status", "places_to_select")}
    out["programme"] = call.programme.slug
    out["questions"] = list(call.questions.all())
    out["criteria"] = list(call.criteria.all())
    out["eligibility"] = services.eligibility(call.programme, place) if place is not None else None
    return out


@router.get("/calls/{slug}", response={200: CallOut, 404: ErrorOut}, auth=OPTIONAL_AUTH, summary="One call",
            operation_id="call_get")
def call_get(request, slug: str, place: str = ""):
    call = selectors.call_get(viewer=request.user, slug=slug)
    return _call(request, call, place_get_by_ref(viewer=request.user, ref=place) if place else None)


@router.post("/calls/{slug}/status", response={200: CallOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                               422: ErrorOut},
             auth=AUTH, summary="Open, close or decide a call (legal steps only)", operation_id="call_transition")
def call_transition(request, slug: str, payload: TransitionIn):
    call = services.call_transition(actor=request.user, call=selectors.call_get(viewer=request.user, slug=slug),
                                    to=payload.to)
    return _call(request, call)


@router.post("/calls/{slug}/applications", response={200: ApplicationOut, 401: ErrorOut, 403: ErrorOut,
                                                     404: ErrorOut, 422: ErrorOut},
             auth=AUTH, summary="Save or submit a place's application (text and choice answers)",
             operation_id="application_save")
def application_save(request, slug: str, payload: ApplicationIn):
    call = selectors.call_get(viewer=request.user, slug=slug)
    place = place_get_by_ref(viewer=request.user, ref=payload.place)
    application = services.application_save(actor=request.user, call=call, place=place, answers=payload.answers,
                                            submit=payload.submit)
    return _application(application)


@router.get("/applications", response={200: list[ApplicationOut], 401: ErrorOut}, auth=AUTH,
            summary="Applications the caller may see", operation_id="application_list")
def applications(request, call: str = ""):
    qs = selectors.application_list(viewer=request.user)
    if call:
        qs = qs.filter(call__slug=call)
    return [_application(a) for a in qs]


def _visible_application(request, pk: int):
    application = selectors.application_list(viewer=request.user).filter(pk=pk).first()
    if application is None:
        raise NotFound("No such application.", field="id")
    return application


@router.post("/applications/{pk}/decision", response={200: ApplicationOut, 401: ErrorOut, 403: ErrorOut,
                                                      404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
             auth=AUTH, summary="Select or not select an application, with a reason", operation_id="application_decide")
def decide(request, pk: int, payload: DecisionIn):
    application = services.application_decide(actor=request.user, application=_visible_application(request, pk),
                                              selected=payload.selected, reason=payload.reason)
    return _application(application)


@router.post("/applications/{pk}/reviewers", response={200: dict, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                                       422: ErrorOut},
             auth=AUTH, summary="Assign a reviewer", operation_id="review_assign")
def assign(request, pk: int, payload: AssignIn):
    reviewer = get_user_model().objects.filter(username=payload.reviewer).first()
    if reviewer is None:
        raise NotFound(f"No user {payload.reviewer!r}.", field="reviewer")
    seat = services.review_assign(actor=request.user, application=_visible_application(request, pk),
                                  reviewer=reviewer)
    return {"assignment": seat.pk}


def _seat(request, pk: int):
    seat = selectors.assignment_list(viewer=request.user).filter(pk=pk).first()
    if seat is None:
        raise NotFound("No such review assignment.", field="id")
    return seat


@router.post("/assignments/{pk}/conflict", response={200: dict, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                                     422: ErrorOut},
             auth=AUTH, summary="Declare a conflict of interest (or none)", operation_id="conflict_declare")
def conflict(request, pk: int, payload: ConflictIn):
    seat = services.conflict_declare(actor=request.user, assignment=_seat(request, pk), conflicted=payload.conflicted,
                                     note=payload.note)
    return {"assignment": seat.pk, "conflicted": seat.conflicted}


@router.post("/assignments/{pk}/scores", response={200: dict, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                                   422: ErrorOut},
             auth=AUTH, summary="Score every criterion 1–5", operation_id="scores_submit")
def scores(request, pk: int, payload: ScoresIn):
    seat = services.scores_submit(actor=request.user, assignment=_seat(request, pk),
                                  scores={k: (v.value, v.comment) for k, v in payload.scores.items()})
    return {"assignment": seat.pk, "submitted_at": seat.submitted_at.isoformat()}


@router.get("/calls/{slug}/ranking", response={200: list[RankingOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
            auth=AUTH, summary="Committee view: weighted totals, spread and ranking", operation_id="call_ranking")
def ranking(request, slug: str):
    rows = services.committee_ranking(actor=request.user, call=selectors.call_get(viewer=request.user, slug=slug))
    return [{"rank": r.rank, "application": r.application.pk, "place": r.application.place.slug,
             "status": r.application.status, "weighted_total": r.weighted_total,
             "reviewer_totals": list(r.reviewer_totals), "spread": r.spread, "divergent": r.divergent} for r in rows]
