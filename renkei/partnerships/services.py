"""Partnerships: creation (also in one step from a selected application), edits, members, a status
lifecycle with only legal transitions, agreements, action plans, pilots and health flags.

Every write takes a typed input from ``renkei.partnerships.inputs`` (a mapping is parsed into it),
checks permission, re-reads the row it changes under ``select_for_update`` and writes only the
fields it was given, records the audit entry in its transaction, and emits its event
(``renkei.partnerships.events``) for after the commit."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role, represented_place_ids
from renkei.core import hooks
from renkei.core.audit import audit_record, diff, snapshot
from renkei.core.errors import ApplicationError, Conflict, ErrorCollector, NotAllowed
from renkei.core.inputs import parse
from renkei.core.models import AuditEntry
from renkei.core.slugs import unique_slug
from renkei.core.text import compact
from renkei.core.uploads import Upload, check_upload
from renkei.partnerships import events
from renkei.partnerships.inputs import (
    ActionChange,
    ActionIn,
    ActionUnderIn,
    AgreementIn,
    MemberChange,
    MemberIn,
    MilestoneChange,
    MilestoneIn,
    ObjectiveChange,
    ObjectiveIn,
    PartnershipChange,
    PartnershipIn,
    PilotChange,
    PilotIn,
    StatusIn,
)
from renkei.partnerships.models import (
    Action,
    Agreement,
    Member,
    Milestone,
    Objective,
    Partnership,
    Pilot,
    StatusChange,
)
from renkei.places.models import Organisation, Place, Theme

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User
    from renkei.programmes.models import Application

S = Partnership.Status
TRANSITIONS = {
    S.PROPOSED: {S.AGREED, S.CLOSED},
    S.AGREED: {S.ACTIVE, S.CLOSED},
    S.ACTIVE: {S.SUSPENDED, S.COMPLETED, S.CLOSED},
    S.SUSPENDED: {S.ACTIVE, S.CLOSED},
    S.COMPLETED: {S.CLOSED},
    S.CLOSED: set(),
}


def can_manage(user: User | AnonymousUser, partnership: Partnership) -> bool:
    if has_role(user, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        return True
    if not partnership.pk or not getattr(user, "is_authenticated", False) or not getattr(user, "pk", None):
        return False
    places = represented_place_ids(user)
    return partnership.members.filter(place_id__in=places).exists() or partnership.members.filter(
        focal_points=user.pk).exists()


def _found(model: type[models.Model], field: str, keys: Iterable[Any]) -> dict[Any, Any]:
    """The rows whose ``field`` is one of ``keys``, by key (one query)."""
    keys = {key for key in keys if key is not None}
    return {getattr(row, field): row for row in model.objects.filter(**{f"{field}__in": keys})} if keys else {}


def _themes(codes: list[str], errors: ErrorCollector, field: str = "themes") -> list[Theme]:
    found = _found(Theme, "code", codes)
    for code in codes:
        if code not in found:
            errors.add(field, _("unknown theme %(code)s") % {"code": code})
    return [found[code] for code in codes if code in found]


def _programme(slug: str | None, errors: ErrorCollector):
    from renkei.programmes.models import Programme

    if slug is None:
        return None
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        errors.add("programme", _("no programme has this URL name"))
    return programme


def _sync(target: Partnership, source: Partnership, fields: Iterable[str]) -> Partnership:
    """Bring the caller's copy up to date with what was written (its other fields stay as read)."""
    for name in (*fields, "version", "updated_at"):
        setattr(target, name, getattr(source, name))
    return target


