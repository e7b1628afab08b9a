"""Exporting places in the exchange format (CSV or JSON) — what ``importing.places_import`` reads.

The output is deterministic: places come in a fixed order (countries, then regions, then cities;
by country and name within a level; a parent always before the places inside it) and every
value is written in one canonical form, so exporting, importing the file into an empty database
and exporting again gives the same bytes. docs/data-formats.md describes the format.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from renkei.core.errors import ApplicationError
from renkei.core.spreadsheets import Column, Sheet, escape_formula
from renkei.places import selectors
from renkei.places.importing import FORMATS, Progress, no_progress
from renkei.places.models import Expertise, Level, Need, Place
from renkei.places.validation import FIELDS, country_code, country_label

LEVEL_ORDER = {level: rank for rank, level in enumerate([Level.COUNTRY, Level.REGION, Level.CITY])}


def export_queryset(*, countries: Sequence[str] = (), level: str | None = None) -> QuerySet[Place]:
    """Every place (published or not: exporting is trusted batch work), optionally filtered."""
    qs = Place.objects.select_related("parent")
    if countries:
        codes = []
        for value in countries:
            code = country_code(value)
            if code is None:
                raise ApplicationError(f"{value!r} is not an ISO 3166-1 country", field="country")
            codes.append(code)
        qs = qs.filter(country__in=codes)
    if level:
        if level not in Level.values:
            raise ApplicationError(f"must be one of {', '.join(Level.values)}", field="level")
        qs = qs.filter(level=level)
    return qs


def export_order(places: Iterable[Place]) -> list[Place]:
    """Countries, regions, cities; by country, name and URL name; parents before their children."""
    ordered = sorted(places, key=lambda p: (LEVEL_ORDER.get(p.level, 9), p.country, p.name_en, p.slug))
    by_pk = {place.pk: place for place in ordered}
    out: list[Place] = []
    done: set[int] = set()
    for place in ordered:
        chain, node = [], place
        while node is not None and node.pk not in done and node not in chain:
            chain.append(node)
            node = by_pk.get(node.parent_id)
        for item in reversed(chain):
            done.add(item.pk)
            out.append(item)
    return out


def place_ref(place: Place | None) -> str:
    """How a parent cell names a place: its external id if it has one, else its URL name."""
    if place is None:
        return ""
    return place.external_id or place.slug


def place_record(place: Place) -> dict[str, Any]:
    """One place in the exchange format, with JSON types (text is never null; numbers may be)."""
    summary = place.summary or {}
    return {
        "id": place.external_id or "",
        "slug": place.slug,
        "level": place.level,
        "name": place.name_en,
        "name_ja": place.name_ja,
        "name_ja_reading": place.name_ja_reading,
        "name_local": place.name_local,
        "country": place.country,
        "parent": place_ref(place.parent),
        "lat": place.latitude,
        "lon": place.longitude,
        "population": place.population,
        "population_year": place.population_year,
        "area_km2": place.area_km2,
        "share_65_plus": place.share_65_plus,
        "population_growth": place.population_growth,
        "coastal": place.coastal,
        "hazards": list(place.hazards or []),
        "income_group": place.income_group,
        "timezone": place.timezone,
        "website": place.website,
        "summary_en": summary.get("en", ""),
        "summary_ja": summary.get("ja", ""),
        "published": place.is_published,
    }


def csv_cell(value: Any) -> str:
    """A value as a CSV cell; a text a spreadsheet would run as a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return escape_formula(";".join(str(item) for item in value))
    if isinstance(value, str):
        return escape_formula(value)
    return str(value)  # numbers as numbers (floats: the shortest text that reads back as the same value)


def write_places(out: TextIO, places: Sequence[Place], *, format: str, progress: Progress | None = None) -> int:
    """Write ``places`` (in the order given) to ``out``; returns how many were written."""
    if format not in FORMATS:
        raise ApplicationError(f"must be one of {', '.join(FORMATS)}", field="format")
    items = (progress or no_progress)(places, len(places), "Exporting places")
    if format == "csv":
        writer = csv.writer(out, lineterminator="\n")
        # the csv module quotes a cell holding a line feed, not one holding a lone carriage return
        quoting_all = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
        writer.writerow(FIELDS)
        for place in items:
            record = place_record(place)
            cells = [csv_cell(record[key]) for key in FIELDS]
            (quoting_all if any("\r" in cell for cell in cells) else writer).writerow(cells)
    else:
        out.write("[")
        for number, place in enumerate(items):
            out.write(",\n" if number else "\n")
            out.write(json.dumps(place_record(place), ensure_ascii=False))
        out.write("\n]\n")
    return len(places)


def places_export(
    out: TextIO, *, format: str = "csv", countries: Sequence[str] = (), level: str | None = None,
    progress: Progress | None = None,
) -> int:
    """Export the places matching the filters to ``out`` in the exchange format."""
    places = export_order(export_queryset(countries=countries, level=level))
    return write_places(out, places, format=format, progress=progress)


def _theme_name(statement) -> str:
    return statement.theme.name if statement.theme_id else _("Not yet tagged")


def place_sheet(*, viewer, filters) -> Sheet:
    """The place list as the page shows it (the viewer's places, the page's filters), for the list's
    "Download CSV / Excel" and `renkei export sheet places`. Headings and names in the active language."""
    qs = selectors.place_list(viewer=viewer, filters=filters).prefetch_related(
        Prefetch("needs", queryset=Need.objects.select_related("theme")),
        Prefetch("expertise", queryset=Expertise.objects.select_related("theme")),
    )

    def rows():
        for place in qs.iterator(chunk_size=500):
            yield {
                "name": place.name, "name_en": place.name_en, "name_ja": place.name_ja,
                "name_ja_reading": place.name_ja_reading or None, "country": country_label(place.country),
                "level": place.get_level_display(),
                "parent": place.parent.name if place.parent else None, "population": place.population,
                "population_year": place.population_year,
                "needs": [_theme_name(need) for need in place.needs.all()],
                "expertise": [_theme_name(item) for item in place.expertise.all()],
                "website": place.website or None, "address": reverse("places:place", args=[place.slug]),
            }

    return Sheet(title=_("Places"), name="places", rows=rows(), columns=[
        Column("name", _("Name")), Column("name_en", _("Name (English)")), Column("name_ja", _("Name (Japanese)")),
        Column("name_ja_reading", _("Reading of the Japanese name")),
        Column("country", _("Country")), Column("level", _("Level")), Column("parent", _("Within")),
        Column("population", _("Population"), number=True), Column("population_year", _("Population year"),
                                                                   number=True),
        Column("needs", _("Needs")), Column("expertise", _("Expertise")), Column("website", _("Website")),
        Column("address", _("Page in Renkei")),
    ])
