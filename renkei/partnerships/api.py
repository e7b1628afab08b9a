"""Partnerships in the JSON API."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import field_validator

from renkei.accounts.api_auth import AUTH, OPTIONAL_AUTH
from renkei.core.errors import NotFound
from renkei.core.schemas import ERRORS, ErrorOut, Page, PageQuery, page_of
from renkei.core.uploads import Upload, stored_file_response
from renkei.partnerships import selectors, services
from renkei.partnerships.inputs import PartnershipKind, PartnershipStatus, StatusIn

router = Router(tags=["partnerships"])


class TitleOut(Schema):
    en: str = ""
    ja: str = ""


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
    slug: str
    title: TitleOut
    kind: str
    status: str
    programme: str | None
    themes: list[str]
    members: list[MemberOut]
    agreements: list[AgreementOut]
    dormant: bool
    single_focal_point: bool


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
            "formal_conditions": a.formal_conditions,
            "document": reverse("api:agreement_document", kwargs={"slug": p.slug, "pk": a.pk}) if a.document else None}


def _partnership(p) -> dict:
    health = services.health(p)
    return {
        "slug": p.slug, "title": p.title, "kind": p.kind, "status": p.status,
        "programme": p.programme.slug if p.programme else None, "themes": [t.code for t in p.themes.all()],
        "members": [{"place": m.place.slug if m.place else None,
                     "organisation": m.organisation.slug if m.organisation else None, "role": m.role}
                    for m in p.members.all()],
        "agreements": [_agreement(p, a) for a in p.agreements.all()],
        "dormant": health.dormant, "single_focal_point": health.single_focal_point,
    }


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

