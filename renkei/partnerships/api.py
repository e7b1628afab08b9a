"""Partnerships in the JSON API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import field_validator

from renkei.accounts.api_auth import AUTH, OPTIONAL_AUTH
from renkei.core.concurrency import precondition
from renkei.core.errors import NotFound
from renkei.core.schemas import DELETED, ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut, Page, PageQuery, page_of
from renkei.core.uploads import Upload, stored_file_response
from renkei.partnerships import selectors, services
from renkei.partnerships.inputs import (
    ActionChange,
    ActionIn,
    ActionUnderIn,
    MemberChange,
    MemberIn,
    MilestoneChange,
    MilestoneIn,
    ObjectiveChange,
    ObjectiveIn,
    PartnershipChange,
    PartnershipIn,
    PartnershipKind,
    PartnershipStatus,
    PilotChange,
    PilotIn,
    StatusIn,
)

router = Router(tags=["partnerships"])


class TitleOut(Schema):
    en: str = ""
    ja: str = ""


class MemberOut(Schema):
    id: int
    place: str | None
    organisation: str | None
    role: str = Field(description="IATI OrganisationRole: 1 funding, 2 accountable, 3 extending, 4 implementing")
    focal_points: list[int] = Field(description="user ids")
    updated_at: datetime
    version: int


class SignatoryOut(Schema):
    name: str
    title: str = ""
    organisation: str = ""


class AgreementOut(Schema):
    id: int
    kind: str
    signed_on: date
    signed_at: str
    signatories: list[SignatoryOut]
    term_years: int | None
    is_formal: bool
    formal_conditions: dict[str, bool]
    document: str | None = Field(None, description="where to download the signed document, when there is one")
    updated_at: datetime


class AgreementForm(Schema):
    """The multipart form of a new agreement; the signatories are lines, read into the service's input."""

    kind: Literal["mou", "loi", "sister"] = Field(description="mou, loi or sister")
    signed_on: date
    signed_at: str = ""
    signatories: str = Field("", description="one per line: Name | title | organisation")
    term_years: int | None = None
    signed_by_both_heads: bool = False
    budget_approved_by_assembly: bool = False


class PartnershipOut(Schema):
    id: int
    slug: str
    title: TitleOut
    kind: str
    status: str
    programme: str | None
    application: int | None = Field(description="the application it grew from")
    description: dict[str, str]
    starts_on: date | None
    ends_on: date | None
    last_activity_on: date | None
    is_published: bool
    themes: list[str]
    members: list[MemberOut]
    agreements: list[AgreementOut]
    dormant: bool
    single_focal_point: bool
    updated_at: datetime
    version: int


class PartnershipPage(Page[PartnershipOut]):
    pass


class PartnershipFilters(PageQuery):
    status: PartnershipStatus | None = Field(None, description="only partnerships with this status")
    kind: PartnershipKind | None = Field(None, description="only partnerships of this kind")

    @field_validator("status", "kind", mode="before")
    @classmethod
    def _empty_is_none(cls, value):
        return value or None


class HealthFilters(Schema):
    dormant: bool = Field(False, description="only the dormant ones")
    single_focal_point: bool = Field(False, description="only those that hang on one person")


class HealthRowOut(Schema):
    slug: str
    title: TitleOut
    kind: str
    status: str
    last_activity_on: date | None
    months_quiet: int | None
    focal_points: int
    dormant: bool
    single_focal_point: bool


class HealthCountsOut(Schema):
    partnerships: int
    live: int = Field(description="agreed or active")
    dormant: int
    single_focal_point: int
    by_status: dict[str, int]


class ProgrammeHealthOut(Schema):
    programme: str
    dormant_months: int = Field(description="RENKEI_DORMANT_MONTHS: months without activity before a flag")
    counts: HealthCountsOut = Field(description="over all the programme's partnerships, whatever the filters")
    partnerships: list[HealthRowOut]


def _agreement(p, a) -> dict:
    return {"id": a.pk, "kind": a.kind, "signed_on": a.signed_on, "signed_at": a.signed_at,
            "signatories": a.signatories or [], "term_years": a.term_years, "is_formal": a.is_formal,
            "formal_conditions": a.formal_conditions, "updated_at": a.updated_at,
            "document": reverse("api:agreement_document", kwargs={"slug": p.slug, "pk": a.pk}) if a.document else None}


