"""Writes for places, organisations, contacts, needs and expertise. Every write checks who is
asking, validates its typed input (a dict is parsed into one first), records an audit entry and
runs in one transaction; a write that changes what matching reads emits ``PROFILE_CHANGED`` once
it commits. Updates lock the row, change only the fields the caller gave, and refuse a stale
``expected_version``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, Model
from django.utils.translation import gettext as _

from renkei.core import hooks
from renkei.core.audit import audit_record, diff, snapshot
from renkei.core.errors import ApplicationError, Conflict, ErrorCollector, NotAllowed
from renkei.core.inputs import parse
from renkei.core.models import AuditEntry
from renkei.core.slugs import unique_slug
from renkei.places import events, permissions
from renkei.places.inputs import (
    ContactIn,
    OrganisationIn,
    PlaceIn,
    StatementIn,
    ThemeIn,
    blank,
    statement_input,
)
from renkei.places.models import Contact, Expertise, Need, Organisation, Place, Theme
from renkei.places.reading import reading_of
from renkei.places.validation import clean_place

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User

    Actor = User | AnonymousUser

PLACE_AUDIT_FIELDS = [
    "slug", "external_id", "level", "name_en", "name_ja", "name_ja_reading", "name_local", "country", "parent",
    "latitude", "longitude", "population", "population_year", "area_km2", "share_65_plus", "population_growth",
    "coastal", "hazards", "income_group", "timezone", "website", "summary", "is_published",
]


def resolve_place_ref(ref: str) -> Place | None:
    return Place.objects.filter(external_id=ref).first() or Place.objects.filter(slug=ref).first()


def _profile_changed(place_id: int) -> None:
    hooks.emit(events.PROFILE_CHANGED, place_id=place_id)


def _locked(obj: Model, expected_version: int | None, message: str) -> Any:
    """The row as stored, locked until the transaction ends; Conflict if it moved past ``expected_version``."""
    current = type(obj).objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and current.version != expected_version:
        raise Conflict(message)
    return current


def _save_changes(obj: Model, values: dict[str, Any], fields: list[str]) -> dict[str, list]:
    """Set ``values`` on the locked ``obj`` and save only them (and the version) if anything changed."""
    before = snapshot(obj, fields)
    for key, value in values.items():
        setattr(obj, key, value)
    changes = diff(before, snapshot(obj, fields))
    if changes:
        obj.version = F("version") + 1
        obj.save(update_fields=[*values, "version", "updated_at"])
        obj.refresh_from_db()
    return changes


def _among_ancestors(instance, parent) -> bool:
    """Whether ``instance`` is ``parent`` or above it: making ``parent`` its parent would make a loop."""
    node, seen = parent, set()
    while node is not None and node.pk not in seen:
        if node.pk == instance.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


# --- places -----------------------------------------------------------------------------------

def _check_place_integrity(values: dict[str, Any], *, instance: Place | None) -> None:
    errors = ErrorCollector()
    pk = instance.pk if instance else None
    others = Place.objects.exclude(pk=pk)
    slug = values.get("slug")
    if slug and others.filter(slug=slug).exists():
        errors.add("slug", _("the URL name %(slug)r is taken") % {"slug": slug})
    external_id = values.get("external_id")
    if external_id and others.filter(external_id=external_id).exists():
        errors.add("id", _("the external id %(id)r is used by another place") % {"id": external_id})
    country = values.get("country", instance.country if instance else None)
    name = values.get("name_en", instance.name_en if instance else None)
    level = values.get("level", instance.level if instance else None)
    if others.filter(country=country, name_en=name, level=level).exists():
        errors.add("name", _("%(country)s already has a %(level)s named %(name)r")
                   % {"country": country, "level": level, "name": name})
    parent = values.get("parent", instance.parent if instance else None)
    if parent is not None and instance is not None and _among_ancestors(instance, parent):
        errors.add("parent", _("a place cannot be part of itself"))
    errors.raise_if_any()


def _clean_place(data: Mapping[str, Any] | PlaceIn, *, partial: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """The keys the caller gave, and the record as model values (the parent found)."""
    values, errors = clean_place(data, partial=partial, resolve_parent=resolve_place_ref)
    errors.raise_if_any()
    return (data.given() if isinstance(data, PlaceIn) else dict(data)), values


@transaction.atomic
def place_create(*, actor: Actor, data: Mapping[str, Any] | PlaceIn, audit: bool = True) -> Place:
    """A place from a record in the exchange format."""
    if not permissions.can_create_place(actor):
        raise NotAllowed(_("You may not create places."))
    given, values = _clean_place(data, partial=False)
    if blank(given.get("slug")):
        values["slug"] = unique_slug(Place, values["name_en"], fallback=f"place-{values['country'].lower()}")
    _check_place_integrity(values, instance=None)
    if not values.get("name_ja_reading"):
        values["name_ja_reading"] = reading_of(values.get("name_ja", ""))
    place = Place.objects.create(**values)
    if audit:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=place,
                     changes=diff({}, snapshot(place, PLACE_AUDIT_FIELDS)))
    _profile_changed(place.pk)
    return place


@transaction.atomic
def place_update(
    *, actor: Actor, place: Place, data: Mapping[str, Any] | PlaceIn, expected_version: int | None = None,
    action: str = AuditEntry.Action.UPDATE,
) -> Place:
    """Change the fields the record gives; a summary given in one language leaves the other alone."""
    if not permissions.can_edit_place(actor, place):
        raise NotAllowed(_("You may not edit this place."))
    given, values = _clean_place(data, partial=True)
    if "is_published" in values and not permissions.can_create_place(actor):
        values.pop("is_published")  # publishing is an officer's decision, not a focal point's
    place = _locked(place, expected_version,
                    _("Someone else changed this place while you were editing. Reload and try again."))
    _check_place_integrity(values, instance=place)
    renamed = "name_ja" in values and values["name_ja"] != place.name_ja
    if renamed or "name_ja_reading" in values:
        reading = values.get("name_ja_reading", place.name_ja_reading)
        if not reading or (renamed and reading == place.name_ja_reading):
            # given empty, or the name changed and its reading did not: the reading follows the name
            values["name_ja_reading"] = reading_of(values.get("name_ja", place.name_ja))
    if "summary" in values:
        # A summary given in one language leaves the other languages as they were; an empty one clears it.
        summary = dict(place.summary or {})
        for language in ("en", "ja"):
            if f"summary_{language}" in given:
                if values["summary"].get(language):
                    summary[language] = values["summary"][language]
                else:
                    summary.pop(language, None)
        values["summary"] = summary
    changes = _save_changes(place, values, PLACE_AUDIT_FIELDS)
    if changes:
        audit_record(actor=actor, action=action, obj=place, changes=changes)
        _profile_changed(place.pk)
    return place


@transaction.atomic
def place_delete(*, actor: Actor, place: Place, expected_version: int | None = None) -> None:
    if not permissions.can_delete_place(actor):
        raise NotAllowed(_("Only an administrator may delete a place."))
    place = _locked(place, expected_version, _("Someone else changed this place meanwhile. Reload and try again."))
    if place.children.exists():
        raise ApplicationError(_("This place has places inside it; move or delete them first."), field="parent")
    place_id = place.pk
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=place, changes={})
    place.delete()
    _profile_changed(place_id)


# --- needs and expertise ----------------------------------------------------------------------

STATEMENT_MODELS: dict[str, tuple[type[Need] | type[Expertise], str]] = {
    "need": (Need, "priority"), "expertise": (Expertise, "maturity"),
}


def _kind(obj: Need | Expertise) -> str:
    return "need" if isinstance(obj, Need) else "expertise"


def _statement_values(record: StatementIn, *, create: bool) -> dict[str, Any]:
    """Model values of the fields given; the theme is looked up. A new statement needs a text; its theme
    may be left out ("not yet tagged": the text is kept and suggestions follow, ``statement_suggest``)."""
    errors = ErrorCollector()
    values = record.given()
    if create:
        values.setdefault(record.scale, 3)
        values.setdefault("theme", None)
        if values.get("description") is None:
            errors.add("description", _("is required in at least one language"))
    if "theme" in values:
        code = values["theme"]
        values["theme"] = Theme.objects.filter(code=str(code)).first() if code not in (None, "") else None
        if values["theme"] is None and isinstance(code, int):
            values["theme"] = Theme.objects.filter(pk=code).first()
        if values["theme"] is None and code not in (None, ""):
            errors.add("theme", _("no theme with code %(code)r") % {"code": code})
        if values["theme"] is not None:
            values["suggested_themes"] = []  # a person chose: the suggestions have done their work
    errors.raise_if_any()
    return values


@transaction.atomic
def statement_create(
    *, actor: Actor, place: Place, kind: str, data: Mapping[str, Any] | StatementIn, audit: bool = True,
) -> Need | Expertise:
    """A need (``kind="need"``) or an expertise statement of ``place``."""
    model, scale = STATEMENT_MODELS[kind]
    if not permissions.can_edit_place(actor, place):
        raise NotAllowed(_("You may not edit this place."))
    values = _statement_values(parse(statement_input(kind), data), create=True)
    obj = model.objects.create(place=place, **values)
    if audit:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=obj,
                     changes=diff({}, snapshot(obj, ["theme", scale, "description", "evidence"])))
    _profile_changed(place.pk)
    return obj


@transaction.atomic
def statement_update(
    *, actor: Actor, obj: Need | Expertise, data: Mapping[str, Any] | StatementIn,
    expected_version: int | None = None,
) -> Need | Expertise:
    """Change the fields given, on the row as stored (another writer's change to other fields stays)."""
    kind = _kind(obj)
    _model, scale = STATEMENT_MODELS[kind]
    if not permissions.can_edit_place(actor, obj.place):
        raise NotAllowed(_("You may not edit this place."))
    values = _statement_values(parse(statement_input(kind), data), create=False)
    obj = _locked(obj, expected_version,
                  _("Someone else changed this statement while you were editing. Reload and try again."))
    changes = _save_changes(obj, values, ["theme", scale, "description", "evidence"])
    if changes:
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=obj, changes=changes)
        _profile_changed(obj.place_id)
    return obj