@transaction.atomic
def partnership_create(*, actor: User | AnonymousUser, data: PartnershipIn | Mapping[str, Any]) -> Partnership:
    if not has_role(actor, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER, Role.FOCAL_POINT):
        raise NotAllowed(_("You may not create partnerships."))
    data = parse(PartnershipIn, data)
    errors = ErrorCollector()
    found_places = _found(Place, "slug", [m.place for m in data.members])
    found_orgs = _found(Organisation, "slug", [m.organisation for m in data.members])
    found_users = _found(get_user_model(), "pk", [user for m in data.members for user in m.focal_points])
    rows = []
    for n, m in enumerate(data.members):
        if (m.place is None) == (m.organisation is None):
            errors.add(f"members.{n}", _("name either a place or an organisation"))
            continue
        if m.place is not None and m.place not in found_places:
            errors.add(f"members.{n}.place", _("no place has this URL name"))
        if m.organisation is not None and m.organisation not in found_orgs:
            errors.add(f"members.{n}.organisation", _("no organisation has this URL name"))
        for user in m.focal_points:
            if user not in found_users:
                errors.add(f"members.{n}.focal_points", _("no user has the id %(id)s") % {"id": user})
        rows.append((found_places.get(m.place), found_orgs.get(m.organisation), m.role,
                     [found_users[u] for u in m.focal_points if u in found_users]))
    programme = _programme(data.programme, errors)
    themes = _themes(data.themes, errors)
    errors.raise_if_any()
    places = [place for place, _org, _role, _people in rows if place]
    orgs = [org for _place, org, _role, _people in rows if org]
    if len(places) + len(orgs) < 2:
        raise ApplicationError(_("A partnership needs at least two members."), field="members")
    if data.kind == Partnership.Kind.BILATERAL and (len(places) != 2 or orgs):
        raise ApplicationError(_("A bilateral partnership joins exactly two places."), field="members")
    if data.kind == Partnership.Kind.TRIANGULAR and (len(places) < 2 or not orgs):
        raise ApplicationError(_("A triangular partnership joins an agency and at least two places."),
                               field="members")
    if has_role(actor, Role.FOCAL_POINT) and not has_role(actor, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER) \
            and not {p.pk for p in places} & represented_place_ids(actor):
        raise NotAllowed(_("A focal point creates partnerships only for places they act for."))
    title = compact(data.title.model_dump())
    partnership = Partnership.objects.create(
        slug=unique_slug(Partnership, data.title.en, fallback="partnership"), title=title, kind=data.kind,
        programme=programme, description=compact(data.description), starts_on=data.starts_on, status=data.status,
        last_activity_on=timezone.localdate())
    partnership.themes.set(themes)
    for place, org, role, people in rows:
        member = Member.objects.create(partnership=partnership, place=place, organisation=org, role=role)
        if people:
            member.focal_points.set(people)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=partnership,
                 changes={"title": [None, title], "kind": [None, data.kind]})
    hooks.emit(events.PARTNERSHIP_CREATED, partnership_id=partnership.pk)
    return partnership


@transaction.atomic
def partnership_update(*, actor: User | AnonymousUser, partnership: Partnership,
                       data: PartnershipChange | Mapping[str, Any], expected_version: int | None = None
                       ) -> Partnership:
    """Write the fields given, and only those, onto the partnership as it is now in the database (a
    concurrent edit of other fields survives). With ``expected_version``, an edit made meanwhile is
    a conflict rather than overwritten."""
    if not can_manage(actor, partnership):
        raise NotAllowed(_("You may not edit this partnership."))
    data = parse(PartnershipChange, data)
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(_("Someone else changed this partnership meanwhile; reload it and make your change again."),
                       field="version")
    given = data.given()
    errors = ErrorCollector()
    values: dict[str, Any] = {}
    themes = None
    for name, value in given.items():
        if name == "title":
            values["title"] = compact(value.model_dump())
        elif name == "description":
            values["description"] = compact(value)
        elif name == "programme":
            values["programme"] = _programme(value, errors)
        elif name == "application":
            values["application"] = _application(value, errors, exclude=locked.pk)
        elif name == "slug":
            if value != locked.slug and Partnership.objects.filter(slug=value).exclude(pk=locked.pk).exists():
                errors.add("slug", _("another partnership already has this URL name"))
            values["slug"] = value
        elif name == "themes":
            themes = _themes(value, errors)
        else:
            values[name] = value
    errors.raise_if_any()
    before = snapshot(locked, list(values))
    before_themes = sorted(locked.themes.values_list("code", flat=True)) if themes is not None else None
    for name, value in values.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save(update_fields=[*values, "version", "updated_at"])
    changes = diff(before, snapshot(locked, list(values)))
    if themes is not None:
        locked.themes.set(themes)
        after_themes = sorted(t.code for t in themes)
        if after_themes != before_themes:
            changes["themes"] = [before_themes, after_themes]
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked, changes=changes)
    hooks.emit(events.PARTNERSHIP_CHANGED, partnership_id=locked.pk, fields=sorted(given))
    return _sync(partnership, locked, values)


