"""Writes of the indicator catalogue, of values (with their revisions) and of peer groups.

Every write takes a typed input from ``renkei.indicators.inputs`` (a mapping is parsed into it),
checks permission, re-reads the row it changes under ``select_for_update`` and writes only the
fields it was given, records the audit entry in its transaction and emits its event for after the
commit. The CSV import is in ``renkei.indicators.importing``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core import hooks
from renkei.core.audit import audit_record, diff, snapshot
from renkei.core.concurrency import check_version
from renkei.core.errors import Conflict, ErrorCollector, NotAllowed, NotFound
from renkei.core.inputs import parse
from renkei.core.models import AuditEntry
from renkei.core.slugs import unique_slug
from renkei.core.text import compact
from renkei.indicators import events, permissions
from renkei.indicators.inputs import (
    CriteriaIn,
    IndicatorChange,
    IndicatorIn,
    PeerGroupChange,
    PeerGroupIn,
    ValueIn,
    normal_period,
)
from renkei.indicators.models import Classification, Framework, Indicator, PeerGroup, Revision, Value
from renkei.indicators.units import range_problem
from renkei.places.models import Place, Theme
from renkei.places.selectors import visible_places

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User

    Actor = User | AnonymousUser

INDICATOR_FIELDS = ["name", "definition", "unit", "direction", "disaggregations"]


def _actor(actor) -> Any:
    return actor if getattr(actor, "pk", None) else None


# --- the catalogue ----------------------------------------------------------------------------------

def _links(data, errors: ErrorCollector) -> dict[str, list]:
    """The frameworks, classifications and themes an input names, or errors naming the unknown ones."""
    out: dict[str, list] = {}
    if data.frameworks is not None:
        found = {f.code: f for f in Framework.objects.filter(code__in=data.frameworks)}
        for code in data.frameworks:
            if code not in found:
                errors.add("frameworks", _("unknown framework %(code)s") % {"code": code})
        out["frameworks"] = [found[c] for c in data.frameworks if c in found]
    if data.classes is not None:
        rows = []
        for key in data.classes:
            framework, _sep, code = key.partition(":")
            row = Classification.objects.filter(framework__code=framework, code=code).first() if code else None
            if row is None:
                errors.add("classes", _("unknown classification %(code)s (write framework:code)") % {"code": key})
            else:
                rows.append(row)
        out["classes"] = rows
    if data.themes is not None:
        found = {t.code: t for t in Theme.objects.filter(code__in=data.themes)}
        for code in data.themes:
            if code not in found:
                errors.add("themes", _("unknown theme %(code)s") % {"code": code})
        out["themes"] = [found[c] for c in data.themes if c in found]
    return out


@transaction.atomic
def indicator_create(*, actor: Actor, data: IndicatorIn | Mapping[str, Any]) -> Indicator:
    """A custom indicator (the shipped catalogue comes with the data migration)."""
    if not permissions.can_manage_catalogue(actor):
        raise NotAllowed(_("You may not add indicators."))
    data = parse(IndicatorIn, data)
    errors = ErrorCollector()
    if Indicator.objects.filter(code__iexact=data.code).exists():
        errors.add("code", _("another indicator has this code"))
    links = _links(data, errors)
    errors.raise_if_any()
    indicator = Indicator.objects.create(
        code=data.code, name=compact(data.name.model_dump()), definition=compact(data.definition.model_dump()),
        unit=data.unit, direction=data.direction, disaggregations=list(dict.fromkeys(data.disaggregations)),
        custom=True, created_by=_actor(actor))
    for name, rows in links.items():
        getattr(indicator, name).set(rows)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=indicator,
                 changes=snapshot(indicator, ["code", *INDICATOR_FIELDS]))
    hooks.emit(events.INDICATOR_CHANGED, indicator_id=indicator.pk)
    return indicator


@transaction.atomic
def indicator_update(*, actor: Actor, indicator: Indicator, data: IndicatorChange | Mapping[str, Any],
                     expected: int | None = None) -> Indicator:
    """Change the fields given. A unit is changed only when every stored value fits its range, and a
    disaggregation is dropped only when no value uses it."""
    if not permissions.can_manage_catalogue(actor):
        raise NotAllowed(_("You may not change indicators."))
    data = parse(IndicatorChange, data)
    locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
    check_version(locked, expected)
    given = data.given()
    errors = ErrorCollector()
    links = _links(data, errors)
    before = snapshot(locked, INDICATOR_FIELDS)
    if "name" in given and data.name is not None:
        locked.name = compact(data.name.model_dump())
    if "definition" in given and data.definition is not None:
        locked.definition = compact(data.definition.model_dump())
    if data.unit is not None and data.unit != locked.unit:
        values = Value.objects.filter(indicator=locked).values_list("value", flat=True)
        if any(range_problem(data.unit, v) for v in values.iterator()):
            errors.add("unit", _("some values of this indicator lie outside this unit's range"))
        locked.unit = data.unit
    if data.direction is not None:
        locked.direction = data.direction
    if data.disaggregations is not None:
        kept = list(dict.fromkeys(data.disaggregations))
        used = {d.split(":")[0] for d in Value.objects.filter(indicator=locked).exclude(disaggregation="")
                .values_list("disaggregation", flat=True).distinct()}
        if used - set(kept):
            errors.add("disaggregations", _("values use %(names)s") % {"names": ", ".join(sorted(used - set(kept)))})
        locked.disaggregations = kept
    errors.raise_if_any()
    changes = diff(before, snapshot(locked, INDICATOR_FIELDS))
    for name, rows in links.items():
        old = set(getattr(locked, name).values_list("pk", flat=True))
        if old != {r.pk for r in rows}:
            getattr(locked, name).set(rows)
            changes[name] = [sorted(old), sorted(r.pk for r in rows)]
    if changes:
        locked.version += 1
        locked.save()
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked, changes=changes)
        hooks.emit(events.INDICATOR_CHANGED, indicator_id=locked.pk)
    indicator.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


@transaction.atomic
def indicator_delete(*, actor: Actor, indicator: Indicator) -> None:
    """Only a custom indicator without values (shipped ones stay; values are never lost this way)."""
    if not permissions.can_manage_catalogue(actor):
        raise NotAllowed(_("You may not delete indicators."))
    locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if not locked.custom:
        raise Conflict(_("Indicators of the shipped catalogue cannot be deleted."))
    if Value.objects.filter(indicator=locked).exists():
        raise Conflict(_("This indicator has values: delete them first."))
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=locked, changes={"code": locked.code})
    try:
        with transaction.atomic():
            locked.delete()
    except ProtectedError as exc:
        raise Conflict(_("This indicator is in use elsewhere (an evaluation) and cannot be deleted.")) from exc


# --- values -------------------------------------------------------------------------------------------

def check_value(indicator: Indicator, *, value: float, period: str, year: int, disaggregation: str,
                errors: ErrorCollector) -> str:
    """The stored period, after checking the value's range, the period and the disaggregation."""
    problem = range_problem(indicator.unit, value)
    if problem:
        errors.add("value", problem)
    try:
        period = normal_period(period, year)
    except ValueError as exc:
        errors.add("period", str(exc))
    if disaggregation and disaggregation.split(":")[0] not in (indicator.disaggregations or []):
        errors.add("disaggregation", _("this indicator is not broken down by %(dimension)s")
                   % {"dimension": disaggregation.split(":")[0]})
    return period