def statement_suggest(*, kind: str, pk: int, codes: list[str]) -> bool:
    """Store the themes a statement that is not yet tagged is closest to (derived data, written by the
    background task that embeds the texts: no audit entry, no event). False when the statement is gone
    or has been tagged meanwhile."""
    model, _scale = STATEMENT_MODELS[kind]
    return bool(model.objects.filter(pk=pk, theme__isnull=True).update(suggested_themes=list(codes)[:5]))


@transaction.atomic
def statement_delete(*, actor: Actor, obj: Need | Expertise, expected_version: int | None = None) -> None:
    if not permissions.can_edit_place(actor, obj.place):
        raise NotAllowed(_("You may not edit this place."))
    obj = _locked(obj, expected_version,
                  _("Someone else changed this statement while you were editing. Reload and try again."))
    place_id = obj.place_id
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=obj, changes={})
    obj.delete()
    _profile_changed(place_id)


def need_create(*, actor: Actor, place: Place, data: Mapping[str, Any] | StatementIn) -> Need:
    return statement_create(actor=actor, place=place, kind="need", data=data)


def expertise_create(*, actor: Actor, place: Place, data: Mapping[str, Any] | StatementIn) -> Expertise:
    return statement_create(actor=actor, place=place, kind="expertise", data=data)