def _application(pk: int | None, errors: ErrorCollector, *, exclude: int | None = None):
    from renkei.programmes.models import Application

    if pk is None:
        return None
    application = Application.objects.filter(pk=pk).first()
    if application is None:
        errors.add("application", _("no application has this id"))
    elif Partnership.objects.filter(application=application).exclude(pk=exclude).exists():
        errors.add("application", _("This application already became a partnership."))
    return application


@transaction.atomic
def partnership_from_application(*, actor: User | AnonymousUser, application: Application) -> Partnership:
    """A selected application becomes a partnership between the programme's owners and the place."""
    from renkei.programmes.permissions import can_manage_programme

    if not can_manage_programme(actor, application.call.programme):
        raise NotAllowed(_("Only the programme's officers turn an application into a partnership."))
    if application.status != "selected":
        raise ApplicationError(_("Only a selected application becomes a partnership."), field="application")
    if Partnership.objects.filter(application=application).exists():
        raise ApplicationError(_("This application already became a partnership."), field="application")
    programme = application.call.programme
    owners = list(programme.owners.all())
    if not owners:
        raise ApplicationError(_("The programme has no owning organisation to partner with."), field="programme")
    members = [{"organisation": org, "role": Member.Role.ACCOUNTABLE} for org in owners]
    members.append({"place": application.place, "role": Member.Role.IMPLEMENTING})
    place = application.place
    partnership = Partnership.objects.create(
        slug=unique_slug(Partnership, f"{place.name_en} {programme.title.get('en', '')}", fallback="partnership"),
        title=compact({"en": f"{place.name_en} — {programme.title.get('en', '')}",
                       "ja": f"{place.name_ja or place.name_en} — "
                             f"{programme.title.get('ja') or programme.title.get('en', '')}"}),
        kind=Partnership.Kind.NETWORK, programme=programme, application=application, status=S.AGREED,
        last_activity_on=timezone.localdate())
    partnership.themes.set(programme.themes.all())
    for m in members:
        Member.objects.create(partnership=partnership, **m)
    StatusChange.objects.create(partnership=partnership, from_status="", to_status=S.AGREED,
                                reason=_("Selected in %(call)s") % {"call": application.call.title.get("en", "")},
                                changed_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=partnership,
                 changes={"from_application": [None, application.pk]})
    hooks.emit(events.PARTNERSHIP_CREATED, partnership_id=partnership.pk)
    return partnership


