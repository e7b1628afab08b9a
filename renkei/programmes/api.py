"""Programmes, calls, applications and reviews in the JSON API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from renkei.accounts.api_auth import AUTH, OPTIONAL_AUTH
from renkei.core.concurrency import precondition
from renkei.core.errors import NotFound
from renkei.core.schemas import DELETED, ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut, Page, PageQuery, page_of
from renkei.core.uploads import Upload, stored_file_response
from renkei.programmes import selectors, services
from renkei.programmes.inputs import (
    CallIn,
    CallUpdate,
    CriterionIn,
    CriterionUpdate,
    ProgrammeIn,
    ProgrammeUpdate,
    QuestionIn,
    QuestionUpdate,
)

router = Router(tags=["programmes"])

Texts = dict[str, str]


class ProgrammeOut(Schema):
    id: int
    slug: str
    title: Texts = Field(description="text per language: {\"en\": …, \"ja\": …}")
    description: Texts
    starts_on: date | None
    ends_on: date | None
    eligible_countries: list[str]
    eligible_levels: list[str]
    min_population: int | None
    max_population: int | None
    themes: list[str] = Field(description="theme codes")
    required_themes: list[str] = Field(description="an applicant needs recorded expertise in one of these")
    owners: list[str] = Field(description="URL names of the organisations that run it")
    is_published: bool
    calls: list[str]
    updated_at: datetime
    version: int


class QuestionOut(Schema):
    id: int
    position: int
    kind: str
    text: Texts
    choices: list[str]
    required: bool
    updated_at: datetime
    version: int


class CriterionOut(Schema):
    id: int
    position: int
    name: Texts
    weight: float
    updated_at: datetime
    version: int


class CallOut(Schema):
    id: int
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
    updated_at: datetime
    version: int


class TransitionIn(Schema):
    to: str


class ApplicationIn(Schema):
    place: str
    answers: dict[int, str] = {}
    submit: bool = False


class AnswerOut(Schema):
    question: int
    text: str
    file: bool = Field(description="whether a file is attached")
    file_name: str | None = Field(None, description="the attached file's name")
    file_url: str | None = Field(None, description="where to download the attached file (GET, same permissions "
                                                   "as the application)")


class ApplicationOut(Schema):
    id: int
    call: str
    place: str
    status: str
    submitted_at: datetime | None
    decision_reason: str
    answers: list[AnswerOut] = Field(description="answers the caller may read (not to a conflicted reviewer)")
    updated_at: datetime
    version: int


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
    updated_at: datetime = Field(description="when the application last changed")


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
    programme: str = Field("", max_length=120, description="a programme's slug")


class CallDetailQuery(Schema):
    place: str = Field("", max_length=200, description="a place's slug: say why it may not apply")


class ApplicationQuery(PageQuery):
    call: str = Field("", max_length=120, description="a call's slug")
    status: Literal["", "draft", "submitted", "withdrawn", "selected", "not_selected"] = ""


def _programme(p) -> dict:
    return {**{k: getattr(p, k) for k in ("id", "slug", "title", "description", "starts_on", "ends_on",
                                           "eligible_countries", "eligible_levels", "min_population",
                                           "max_population", "is_published", "updated_at", "version")},
            "themes": [t.code for t in p.themes.all()], "required_themes": [t.code for t in p.required_themes.all()],
            "owners": [o.slug for o in p.owners.all()], "calls": [c.slug for c in p.calls.all()]}


def _call(call, place=None) -> dict:
    out = {k: getattr(call, k) for k in ("id", "slug", "title", "description", "opens_at", "closes_at",
                                          "timezone", "status", "places_to_select", "updated_at", "version")}
    out["programme"] = call.programme.slug
    out["questions"] = list(call.questions.all())
    out["criteria"] = list(call.criteria.all())
    out["eligibility"] = services.eligibility(call.programme, place) if place is not None else None
    return out


def _answer(a, x) -> dict:
    out = {"question": x.question_id, "text": x.text, "file": bool(x.file), "file_name": None, "file_url": None}
    if x.file:
        out["file_name"] = services.answer_file_name(x)
        out["file_url"] = reverse("api:answer_file", kwargs={"pk": a.pk, "question": x.question_id})
    return out


def _application(a) -> dict:
    return {"id": a.pk, "call": a.call.slug, "place": a.place.slug, "status": a.status,
            "submitted_at": a.submitted_at, "decision_reason": a.decision_reason,
            "answers": [_answer(a, x) for x in a.answers.all()],
            "updated_at": a.updated_at, "version": a.version}


@router.get("/programmes", response={200: ProgrammePage, **ERRORS}, auth=OPTIONAL_AUTH, summary="Programmes",
            operation_id="programme_list")
def programmes(request, query: Query[PageQuery]):
    return page_of(selectors.programme_list(viewer=request.user).prefetch_related("calls", "required_themes"), query,
                   results=lambda rows: [_programme(p) for p in rows])


@router.get("/calls", response={200: CallPage, **ERRORS}, auth=OPTIONAL_AUTH,
            summary="Calls for expressions of interest", operation_id="call_list")
def calls(request, query: Query[CallQuery]):
    qs = selectors.call_list(viewer=request.user, status=query.status).prefetch_related("questions", "criteria")
    if query.programme:
        qs = qs.filter(programme__slug=query.programme)
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
    qs = selectors.application_list(viewer=request.user).prefetch_related("answers")
    if query.call:
        qs = qs.filter(call__slug=query.call)
    if query.status:
        qs = qs.filter(status=query.status)
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
    return page_of(rows, query, since_key=lambda r: r.application.updated_at, results=lambda page: [
        {"rank": r.rank, "application": r.application.pk, "place": r.application.place.slug,
         "status": r.application.status, "weighted_total": r.weighted_total,
         "reviewer_totals": list(r.reviewer_totals), "spread": r.spread, "divergent": r.divergent,
         "updated_at": r.application.updated_at} for r in page])


# --- writes: programmes, calls, their questions and criteria ----------------------------------------

@router.post("/programmes", response={201: ProgrammeOut, **WRITE_ERRORS}, auth=AUTH, operation_id="programme_create",
             summary="Create a programme with its eligibility rules (programme officers and administrators)")
def programme_create(request, payload: ProgrammeIn):
    programme = services.programme_create(actor=request.user, data=payload)
    return Status(201, _programme(selectors.programme_for(request.user, programme.slug)))


@router.get("/programmes/{slug}", response={200: ProgrammeOut, **READ_ERRORS}, auth=OPTIONAL_AUTH,
            operation_id="programme_get", summary="One programme")
def programme_get(request, slug: str):
    return _programme(selectors.programme_for(request.user, slug))


@router.patch("/programmes/{slug}", response={200: ProgrammeOut, **WRITE_ERRORS}, auth=AUTH,
              operation_id="programme_update", summary="Change a programme (only the fields sent)",
              description="Its officers and administrators. Send If-Match with the ETag you read to be told (412) "
              "if someone changed it meanwhile.")
def programme_update(request, slug: str, payload: ProgrammeUpdate):
    programme = selectors.programme_for(request.user, slug)
    with precondition(request) as expected:
        programme = services.programme_update(actor=request.user, programme=programme, data=payload,
                                              version=expected)
    return _programme(selectors.programme_for(request.user, programme.slug))


@router.post("/programmes/{slug}/calls", response={201: CallOut, **WRITE_ERRORS}, auth=AUTH,
             operation_id="call_create", summary="Create a draft call with its questions and criteria")
def call_create(request, slug: str, payload: CallIn):
    call = services.call_create(actor=request.user, programme=selectors.programme_for(request.user, slug),
                                data=payload)
    return Status(201, _call(selectors.call_for(request.user, call.slug)))


@router.patch("/calls/{slug}", response={200: CallOut, **WRITE_ERRORS}, auth=AUTH, operation_id="call_update",
              summary="Change a call (only the fields sent; its status changes through /status)")
def call_update(request, slug: str, payload: CallUpdate):
    call = selectors.call_for(request.user, slug)
    with precondition(request) as expected:
        services.call_update(actor=request.user, call=call, data=payload, version=expected)
    return _call(selectors.call_for(request.user, slug))


def _question(request, slug: str, pk: int):
    return selectors.question_for(request.user, slug, pk)


@router.post("/calls/{slug}/questions", response={201: QuestionOut, **WRITE_ERRORS}, auth=AUTH,
             operation_id="question_add", summary="Add a question to a draft call")
def question_add(request, slug: str, payload: QuestionIn):
    return Status(201, services.question_add(actor=request.user, call=selectors.call_for(request.user, slug),
                                             data=payload))


@router.patch("/calls/{slug}/questions/{pk}", response={200: QuestionOut, **WRITE_ERRORS}, auth=AUTH,
              operation_id="question_update", summary="Change a question of a draft call")
def question_update(request, slug: str, pk: int, payload: QuestionUpdate):
    question = _question(request, slug, pk)
    with precondition(request) as expected:
        return services.question_update(actor=request.user, question=question, data=payload, version=expected)


@router.delete("/calls/{slug}/questions/{pk}", response=DELETED, auth=AUTH, operation_id="question_delete",
               summary="Remove a question from a draft call")
def question_delete(request, slug: str, pk: int):
    services.question_delete(actor=request.user, question=_question(request, slug, pk))
    return Status(204, None)


@router.post("/calls/{slug}/criteria", response={201: CriterionOut, **WRITE_ERRORS}, auth=AUTH,
             operation_id="criterion_add", summary="Add a selection criterion to a draft call")
def criterion_add(request, slug: str, payload: CriterionIn):
    return Status(201, services.criterion_add(actor=request.user, call=selectors.call_for(request.user, slug),
                                              data=payload))


@router.patch("/calls/{slug}/criteria/{pk}", response={200: CriterionOut, **WRITE_ERRORS}, auth=AUTH,
              operation_id="criterion_update", summary="Change a criterion of a draft call")
def criterion_update(request, slug: str, pk: int, payload: CriterionUpdate):
    criterion = selectors.criterion_for(request.user, slug, pk)
    with precondition(request) as expected:
        return services.criterion_update(actor=request.user, criterion=criterion, data=payload, version=expected)


@router.delete("/calls/{slug}/criteria/{pk}", response=DELETED, auth=AUTH, operation_id="criterion_delete",
               summary="Remove a criterion from a draft call")
def criterion_delete(request, slug: str, pk: int):
    services.criterion_delete(actor=request.user, criterion=selectors.criterion_for(request.user, slug, pk))
    return Status(204, None)


# --- applications and review seats --------------------------------------------------------------------

@router.get("/applications/{pk}", response={200: ApplicationOut, **READ_ERRORS}, auth=AUTH,
            operation_id="application_get", summary="One application the caller may see")
def application_get(request, pk: int):
    return _application(selectors.application_for(request.user, pk))


@router.post("/applications/{pk}/answers/{question}/file", response={200: ApplicationOut, 400: ErrorOut,
                                                                   413: ErrorOut, **WRITE_ERRORS},
             auth=AUTH, operation_id="answer_file_upload",
             summary="Attach a file as the answer to one file question of an application (multipart, field 'file')",
             description="For the place's focal points (and administrators) while the call accepts applications, as "
                         "on the application page: the same service and the same checks. The file may be a PDF, "
                         "Word (.docx), Excel (.xlsx), PowerPoint (.pptx), PNG or JPEG file of at most 10 MB; its "
                         "name and content must agree (a PDF must open, without a password). It replaces the file "
                         "attached before; the application keeps its status (submit it with POST "
                         "/calls/{slug}/applications). A refused file changes nothing (422, naming the field "
                         "q<question>).")
def answer_file_upload(request, pk: int, question: int, file: File[UploadedFile]):
    application = selectors.application_for(request.user, pk)
    saved = services.application_save(actor=request.user, call=application.call, place=application.place,
                                      answers={question: Upload.read(file)}, submit=False)
    return _application(selectors.application_for(request.user, saved.pk))


@router.get("/applications/{pk}/answers/{question}/file", response={200: None, 401: ErrorOut, 404: ErrorOut},
            auth=AUTH, operation_id="answer_file", url_name="answer_file",
            summary="Download the file attached as the answer to a question",
            description="Whoever may read the application: its place's focal points, the programme's officers, and "
                        "reviewers assigned to it who declared no conflict of interest.")
def answer_file(request, pk: int, question: int):
    answer = selectors.answer_file_for(request.user, pk, question)
    response = stored_file_response(answer.file, services.answer_file_name(answer))
    if response is None:
        raise NotFound(_("This application has no file for this question."), field="question")
    return response


@router.post("/applications/{pk}/withdraw", response={200: ApplicationOut, **WRITE_ERRORS}, auth=AUTH,
             operation_id="application_withdraw", summary="Withdraw a place's application before the deadline")
def application_withdraw(request, pk: int):
    application = services.application_withdraw(actor=request.user,
                                                application=selectors.application_for(request.user, pk))
    return _application(application)


class ScoreOut(Schema):
    criterion: int
    value: int
    comment: str


class AssignmentOut(Schema):
    id: int
    application: int
    call: str
    place: str
    reviewer: str
    conflicted: bool | None = Field(description="null until the reviewer declares")
    conflict_note: str
    submitted_at: datetime | None
    scores: list[ScoreOut]
    updated_at: datetime


class AssignmentPage(Page[AssignmentOut]):
    pass


class AssignmentQuery(PageQuery):
    call: str = Field("", max_length=120, description="a call's slug")


def _assignment(seat) -> dict:
    return {"id": seat.pk, "application": seat.application_id, "call": seat.application.call.slug,
            "place": seat.application.place.slug, "reviewer": seat.reviewer.username, "conflicted": seat.conflicted,
            "conflict_note": seat.conflict_note, "submitted_at": seat.submitted_at,
            "scores": [{"criterion": x.criterion_id, "value": x.value, "comment": x.comment}
                       for x in seat.scores.all()],
            "updated_at": seat.updated_at}


@router.get("/assignments", response={200: AssignmentPage, **READ_ERRORS}, auth=AUTH, operation_id="assignment_list",
            summary="Review seats: a reviewer's own; for a programme's officers, every seat of their calls")
def assignments(request, query: Query[AssignmentQuery]):
    qs = selectors.assignment_list(viewer=request.user, call=query.call).prefetch_related("scores")
    return page_of(qs, query, results=lambda rows: [_assignment(a) for a in rows])


@router.get("/assignments/{pk}", response={200: AssignmentOut, **READ_ERRORS}, auth=AUTH,
            operation_id="assignment_get", summary="One review seat")
def assignment_get(request, pk: int):
    return _assignment(selectors.assignment_for(request.user, pk))