# --- organisations and contacts ---------------------------------------------------------------

ORG_FIELDS = ["slug", "name_en", "name_ja", "acronym", "org_type", "country", "parent", "place", "website",
              "description"]
CONTACT_FIELDS = ["name", "title", "organisation", "place", "email", "phone", "public_consent"]


def iati_organisation_types() -> dict[str, str]:
    from renkei.places.codelists import organisation_types

    return organisation_types()


def _organisation_values(record: OrganisationIn, *, instance: Organisation | None) -> dict[str, Any]:
    """Model values of the fields given: the parent and place looked up, the URL name checked."""
    errors = ErrorCollector()
    values = record.given()
    if instance is None:
        for field in ("name_en", "org_type"):
            if values.get(field) is None:
                errors.add(field, _("is required"))
    if "parent" in values:
        ref = values["parent"]
        values["parent"] = Organisation.objects.filter(slug=ref).first() if ref else None
        if ref and values["parent"] is None:
            errors.add("parent", _("no organisation %(ref)r") % {"ref": ref})
        elif values["parent"] is not None and instance is not None and values["parent"].pk == instance.pk:
            errors.add("parent", _("an organisation cannot be part of itself"))
    if "place" in values:
        ref = values["place"]
        values["place"] = resolve_place_ref(ref) if ref else None
        if ref and values["place"] is None:
            errors.add("place", _("no place %(ref)r") % {"ref": ref})
    if values.get("slug"):
        others = Organisation.objects.exclude(pk=instance.pk if instance else None)
        if others.filter(slug=values["slug"]).exists():
            errors.add("slug", _("the URL name %(slug)r is taken") % {"slug": values["slug"]})
    else:
        values.pop("slug", None)
    errors.raise_if_any()
    return values


@transaction.atomic
def organisation_create(
    *, actor: Actor, data: Mapping[str, Any] | OrganisationIn, audit: bool = True,
) -> Organisation:
    if not permissions.can_manage_organisations(actor):
        raise NotAllowed(_("You may not create organisations."))
    values = _organisation_values(parse(OrganisationIn, data), instance=None)
    if not values.get("slug"):
        values["slug"] = unique_slug(Organisation, values.get("acronym") or values["name_en"], fallback="org")
    org = Organisation.objects.create(**values)
    if audit:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=org,
                     changes=diff({}, snapshot(org, ORG_FIELDS)))
    return org