@transaction.atomic
def status_change(*, actor: User | AnonymousUser, partnership: Partnership, to: str, reason: str) -> Partnership:
    """One legal step of the lifecycle, with the reason, decided on the status as it is now stored."""
    if not can_manage(actor, partnership):
        raise NotAllowed(_("You may not change this partnership's status."))
    data = parse(StatusIn, {"to": to, "reason": reason})
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    before = locked.status
    if data.to not in TRANSITIONS.get(before, set()):
        raise ApplicationError(_("A partnership cannot go from %(from)s to %(to)s.")
                               % {"from": Partnership.Status(before).label, "to": Partnership.Status(data.to).label},
                               field="to")
    StatusChange.objects.create(partnership=locked, from_status=before, to_status=data.to, reason=data.reason,
                                changed_by=actor if getattr(actor, "pk", None) else None)
    locked.status = data.to
    locked.last_activity_on = timezone.localdate()
    locked.version += 1
    locked.save(update_fields=["status", "last_activity_on", "version", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked, changes={"status": [before, data.to]})
    hooks.emit(events.STATUS_CHANGED, partnership_id=locked.pk, from_status=before, to_status=data.to)
    return _sync(partnership, locked, ["status", "last_activity_on"])


def _touch(partnership: Partnership, on: date) -> None:
    """Record activity on ``on`` (never moving the date back), writing only that field."""
    locked = Partnership.objects.select_for_update().only("pk", "last_activity_on").get(pk=partnership.pk)
    last = max(locked.last_activity_on or on, on)
    Partnership.objects.filter(pk=partnership.pk).update(last_activity_on=last, updated_at=timezone.now())
    partnership.last_activity_on = last


AGREEMENT_FILE_TYPES = (".pdf", ".docx", ".png", ".jpg", ".jpeg")  # the signed text, or a scan of it


def signatories_from_lines(text: str) -> list[dict[str, str]]:
    """`Name | title | organisation` per line (title and organisation may be left out). Errors name the line."""
    signatories, errors = [], ErrorCollector()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > 3:
            errors.add("signatories", _("line %(n)s: use Name | title | organisation") % {"n": number})
        elif not parts[0]:
            errors.add("signatories", _("line %(n)s: a signatory needs a name") % {"n": number})
        elif any(len(part) > 200 for part in parts):
            errors.add("signatories", _("line %(n)s: each part must be at most 200 characters") % {"n": number})
        else:
            parts += [""] * (3 - len(parts))
            signatories.append({"name": parts[0], "title": parts[1], "organisation": parts[2]})
    errors.raise_if_any()
    return signatories


@transaction.atomic
def agreement_add(*, actor: User | AnonymousUser, partnership: Partnership, data: AgreementIn | Mapping[str, Any],
                  document: Upload | None = None) -> Agreement:
    """Record an agreement, with its signed document when there is one. Everything is checked before
    anything is written, so a refused agreement leaves neither a row nor a file behind."""
    if not can_manage(actor, partnership):
        raise NotAllowed(_("You may not add agreements to this partnership."))
    errors = ErrorCollector()
    with errors.collecting():
        data = parse(AgreementIn, data)
    if document is not None:
        with errors.collecting():
            check_upload(document, "document", allowed=AGREEMENT_FILE_TYPES)
    themes = _themes(data.themes, errors) if isinstance(data, AgreementIn) else []
    errors.raise_if_any()
    agreement = Agreement.objects.create(
        partnership=partnership, kind=data.kind, signed_on=data.signed_on, signed_at=data.signed_at,
        signatories=[s.model_dump() for s in data.signatories], term_years=data.term_years,
        signed_by_both_heads=data.signed_by_both_heads, budget_approved_by_assembly=data.budget_approved_by_assembly)
    agreement.themes.set(themes)
    _touch(partnership, data.signed_on)
    changes = {"kind": [None, data.kind], "signed_on": [None, data.signed_on.isoformat()]}
    if document is not None:
        agreement.document.save(os.path.basename(document.name), ContentFile(document.content), save=True)
        changes["document"] = [None, agreement.document.name]
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=agreement, changes=changes)
    hooks.emit(events.AGREEMENT_ADDED, partnership_id=partnership.pk, agreement_id=agreement.pk)
    return agreement


def agreement_document_name(agreement: Agreement) -> str:
    """The file name to offer on download (storage may have added a suffix to keep names unique)."""
    return os.path.basename(agreement.document.name) if agreement.document else ""


def _place_named(slug: str | None, *, field: str) -> Place | None:
    """The place with this URL name (none asked, none given), else an error on ``field``."""
    if slug is None:
        return None
    place = Place.objects.filter(slug=slug).first()
    if place is None:
        raise ApplicationError(_("no place has this URL name"), field=field)
    return place


def _plan_input(actor: User | AnonymousUser, partnership: Partnership, model, data, refused: str):
    """The typed input of an action-plan item or a pilot, once the actor may manage the partnership."""
    if not can_manage(actor, partnership):
        raise NotAllowed(refused)
    return parse(model, data)


def _plan_item_added(actor: User | AnonymousUser, partnership: Partnership, item, changes: dict):
    """What follows the addition of an action or a pilot: an audit entry, and the plan-changed event."""
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=item, changes=changes)
    hooks.emit(events.PLAN_CHANGED, partnership_id=partnership.pk)
    return item