def _place_for(actor, slug: str, errors: ErrorCollector) -> Place | None:
    place = visible_places(actor).filter(slug=slug).first()
    if place is None:
        errors.add("place", _("no place has this URL name"))
    return place


@transaction.atomic
def value_record(*, actor: Actor, data: ValueIn | Mapping[str, Any]) -> Value:
    """Enter a value. One already stored for the same place, indicator, year, period and
    disaggregation is kept as a revision (unless nothing changed)."""
    if not permissions.can_enter_any_values(actor):
        raise NotAllowed(_("You may not enter indicator values."))
    data = parse(ValueIn, data)
    errors = ErrorCollector()
    place = _place_for(actor, data.place, errors)
    indicator = Indicator.objects.filter(code=data.indicator).first()
    if indicator is None:
        errors.add("indicator", _("no indicator has this code"))
    if place is not None and not permissions.can_enter_values(actor, place):
        raise NotAllowed(_("You may not enter values for this place."))
    if indicator is None:
        errors.raise_if_any()
    period = check_value(indicator, value=data.value, period=data.period, year=data.year,
                         disaggregation=data.disaggregation, errors=errors)
    errors.raise_if_any()
    now = timezone.now()
    key = {"place": place, "indicator": indicator, "year": data.year, "period": period,
           "disaggregation": data.disaggregation}
    current = Value.objects.select_for_update().filter(**key).first()
    fields = {"value": data.value, "source": data.source, "note": data.note}
    if current is None:
        current = Value.objects.create(**key, **fields, entered_by=_actor(actor), entered_at=now)
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=current, changes=fields)
    else:
        old = {"value": current.value, "source": current.source, "note": current.note}
        if old == fields:
            return current
        Revision.objects.create(current=current, **old, entered_by_id=current.entered_by_id,
                                entered_at=current.entered_at, replaced_at=now)
        for name, value in fields.items():
            setattr(current, name, value)
        current.entered_by, current.entered_at = _actor(actor), now
        current.save(update_fields=[*fields, "entered_by", "entered_at"])
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=current, changes=diff(old, fields))
    hooks.emit(events.VALUES_CHANGED, place_ids=[place.pk], indicator_ids=[indicator.pk])
    return current


@transaction.atomic
def value_delete(*, actor: Actor, value: Value) -> None:
    """Delete a value with its revisions (a mistake, not a revision: entering a new value keeps the old)."""
    locked = Value.objects.select_for_update().select_related("place", "indicator").filter(pk=value.pk).first()
    if locked is None:
        raise NotFound(_("No such value."))
    if not permissions.can_enter_values(actor, locked.place):
        raise NotAllowed(_("You may not delete values of this place."))
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=locked,
                 changes={"value": locked.value, "source": locked.source})
    locked.delete()
    hooks.emit(events.VALUES_CHANGED, place_ids=[locked.place_id], indicator_ids=[locked.indicator_id])


