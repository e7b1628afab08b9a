"""Validation of place records in Renkei's exchange format.

One validator serves the importer, the JSON API and the web forms, so a row in a CSV file, a
JSON body and a form field fail with the same message naming the same field. It returns clean
model values plus a dict of field → messages; it never touches the database except through the
``resolve_parent`` callback the caller passes in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import available_timezones

import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import slugify

from renkei.places.models import Hazard, IncomeGroup, Level

FIELDS = [
    "id", "slug", "level", "name", "name_ja", "name_local", "country", "parent", "lat", "lon",
    "population", "population_year", "area_km2", "share_65_plus", "population_growth", "coastal",
    "hazards", "income_group", "timezone", "website", "summary_en", "summary_ja", "published",
]
REQUIRED = ["name", "country"]
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f", ""}
_TIMEZONES: set[str] | None = None
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _timezones() -> set[str]:
    global _TIMEZONES
    if _TIMEZONES is None:
        _TIMEZONES = available_timezones()
    return _TIMEZONES


def country_code(value: str) -> str | None:
    """ISO 3166-1 alpha-2 from an alpha-2, alpha-3 or English name; None if unknown."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        country = pycountry.countries.lookup(value)
    except LookupError:
        return None
    return country.alpha_2


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code) if code else None
    return getattr(country, "common_name", None) or getattr(country, "name", code) if country else code


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value: Any, *, integer: bool, low: float | None, high: float | None) -> tuple[Any, str | None]:
    if isinstance(value, bool):
        return None, "must be a number"
    try:
        number = float(str(value).strip().replace(",", "")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        return None, "must be a number"
    if math.isnan(number) or math.isinf(number):
        return None, "must be a finite number"
    if integer:
        if number != int(number):
            return None, "must be a whole number"
        number = int(number)
    if low is not None and number < low:
        return None, f"must be at least {low:g}"
    if high is not None and number > high:
        return None, f"must be at most {high:g}"
    return number, None


def _bool(value: Any) -> tuple[bool | None, str | None]:
    if isinstance(value, bool):
        return value, None
    text = str(value).strip().lower()
    if text in _TRUE:
        return True, None
    if text in _FALSE:
        return False, None
    return None, "must be true or false"


NUMBERS = {
    "lat": ("latitude", False, -90, 90),
    "lon": ("longitude", False, -180, 180),
    "population": ("population", True, 0, 5e9),
    "population_year": ("population_year", True, 1800, 2200),
    "area_km2": ("area_km2", False, 0, 2e7),
    "share_65_plus": ("share_65_plus", False, 0, 100),
    "population_growth": ("population_growth", False, -100, 100),
}


def clean_place(
    raw: dict[str, Any], *, partial: bool = False, resolve_parent: Callable[[str], Any] | None = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Check one record. ``partial`` (updates) skips required fields that are absent."""
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    unknown = sorted(set(raw) - set(FIELDS) - {"needs", "expertise"})
    for key in unknown:
        err(key, "is not a known field")

    for field in REQUIRED:
        if (field in raw or not partial) and _blank(raw.get(field)):
            err(field, "is required")

    if "id" in raw:
        out["external_id"] = None if _blank(raw["id"]) else str(raw["id"]).strip()[:120]
    if not _blank(raw.get("name")):
        name = str(raw["name"]).strip()
        if len(name) > 200:
            err("name", "must be at most 200 characters")
        out["name_en"] = name
    for key in ("name_ja", "name_local"):
        if key in raw:
            value = "" if _blank(raw[key]) else str(raw[key]).strip()
            if len(value) > 200:
                err(key, "must be at most 200 characters")
            out[key] = value
    if "slug" in raw and not _blank(raw["slug"]):
        slug = str(raw["slug"]).strip()
        if not _SLUG.match(slug) or len(slug) > 120:
            err("slug", "must be lowercase letters, digits and hyphens")
        out["slug"] = slug
    if not _blank(raw.get("country")):
        code = country_code(str(raw["country"]))
        if code is None:
            err("country", f"{raw['country']!r} is not an ISO 3166-1 country")
        else:
            out["country"] = code
    if "level" in raw or not partial:
        level = str(raw.get("level") or Level.CITY).strip().lower()
        if level not in Level.values:
            err("level", f"must be one of {', '.join(Level.values)}")
        else:
            out["level"] = level
    for key, (model_field, integer, low, high) in NUMBERS.items():
        if key not in raw:
            continue
        if _blank(raw[key]):
            out[model_field] = None
            continue
        value, message = _number(raw[key], integer=integer, low=low, high=high)
        if message:
            err(key, message)
        else:
            out[model_field] = value
    if ("lat" in raw) != ("lon" in raw) and not partial:
        err("lon" if "lat" in raw else "lat", "latitude and longitude go together")
    elif _blank(raw.get("lat")) != _blank(raw.get("lon")):
        err("lon" if _blank(raw.get("lon")) else "lat", "latitude and longitude go together")
    if "coastal" in raw:
        value, message = _bool(raw["coastal"])
        if message:
            err("coastal", message)
        else:
            out["coastal"] = value
    if "published" in raw:
        value, message = _bool(raw["published"])
        if message:
            err("published", message)
        else:
            out["is_published"] = value
    if "hazards" in raw:
        value = raw["hazards"]
        if _blank(value):
            items = []
        elif isinstance(value, str):
            items = [part.strip().lower() for part in re.split(r"[;,|]", value) if part.strip()]
        elif isinstance(value, list):
            items = [str(part).strip().lower() for part in value]
        else:
            items = None
            err("hazards", "must be a list of hazards")
        if items is not None:
            bad = [item for item in items if item not in Hazard.values]
            if bad:
                err("hazards", f"unknown hazard {bad[0]!r}; use {', '.join(Hazard.values)}")
            else:
                out["hazards"] = list(dict.fromkeys(items))
    if "income_group" in raw:
        value = "" if _blank(raw["income_group"]) else str(raw["income_group"]).strip().upper()
        if value and value not in IncomeGroup.values:
            err("income_group", f"must be one of {', '.join(IncomeGroup.values)}")
        else:
            out["income_group"] = value
    if "timezone" in raw:
        value = "" if _blank(raw["timezone"]) else str(raw["timezone"]).strip()
        if value and value not in _timezones():
            err("timezone", f"{value!r} is not an IANA time zone")
        else:
            out["timezone"] = value
    if "website" in raw:
        value = "" if _blank(raw["website"]) else str(raw["website"]).strip()
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                err("website", "must be an http(s) address")
        out["website"] = value
    summary = {}
    for key, language in (("summary_en", "en"), ("summary_ja", "ja")):
        if key in raw and not _blank(raw[key]):
            summary[language] = str(raw[key]).strip()
    if "summary_en" in raw or "summary_ja" in raw:
        out["summary"] = summary
    if "parent" in raw:
        ref = None if _blank(raw["parent"]) else str(raw["parent"]).strip()
        if ref is None:
            out["parent"] = None
        elif resolve_parent is not None:
            parent = resolve_parent(ref)
            if parent is None:
                err("parent", f"no place with id or URL name {ref!r}")
            else:
                out["parent"] = parent
        else:
            out["parent_ref"] = ref
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
