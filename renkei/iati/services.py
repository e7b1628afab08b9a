"""Writes of the IATI app: the publishing settings (one row), and applying an import plan
(``renkei.iati.importing``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from renkei.core.audit import audit_record, diff, snapshot
from renkei.core.errors import ApplicationError, Conflict, NotAllowed
from renkei.core.inputs import parse
from renkei.core.models import AuditEntry
from renkei.iati.importing import DocumentProposal, ImportPlan, PlaceProposal, ResultProposal
from renkei.iati.inputs import SettingsIn
from renkei.iati.models import DocumentLink, PublishingSettings
from renkei.iati.permissions import can_edit_settings, can_import
from renkei.places.models import Organisation, Place, Theme

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User
    from renkei.partnerships.models import Partnership
    from renkei.programmes.models import Programme

FIELDS = ["reporting_organisation", "organisation_identifier", "collaboration_type", "aid_type", "flow_type",
          "finance_type", "currency", "language", "site_address"]


@transaction.atomic
def settings_update(*, actor: User | AnonymousUser, data: SettingsIn | Mapping[str, Any],
                    expected_version: int | None = None) -> PublishingSettings:
    """Write the fields given onto the settings row (made the first time), and only those."""
    if not can_edit_settings(actor):
        raise NotAllowed(_("Only administrators change the IATI publishing settings."))
    values = parse(SettingsIn, data).given()
    if "reporting_organisation" in values:
        slug = values["reporting_organisation"]
        values["reporting_organisation"] = Organisation.objects.filter(slug=slug).first() if slug else None
        if slug and values["reporting_organisation"] is None:
            raise ApplicationError(_("no organisation has this URL name"), field="reporting_organisation")
    PublishingSettings.objects.get_or_create(pk=1)
    row = PublishingSettings.objects.select_for_update().get(pk=1)
    if expected_version is not None and row.version != expected_version:
        raise Conflict(_("Someone else changed the settings meanwhile; reload and try again."))
    for name, value in list(values.items()):
        field = PublishingSettings._meta.get_field(name)
        if value is None and not field.null:  # null for a text clears it; for anything else it is refused
            if not isinstance(field, models.CharField | models.TextField):
                raise ApplicationError(_("cannot be empty"), field=name)
            values[name] = ""
    before = snapshot(row, FIELDS)
    for name, value in values.items():
        setattr(row, name, value)
    changes = diff(before, snapshot(row, FIELDS))
    if changes:
        row.version += 1
        row.save(update_fields=[*values, "version", "updated_at"])
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=row, changes=changes)
    return row


def _place_data(p: PlaceProposal) -> dict[str, Any]:
    data = {"name": p.name_en, "name_ja": p.name_ja, "country": p.country, "level": p.level}
    if p.slug:
        data["slug"] = p.slug
    if p.latitude is not None and p.longitude is not None:
        data.update(lat=p.latitude, lon=p.longitude)
    return data


@transaction.atomic
def import_apply(*, actor: User | AnonymousUser, plan: ImportPlan) -> ImportPlan:
    """Write what ``importing.import_plan`` proposed: organisations and places first, then programmes,
    then partnerships (with their budgets as action-plan items). All or nothing: an error names the
    activity's line and nothing is written."""
    from renkei.partnerships.services import action_add, partnership_create, partnership_update
    from renkei.places.services import organisation_create, place_create
    from renkei.programmes.models import Programme
    from renkei.programmes.services import programme_create

    if not can_import(actor):
        raise NotAllowed(_("Only administrators import IATI files."))
    if plan.fatal:
        raise ApplicationError(_("The file cannot be imported: %(problem)s") % {"problem": plan.errors[0]})
    orgs: dict[str, Organisation] = {}
    for key, o in plan.organisations.items():
        try:
            orgs[key] = o.existing or organisation_create(actor=actor, data={
                "name_en": o.name_en, "name_ja": o.name_ja, "org_type": o.org_type})
        except ApplicationError as exc:
            raise ApplicationError(_("organisation %(name)s: %(problem)s")
                                   % {"name": o.name_en, "problem": exc.message}, errors=exc.errors) from exc
    places: dict[str, Place] = {}
    for key, p in plan.places.items():
        try:
            places[key] = p.existing or place_create(actor=actor, data=_place_data(p))
        except ApplicationError as exc:
            raise ApplicationError(_("place %(name)s: %(problem)s")
                                   % {"name": p.name_en, "problem": exc.message}, errors=exc.errors) from exc
    themes = {t.code: t for t in Theme.objects.all()}
    programmes: dict[str, str] = {}
    for a in plan.activities:
        if a.kind != "programme" or a.problems:
            continue
        programmes[a.identifier] = a.slug
        if a.exists:
            continue
        try:
            programme = programme_create(actor=actor, data={
                "slug": a.slug, "title": {k: v for k, v in a.title.items() if k in ("en", "ja")},
                "description": {k: v for k, v in a.description.items() if k in ("en", "ja")},
                "starts_on": a.starts_on, "ends_on": a.ends_on, "eligible_countries": a.countries})
        except ApplicationError as exc:
            raise exc.prefixed(f"line {a.line}") from exc
        _documents(actor, a.documents, a.identifier, programme=programme)
        Programme.themes.through.objects.bulk_create(
            [Programme.themes.through(programme_id=programme.pk, theme_id=themes[c].pk) for c in a.themes])
        programme.owners.set([orgs[k] for k in dict.fromkeys(a.owners)])
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=programme,
                     changes={"themes": [[], a.themes], "owners": [[], [orgs[k].slug for k in a.owners]]})
    for a in plan.activities:
        if a.kind != "partnership" or a.problems or a.exists:
            continue
        members = [{"place": places[key].slug, "role": role} if kind == "place"
                   else {"organisation": orgs[key].slug, "role": role} for kind, key, role in a.members]
        try:
            partnership = partnership_create(actor=actor, data={
                "title": {k: v for k, v in a.title.items() if k in ("en", "ja")}, "kind": a.partnership_kind,
                "members": members, "programme": programmes.get(a.parent or ""), "themes": a.themes,
                "description": {k: v for k, v in a.description.items() if k in ("en", "ja")},
                "starts_on": a.starts_on, "status": a.status})
            partnership = partnership_update(actor=actor, partnership=partnership,
                                             data={"slug": a.slug, "ends_on": a.ends_on})
            for start, end, value in a.budgets:
                action_add(actor=actor, partnership=partnership, data={
                    "objective": "Budget (IATI)", "action": f"Budget {start} – {end}", "due_on": end,
                    "budget_eur": value})
            _results(actor, partnership, a.results)
            _documents(actor, a.documents, a.identifier, partnership=partnership)
        except ApplicationError as exc:
            raise ApplicationError(_("line %(n)s (%(id)s): %(problem)s")
                                   % {"n": a.line, "id": a.identifier, "problem": exc.message},
                                   errors=exc.errors) from exc
    plan.written = True
    return plan


