"""Learning activities in the JSON API: the calendar as pages, one activity with its agenda; creating
and changing activities, sessions, speakers, participants with their attendance and self-assessments."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from ninja import Query, Router, Status

from renkei.accounts.api_auth import AUTH, OPTIONAL_AUTH
from renkei.activities import selectors, services
from renkei.activities.inputs import AssessmentIn, ParticipantIn, SpeakerIn
from renkei.activities.schemas import (
    ActivityApiChange,
    ActivityApiIn,
    ActivityOut,
    ActivityPage,
    ActivityQuery,
    ParticipantOut,
    ParticipantPage,
    SessionApiChange,
    SessionApiIn,
    SessionOut,
    SessionPage,
    SpeakerOut,
)
from renkei.core.concurrency import precondition
from renkei.core.schemas import DELETED, READ_ERRORS, WRITE_ERRORS, ErrorOut, PageQuery, page_of
from renkei.core.text import texts

router = Router(tags=["activities"])


def _speaker(s) -> dict:
    return {"id": s.pk, "session": s.session_id, "name": s.contact.name, "title": s.contact.title,
            "organisation": s.contact.organisation.name_en if s.contact.organisation else None, "role": s.role}


def _title(value: dict) -> dict:
    both = texts(value)
    return {"en": both["en"], "ja": both["ja"]}


def _session(session, viewer) -> dict:
    return {"id": session.pk, "title": _title(session.title),
            "starts_at": session.starts_at, "ends_at": session.ends_at, "room": session.room,
            "speakers": [_speaker(s) for s in selectors.visible_speakers(session.speakers.all(), viewer)],
            "updated_at": session.updated_at, "version": session.version}


def _activity(a, viewer) -> dict:
    whole = [s for s in a.speakers.all() if s.session_id is None]
    return {
        "id": a.pk, "slug": a.slug, "kind": a.kind, "description": a.description or {},
        "is_published": a.is_published, "updated_at": a.updated_at, "version": a.version,
        "title": _title(a.title), "starts_at": a.starts_at,
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


def _get(request, slug: str):
    return selectors.activity_get(viewer=request.user, slug=slug)


@router.post("/activities", response={201: ActivityOut, **WRITE_ERRORS}, auth=AUTH, operation_id="activity_create",
             summary="Create a learning activity",
             description="Officers, administrators, focal points and network secretariats. Times without an offset "
             "are in the activity's time zone.")
def activity_create(request, payload: ActivityApiIn):
    activity = services.activity_create(actor=request.user, data=payload.aware())
    return Status(201, _activity(_get(request, activity.slug), request.user))


@router.patch("/activities/{slug}", response={200: ActivityOut, **WRITE_ERRORS}, auth=AUTH,
              operation_id="activity_update", summary="Change a learning activity (only the fields sent)")
def activity_update(request, slug: str, payload: ActivityApiChange):
    activity = _get(request, slug)
    with precondition(request) as expected:
        services.activity_update(actor=request.user, activity=activity, data=payload.aware(activity.timezone),
                                 expected_version=expected)
    return _activity(_get(request, slug), request.user)


@router.get("/activities/{slug}/sessions", response={200: SessionPage, **READ_ERRORS}, auth=OPTIONAL_AUTH,
            operation_id="session_list", summary="An activity's agenda, a page at a time")
def session_list(request, slug: str, query: Query[PageQuery]):
    return page_of(selectors.sessions_of(_get(request, slug)), query,
                   results=lambda rows: [_session(s, request.user) for s in rows])


@router.patch("/activities/{slug}/sessions/{pk}", response={200: SessionOut, **WRITE_ERRORS}, auth=AUTH,
              operation_id="session_update", summary="Change a session of the agenda")
def session_update(request, slug: str, pk: int, payload: SessionApiChange):
    activity = _get(request, slug)
    session = selectors.session_get(activity=activity, pk=pk)
    with precondition(request) as expected:
        services.session_update(actor=request.user, session=session, data=payload.aware(activity.timezone),
                                expected_version=expected)
    return _session(selectors.session_get(activity=activity, pk=pk), request.user)


@router.post("/activities/{slug}/speakers", response={201: SpeakerOut, **WRITE_ERRORS}, auth=AUTH,
             operation_id="speaker_add", summary="Add a speaker or moderator (a known contact) to a session or the "
             "activity as a whole")
def speaker_add(request, slug: str, payload: SpeakerIn):
    return Status(201, _speaker(services.speaker_add(actor=request.user, activity=_get(request, slug), data=payload)))


@router.delete("/activities/{slug}/speakers/{pk}", response=DELETED, auth=AUTH, operation_id="speaker_remove",
               summary="Remove a speaker")
def speaker_remove(request, slug: str, pk: int):
    services.speaker_remove(actor=request.user, speaker=selectors.speaker_get(activity=_get(request, slug), pk=pk))
    return Status(204, None)


def _participant(p) -> dict:
    return {"id": p.pk, "name": p.name, "place": p.place.slug if p.place_id else None, "attended": p.attended,
            "before_score": p.before_score, "after_score": p.after_score, "adopted_later": p.adopted_later,
            "updated_at": p.updated_at, "version": p.version}


@router.get("/activities/{slug}/participants", response={200: ParticipantPage, **WRITE_ERRORS}, auth=AUTH,
            operation_id="participant_list", summary="An activity's participants (those who run it)")
def participant_list(request, slug: str, query: Query[PageQuery]):
    rows = selectors.participants_of(viewer=request.user, activity=_get(request, slug))
    return page_of(rows, query, results=lambda items: [_participant(p) for p in items])


@router.post("/activities/{slug}/participants", response={201: ParticipantOut, **WRITE_ERRORS}, auth=AUTH,
             operation_id="participant_add", summary="Record a participant, with attendance and self-assessment")
def participant_add(request, slug: str, payload: ParticipantIn):
    return Status(201, _participant(services.participant_add(actor=request.user, activity=_get(request, slug),
                                                             data=payload)))


@router.patch("/activities/{slug}/participants/{pk}", response={200: ParticipantOut, **WRITE_ERRORS}, auth=AUTH,
              operation_id="participant_update",
              summary="Record a participant's attendance and self-assessment (only the fields sent)")
def participant_update(request, slug: str, pk: int, payload: AssessmentIn):
    participant = selectors.participant_get(viewer=request.user, activity=_get(request, slug), pk=pk)
    with precondition(request) as expected:
        return _participant(services.assessment_record(actor=request.user, participant=participant, data=payload,
                                                       expected_version=expected))
