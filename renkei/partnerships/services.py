"""Partnerships: creation (also in one step from a selected application), members, a status
lifecycle with only legal transitions, agreements, action plans, pilots and health flags."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role, represented_place_ids
from renkei.core.audit import audit_record
from renkei.core.errors import ApplicationError, NotAllowed
from renkei.core.models import AuditEntry
from renkei.core.slugs import unique_slug
from renkei.partnerships.models import Action, Agreement, Member, Objective, Partnership, Pilot, StatusChange
from renkei.programmes.services import Upload, check_upload

S = Partnership.Status
TRANSITIONS = {
    S.PROPOSED: {S.AGREED, S.CLOSED},
    S.AGREED: {S.ACTIVE, S.CLOSED},
    S.ACTIVE: {S.SUSPENDED, S.COMPLETED, S.CLOSED},
    S.SUSPENDED: {S.ACTIVE, S.CLOSED},
    S.COMPLETED: {S.CLOSED},
    S.CLOSED: set(),
}


def can_manage(user, partnership: Partnership) -> bool:
    if has_role(user, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        return True
    if not partnership.pk or not getattr(user, "is_authenticated", False) or not getattr(user, "pk", None):
        return False
    places = represented_place_ids(user)
    return partnership.members.filter(place_id__in=places).exists() or partnership.members.filter(
        focal_points=user.pk).exists()


@transaction.atomic
def partnership_create(*, actor, title_en: str, kind: str, members: list[dict], title_ja: str = "",
                       programme=None, themes=(), description: dict | None = None, starts_on: date | None = None,
                       status: str = S.PROPOSED) -> Partnership:
    if not has_role(actor, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER, Role.FOCAL_POINT):
        raise NotAllowed(_("You may not create partnerships."))
    if not title_en.strip():
        raise ApplicationError(_("is required"), field="title_en")
    if kind not in Partnership.Kind.values:
        raise ApplicationError(_("unknown kind of partnership"), field="kind")
    places = [m["place"] for m in members if m.get("place")]
    orgs = [m["organisation"] for m in members if m.get("organisation")]
    if len(places) + len(orgs) < 2:
        raise ApplicationError(_("A partnership needs at least two members."), field="members")
    if kind == Partnership.Kind.BILATERAL and (len(places) != 2 or orgs):
        raise ApplicationError(_("A bilateral partnership joins exactly two places."), field="members")
    if kind == Partnership.Kind.TRIANGULAR and (len(places) < 2 or not orgs):
        raise ApplicationError(_("A triangular partnership joins an agency and at least two places."),
                               field="members")
    if has_role(actor, Role.FOCAL_POINT) and not has_role(actor, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER) \
            and not {p.pk for p in places} & represented_place_ids(actor):
        raise NotAllowed(_("A focal point creates partnerships only for places they act for."))
    partnership = Partnership.objects.create(
        slug=unique_slug(Partnership, title_en, fallback="partnership"), title_en=title_en.strip(),
        title_ja=title_ja, kind=kind, programme=programme, description=description or {}, starts_on=starts_on,
        status=status, last_activity_on=timezone.localdate())
    partnership.themes.set(themes)
    for m in members:
        member = Member.objects.create(partnership=partnership, place=m.get("place"),
                                       organisation=m.get("organisation"), role=m.get("role", Member.Role.IMPLEMENTING))
        if m.get("focal_points"):
            member.focal_points.set(m["focal_points"])
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=partnership,
                 changes={"title_en": [None, partnership.title_en], "kind": [None, kind]})
    return partnership


@transaction.atomic
def partnership_from_application(*, actor, application) -> Partnership:
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
        title_en=f"{place.name_en} — {programme.title.get('en', '')}",
        title_ja=f"{place.name_ja or place.name_en} — {programme.title.get('ja') or programme.title.get('en', '')}",
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
    return partnership


@transaction.atomic
def status_change(*, actor, partnership: Partnership, to: str, reason: str) -> Partnership:
    if not can_manage(actor, partnership):
        raise NotAllowed(_("You may not change this partnership's status."))
    if to not in TRANSITIONS.get(partnership.status, set()):
        raise ApplicationError(_("A partnership cannot go from %(from)s to %(to)s.")
                               % {"from": partnership.status, "to": to}, field="status")
    if not reason.strip():
        raise ApplicationError(_("Say why the status changes."), field="reason")
    StatusChange.objects.create(partnership=partnership, from_status=partnership.status, to_status=to,
                                reason=reason.strip(), changed_by=actor if getattr(actor, "pk", None) else None)
    before = partnership.status
    partnership.status = to
    partnership.last_activity_on = timezone.localdate()
    partnership.save(update_fields=["status", "last_activity_on", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=partnership, changes={"status": [before, to]})
    return partnership


AGREEMENT_FILE_TYPES = (".pdf", ".docx", ".png", ".jpg", ".jpeg")  # the signed text, or a scan of it


def signatories_from_lines(text: str) -> list[dict]:
    """`Name | title | organisation` per line (title and organisation may be left out). Errors name the line."""
    signatories, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > 3:
            errors.append(_("line %(n)s: use Name | title | organisation") % {"n": number})
        elif not parts[0]:
            errors.append(_("line %(n)s: a signatory needs a name") % {"n": number})
        elif any(len(part) > 200 for part in parts):
            errors.append(_("line %(n)s: each part must be at most 200 characters") % {"n": number})
        else:
            parts += [""] * (3 - len(parts))
            signatories.append({"name": parts[0], "title": parts[1], "organisation": parts[2]})
    if errors:
        raise ApplicationError(errors[0], errors={"signatories": errors})
    return signatories


@transaction.atomic
def agreement_add(*, actor, partnership: Partnership, kind: str, signed_on: date | None, signed_at: str = "",
                  signatories: list[dict] = (), themes=(), term_years: int | None = None,
                  signed_by_both_heads: bool = False, budget_approved_by_assembly: bool = False,
                  document: Upload | None = None) -> Agreement:
    """Record an agreement, with its signed document when there is one. Everything is checked before
    anything is written, so a refused agreement leaves neither a row nor a file behind."""
    if not can_manage(actor, partnership):
        raise NotAllowed(_("You may not add agreements to this partnership."))
    errors: dict[str, list[str]] = {}
    if kind not in Agreement.Kind.values:
        errors["kind"] = [_("unknown kind of agreement")]
    if signed_on is None:
        errors["signed_on"] = [_("is required")]
    elif signed_on > timezone.localdate():
        errors["signed_on"] = [_("An agreement cannot be signed in the future.")]
    if len(signed_at or "") > 200:
        errors["signed_at"] = [_("must be at most 200 characters")]
    if term_years is not None and not 1 <= term_years <= 99:
        errors["term_years"] = [_("must be from 1 to 99 years")]
    for n, s in enumerate(signatories):
        if not str(s.get("name", "")).strip():
            errors.setdefault("signatories", []).append(_("Signatory %(n)s has no name.") % {"n": n + 1})
    if document is not None:
        try:
            check_upload(document, "document", allowed=AGREEMENT_FILE_TYPES)
        except ApplicationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)
    agreement = Agreement.objects.create(
        partnership=partnership, kind=kind, signed_on=signed_on, signed_at=(signed_at or "").strip(),
        signatories=[{k: str(s.get(k, "")).strip() for k in ("name", "title", "organisation")} for s in signatories],
        term_years=term_years, signed_by_both_heads=signed_by_both_heads,
        budget_approved_by_assembly=budget_approved_by_assembly)
    agreement.themes.set(themes)
    partnership.last_activity_on = max(partnership.last_activity_on or signed_on, signed_on)
    partnership.save(update_fields=["last_activity_on", "updated_at"])
    changes = {"kind": [None, kind], "signed_on": [None, signed_on.isoformat()]}
    if document is not None:
        agreement.document.save(os.path.basename(document.name), ContentFile(document.content), save=True)
        changes["document"] = [None, agreement.document.name]
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=agreement, changes=changes)
    return agreement


def agreement_document_name(agreement: Agreement) -> str:
    """The file name to offer on download (storage may have added a suffix to keep names unique)."""
    return os.path.basename(agreement.document.name) if agreement.document else ""


@transaction.atomic
def action_add(*, actor, partnership: Partnership, objective: str, action: str, owner=None,
               due_on: date | None = None, budget_eur=None) -> Action:
    if not can_manage(actor, partnership):
        raise NotAllowed(_("You may not edit this action plan."))
    if not objective.strip() or not action.strip():
        raise ApplicationError(_("An action needs an objective and a title."), field="action")
    obj, _created = Objective.objects.get_or_create(partnership=partnership, text={"en": objective.strip()},
                                                    defaults={"position": partnership.objectives.count()})
    item = Action.objects.create(objective=obj, title={"en": action.strip()}, owner=owner, due_on=due_on,
                                 budget_eur=budget_eur)
    partnership.last_activity_on = timezone.localdate()
    partnership.save(update_fields=["last_activity_on", "updated_at"])
    return item


@transaction.atomic
def pilot_add(*, actor, partnership: Partnership, title: dict, objective: dict | None = None, location=None,
              budget_eur=None, status: str = Pilot.Status.PLANNED) -> Pilot:
    if not can_manage(actor, partnership):
        raise NotAllowed(_("You may not add pilots to this partnership."))
    if not any(v.strip() for v in title.values()):
        raise ApplicationError(_("is required"), field="title")
    return Pilot.objects.create(partnership=partnership, title=title, objective=objective or {}, location=location,
                                budget_eur=budget_eur, status=status)


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
