"""Partnerships and learning activities in the JSON API."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Router, Schema

from renkei.accounts.api_auth import AUTH, OPTIONAL_AUTH
from renkei.partnerships import activities, selectors, services

router = Router(tags=["partnerships"])


class ErrorOut(Schema):
    error: dict


class MemberOut(Schema):
    place: str | None
    organisation: str | None
    role: str


class AgreementOut(Schema):
    kind: str
    signed_on: date
    signed_at: str
    is_formal: bool
    formal_conditions: dict[str, bool]


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


class ActivityOut(Schema):
    slug: str
    kind: str
    title_en: str
    title_ja: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    venue: str
    room: str
    online_url: str
    partnership: str | None
    speakers: list[dict]


def _partnership(p) -> dict:
    health = services.health(p)
    return {
        "slug": p.slug, "title_en": p.title_en, "title_ja": p.title_ja, "kind": p.kind, "status": p.status,
        "programme": p.programme.slug if p.programme else None, "themes": [t.code for t in p.themes.all()],
        "members": [{"place": m.place.slug if m.place else None,
                     "organisation": m.organisation.slug if m.organisation else None, "role": m.role}
                    for m in p.members.all()],
        "agreements": [{"kind": a.kind, "signed_on": a.signed_on, "signed_at": a.signed_at, "is_formal": a.is_formal,
                        "formal_conditions": a.formal_conditions} for a in p.agreements.all()],
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


def _activity(a) -> dict:
    return {
        "slug": a.slug, "kind": a.kind, "title_en": a.title_en, "title_ja": a.title_ja, "starts_at": a.starts_at,
        "ends_at": a.ends_at, "timezone": a.timezone, "venue": a.venue, "room": a.room, "online_url": a.online_url,
        "partnership": a.partnership.slug if a.partnership else None,
        "speakers": [{"name": s.contact.name, "title": s.contact.title, "role": s.role} for s in a.speakers.all()],
    }


@router.get("/activities", response=list[ActivityOut], auth=OPTIONAL_AUTH, summary="Learning activities",
            operation_id="activity_list", tags=["activities"])
def activity_list(request, start: datetime | None = None, end: datetime | None = None):
    return [_activity(a) for a in activities.activity_list(viewer=request.user, start=start, end=end)
            .prefetch_related("speakers__contact")]


@router.get("/activities/{slug}", response={200: ActivityOut, 404: ErrorOut}, auth=OPTIONAL_AUTH,
            summary="One learning activity", operation_id="activity_get", tags=["activities"])
def activity_get(request, slug: str):
    return _activity(activities.activity_get(viewer=request.user, slug=slug))