def _partnership(p) -> dict:
    health = services.health(p)
    return {
        "id": p.pk, "slug": p.slug, "title": p.title, "kind": p.kind, "status": p.status,
        "programme": p.programme.slug if p.programme else None, "application": p.application_id,
        "description": p.description, "starts_on": p.starts_on, "ends_on": p.ends_on,
        "last_activity_on": p.last_activity_on, "is_published": p.is_published,
        "themes": [t.code for t in p.themes.all()],
        "members": [_member(m) for m in p.members.all()],
        "agreements": [_agreement(p, a) for a in p.agreements.all()],
        "dormant": health.dormant, "single_focal_point": health.single_focal_point,
        "updated_at": p.updated_at, "version": p.version,
    }


def _member(m) -> dict:
    return {"id": m.pk, "place": m.place.slug if m.place else None,
            "organisation": m.organisation.slug if m.organisation else None, "role": m.role,
            "focal_points": sorted(u.pk for u in m.focal_points.all()), "updated_at": m.updated_at,
            "version": m.version}


@router.get("/partnerships", response={200: PartnershipPage, 422: ErrorOut}, auth=OPTIONAL_AUTH,
            summary="Partnerships, a page at a time", operation_id="partnership_list")
def partnership_list(request, filters: Query[PartnershipFilters]):
    qs = selectors.partnership_list(viewer=request.user, status=filters.status, kind=filters.kind)
    return page_of(qs.prefetch_related("themes", "agreements__themes"), filters,
                   results=lambda page: [_partnership(p) for p in page])


def _get(request, slug):
    return selectors.partnership_get(viewer=request.user, slug=slug)


@router.get("/partnerships/{slug}", response={200: PartnershipOut, 404: ErrorOut}, auth=OPTIONAL_AUTH,
            summary="One partnership", operation_id="partnership_get")
def partnership_get(request, slug: str):
    return _partnership(_get(request, slug))


@router.post("/partnerships/{slug}/status", response={200: PartnershipOut, **ERRORS},
             auth=AUTH, summary="Change a partnership's status (legal steps only, with a reason)",
             operation_id="partnership_status")
def partnership_status(request, slug: str, payload: StatusIn):
    return _partnership(services.status_change(actor=request.user, partnership=_get(request, slug),
                                               to=payload.to, reason=payload.reason))


@router.post("/partnerships/{slug}/agreements", response={201: AgreementOut, **ERRORS},
             auth=AUTH, summary="Record an agreement, with its signed document (multipart form)",
             description="The document may be a PDF, Word (.docx), PNG or JPEG file of at most 10 MB; its name and "
                         "its content must agree (a PDF must open, without a password; a damaged file is refused). A "
                         "refused agreement saves nothing.",
             operation_id="agreement_add")
def agreement_add(request, slug: str, payload: Form[AgreementForm], document: File[UploadedFile] = None):
    p = _get(request, slug)
    data = payload.model_dump()
    data["signatories"] = services.signatories_from_lines(payload.signatories)
    data["themes"] = list(p.themes.all())
    agreement = services.agreement_add(
        actor=request.user, partnership=p, data=data,
        document=Upload.read(document) if document is not None else None)
    return Status(201, _agreement(p, agreement))


@router.get("/partnerships/{slug}/agreements/{pk}/document", response={200: None, 404: ErrorOut},
            auth=OPTIONAL_AUTH, summary="Download an agreement's signed document", operation_id="agreement_document",
            url_name="agreement_document")
def agreement_document(request, slug: str, pk: int):
    agreement = selectors.agreement_get(viewer=request.user, slug=slug, pk=pk)
    response = stored_file_response(agreement.document, services.agreement_document_name(agreement))
    if response is None:
        raise NotFound(_("This agreement has no document."), field="pk")
    return response


@router.get("/programmes/{slug}/health", response={200: ProgrammeHealthOut, **ERRORS},
            auth=AUTH, summary="A programme's partnerships with their health flags (its officers and administrators)",
            operation_id="programme_health", tags=["programmes"])