@transaction.atomic
def action_add(*, actor: User | AnonymousUser, partnership: Partnership, data: ActionIn | Mapping[str, Any]) -> Action:
    """An item of the action plan, under its objective (made the first time it is named)."""
    data = _plan_input(actor, partnership, ActionIn, data, _("You may not edit this action plan."))
    owner = _place_named(data.owner, field="owner")
    obj, _created = Objective.objects.get_or_create(partnership=partnership, text={"en": data.objective},
                                                    defaults={"position": partnership.objectives.count()})
    item = Action.objects.create(objective=obj, title={"en": data.action}, owner=owner, due_on=data.due_on,
                                 budget_eur=data.budget_eur)
    _touch(partnership, timezone.localdate())
    return _plan_item_added(actor, partnership, item,
                            {"objective": [None, data.objective], "action": [None, data.action]})


@transaction.atomic
def pilot_add(*, actor: User | AnonymousUser, partnership: Partnership, data: PilotIn | Mapping[str, Any]) -> Pilot:
    data = _plan_input(actor, partnership, PilotIn, data, _("You may not add pilots to this partnership."))
    location = _place_named(data.location, field="location")
    pilot = Pilot.objects.create(partnership=partnership, title=compact(data.title), objective=compact(data.objective),
                                 location=location, budget_eur=data.budget_eur, status=data.status)
    _plan_item_added(actor, partnership, pilot, {"title": [None, pilot.title]})
    return pilot


# --- members and their focal points ----------------------------------------------------------------

def _manage(actor: User | AnonymousUser, partnership: Partnership, refused: str) -> None:
    if not can_manage(actor, partnership):
        raise NotAllowed(refused)


def _users(ids: list[int], errors: ErrorCollector, field: str = "focal_points") -> list:
    found = _found(get_user_model(), "pk", ids)
    for user in ids:
        if user not in found:
            errors.add(field, _("no user has the id %(id)s") % {"id": user})
    return [found[user] for user in ids if user in found]


def _embedded_changed(partnership_id: int) -> None:
    """A partnership's answer embeds its members: a change to them is a change to it for clients that sync
    with ``updated_since`` (its version, which guards its own fields, stays)."""
    Partnership.objects.filter(pk=partnership_id).update(updated_at=timezone.now())


def _changed(actor: User | AnonymousUser, model: type[models.Model], obj, values: dict[str, Any],
             expected_version: int | None, partnership: Partnership, *, relations: dict | None = None):
    """Lock ``obj``'s row, check the caller's version, write only ``values`` (and ``relations``, many-to-many
    fields set whole), raise the version, audit, and say the partnership's plan changed."""
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(_("Someone else changed this meanwhile; reload it and make your change again."),
                       field="version")
    before = snapshot(locked, list(values))
    for name, value in values.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save(update_fields=[*values, "version", "updated_at"])
    changes = diff(before, snapshot(locked, list(values)))
    for name, rows in (relations or {}).items():
        getattr(locked, name).set(rows)
        changes[name] = [None, [row.pk for row in rows]]
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked, changes=changes)
    hooks.emit(events.PLAN_CHANGED, partnership_id=partnership.pk)
    return locked


@transaction.atomic
def member_add(*, actor: User | AnonymousUser, partnership: Partnership, data: MemberIn | Mapping[str, Any]) -> Member:
    """A place or an organisation joins, with its IATI role and its focal points."""
    _manage(actor, partnership, _("You may not change this partnership's members."))
    data = parse(MemberIn, data)
    errors = ErrorCollector()
    place = organisation = None
    if (data.place is None) == (data.organisation is None):
        errors.add("place", _("name either a place or an organisation"))
    elif data.place is not None:
        place = Place.objects.filter(slug=data.place).first()
        if place is None:
            errors.add("place", _("no place has this URL name"))
    else:
        organisation = Organisation.objects.filter(slug=data.organisation).first()
        if organisation is None:
            errors.add("organisation", _("no organisation has this URL name"))
    people = _users(data.focal_points, errors)
    errors.raise_if_any()
    Partnership.objects.select_for_update().only("pk").get(pk=partnership.pk)
    if partnership.members.filter(place=place, organisation=organisation).exists():
        raise ApplicationError(_("This member is already in the partnership."),
                               field="place" if place else "organisation")
    member = Member.objects.create(partnership=partnership, place=place, organisation=organisation, role=data.role)
    member.focal_points.set(people)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=member,
                 changes={"member": [None, str(member)], "role": [None, data.role],
                          "focal_points": [None, [u.pk for u in people]]})
    _embedded_changed(partnership.pk)
    hooks.emit(events.PARTNERSHIP_CHANGED, partnership_id=partnership.pk, fields=["members"])
    return member


