"""Learning activities in the JSON API: the calendar as pages, one activity with its agenda, and
adding a session."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from ninja import Query, Router, Status

from renkei.accounts.api_auth import AUTH, OPTIONAL_AUTH
from renkei.activities import selectors, services
from renkei.activities.schemas import ActivityOut, ActivityPage, ActivityQuery, SessionApiIn, SessionOut
from renkei.core.schemas import ErrorOut, page_of
from renkei.core.text import texts

router = Router(tags=["activities"])


def _speaker(s) -> dict:
    return {"name": s.contact.name, "title": s.contact.title,
            "organisation": s.contact.organisation.name_en if s.contact.organisation else None, "role": s.role}


def _title(value: dict) -> dict:
    both = texts(value)
    return {"en": both["en"], "ja": both["ja"]}


def _session(session, viewer) -> dict:
    return {"id": session.pk, "title": _title(session.title),
            "starts_at": session.starts_at, "ends_at": session.ends_at, "room": session.room,
            "speakers": [_speaker(s) for s in selectors.visible_speakers(session.speakers.all(), viewer)]}


def _activity(a, viewer) -> dict:
    whole = [s for s in a.speakers.all() if s.session_id is None]
    return {
        "slug": a.slug, "kind": a.kind, "title": _title(a.title), "starts_at": a.starts_at,
        "ends_at": a.ends_at, "timezone": a.timezone, "venue": a.venue, "room": a.room, "online_url": a.online_url,
        "partnership": a.partnership.slug if a.partnership else None,
        "speakers": [_speaker(s) for s in selectors.visible_speakers(whole, viewer)],
        "sessions": [_session(session, viewer) for session in selectors.sessions_of(a)],
    }


@router.get("/activities", response={200: ActivityPage, 422: ErrorOut}, auth=OPTIONAL_AUTH,
            summary="Learning activities", operation_id="activity_list")
def activity_list(request, query: Query[ActivityQuery]):
    qs = (selectors.activity_list(viewer=request.user, start=query.start, end=query.end)
          .prefetch_related("speakers__contact__organisation"))
    return page_of(qs, query, results=lambda items: [_activity(a, request.user) for a in items])


@router.get("/activities/{slug}", response={200: ActivityOut, 404: ErrorOut}, auth=OPTIONAL_AUTH,
            summary="One learning activity, with its agenda", operation_id="activity_get")
def activity_get(request, slug: str):
    return _activity(selectors.activity_get(viewer=request.user, slug=slug), request.user)


@router.post("/activities/{slug}/sessions", response={201: SessionOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                                      422: ErrorOut},
             auth=AUTH, summary="Add a session to an activity's agenda", operation_id="session_add")
def session_add(request, slug: str, payload: SessionApiIn):
    activity = selectors.activity_get(viewer=request.user, slug=slug)
    zone = ZoneInfo(activity.timezone)

    def aware(value: datetime | None) -> datetime | None:
        return timezone.make_aware(value, zone) if value is not None and timezone.is_naive(value) else value

    session = services.session_add(
        actor=request.user, activity=activity,
        data={"title": payload.title, "starts_at": aware(payload.starts_at), "ends_at": aware(payload.ends_at),
              "room": payload.room},
        speakers=services.speakers_from_list([(s.name, s.role) for s in payload.speakers]))
    session.refresh_from_db()  # times as stored, in UTC like every other answer
    return Status(201, _session(session, request.user))