# --- peer groups --------------------------------------------------------------------------------------

def _check_group(kind: str, criteria: CriteriaIn, places: list[str], actor, errors: ErrorCollector) -> list[Place]:
    from renkei.places.validation import country_code

    rows: list[Place] = []
    for n, raw in enumerate(criteria.countries):
        if country_code(raw) is None:
            errors.add(f"criteria.countries.{n}", _("is not an ISO 3166-1 country code"))
    if criteria.min_population is not None and criteria.max_population is not None \
            and criteria.min_population > criteria.max_population:
        errors.add("criteria.max_population", _("must be at least the smallest population"))
    if criteria.themes:
        known = set(Theme.objects.filter(code__in=criteria.themes).values_list("code", flat=True))
        for code in criteria.themes:
            if code not in known:
                errors.add("criteria.themes", _("unknown theme %(code)s") % {"code": code})
    visible = visible_places(actor)
    if criteria.region and not visible.filter(slug=criteria.region).exists():
        errors.add("criteria.region", _("no place has this URL name"))
    if kind == "list":
        found = {p.slug: p for p in visible.filter(slug__in=places)}
        for slug in places:
            if slug not in found:
                errors.add("places", _("no place has the URL name %(slug)s") % {"slug": slug})
        rows = [found[s] for s in dict.fromkeys(places) if s in found]
        if not places:
            errors.add("places", _("choose at least one place"))
    if kind == "cohort":
        from renkei.programmes.selectors import programme_list

        if not criteria.programme:
            errors.add("criteria.programme", _("is required"))
        elif not programme_list(viewer=actor).filter(slug=criteria.programme).exists():
            errors.add("criteria.programme", _("no programme has this URL name"))
    if kind == "similar":
        if not criteria.place:
            errors.add("criteria.place", _("is required"))
        elif not visible.filter(slug=criteria.place).exists():
            errors.add("criteria.place", _("no place has this URL name"))
    return rows


@transaction.atomic
def peer_group_create(*, actor: Actor, data: PeerGroupIn | Mapping[str, Any]) -> PeerGroup:
    if not permissions.can_save_peer_groups(actor):
        raise NotAllowed(_("Sign in with a role to save peer groups."))
    data = parse(PeerGroupIn, data)
    errors = ErrorCollector()
    places = _check_group(data.kind, data.criteria, data.places, actor, errors)
    if data.slug and PeerGroup.objects.filter(slug=data.slug).exists():
        errors.add("slug", _("is taken"))
    errors.raise_if_any()
    group = PeerGroup.objects.create(
        slug=data.slug or unique_slug(PeerGroup, data.name.en, fallback="group"), name=compact(data.name.model_dump()),
        kind=data.kind, criteria=data.criteria.model_dump(exclude_defaults=True), owner=_actor(actor),
        shared=data.shared)
    group.places.set(places)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=group,
                 changes={"kind": group.kind, "criteria": group.criteria, "places": [p.slug for p in places]})
    return group


@transaction.atomic
def peer_group_update(*, actor: Actor, group: PeerGroup, data: PeerGroupChange | Mapping[str, Any],
                      expected: int | None = None) -> PeerGroup:
    if not permissions.can_change_peer_group(actor, group):
        raise NotAllowed(_("Only its owner may change this peer group."))
    data = parse(PeerGroupChange, data)
    locked = PeerGroup.objects.select_for_update().get(pk=group.pk)
    check_version(locked, expected)
    errors = ErrorCollector()
    criteria = data.criteria if data.criteria is not None else CriteriaIn.model_validate(locked.criteria)
    slugs = data.places if data.places is not None else list(locked.places.values_list("slug", flat=True))
    places = _check_group(locked.kind, criteria, slugs, actor, errors)
    errors.raise_if_any()
    before = {"name": locked.name, "criteria": locked.criteria, "shared": locked.shared}
    if data.name is not None:
        locked.name = compact(data.name.model_dump())
    if data.criteria is not None:
        locked.criteria = data.criteria.model_dump(exclude_defaults=True)
    if data.shared is not None:
        locked.shared = data.shared
    changes = diff(before, {"name": locked.name, "criteria": locked.criteria, "shared": locked.shared})
    if data.places is not None and locked.kind == PeerGroup.Kind.LIST:
        old = sorted(locked.places.values_list("slug", flat=True))
        if old != sorted(p.slug for p in places):
            locked.places.set(places)
            changes["places"] = [old, sorted(p.slug for p in places)]
    if changes:
        locked.version += 1
        locked.save()
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked, changes=changes)
    return locked


@transaction.atomic
def peer_group_delete(*, actor: Actor, group: PeerGroup) -> None:
    if not permissions.can_change_peer_group(actor, group):
        raise NotAllowed(_("Only its owner may delete this peer group."))
    locked = PeerGroup.objects.select_for_update().get(pk=group.pk)
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=locked, changes={"slug": locked.slug})
    locked.delete()