@transaction.atomic
def member_update(*, actor: User | AnonymousUser, member: Member, data: MemberChange | Mapping[str, Any],
                  expected_version: int | None = None) -> Member:
    """A member's IATI role or its focal points (the list given replaces the old one)."""
    _manage(actor, member.partnership, _("You may not change this partnership's members."))
    given = parse(MemberChange, data).given()
    errors = ErrorCollector()
    values = {"role": given["role"]} if given.get("role") is not None else {}
    if "role" in given and given["role"] is None:
        errors.add("role", _("is required"))
    relations = {"focal_points": _users(given["focal_points"] or [], errors)} if "focal_points" in given else {}
    errors.raise_if_any()
    locked = _changed(actor, Member, member, values, expected_version, member.partnership, relations=relations)
    _embedded_changed(member.partnership_id)
    hooks.emit(events.PARTNERSHIP_CHANGED, partnership_id=member.partnership_id, fields=["members"])
    return locked


@transaction.atomic
def member_remove(*, actor: User | AnonymousUser, member: Member) -> None:
    """A member leaves; a partnership keeps at least two."""
    partnership = member.partnership
    _manage(actor, partnership, _("You may not change this partnership's members."))
    Partnership.objects.select_for_update().only("pk").get(pk=partnership.pk)
    if partnership.members.exclude(pk=member.pk).count() < 2:
        raise ApplicationError(_("A partnership needs at least two members."), field="members")
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=member, changes={"member": [str(member), None]})
    member.delete()
    _embedded_changed(partnership.pk)
    hooks.emit(events.PARTNERSHIP_CHANGED, partnership_id=partnership.pk, fields=["members"])


# --- the action plan: objectives, actions, milestones; pilots ---------------------------------------

def _texts_of(value: dict[str, str]) -> dict[str, str]:
    return compact({lang: text for lang, text in value.items()})


@transaction.atomic
def objective_add(*, actor: User | AnonymousUser, partnership: Partnership,
                  data: ObjectiveIn | Mapping[str, Any]) -> Objective:
    data = _plan_input(actor, partnership, ObjectiveIn, data, _("You may not edit this action plan."))
    Partnership.objects.select_for_update().only("pk").get(pk=partnership.pk)
    position = data.position if data.position is not None else partnership.objectives.count()
    objective = Objective.objects.create(partnership=partnership, text=_texts_of(data.text), position=position)
    _touch(partnership, timezone.localdate())
    return _plan_item_added(actor, partnership, objective, {"text": [None, objective.text]})


@transaction.atomic
def objective_update(*, actor: User | AnonymousUser, objective: Objective,
                     data: ObjectiveChange | Mapping[str, Any], expected_version: int | None = None) -> Objective:
    partnership = objective.partnership
    given = _plan_input(actor, partnership, ObjectiveChange, data, _("You may not edit this action plan.")).given()
    values = {name: _texts_of(value) if name == "text" else value for name, value in given.items()
              if value is not None}
    return _changed(actor, Objective, objective, values, expected_version, partnership)


@transaction.atomic
def action_create(*, actor: User | AnonymousUser, objective: Objective,
                  data: ActionUnderIn | Mapping[str, Any]) -> Action:
    """An action under an objective already in the plan."""
    partnership = objective.partnership
    data = _plan_input(actor, partnership, ActionUnderIn, data, _("You may not edit this action plan."))
    owner = _place_named(data.owner, field="owner")
    if data.starts_on and data.due_on and data.due_on < data.starts_on:
        raise ApplicationError(_("An action is due after it starts."), field="due_on")
    item = Action.objects.create(objective=objective, title=_texts_of(data.title), owner=owner,
                                 starts_on=data.starts_on, due_on=data.due_on, status=data.status,
                                 budget_eur=data.budget_eur)
    _touch(partnership, timezone.localdate())
    return _plan_item_added(actor, partnership, item, {"title": [None, item.title]})