_LEVEL_ORDER = {"impact": 0, "outcome": 1, "output": 2}


def _results(actor: User | AnonymousUser, partnership: Partnership, results: list[ResultProposal]) -> None:
    """The results framework an activity's results describe, through the evaluation services. IATI
    does not say which outcome an output serves: each outcome contributes to the first impact, each
    output to the first outcome; when the file has none, one named after the partnership is made
    (it has no indicator, so it is not exported again)."""
    from renkei.evaluation.services import actual_record, result_add, result_indicator_add, target_set

    first: dict[str, Any] = {}
    positions = {"impact": 0, "outcome": 0, "output": 0}

    def parent_for(level: str):
        wanted = {"impact": None, "outcome": "impact", "output": "outcome"}[level]
        if wanted is None:
            return None
        if wanted not in first:
            first[wanted] = result_add(actor=actor, partnership=partnership, data={
                "level": wanted, "title": {k: v[:500] for k, v in partnership.title.items() if k in ("en", "ja")},
                "parent": parent_for(wanted).pk if wanted != "impact" else None, "position": 0})
            positions[wanted] = 1
        return first[wanted]

    for result in sorted(results, key=lambda r: _LEVEL_ORDER[r.level]):
        parent = parent_for(result.level)
        row = result_add(actor=actor, partnership=partnership, data={
            "level": result.level, "title": result.title, "parent": parent.pk if parent else None,
            "position": positions[result.level]})
        positions[result.level] += 1
        first.setdefault(result.level, row)
        for item in result.indicators:
            indicator = result_indicator_add(actor=actor, result=row, data={
                "indicator": item.indicator, "name": item.name or None, "unit": item.unit,
                "direction": item.direction, "baseline_value": item.baseline_value, "baseline_on": item.baseline_on})
            for period in item.periods:
                span = {"period_start": period.start, "period_end": period.end}
                if period.target is not None:
                    target_set(actor=actor, result_indicator=indicator, data={**span, "value": period.target})
                if period.actual is not None:
                    actual_record(actor=actor, result_indicator=indicator, data={
                        **span, "value": period.actual, "source": "IATI"})


def _documents(actor: User | AnonymousUser, documents: list[DocumentProposal], source: str, *,
               partnership: Partnership | None = None, programme: Programme | None = None) -> None:
    rows = DocumentLink.objects.bulk_create([DocumentLink(
        partnership=partnership, programme=programme, url=d.url, format=d.format, title=d.title,
        categories=d.categories, languages=d.languages, document_date=d.document_date, position=n,
        source=source[:200]) for n, d in enumerate(documents)])
    for row in rows:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=row, changes={"url": [None, row.url]})


@transaction.atomic
def document_link_delete(*, actor: User | AnonymousUser, link: DocumentLink) -> None:
    """Remove an imported document link (administrators, and those who manage its partnership or
    programme)."""
    from renkei.iati.permissions import can_manage_document_link

    if not can_manage_document_link(actor, link):
        raise NotAllowed(_("Only administrators and the partnership's or programme's managers remove its links."))
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=link, changes={"url": [link.url, None]})
    link.delete()