def programme_health(request, slug: str, filters: Query[HealthFilters]):
    report = selectors.programme_health(viewer=request.user, slug=slug, dormant_only=filters.dormant,
                                        single_only=filters.single_focal_point)
    return {
        "programme": report.programme.slug, "dormant_months": report.dormant_months,
        "counts": {"partnerships": report.total, "live": report.live, "dormant": report.dormant,
                   "single_focal_point": report.single_focal_point, "by_status": report.by_status},
        "partnerships": [{"slug": r.partnership.slug, "title": r.partnership.title, "kind": r.partnership.kind,
                          "status": r.partnership.status, "last_activity_on": r.partnership.last_activity_on,
                          "months_quiet": r.health.months_quiet, "focal_points": r.health.focal_points,
                          "dormant": r.health.dormant, "single_focal_point": r.health.single_focal_point}
                         for r in report.rows],
    }



# --- writes: partnerships and their members ---------------------------------------------------------

def _fresh(request, slug: str) -> dict:
    return _partnership(_get(request, slug))


@router.post("/partnerships", response={201: PartnershipOut, **WRITE_ERRORS}, auth=AUTH,
             operation_id="partnership_create", summary="Create a partnership with its members",
             description="Officers and administrators; a focal point for a partnership of a place they act for. "
             "Members name a place or an organisation by URL name, with an IATI role and focal points (user ids).")
def partnership_create(request, payload: PartnershipIn):
    p = services.partnership_create(actor=request.user, data=payload)
    return Status(201, _fresh(request, p.slug))


@router.patch("/partnerships/{slug}", response={200: PartnershipOut, **WRITE_ERRORS}, auth=AUTH,
              operation_id="partnership_update", summary="Change a partnership (only the fields sent)",
              description="Its status changes through /status. Send If-Match with the ETag you read to be told "
              "(412) if someone changed it meanwhile.")
def partnership_update(request, slug: str, payload: PartnershipChange):
    p = _get(request, slug)
    with precondition(request) as expected:
        p = services.partnership_update(actor=request.user, partnership=p, data=payload, expected_version=expected)
    return _fresh(request, p.slug)


@router.post("/applications/{pk}/partnership", response={201: PartnershipOut, **WRITE_ERRORS}, auth=AUTH,
             operation_id="partnership_from_application", tags=["programmes"],
             summary="Turn a selected application into a partnership (the programme's officers)")
def partnership_from_application(request, pk: int):
    application = selectors.application_get(viewer=request.user, pk=pk)
    p = services.partnership_from_application(actor=request.user, application=application)
    return Status(201, _fresh(request, p.slug))


class MemberPage(Page[MemberOut]):
    pass


@router.get("/partnerships/{slug}/members", response={200: MemberPage, **READ_ERRORS}, auth=OPTIONAL_AUTH,
            operation_id="member_list", summary="A partnership's members")
def member_list(request, slug: str, query: Query[PageQuery]):
    return page_of(selectors.members_of(_get(request, slug)), query, results=lambda rows: [_member(m) for m in rows])


@router.post("/partnerships/{slug}/members", response={201: MemberOut, **WRITE_ERRORS}, auth=AUTH,
             operation_id="member_add",
             summary="Add a member (a place or an organisation, its IATI role, focal points)")
def member_add(request, slug: str, payload: MemberIn):
    return Status(201, _member(services.member_add(actor=request.user, partnership=_get(request, slug),
                                                   data=payload)))


@router.patch("/partnerships/{slug}/members/{pk}", response={200: MemberOut, **WRITE_ERRORS}, auth=AUTH,
              operation_id="member_update", summary="Change a member's IATI role or its focal points")
def member_update(request, slug: str, pk: int, payload: MemberChange):
    member = selectors.member_get(viewer=request.user, slug=slug, pk=pk)
    with precondition(request) as expected:
        return _member(services.member_update(actor=request.user, member=member, data=payload,
                                              expected_version=expected))


@router.delete("/partnerships/{slug}/members/{pk}", response=DELETED, auth=AUTH, operation_id="member_remove",
               summary="Remove a member (a partnership keeps at least two)")
def member_remove(request, slug: str, pk: int):
    services.member_remove(actor=request.user, member=selectors.member_get(viewer=request.user, slug=slug, pk=pk))
    return Status(204, None)


class AgreementPage(Page[AgreementOut]):
    pass


