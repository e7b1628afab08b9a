"""Validation of place records in Renkei's exchange format.

One validator serves the importer, the JSON API and the web forms, so a row in a CSV file, a
JSON body and a form field fail with the same message naming the same field. It returns clean
model values plus a dict of field → messages; it never touches the database except through the
``resolve_parent`` callback the caller passes in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pycountry
from django.utils.text import slugify
from django.utils.translation import gettext as _

from renkei.core.errors import ErrorCollector
from renkei.places.inputs import REQUIRED, PlaceIn, blank, country_code, read_place
from renkei.places.models import Level

FIELDS = list(PlaceIn.model_fields)

__all__ = ["FIELDS", "REQUIRED", "clean_place", "country_code", "country_label", "country_name"]


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code) if code else None
    return getattr(country, "common_name", None) or getattr(country, "name", code) if country else code


def clean_place(
    raw: dict[str, Any] | PlaceIn, *, partial: bool = False, resolve_parent: Callable[[str], Any] | None = None
) -> tuple[dict[str, Any], ErrorCollector]:
    """Check one record. ``partial`` (updates) skips required fields that are absent.

    Each field is checked by :class:`PlaceIn`; here are the checks that look at several fields
    (required ones, coordinates in pairs) and the parent, which only the caller can find."""
    record, given, errors = read_place(raw)
    out = record.values()
    for field in REQUIRED:
        if (field in given or not partial) and field not in errors and blank(getattr(record, field)):
            errors.add(field, _("is required"))
    present = {key: key in given and (key in errors or getattr(record, key) is not None) for key in ("lat", "lon")}
    if ("lat" in given) != ("lon" in given) and not partial:
        errors.add("lon" if "lat" in given else "lat", _("latitude and longitude go together"))
    elif present["lat"] != present["lon"]:
        errors.add("lat" if present["lon"] else "lon", _("latitude and longitude go together"))
    if not partial and "level" not in out:
        out["level"] = Level.CITY
    if "parent" in given and "parent" not in errors:
        ref = record.parent or None
        if ref is None:
            out["parent"] = None
        elif resolve_parent is None:
            out["parent_ref"] = ref
        elif (parent := resolve_parent(ref)) is None:
            errors.add("parent", _("no place with id or URL name %(ref)r") % {"ref": ref})
        else:
            out["parent"] = parent
    if "slug" not in out and "name_en" in out and not partial:
        out["slug"] = slugify(out["name_en"])[:120] or None
    return out, errors


def country_label(code: str, language: str | None = None) -> str:
    """The country's name in the reader's language (pycountry ships the ISO 3166 translations)."""
    import gettext

    from django.utils.translation import get_language

    name = country_name(code)
    language = (language or get_language() or "en")[:2]
    if language == "en" or not code:
        return name
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return name
    try:
        translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return name
    return translation.gettext(getattr(country, "common_name", None) or country.name)