@transaction.atomic
def organisation_update(
    *, actor: Actor, organisation: Organisation, data: Mapping[str, Any] | OrganisationIn,
    expected_version: int | None = None,
) -> Organisation:
    if not permissions.can_manage_organisations(actor):
        raise NotAllowed(_("You may not edit organisations."))
    values = _organisation_values(parse(OrganisationIn, data), instance=organisation)
    organisation = _locked(organisation, expected_version,
                           _("Someone else changed this organisation while you were editing. Reload and try again."))
    changes = _save_changes(organisation, values, ORG_FIELDS)
    if changes:
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=organisation, changes=changes)
    return organisation


@transaction.atomic
def organisation_delete(*, actor: Actor, organisation: Organisation, expected_version: int | None = None) -> None:
    if not permissions.can_delete_organisation(actor):
        raise NotAllowed(_("Only an administrator may delete an organisation."))
    organisation = _locked(organisation, expected_version,
                           _("Someone else changed this organisation meanwhile. Reload and try again."))
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=organisation, changes={})
    organisation.delete()


def _contact_values(record: ContactIn, *, create: bool) -> dict[str, Any]:
    values = record.given()
    if create and values.get("name") is None:
        raise ApplicationError(_("name: is required"), field="name")
    return values


@transaction.atomic
def contact_create(*, actor: Actor, data: Mapping[str, Any] | ContactIn) -> Contact:
    if not permissions.can_manage_organisations(actor):
        raise NotAllowed(_("You may not add contacts."))
    values = _contact_values(parse(ContactIn, data), create=True)
    contact = Contact.objects.create(**values)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=contact, changes={"name": [None, contact.name]})
    return contact


@transaction.atomic
def contact_update(*, actor: Actor, contact: Contact, data: Mapping[str, Any] | ContactIn) -> Contact:
    """Change the fields given, on the row as stored."""
    if not permissions.can_manage_organisations(actor):
        raise NotAllowed(_("You may not edit contacts."))
    values = _contact_values(parse(ContactIn, data), create=False)
    contact = _locked(contact, None, "")
    changes = _save_changes(contact, values, CONTACT_FIELDS)
    if changes:
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=contact, changes=changes)
    return contact


@transaction.atomic
def contact_delete(*, actor: Actor, contact: Contact) -> None:
    if not permissions.can_manage_organisations(actor):
        raise NotAllowed(_("You may not delete contacts."))
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=contact, changes={})
    contact.delete()


# --- themes -----------------------------------------------------------------------------------

THEME_FIELDS = ["code", "parent", "name_en", "name_ja", "synonyms_en", "synonyms_ja", "dac_codes", "sdg_targets",
                "description_en", "description_ja", "position"]
THEME_LIST_FIELDS = ["synonyms_en", "synonyms_ja", "dac_codes", "sdg_targets"]


def _theme_snapshot(theme: Theme) -> dict[str, Any]:
    values = snapshot(theme, THEME_FIELDS)
    values["parent"] = theme.parent.code if theme.parent_id else None
    values["related"] = sorted(theme.related.values_list("code", flat=True)) if theme.pk else []
    return values


def _check_theme_codes(values: dict[str, Any], errors: ErrorCollector) -> None:
    """DAC purpose codes and SDG targets must exist in the shipped IATI codelists (as in the file)."""
    from renkei.places.codelists import codelist

    for key, name, what in (("dac_codes", "Sector", _("%(code)r is not an OECD DAC purpose code")),
                            ("sdg_targets", "UNSDG-Targets", _("%(code)r is not an SDG target"))):
        if key in values and key not in errors:
            known = codelist(name)
            bad = [code for code in values[key] if code not in known]
            if bad:
                errors.add(key, what % {"code": bad[0]})


def _check_synonyms(values: dict[str, Any], errors: ErrorCollector, *, instance: Theme | None) -> None:
    """A synonym tags free text onto one theme, so it may belong to one theme only."""
    for key in ("synonyms_en", "synonyms_ja"):
        if key not in values or key in errors:
            continue
        wanted = {word.casefold(): word for word in values[key]}
        others = Theme.objects.exclude(pk=instance.pk if instance else None).values_list("code", key)
        for code, words in others:
            clash = next((wanted[w.casefold()] for w in words or [] if w.casefold() in wanted), None)
            if clash:
                errors.add(key, _("%(word)r is already a synonym of the theme %(code)r")
                           % {"word": clash, "code": code})
                break