@transaction.atomic
def action_update(*, actor: User | AnonymousUser, action: Action, data: ActionChange | Mapping[str, Any],
                  expected_version: int | None = None) -> Action:
    partnership = action.objective.partnership
    given = _plan_input(actor, partnership, ActionChange, data, _("You may not edit this action plan.")).given()
    values: dict[str, Any] = {}
    for name, value in given.items():
        if name == "owner":
            values["owner"] = _place_named(value, field="owner")
        elif name == "title":
            values["title"] = _texts_of(value)
        else:
            values[name] = value
    starts, due = values.get("starts_on", action.starts_on), values.get("due_on", action.due_on)
    if starts and due and due < starts:
        raise ApplicationError(_("An action is due after it starts."), field="due_on")
    locked = _changed(actor, Action, action, values, expected_version, partnership)
    _touch(partnership, timezone.localdate())
    return locked


@transaction.atomic
def milestone_add(*, actor: User | AnonymousUser, action: Action, data: MilestoneIn | Mapping[str, Any]) -> Milestone:
    partnership = action.objective.partnership
    data = _plan_input(actor, partnership, MilestoneIn, data, _("You may not edit this action plan."))
    milestone = Milestone.objects.create(action=action, title=_texts_of(data.title), due_on=data.due_on,
                                         done_on=data.done_on)
    if data.done_on:
        _touch(partnership, min(data.done_on, timezone.localdate()))
    return _plan_item_added(actor, partnership, milestone, {"title": [None, milestone.title]})


@transaction.atomic
def milestone_update(*, actor: User | AnonymousUser, milestone: Milestone, data: MilestoneChange | Mapping[str, Any],
                     expected_version: int | None = None) -> Milestone:
    """Change a milestone; reaching it (``done_on``) is the partnership's activity on that day."""
    partnership = milestone.action.objective.partnership
    given = _plan_input(actor, partnership, MilestoneChange, data, _("You may not edit this action plan.")).given()
    values = {name: _texts_of(value) if name == "title" else value for name, value in given.items()}
    locked = _changed(actor, Milestone, milestone, values, expected_version, partnership)
    if values.get("done_on"):
        _touch(partnership, min(values["done_on"], timezone.localdate()))
    return locked


@transaction.atomic
def pilot_update(*, actor: User | AnonymousUser, pilot: Pilot, data: PilotChange | Mapping[str, Any],
                 expected_version: int | None = None) -> Pilot:
    partnership = pilot.partnership
    given = _plan_input(actor, partnership, PilotChange, data, _("You may not change this pilot.")).given()
    values: dict[str, Any] = {}
    for name, value in given.items():
        if name == "location":
            values["location"] = _place_named(value, field="location")
        elif name in ("title", "objective", "results"):
            values[name] = _texts_of(value or {})
        else:
            values[name] = value
    return _changed(actor, Pilot, pilot, values, expected_version, partnership)


@dataclass(frozen=True)
class Health:
    dormant: bool
    single_focal_point: bool
    months_quiet: int | None
    focal_points: int = 0


def health(partnership: Partnership, today: date | None = None) -> Health:
    """Dormant: no recorded activity for RENKEI_DORMANT_MONTHS months (active or agreed ones only).
    Single focal point: all the work hangs on one person."""
    today = today or timezone.localdate()
    last = partnership.last_activity_on
    months = None if last is None else (today.year - last.year) * 12 + today.month - last.month
    live = partnership.status in (S.AGREED, S.ACTIVE)
    dormant = live and (last is None or today - last > timedelta(days=30 * settings.RENKEI_DORMANT_MONTHS))
    people = set()
    for member in partnership.members.all():
        people |= {user.pk for user in member.focal_points.all()}  # prefetched on dashboards
    return Health(dormant=dormant, single_focal_point=live and len(people) == 1, months_quiet=months,
                  focal_points=len(people))