@router.get("/partnerships/{slug}/agreements", response={200: AgreementPage, **READ_ERRORS}, auth=OPTIONAL_AUTH,
            operation_id="agreement_list", summary="A partnership's agreements")
def agreement_list(request, slug: str, query: Query[PageQuery]):
    p = _get(request, slug)
    return page_of(p.agreements.prefetch_related("themes").order_by("signed_on", "id"), query,
                   results=lambda rows: [_agreement(p, a) for a in rows])


# --- the action plan and pilots ---------------------------------------------------------------------

class MilestoneOut(Schema):
    id: int
    action: int
    title: TitleOut
    due_on: date
    done_on: date | None
    updated_at: datetime
    version: int


class ActionOut(Schema):
    id: int
    objective: int
    title: TitleOut
    owner: str | None = Field(description="the place that carries it out")
    starts_on: date | None
    due_on: date | None
    status: str
    budget_eur: Decimal | None
    milestones: list[MilestoneOut]
    updated_at: datetime
    version: int


class ObjectiveOut(Schema):
    id: int
    position: int
    text: TitleOut
    actions: list[ActionOut]
    updated_at: datetime
    version: int


class PilotOut(Schema):
    id: int
    title: TitleOut
    objective: dict[str, str]
    location: str | None
    budget_eur: Decimal | None
    status: str
    results: dict[str, str]
    updated_at: datetime
    version: int


class ObjectivePage(Page[ObjectiveOut]):
    pass


class ActionPage(Page[ActionOut]):
    pass


class PilotPage(Page[PilotOut]):
    pass


def _texts(value) -> dict:
    return {"en": (value or {}).get("en", ""), "ja": (value or {}).get("ja", "")}


def _milestone(m) -> dict:
    return {"id": m.pk, "action": m.action_id, "title": _texts(m.title), "due_on": m.due_on, "done_on": m.done_on,
            "updated_at": m.updated_at, "version": m.version}


def _action(a) -> dict:
    return {"id": a.pk, "objective": a.objective_id, "title": _texts(a.title),
            "owner": a.owner.slug if a.owner else None,
            "starts_on": a.starts_on, "due_on": a.due_on, "status": a.status, "budget_eur": a.budget_eur,
            "milestones": [_milestone(m) for m in a.milestones.all()], "updated_at": a.updated_at,
            "version": a.version}


def _objective(o) -> dict:
    return {"id": o.pk, "position": o.position, "text": _texts(o.text),
            "actions": [_action(a) for a in o.actions.all()],
            "updated_at": o.updated_at, "version": o.version}


def _pilot(p) -> dict:
    return {"id": p.pk, "title": _texts(p.title), "objective": p.objective or {},
            "location": p.location.slug if p.location else None, "budget_eur": p.budget_eur, "status": p.status,
            "results": p.results or {}, "updated_at": p.updated_at, "version": p.version}


@router.get("/partnerships/{slug}/objectives", response={200: ObjectivePage, **READ_ERRORS}, auth=OPTIONAL_AUTH,
            operation_id="objective_list", summary="The action plan: objectives with their actions and milestones")
def objective_list(request, slug: str, query: Query[PageQuery]):
    return page_of(selectors.objectives_of(_get(request, slug)), query,
                   results=lambda rows: [_objective(o) for o in rows])


@router.post("/partnerships/{slug}/objectives", response={201: ObjectiveOut, **WRITE_ERRORS}, auth=AUTH,
             operation_id="objective_add", summary="Add an objective to the action plan")
def objective_add(request, slug: str, payload: ObjectiveIn):
    return Status(201, _objective(services.objective_add(actor=request.user, partnership=_get(request, slug),
                                                         data=payload)))


@router.patch("/partnerships/{slug}/objectives/{pk}", response={200: ObjectiveOut, **WRITE_ERRORS}, auth=AUTH,
              operation_id="objective_update", summary="Change an objective of the action plan")
def objective_update(request, slug: str, pk: int, payload: ObjectiveChange):
    objective = selectors.objective_get(viewer=request.user, slug=slug, pk=pk)
    with precondition(request) as expected:
        services.objective_update(actor=request.user, objective=objective, data=payload, expected_version=expected)
    return _objective(selectors.objective_get(viewer=request.user, slug=slug, pk=pk))