def _clean_theme(record: ThemeIn, *, partial: bool, instance: Theme | None) -> dict[str, Any]:
    """Model values for a theme: ``ThemeIn`` checked each field; here, what needs the database.
    The code is the theme's identity — the shipped taxonomy file is matched by code when
    ``load_taxonomy`` upgrades a database — so it cannot change."""
    errors = ErrorCollector()
    out = record.given()
    if not partial:
        for key in ("code", "name_en", "name_ja"):
            if out.get(key) is None:
                errors.add(key, _("is required"))
    code = out.get("code")
    if code and instance is not None and code != instance.code:
        errors.add("code", _("cannot be changed; create a new theme and move the needs and expertise to it"))
    elif code and instance is None and Theme.objects.filter(code=code).exists():
        errors.add("code", _("the code %(code)r is taken") % {"code": code})
    _check_theme_codes(out, errors)
    _check_synonyms(out, errors, instance=instance)
    if "parent" in out:
        ref = out["parent"]
        out["parent"] = parent = Theme.objects.filter(code=ref).first() if ref else None
        if ref and parent is None:
            errors.add("parent", _("no theme with code %(code)r") % {"code": ref})
        elif parent is not None and instance is not None and _among_ancestors(instance, parent):
            errors.add("parent", _("a theme cannot be inside itself"))
    if "related" in out:
        codes = out["related"]
        found = {theme.code: theme for theme in Theme.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        own_code = instance.code if instance is not None else code
        if missing:
            errors.add("related", _("no theme with code %(code)r") % {"code": missing[0]})
        elif own_code in found:
            errors.add("related", _("a theme cannot be related to itself"))
        out["related"] = [found[c] for c in codes if c in found]
    errors.raise_if_any()
    return out


@transaction.atomic
def theme_create(*, actor: Actor, data: Mapping[str, Any] | ThemeIn) -> Theme:
    if not permissions.can_manage_themes(actor):
        raise NotAllowed(_("Only an administrator may change the theme taxonomy."))
    values = _clean_theme(parse(ThemeIn, data), partial=False, instance=None)
    related = values.pop("related", [])
    if "position" not in values:
        last = Theme.objects.order_by("-position").values_list("position", flat=True).first()
        values["position"] = 0 if last is None else last + 1
    theme = Theme.objects.create(**values)
    if related:
        theme.related.set(related)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=theme, changes=diff({}, _theme_snapshot(theme)))
    return theme


@transaction.atomic
def theme_update(*, actor: Actor, theme: Theme, data: Mapping[str, Any] | ThemeIn) -> Theme:
    if not permissions.can_manage_themes(actor):
        raise NotAllowed(_("Only an administrator may change the theme taxonomy."))
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    values = _clean_theme(parse(ThemeIn, data), partial=True, instance=theme)
    related = values.pop("related", None)
    before = _theme_snapshot(theme)
    for key, value in values.items():
        setattr(theme, key, value)
    theme.save()
    if related is not None:
        theme.related.set(related)
    changes = diff(before, _theme_snapshot(theme))
    if changes:
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=theme, changes=changes)
    return theme


@transaction.atomic
def theme_delete(*, actor: Actor, theme: Theme) -> None:
    """Refuses while anything still points at the theme: needs and expertise would lose their
    meaning (and the database protects them), and sub-themes would lose their place in the tree."""
    from django.db.models import ProtectedError, RestrictedError

    if not permissions.can_manage_themes(actor):
        raise NotAllowed(_("Only an administrator may change the theme taxonomy."))
    needs, expertise = theme.needs.count(), theme.expertise.count()
    if needs or expertise:
        raise Conflict(
            _("The theme %(code)r is used by %(needs)s need(s) and %(expertise)s expertise statement(s); "
              "move them to another theme first.") % {"code": theme.code, "needs": needs, "expertise": expertise},
            field="code",
        )
    children = list(theme.children.values_list("code", flat=True)[:5])
    if children:
        raise Conflict(
            _("The theme %(code)r has sub-themes (%(children)s); move or delete them first.")
            % {"code": theme.code, "children": ", ".join(children)},
            field="code",
        )
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=theme, changes={})
    try:
        with transaction.atomic():
            theme.delete()
    except (ProtectedError, RestrictedError) as exc:
        blocking = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in blocking})
        raise Conflict(
            _("The theme %(code)r is still used by %(records)s.")
            % {"code": theme.code, "records": ", ".join(kinds) or _("other records")}, field="code",
        ) from exc
