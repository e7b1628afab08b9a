"""Writes of learning activities: creating one, its agenda sessions with their speakers, its
participants and their self-assessments. Inputs are typed (``ActivityIn``, ``SessionIn``…), shared
by the API, the forms and the admin."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from renkei.activities.inputs import (  # noqa: F401 - TitleIn is part of this module's interface
    ActivityChange,
    ActivityIn,
    AssessmentIn,
    ParticipantIn,
    SessionChange,
    SessionIn,
    SpeakerIn,
    TitleIn,
)
from renkei.activities.models import Activity, Participant, Session, Speaker
from renkei.activities.permissions import can_create_activity, can_manage_activity
from renkei.core.audit import audit_record, diff, snapshot
from renkei.core.errors import ApplicationError, Conflict, ErrorCollector, NotAllowed
from renkei.core.inputs import parse
from renkei.core.models import AuditEntry
from renkei.core.slugs import unique_slug
from renkei.core.text import compact
from renkei.places.models import Contact

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User


# --- activities -------------------------------------------------------------------------------------

@transaction.atomic
def activity_create(*, actor: User | AnonymousUser, data: ActivityIn | Mapping[str, Any]) -> Activity:
    """A learning activity; one of a partnership also keeps that partnership from looking dormant."""
    if not can_create_activity(actor):
        raise NotAllowed(_("You may not create learning activities."))
    data = parse(ActivityIn, data)
    errors = ErrorCollector()
    if data.ends_at <= data.starts_at:
        errors.add("ends_at", _("An activity must end after it starts."))
    partnership = None
    if data.partnership:
        from renkei.partnerships.selectors import partnership_list

        partnership = partnership_list(viewer=actor).filter(slug=data.partnership).first()
        if partnership is None:
            errors.add("partnership", _("No such partnership."))
    errors.raise_if_any()
    title = data.title.texts()
    slug = data.slug or unique_slug(Activity, title.get("en") or title.get("ja", ""), fallback="activity")
    activity = Activity.objects.create(
        slug=slug, kind=data.kind, title=title, starts_at=data.starts_at, ends_at=data.ends_at,
        timezone=data.timezone, venue=data.venue, room=data.room, online_url=data.online_url,
        description=compact(data.description), partnership=partnership, is_published=data.is_published)
    if partnership is not None:
        # a learning activity is the partnership's activity too: it keeps it from looking dormant
        day = data.starts_at.astimezone(ZoneInfo(data.timezone)).date()
        partnership.last_activity_on = max(partnership.last_activity_on or day, day)
        partnership.save(update_fields=["last_activity_on", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=activity,
                 changes={"kind": [None, activity.kind], "title": [None, title],
                          "starts_at": [None, data.starts_at.isoformat()], "ends_at": [None, data.ends_at.isoformat()],
                          "partnership": [None, partnership.slug if partnership else None]})
    return activity


# --- sessions ---------------------------------------------------------------------------------------

def _span(activity: Activity) -> str:
    local = ZoneInfo(activity.timezone)
    minute = "%Y-%m-%d %H:%M"
    starts, ends = activity.starts_at.astimezone(local), activity.ends_at.astimezone(local)
    return f"{starts.strftime(minute)} – {ends.strftime(minute)} ({activity.timezone})"


def session_time_errors(activity: Activity, starts_at: datetime | None, ends_at: datetime | None) -> dict:
    """A session starts and ends inside its activity, and ends after it starts (shared with the admin)."""
    errors = ErrorCollector()
    for field, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value is None:
            errors.add(field, _("is required"))
        elif timezone.is_naive(value):
            errors.add(field, _("give the time with its time zone"))
    if errors or activity.starts_at is None or activity.ends_at is None:
        return dict(errors)
    if ends_at <= starts_at:
        errors.add("ends_at", _("A session must end after it starts."))
    outside = _("must be within the activity, %(span)s") % {"span": _span(activity)}
    if not activity.starts_at <= starts_at < activity.ends_at:
        errors.add("starts_at", outside)
    if "ends_at" not in errors and not activity.starts_at < ends_at <= activity.ends_at:
        errors.add("ends_at", outside)
    return dict(errors)


def speakers_from_lines(text: str) -> list[dict]:
    """`Name | role` per line (role: moderator or speaker; speaker when left out), each name a known
    contact. Errors name the line."""
    rows = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if line.strip():
            name, _sep, role = (part.strip() for part in line.partition("|"))
            rows.append((_("line %(n)s") % {"n": number}, name, role))
    return _resolve_speakers(rows)


def speakers_from_list(items: Sequence[tuple[str, str]]) -> list[dict]:
    """(name, role) pairs, as the API sends them. Errors name the speaker by position."""
    return _resolve_speakers([(_("speaker %(n)s") % {"n": n}, (name or "").strip(), (role or "").strip())
                              for n, (name, role) in enumerate(items, start=1)])


def _role_values() -> dict[str, str]:
    """A role as typed: its value, or its label in English or Japanese."""
    out = {}
    for value in Speaker.Role.values:
        out[value] = value
        for language in ("en", "ja"):
            with translation.override(language):
                out[str(Speaker.Role(value).label).lower()] = value
    return out


def _resolve_speakers(rows: list[tuple[str, str, str]]) -> list[dict]:
    roles = _role_values()
    speakers, seen = [], set()
    errors = ErrorCollector()
    for where, name, role in rows:
        role_value = roles.get(role.lower()) if role else Speaker.Role.SPEAKER
        contacts = list(Contact.objects.filter(name__iexact=name)[:2]) if name else []
        if role_value is None:
            errors.add("speakers", _("%(where)s: the role must be moderator or speaker, not “%(role)s”")
                       % {"where": where, "role": role})
        elif not name:
            errors.add("speakers", _("%(where)s: give the speaker's name") % {"where": where})
        elif not contacts:
            errors.add("speakers", _("%(where)s: no contact is called “%(name)s”; add them as a contact first")
                       % {"where": where, "name": name})
        elif len(contacts) > 1:
            errors.add("speakers", _("%(where)s: more than one contact is called “%(name)s”")
                       % {"where": where, "name": name})
        elif contacts[0].pk in seen:
            errors.add("speakers", _("%(where)s: %(name)s is listed twice") % {"where": where, "name": name})
        else:
            seen.add(contacts[0].pk)
            speakers.append({"contact": contacts[0], "role": role_value})
    if errors:
        raise ApplicationError(errors["speakers"][0], errors=dict(errors))
    return speakers


@transaction.atomic
def session_add(*, actor: User | AnonymousUser, activity: Activity, data: SessionIn | Mapping[str, Any],
                speakers: Sequence[dict] = ()) -> Session:
    """A session inside the activity's span, ending after it starts, with its speakers in order
    (``speakers_from_lines``/``speakers_from_list`` resolve them)."""
    if not can_manage_activity(actor, activity):
        raise NotAllowed(_("You may not add sessions to this activity."))
    errors = ErrorCollector()
    try:
        data = parse(SessionIn, data)
    except ApplicationError as exc:
        errors.absorb(exc)
        raw = data if isinstance(data, Mapping) else {}
        times = [raw.get(name) for name in ("starts_at", "ends_at")]
        if all(isinstance(value, datetime) for value in times):
            for field, messages in session_time_errors(activity, *times).items():
                if field not in errors:
                    errors.extend({field: messages})
        errors.raise_if_any()
    errors.extend(session_time_errors(activity, data.starts_at, data.ends_at))
    for n, speaker in enumerate(speakers, start=1):
        if speaker.get("role") not in Speaker.Role.values or not isinstance(speaker.get("contact"), Contact):
            errors.add("speakers", _("speaker %(n)s: needs a known contact and the role moderator or speaker")
                       % {"n": n})
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=dict(errors))
    session = Session.objects.create(activity=activity, title=data.title.texts(), starts_at=data.starts_at,
                                     ends_at=data.ends_at, room=data.room)
    for n, speaker in enumerate(speakers):
        Speaker.objects.create(activity=activity, session=session, contact=speaker["contact"], role=speaker["role"],
                               position=n)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=session,
                 changes={"activity": [None, activity.slug], "title": [None, session.title],
                          "starts_at": [None, data.starts_at.isoformat()], "ends_at": [None, data.ends_at.isoformat()],
                          "speakers": [None, [s["contact"].name for s in speakers]]})
    _embedded_changed(activity.pk)
    return session


# --- participants -----------------------------------------------------------------------------------

@transaction.atomic
def participant_add(*, actor: User | AnonymousUser, activity: Activity,
                    data: ParticipantIn | Mapping[str, Any]) -> Participant:
    """Record a participant of an activity, with attendance and self-assessment; only those who run
    the activity may, and bad scores leave nothing recorded."""
    if not can_manage_activity(actor, activity):
        raise NotAllowed(_("You may not record participants of this activity."))
    data = parse(ParticipantIn, data)
    return Participant.objects.create(activity=activity, name=data.name, attended=data.attended,
                                      before_score=data.before_score, after_score=data.after_score,
                                      adopted_later=data.adopted_later)


@transaction.atomic
def assessment_record(*, actor: User | AnonymousUser, participant: Participant,
                      data: AssessmentIn | Mapping[str, Any], expected_version: int | None = None) -> Participant:
    """A participant's attendance, self-assessment before and after, and what they adopted later; only
    the fields given are written, on the row as it is now. Only those who run the activity
    (``can_manage_activity``) record it."""
    if not can_manage_activity(actor, participant.activity):
        raise NotAllowed(_("You may not record assessments."))
    given = parse(AssessmentIn, data).given()
    return _write(actor, Participant, participant, given, expected_version)


def _embedded_changed(activity_id: int) -> None:
    """An activity's answer embeds its agenda and speakers: a change to them is a change to it for clients
    that sync with ``updated_since`` (its version, which guards its own fields, stays)."""
    Activity.objects.filter(pk=activity_id).update(updated_at=timezone.now())


def _write(actor: User | AnonymousUser, model, obj, values: dict[str, Any], expected_version: int | None):
    """Lock the row, check the caller's version, write only ``values``, raise the version, audit."""
    row = model.objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and row.version != expected_version:
        raise Conflict(_("Someone else changed this meanwhile; reload it and make your change again."),
                       field="version")
    before = snapshot(row, list(values))
    for name, value in values.items():
        setattr(row, name, value)
    row.version += 1
    row.save(update_fields=[*values, "version", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=row,
                 changes=diff(before, snapshot(row, list(values))))
    return row


@transaction.atomic
def activity_update(*, actor: User | AnonymousUser, activity: Activity, data: ActivityChange | Mapping[str, Any],
                    expected_version: int | None = None) -> Activity:
    """Change the fields given; the activity must still hold its sessions (they stay inside its span)."""
    if not can_manage_activity(actor, activity):
        raise NotAllowed(_("You may not change this activity."))
    given = parse(ActivityChange, data).given()
    values: dict[str, Any] = {}
    errors = ErrorCollector()
    for name, value in given.items():
        if name == "title":
            values["title"] = value.texts()
        elif name in ("description", "follow_up"):
            values[name] = compact(value)
        elif name == "partnership":
            partnership = None
            if value:
                from renkei.partnerships.selectors import partnership_list

                partnership = partnership_list(viewer=actor).filter(slug=value).first()
                if partnership is None:
                    errors.add("partnership", _("No such partnership."))
            values["partnership"] = partnership
        else:
            values[name] = value
    errors.raise_if_any()
    starts, ends = values.get("starts_at", activity.starts_at), values.get("ends_at", activity.ends_at)
    if ends <= starts:
        raise ApplicationError(_("An activity must end after it starts."), field="ends_at")
    if activity.sessions.filter(starts_at__lt=starts).exists() or activity.sessions.filter(ends_at__gt=ends).exists():
        raise ApplicationError(_("Some sessions of the agenda would fall outside the activity; move them first."),
                               field="starts_at" if activity.sessions.filter(starts_at__lt=starts).exists()
                               else "ends_at")
    row = _write(actor, Activity, activity, values, expected_version)
    if values.get("partnership") is not None:
        partnership = values["partnership"]
        day = row.starts_at.astimezone(ZoneInfo(row.timezone)).date()
        partnership.last_activity_on = max(partnership.last_activity_on or day, day)
        partnership.save(update_fields=["last_activity_on", "updated_at"])
    return row


@transaction.atomic
def session_update(*, actor: User | AnonymousUser, session: Session, data: SessionChange | Mapping[str, Any],
                   expected_version: int | None = None) -> Session:
    activity = session.activity
    if not can_manage_activity(actor, activity):
        raise NotAllowed(_("You may not change this activity's agenda."))
    given = parse(SessionChange, data).given()
    values = {name: value.texts() if name == "title" else value for name, value in given.items()}
    if "starts_at" in values or "ends_at" in values:
        errors = session_time_errors(activity, values.get("starts_at", session.starts_at),
                                     values.get("ends_at", session.ends_at))
        if errors:
            raise ApplicationError(next(iter(errors.values()))[0], errors=errors)
    row = _write(actor, Session, session, values, expected_version)
    _embedded_changed(activity.pk)
    return row


@transaction.atomic
def speaker_add(*, actor: User | AnonymousUser, activity: Activity, data: SpeakerIn | Mapping[str, Any]) -> Speaker:
    """A known contact speaks or moderates in one session of the activity, or at the activity as a whole."""
    if not can_manage_activity(actor, activity):
        raise NotAllowed(_("You may not change this activity's speakers."))
    data = parse(SpeakerIn, data)
    session = None
    if data.session is not None:
        session = activity.sessions.filter(pk=data.session).first()
        if session is None:
            raise ApplicationError(_("No such session in this activity."), field="session")
    try:
        resolved = speakers_from_list([(data.name, data.role)])[0]
    except ApplicationError as exc:
        raise ApplicationError(exc.message, field="name") from None
    Activity.objects.select_for_update().only("pk").get(pk=activity.pk)
    if Speaker.objects.filter(activity=activity, session=session, contact=resolved["contact"]).exists():
        raise ApplicationError(_("%(name)s is listed already.") % {"name": data.name}, field="name")
    speaker = Speaker.objects.create(activity=activity, session=session, contact=resolved["contact"],
                                     role=resolved["role"],
                                     position=Speaker.objects.filter(activity=activity, session=session).count())
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=speaker,
                 changes={"contact": [None, speaker.contact.name], "role": [None, speaker.role],
                          "session": [None, session.pk if session else None]})
    _embedded_changed(activity.pk)
    return speaker


@transaction.atomic
def speaker_remove(*, actor: User | AnonymousUser, speaker: Speaker) -> None:
    if not can_manage_activity(actor, speaker.activity):
        raise NotAllowed(_("You may not change this activity's speakers."))
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=speaker,
                 changes={"contact": [speaker.contact.name, None]})
    speaker.delete()
    _embedded_changed(speaker.activity_id)
