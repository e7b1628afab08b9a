"""Partnerships in the JSON API."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from renkei.accounts.api_auth import AUTH, OPTIONAL_AUTH
from renkei.core.errors import NotFound
from renkei.core.uploads import stored_file_response
from renkei.partnerships import selectors, services
from renkei.programmes.services import MAX_FILE_BYTES, Upload

router = Router(tags=["partnerships"])


class ErrorOut(Schema):
    error: dict


class MemberOut(Schema):
    place: str | None
    organisation: str | None
    role: str


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


class AgreementIn(Schema):
    kind: str = Field(description="mou, loi or sister")
    signed_on: date
    signed_at: str = ""
    signatories: str = Field("", description="one per line: Name | title | organisation")
    term_years: int | None = None
    signed_by_both_heads: bool = False
    budget_approved_by_assembly: bool = False


class PartnershipOut(Schema):
    slug: str
    title_en: str
    title_ja: str
    kind: str
    status: str
    programme: str | None
    themes: list[str]
    members: list[MemberOut]
    agreements: list[AgreementOut]
    dormant: bool
    single_focal_point: bool


class StatusIn(Schema):
    to: str
    reason: str


class HealthRowOut(Schema):
    slug: str
    title_en: str
    title_ja: str
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
            "formal_conditions": a.formal_conditions,
            "document": reverse("api:agreement_document", kwargs={"slug": p.slug, "pk": a.pk}) if a.document else None}


def _partnership(p) -> dict:
    health = services.health(p)
    return {
        "slug": p.slug, "title_en": p.title_en, "title_ja": p.title_ja, "kind": p.kind, "status": p.status,
        "programme": p.programme.slug if p.programme else None, "themes": [t.code for t in p.themes.all()],
        "members": [{"place": m.place.slug if m.place else None,
                     "organisation": m.organisation.slug if m.organisation else None, "role": m.role}
                    for m in p.members.all()],
        "agreements": [_agreement(p, a) for a in p.agreements.all()],
        "dormant": health.dormant, "single_focal_point": health.single_focal_point,
    }


@router.get("/partnerships", response=list[PartnershipOut], auth=OPTIONAL_AUTH, summary="Partnerships",
            operation_id="partnership_list")
def partnership_list(request, status: str = "", kind: str = ""):
    qs = selectors.partnership_list(viewer=request.user)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return [_partnership(p) for p in qs]


def _get(request, slug):
    return selectors.partnership_get(viewer=request.user, slug=slug)


@router.get("/partnerships/{slug}", response={200: PartnershipOut, 404: ErrorOut}, auth=OPTIONAL_AUTH,
            summary="One partnership", operation_id="partnership_get")
def partnership_get(request, slug: str):
    return _partnership(_get(request, slug))


@router.post("/partnerships/{slug}/status", response={200: PartnershipOut, 401: ErrorOut, 403: ErrorOut,
                                                      404: ErrorOut, 422: ErrorOut},
             auth=AUTH, summary="Change a partnership's status (legal steps only, with a reason)",
             operation_id="partnership_status")
def partnership_status(request, slug: str, payload: StatusIn):
    return _partnership(services.status_change(actor=request.user, partnership=_get(request, slug),
                                               to=payload.to, reason=payload.reason))


@router.post("/partnerships/{slug}/agreements", response={201: AgreementOut, 401: ErrorOut, 403: ErrorOut,
                                                          404: ErrorOut, 422: ErrorOut},
             auth=AUTH, summary="Record an agreement, with its signed document (multipart form)",
             description="The document may be a PDF, Word (.docx), PNG or JPEG file of at most 10 MB; its type is "
                         "checked by its name and its first bytes. A refused agreement saves nothing.",
             operation_id="agreement_add")
def agreement_add(request, slug: str, payload: Form[AgreementIn], document: File[UploadedFile] = None):
    p = _get(request, slug)
    agreement = services.agreement_add(
        actor=request.user, partnership=p, kind=payload.kind, signed_on=payload.signed_on,
        signed_at=payload.signed_at, signatories=services.signatories_from_lines(payload.signatories),
        term_years=payload.term_years, signed_by_both_heads=payload.signed_by_both_heads,
        budget_approved_by_assembly=payload.budget_approved_by_assembly, themes=p.themes.all(),
        document=Upload(document.name, document.read(MAX_FILE_BYTES + 1)) if document is not None else None)
    return Status(201, _agreement(p, agreement))


@router.get("/partnerships/{slug}/agreements/{pk}/document", response={200: None, 404: ErrorOut},
            auth=OPTIONAL_AUTH, summary="Download an agreement's signed document", operation_id="agreement_document",
            url_name="agreement_document")
def agreement_document(request, slug: str, pk: int):
    agreement = _get(request, slug).agreements.filter(pk=pk).first()
    response = (stored_file_response(agreement.document, services.agreement_document_name(agreement))
                if agreement is not None else None)
    if response is None:
        raise NotFound("This agreement has no document.", field="pk")
    return response


@router.get("/programmes/{slug}/health", response={200: ProgrammeHealthOut, 401: ErrorOut, 403: ErrorOut,
                                                   404: ErrorOut},
            auth=AUTH, summary="A programme's partnerships with their health flags (its officers and administrators)",
            operation_id="programme_health", tags=["programmes"])
def programme_health(request, slug: str, dormant: bool = False, single_focal_point: bool = False):
    report = selectors.programme_health(viewer=request.user, slug=slug, dormant_only=dormant,
                                        single_only=single_focal_point)
    return {
        "programme": report.programme.slug, "dormant_months": report.dormant_months,
        "counts": {"partnerships": report.total, "live": report.live, "dormant": report.dormant,
                   "single_focal_point": report.single_focal_point, "by_status": report.by_status},
        "partnerships": [{"slug": r.partnership.slug, "title_en": r.partnership.title_en,
                          "title_ja": r.partnership.title_ja, "kind": r.partnership.kind,
                          "status": r.partnership.status, "last_activity_on": r.partnership.last_activity_on,
                          "months_quiet": r.health.months_quiet, "focal_points": r.health.focal_points,
                          "dormant": r.health.dormant, "single_focal_point": r.health.single_focal_point}
                         for r in report.rows],
    }