@router.get("/partnerships/{slug}/actions", response={200: ActionPage, **READ_ERRORS}, auth=OPTIONAL_AUTH,
            operation_id="action_list", summary="The action plan's actions, with their milestones")
def action_list(request, slug: str, query: Query[PageQuery]):
    return page_of(selectors.actions_of(_get(request, slug)), query, results=lambda rows: [_action(a) for a in rows])


@router.post("/partnerships/{slug}/actions", response={201: ActionOut, **WRITE_ERRORS}, auth=AUTH,
             operation_id="action_add", summary="Add an action under an objective named by its text (made when new)",
             description="The one-line form of the partnership page: the objective's English text, the action's, "
             "and optionally the owner place, due date and budget.")
def action_add(request, slug: str, payload: ActionIn):
    return Status(201, _action(services.action_add(actor=request.user, partnership=_get(request, slug),
                                                   data=payload)))


@router.post("/partnerships/{slug}/objectives/{pk}/actions", response={201: ActionOut, **WRITE_ERRORS}, auth=AUTH,
             operation_id="action_create", summary="Add an action under an objective of the plan")
def action_create(request, slug: str, pk: int, payload: ActionUnderIn):
    objective = selectors.objective_get(viewer=request.user, slug=slug, pk=pk)
    return Status(201, _action(services.action_create(actor=request.user, objective=objective, data=payload)))


@router.patch("/partnerships/{slug}/actions/{pk}", response={200: ActionOut, **WRITE_ERRORS}, auth=AUTH,
              operation_id="action_update", summary="Change an action (status, dates, owner, budget…)")
def action_update(request, slug: str, pk: int, payload: ActionChange):
    action = selectors.action_get(viewer=request.user, slug=slug, pk=pk)
    with precondition(request) as expected:
        services.action_update(actor=request.user, action=action, data=payload, expected_version=expected)
    return _action(selectors.action_get(viewer=request.user, slug=slug, pk=pk))


@router.post("/partnerships/{slug}/actions/{pk}/milestones", response={201: MilestoneOut, **WRITE_ERRORS},
             auth=AUTH, operation_id="milestone_add", summary="Add a milestone to an action")
def milestone_add(request, slug: str, pk: int, payload: MilestoneIn):
    action = selectors.action_get(viewer=request.user, slug=slug, pk=pk)
    return Status(201, _milestone(services.milestone_add(actor=request.user, action=action, data=payload)))


@router.patch("/partnerships/{slug}/milestones/{pk}", response={200: MilestoneOut, **WRITE_ERRORS}, auth=AUTH,
              operation_id="milestone_update", summary="Change a milestone (e.g. record the day it was reached)")
def milestone_update(request, slug: str, pk: int, payload: MilestoneChange):
    milestone = selectors.milestone_get(viewer=request.user, slug=slug, pk=pk)
    with precondition(request) as expected:
        return _milestone(services.milestone_update(actor=request.user, milestone=milestone, data=payload,
                                                    expected_version=expected))


@router.get("/partnerships/{slug}/pilots", response={200: PilotPage, **READ_ERRORS}, auth=OPTIONAL_AUTH,
            operation_id="pilot_list", summary="A partnership's pilot projects")
def pilot_list(request, slug: str, query: Query[PageQuery]):
    return page_of(selectors.pilots_of(_get(request, slug)), query, results=lambda rows: [_pilot(p) for p in rows])


@router.post("/partnerships/{slug}/pilots", response={201: PilotOut, **WRITE_ERRORS}, auth=AUTH,
             operation_id="pilot_add", summary="Add a pilot project")
def pilot_add(request, slug: str, payload: PilotIn):
    return Status(201, _pilot(services.pilot_add(actor=request.user, partnership=_get(request, slug), data=payload)))


@router.patch("/partnerships/{slug}/pilots/{pk}", response={200: PilotOut, **WRITE_ERRORS}, auth=AUTH,
              operation_id="pilot_update", summary="Change a pilot project (status, results, budget…)")
def pilot_update(request, slug: str, pk: int, payload: PilotChange):
    pilot = selectors.pilot_get(viewer=request.user, slug=slug, pk=pk)
    with precondition(request) as expected:
        return _pilot(services.pilot_update(actor=request.user, pilot=pilot, data=payload,
                                            expected_version=expected))
