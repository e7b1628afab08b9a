"""Writes for places, organisations, contacts, needs and expertise. Every write checks who is
asking, validates, records an audit entry and runs in one transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.text import slugify

from renkei.core.audit import audit_record, diff, snapshot
from renkei.core.errors import ApplicationError, Conflict, NotAllowed
from renkei.core.models import AuditEntry
from renkei.core.slugs import unique_slug
from renkei.places import permissions
from renkei.places.models import Contact, Expertise, Need, Organisation, Place, Theme
from renkei.places.validation import clean_place, country_code

PLACE_AUDIT_FIELDS = [
    "slug", "external_id", "level", "name_en", "name_ja", "name_local", "country", "parent", "latitude",
    "longitude", "population", "population_year", "area_km2", "share_65_plus", "population_growth",
    "coastal", "hazards", "income_group", "timezone", "website", "summary", "is_published",
]


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        field, messages = next(iter(errors.items()))
        raise ApplicationError(f"{field}: {messages[0]}", errors=errors)


def resolve_place_ref(ref: str) -> Place | None:
    return Place.objects.filter(external_id=ref).first() or Place.objects.filter(slug=ref).first()


def _check_place_integrity(values: dict[str, Any], *, instance: Place | None) -> None:
    errors: dict[str, list[str]] = {}
    pk = instance.pk if instance else None
    slug = values.get("slug")
    if slug and Place.objects.exclude(pk=pk).filter(slug=slug).exists():
        errors["slug"] = [f"the URL name {slug!r} is taken"]
    external_id = values.get("external_id")
    if external_id and Place.objects.exclude(pk=pk).filter(external_id=external_id).exists():
        errors["id"] = [f"the external id {external_id!r} is used by another place"]
    country = values.get("country", instance.country if instance else None)
    name = values.get("name_en", instance.name_en if instance else None)
    level = values.get("level", instance.level if instance else None)
    if Place.objects.exclude(pk=pk).filter(country=country, name_en=name, level=level).exists():
        errors["name"] = [f"{country} already has a {level} named {name!r}"]
    parent = values.get("parent", instance.parent if instance else None)
    if parent is not None and instance is not None:
        node, seen = parent, set()
        while node is not None and node.pk not in seen:
            if node.pk == instance.pk:
                errors["parent"] = ["a place cannot be part of itself"]
                break
            seen.add(node.pk)
            node = node.parent
    _raise_if(errors)


@transaction.atomic
def place_create(*, actor, data: dict[str, Any], audit: bool = True) -> Place:
    if not permissions.can_create_place(actor):
        raise NotAllowed("You may not create places.")
    values, errors = clean_place(data, resolve_parent=resolve_place_ref)
    _raise_if(errors)
    if not str(data.get("slug") or "").strip():
        values["slug"] = unique_slug(Place, values["name_en"], fallback=f"place-{values['country'].lower()}")
    _check_place_integrity(values, instance=None)
    place = Place.objects.create(**values)
    if audit:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=place,
                     changes=diff({}, snapshot(place, PLACE_AUDIT_FIELDS)))
    return place


@transaction.atomic
def place_update(
    *, actor, place: Place, data: dict[str, Any], expected_version: int | None = None,
    action: str = AuditEntry.Action.UPDATE,
) -> Place:
    if not permissions.can_edit_place(actor, place):
        raise NotAllowed("You may not edit this place.")
    values, errors = clean_place(data, partial=True, resolve_parent=resolve_place_ref)
    _raise_if(errors)
    if "is_published" in values and not permissions.can_create_place(actor):
        values.pop("is_published")  # publishing is an officer's decision, not a focal point's
    place = Place.objects.select_for_update().get(pk=place.pk)
    if expected_version is not None and place.version != expected_version:
        raise Conflict("Someone else changed this place while you were editing. Reload and try again.")
    _check_place_integrity(values, instance=place)
    if "summary" in values:
        # A summary given in one language leaves the other languages as they were; an empty one clears it.
        summary = dict(place.summary or {})
        for key, language in (("summary_en", "en"), ("summary_ja", "ja")):
            if key in data:
                if values["summary"].get(language):
                    summary[language] = values["summary"][language]
                else:
                    summary.pop(language, None)
        values["summary"] = summary
    before = snapshot(place, PLACE_AUDIT_FIELDS)
    for key, value in values.items():
        setattr(place, key, value)
    changes = diff(before, snapshot(place, PLACE_AUDIT_FIELDS))
    if not changes:
        return place
    place.version = F("version") + 1
    place.save()
    place.refresh_from_db()
    audit_record(actor=actor, action=action, obj=place, changes=changes)
    return place


@transaction.atomic
def place_delete(*, actor, place: Place) -> None:
    if not permissions.can_delete_place(actor):
        raise NotAllowed("Only an administrator may delete a place.")
    if place.children.exists():
        raise ApplicationError("This place has places inside it; move or delete them first.", field="parent")
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=place, changes={})
    place.delete()


# --- needs and expertise ----------------------------------------------------------------------

def _clean_statement(data: dict[str, Any], *, scale_field: str, partial: bool) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    if "theme" in data or not partial:
        ref = data.get("theme")
        theme = ref if isinstance(ref, Theme) else Theme.objects.filter(code=str(ref or "")).first()
        if theme is None and isinstance(ref, int):
            theme = Theme.objects.filter(pk=ref).first()
        if theme is None:
            errors["theme"] = ["is required" if not ref else f"no theme with code {ref!r}"]
        out["theme"] = theme
    if scale_field in data or not partial:
        value = data.get(scale_field, 3)
        try:
            number = int(value)
            if isinstance(value, bool) or str(number) != str(value).strip() and not isinstance(value, int):
                raise ValueError
        except (TypeError, ValueError):
            errors[scale_field] = ["must be a whole number from 1 to 5"]
        else:
            if not 1 <= number <= 5:
                errors[scale_field] = ["must be from 1 to 5"]
            out[scale_field] = number
    if "description" in data or not partial:
        description = data.get("description") or {}
        if isinstance(description, str):
            description = {"en": description}
        if not isinstance(description, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in description.items()
        ):
            errors["description"] = ["must map language codes to text"]
        else:
            description = {k.strip()[:8]: v.strip() for k, v in description.items() if v and v.strip()}
            if not description:
                errors["description"] = ["is required in at least one language"]
            elif any(len(v) > 4000 for v in description.values()):
                errors["description"] = ["must be at most 4000 characters"]
            out["description"] = description
    if "evidence" in data:
        evidence = data.get("evidence") or []
        if isinstance(evidence, str):
            evidence = [line.strip() for line in evidence.splitlines() if line.strip()]
        if not isinstance(evidence, list) or not all(isinstance(link, str) for link in evidence):
            errors["evidence"] = ["must be a list of web addresses"]
            evidence = []
        from django.core.exceptions import ValidationError
        from django.core.validators import URLValidator

        check = URLValidator(schemes=["http", "https"])
        for link in evidence:
            try:
                check(link)
            except ValidationError:
                errors["evidence"] = [f"{link!r} is not an http(s) address"]
                break
        out["evidence"] = list(evidence)
    _raise_if(errors)
    return out


def _statement_model(kind: str):
    return {"need": (Need, "priority"), "expertise": (Expertise, "maturity")}[kind]


@transaction.atomic
def statement_create(*, actor, place: Place, kind: str, data: dict[str, Any], audit: bool = True):
    model, scale = _statement_model(kind)
    if not permissions.can_edit_place(actor, place):
        raise NotAllowed("You may not edit this place.")
    values = _clean_statement(data, scale_field=scale, partial=False)
    obj = model.objects.create(place=place, **values)
    if audit:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=obj,
                     changes=diff({}, snapshot(obj, ["theme", scale, "description", "evidence"])))
    return obj


@transaction.atomic
def statement_update(*, actor, obj, data: dict[str, Any]):
    model, scale = _statement_model("need" if isinstance(obj, Need) else "expertise")
    if not permissions.can_edit_place(actor, obj.place):
        raise NotAllowed("You may not edit this place.")
    values = _clean_statement(data, scale_field=scale, partial=True)
    fields = ["theme", scale, "description", "evidence"]
    before = snapshot(obj, fields)
    for key, value in values.items():
        setattr(obj, key, value)
    changes = diff(before, snapshot(obj, fields))
    if changes:
        obj.version = F("version") + 1
        obj.save()
        obj.refresh_from_db()
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=obj, changes=changes)
    return obj


@transaction.atomic
def statement_delete(*, actor, obj) -> None:
    if not permissions.can_edit_place(actor, obj.place):
        raise NotAllowed("You may not edit this place.")
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=obj, changes={})
    obj.delete()


def need_create(*, actor, place: Place, data: dict[str, Any]) -> Need:
    return statement_create(actor=actor, place=place, kind="need", data=data)


def expertise_create(*, actor, place: Place, data: dict[str, Any]) -> Expertise:
    return statement_create(actor=actor, place=place, kind="expertise", data=data)


# --- organisations and contacts ---------------------------------------------------------------

ORG_FIELDS = ["slug", "name_en", "name_ja", "acronym", "org_type", "country", "parent", "place", "website",
              "description"]


def iati_organisation_types() -> dict[str, str]:
    from renkei.places.codelists import organisation_types

    return organisation_types()


def _clean_organisation(data: dict[str, Any], *, partial: bool, instance: Organisation | None):
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    if "name_en" in data or not partial:
        name = str(data.get("name_en") or "").strip()
        if not name:
            errors["name_en"] = ["is required"]
        out["name_en"] = name[:255]
    for key, limit in (("name_ja", 255), ("acronym", 30)):
        if key in data:
            out[key] = str(data.get(key) or "").strip()[:limit]
    if "org_type" in data or not partial:
        code = str(data.get("org_type") or "").strip()
        if code not in iati_organisation_types():
            errors["org_type"] = [f"{code!r} is not an IATI OrganisationType code" if code else "is required"]
        out["org_type"] = code
    if "country" in data:
        raw = str(data.get("country") or "").strip()
        code = country_code(raw) if raw else ""
        if code is None:
            errors["country"] = [f"{raw!r} is not an ISO 3166-1 country"]
        out["country"] = code or ""
    if "website" in data:
        from django.core.exceptions import ValidationError
        from django.core.validators import URLValidator

        url = str(data.get("website") or "").strip()
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                errors["website"] = ["must be an http(s) address"]
        out["website"] = url
    if "parent" in data:
        ref = data.get("parent")
        parent = Organisation.objects.filter(slug=ref).first() if ref else None
        if ref and parent is None:
            errors["parent"] = [f"no organisation {ref!r}"]
        elif parent is not None and instance is not None and parent.pk == instance.pk:
            errors["parent"] = ["an organisation cannot be part of itself"]
        out["parent"] = parent
    if "place" in data:
        ref = data.get("place")
        place = resolve_place_ref(str(ref)) if ref else None
        if ref and place is None:
            errors["place"] = [f"no place {ref!r}"]
        out["place"] = place
    if "description" in data:
        description = data.get("description") or {}
        if isinstance(description, str):
            description = {"en": description}
        if not isinstance(description, dict):
            errors["description"] = ["must map language codes to text"]
            description = {}
        out["description"] = {k: v.strip() for k, v in description.items() if isinstance(v, str) and v.strip()}
    if "slug" in data and data.get("slug"):
        slug = slugify(str(data["slug"]))
        if Organisation.objects.exclude(pk=instance.pk if instance else None).filter(slug=slug).exists():
            errors["slug"] = [f"the URL name {slug!r} is taken"]
        out["slug"] = slug
    _raise_if(errors)
    return out


@transaction.atomic
def organisation_create(*, actor, data: dict[str, Any], audit: bool = True) -> Organisation:
    if not permissions.can_manage_organisations(actor):
        raise NotAllowed("You may not create organisations.")
    values = _clean_organisation(data, partial=False, instance=None)
    if not values.get("slug"):
        values["slug"] = unique_slug(Organisation, values.get("acronym") or values["name_en"], fallback="org")
    org = Organisation.objects.create(**values)
    if audit:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=org,
                     changes=diff({}, snapshot(org, ORG_FIELDS)))
    return org


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, data: dict[str, Any]) -> Organisation:
    if not permissions.can_manage_organisations(actor):
        raise NotAllowed("You may not edit organisations.")
    values = _clean_organisation(data, partial=True, instance=organisation)
    before = snapshot(organisation, ORG_FIELDS)
    for key, value in values.items():
        setattr(organisation, key, value)
    changes = diff(before, snapshot(organisation, ORG_FIELDS))
    if changes:
        organisation.version = F("version") + 1
        organisation.save()
        organisation.refresh_from_db()
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=organisation, changes=changes)
    return organisation


@transaction.atomic
def organisation_delete(*, actor, organisation: Organisation) -> None:
    if not permissions.can_delete_organisation(actor):
        raise NotAllowed("Only an administrator may delete an organisation.")
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=organisation, changes={})
    organisation.delete()


@transaction.atomic
def contact_create(*, actor, data: dict[str, Any]) -> Contact:
    if not permissions.can_manage_organisations(actor):
        raise NotAllowed("You may not add contacts.")
    name = str(data.get("name") or "").strip()
    if not name:
        raise ApplicationError("name: is required", field="name")
    contact = Contact.objects.create(
        name=name[:200], title=str(data.get("title") or "")[:200],
        organisation=data.get("organisation"), place=data.get("place"),
        email=str(data.get("email") or ""), phone=str(data.get("phone") or ""),
        public_consent=bool(data.get("public_consent")),
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=contact, changes={"name": [None, name]})
    return contact


# --- themes -----------------------------------------------------------------------------------

THEME_FIELDS = ["code", "parent", "name_en", "name_ja", "synonyms_en", "synonyms_ja", "dac_codes", "sdg_targets",
                "description_en", "description_ja", "position"]
THEME_LIST_FIELDS = ["synonyms_en", "synonyms_ja", "dac_codes", "sdg_targets"]


def _theme_snapshot(theme: Theme) -> dict[str, Any]:
    values = snapshot(theme, THEME_FIELDS)
    values["parent"] = theme.parent.code if theme.parent_id else None
    values["related"] = sorted(theme.related.values_list("code", flat=True)) if theme.pk else []
    return values


def _check_theme_codes(values: dict[str, Any], errors: dict[str, list[str]]) -> None:
    """DAC purpose codes and SDG targets must exist in the shipped IATI codelists (as in the file)."""
    from renkei.places.codelists import codelist

    for key, name, what in (("dac_codes", "Sector", "an OECD DAC purpose code"),
                            ("sdg_targets", "UNSDG-Targets", "an SDG target")):
        if key in values and key not in errors:
            known = codelist(name)
            bad = [code for code in values[key] if code not in known]
            if bad:
                errors[key] = [f"{bad[0]!r} is not {what}"]


def _check_synonyms(values: dict[str, Any], errors: dict[str, list[str]], *, instance: Theme | None) -> None:
    """A synonym tags free text onto one theme, so it may belong to one theme only."""
    for key in ("synonyms_en", "synonyms_ja"):
        if key not in values or key in errors:
            continue
        wanted = {word.casefold(): word for word in values[key]}
        others = Theme.objects.exclude(pk=instance.pk if instance else None).values_list("code", key)
        for code, words in others:
            clash = next((wanted[w.casefold()] for w in words or [] if w.casefold() in wanted), None)
            if clash:
                errors[key] = [f"{clash!r} is already a synonym of the theme {code!r}"]
                break


def _clean_theme(data: dict[str, Any], *, partial: bool, instance: Theme | None) -> dict[str, Any]:
    """Clean values for a theme. The code is the theme's identity — the shipped taxonomy file is
    matched by code when ``load_taxonomy`` upgrades a database — so it cannot change."""
    import re

    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    if "code" in data or not partial:
        code = str(data.get("code") or "").strip()
        if not code:
            errors["code"] = ["is required"]
        elif instance is not None and code != instance.code:
            errors["code"] = ["cannot be changed; create a new theme and move the needs and expertise to it"]
        elif len(code) > 80 or not re.fullmatch(r"[a-z0-9]+(?:[-_][a-z0-9]+)*", code):
            errors["code"] = ["must be lowercase letters, digits, hyphens and underscores (at most 80)"]
        elif instance is None and Theme.objects.filter(code=code).exists():
            errors["code"] = [f"the code {code!r} is taken"]
        out["code"] = code
    for key in ("name_en", "name_ja"):
        if key in data or not partial:
            value = str(data.get(key) or "").strip()
            if not value:
                errors[key] = ["is required"]
            elif len(value) > 200:
                errors[key] = ["must be at most 200 characters"]
            out[key] = value
    for key in ("description_en", "description_ja"):
        if key in data:
            out[key] = str(data.get(key) or "").strip()
    for key in THEME_LIST_FIELDS:
        if key in data:
            value = data.get(key) or []
            if not isinstance(value, list) or not all(
                isinstance(item, (str, int)) and not isinstance(item, bool) for item in value
            ):
                errors[key] = ["must be a list of text"]
                continue
            items = [str(item).strip() for item in value]
            out[key] = list(dict.fromkeys(item for item in items if item))
    _check_theme_codes(out, errors)
    _check_synonyms(out, errors, instance=instance)
    if "position" in data:
        value = data.get("position")
        if value is None:
            out["position"] = 0
        elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors["position"] = ["must be a whole number, 0 or more"]
        else:
            out["position"] = value
    if "parent" in data:
        ref = data.get("parent")
        parent = Theme.objects.filter(code=str(ref)).first() if ref else None
        if ref and parent is None:
            errors["parent"] = [f"no theme with code {ref!r}"]
        elif parent is not None and instance is not None:
            node, seen = parent, set()
            while node is not None and node.pk not in seen:
                if node.pk == instance.pk:
                    errors["parent"] = ["a theme cannot be inside itself"]
                    break
                seen.add(node.pk)
                node = node.parent
        out["parent"] = parent
    if "related" in data:
        codes = data.get("related") or []
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            errors["related"] = ["must be a list of theme codes"]
        else:
            codes = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
            found = {t.code: t for t in Theme.objects.filter(code__in=codes)}
            missing = [c for c in codes if c not in found]
            own_code = instance.code if instance is not None else out.get("code")
            if missing:
                errors["related"] = [f"no theme with code {missing[0]!r}"]
            elif own_code in found:
                errors["related"] = ["a theme cannot be related to itself"]
            out["related"] = [found[c] for c in codes if c in found]
    _raise_if(errors)
    return out


@transaction.atomic
def theme_create(*, actor, data: dict[str, Any]) -> Theme:
    if not permissions.can_manage_themes(actor):
        raise NotAllowed("Only an administrator may change the theme taxonomy.")
    values = _clean_theme(data, partial=False, instance=None)
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
def theme_update(*, actor, theme: Theme, data: dict[str, Any]) -> Theme:
    if not permissions.can_manage_themes(actor):
        raise NotAllowed("Only an administrator may change the theme taxonomy.")
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    values = _clean_theme(data, partial=True, instance=theme)
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
def theme_delete(*, actor, theme: Theme) -> None:
    """Refuses while anything still points at the theme: needs and expertise would lose their
    meaning (and the database protects them), and sub-themes would lose their place in the tree."""
    from django.db.models import ProtectedError, RestrictedError

    if not permissions.can_manage_themes(actor):
        raise NotAllowed("Only an administrator may change the theme taxonomy.")
    needs, expertise = theme.needs.count(), theme.expertise.count()
    if needs or expertise:
        raise Conflict(
            f"The theme {theme.code!r} is used by {needs} need(s) and {expertise} expertise statement(s); "
            "move them to another theme first.",
            field="code",
        )
    children = list(theme.children.values_list("code", flat=True)[:5])
    if children:
        raise Conflict(
            f"The theme {theme.code!r} has sub-themes ({', '.join(children)}); move or delete them first.",
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
            f"The theme {theme.code!r} is still used by {', '.join(kinds) or 'other records'}.", field="code"
        ) from exc
