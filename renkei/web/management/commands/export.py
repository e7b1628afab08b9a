"""``renkei export places``: the exchange format (CSV or JSON) to standard output or a file; a thin
wrapper round ``renkei.places.exporting``. See docs/data-formats.md.

``renkei export sheet LIST``: a list page's rows as CSV or Excel, the same file as the page's
"Download" links (places, partnerships, applications of a call, activities, an activity's
participants, the library, indicator values), in the language asked for; exported as the system actor (everything)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from tqdm import tqdm

from renkei.accounts.permissions import SYSTEM
from renkei.activities.exporting import activity_sheet, participant_sheet
from renkei.activities.models import Activity
from renkei.core import spreadsheets
from renkei.core.errors import ApplicationError
from renkei.indicators.exporting import value_sheet
from renkei.indicators.models import Indicator
from renkei.knowledge.exporting import library_sheet
from renkei.partnerships.exporting import partnership_sheet
from renkei.places.exporting import place_sheet, places_export
from renkei.places.importing import FORMATS, format_from_name
from renkei.places.models import Level, Place
from renkei.places.selectors import PlaceFilters
from renkei.places.validation import country_code
from renkei.programmes.exporting import application_sheet
from renkei.programmes.models import Call


class Command(BaseCommand):
    help = "Export places in the exchange format (`renkei import places` reads it), or a list as CSV or Excel."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True, metavar="{places,sheet}")
        places = sub.add_parser("places", help="places as CSV or JSON")
        places.add_argument("--format", choices=FORMATS, help="csv or json (default: from --output, else csv)")
        places.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
        places.add_argument("--country", action="append", default=[], metavar="XX",
                            help="only this country (ISO code); repeat for several")
        places.add_argument("--level", choices=Level.values, help="only this level")
        places.add_argument("--bom", action="store_true",
                            help="start a CSV file with a byte order mark (for Excel on Windows)")
        sheet = sub.add_parser("sheet", help="a list as CSV or Excel, as the web page's downloads give it")
        sheet.add_argument("which", choices=sorted(SHEETS), help="which list")
        sheet.add_argument("--format", choices=spreadsheets.FORMATS,
                           help="csv or xlsx (default: from --output, else csv)")
        sheet.add_argument("--output", "-o", metavar="FILE", help="write to FILE (needed for xlsx)")
        sheet.add_argument("--language", choices=[code for code, _ in settings.LANGUAGES], default="en",
                           help="language of headings and names (default en)")
        sheet.add_argument("--country", metavar="XX", default="", help="places: only this country")
        sheet.add_argument("--level", choices=Level.values, help="places: only this level")
        sheet.add_argument("--theme", default="", metavar="CODE", help="places: with a need or expertise in this theme")
        sheet.add_argument("--query", "-q", default="", help="places, library: search words")
        sheet.add_argument("--programme", metavar="SLUG", help="partnerships: only this programme's")
        sheet.add_argument("--call", metavar="SLUG", help="applications: the call (required)")
        sheet.add_argument("--activity", metavar="SLUG", help="participants: the activity (required)")
        sheet.add_argument("--indicator", metavar="CODE", help="indicator-values: only this indicator's")
        sheet.add_argument("--place", metavar="SLUG", help="indicator-values: only this place's")

    def progress(self, items, total, description):
        stream = getattr(self.stderr, "_out", sys.stderr)
        return tqdm(items, total=total, desc=description, unit=" places", file=stream, disable=None)

    def handle(self, *args, what, format, output, country, level, verbosity=1, **options):
        if what == "sheet":
            return self.sheet(format=format, output=output, country=country, level=level, verbosity=verbosity,
                              **options)
        bom = options["bom"]
        format = format or (format_from_name(output) if output else None) or "csv"
        bom = "\ufeff" if bom and format == "csv" else ""
        try:
            if output:
                partial = Path(f"{output}.part")
                try:
                    with partial.open("w", encoding="utf-8", newline="") as out:
                        out.write(bom)
                        count = places_export(out, format=format, countries=country, level=level,
                                              progress=self.progress)
                    os.replace(partial, output)
                except OSError as exc:
                    raise CommandError(f"Cannot write {output}: {exc.strerror or exc}") from exc
                finally:
                    partial.unlink(missing_ok=True)
                if verbosity:
                    self.stderr.write(f"Exported {count} places to {output}.")
            else:
                out = self.stdout._out
                if out is sys.stdout and hasattr(out, "reconfigure"):
                    out.reconfigure(encoding="utf-8")  # Japanese names whatever the locale says
                out.write(bom)
                count = places_export(out, format=format, countries=country, level=level, progress=self.progress)
                out.flush()
                if verbosity:
                    self.stderr.write(f"Exported {count} places.")
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def sheet(self, *, which, format, output, language, country, level, verbosity, **options):
        format = format or (Path(output).suffix.lstrip(".").lower() if output else "") or "csv"
        if format not in spreadsheets.FORMATS:
            raise CommandError(f"--format: must be one of {', '.join(spreadsheets.FORMATS)}")
        if format == "xlsx" and not output:
            raise CommandError("--output: an Excel file needs a file name (it is not text)")
        with translation.override(language):
            try:
                sheet = SHEETS[which](country=country, level=level, **options)
                rows = list_rows(sheet, self.progress_rows)
                if output:
                    partial = Path(f"{output}.part")
                    try:
                        with partial.open("wb" if format == "xlsx" else "w", **(
                                {} if format == "xlsx" else {"encoding": "utf-8", "newline": ""})) as out:
                            count = (spreadsheets.write_xlsx if format == "xlsx" else spreadsheets.write_csv)(
                                rows, out)
                        os.replace(partial, output)
                    except OSError as exc:
                        raise CommandError(f"Cannot write {output}: {exc.strerror or exc}") from exc
                    finally:
                        partial.unlink(missing_ok=True)
                else:
                    out = self.stdout._out
                    if out is sys.stdout and hasattr(out, "reconfigure"):
                        out.reconfigure(encoding="utf-8")
                    count = spreadsheets.write_csv(rows, out)
                    out.flush()
            except ApplicationError as exc:
                raise CommandError(f"{exc.field}: {exc.message}" if exc.field else exc.message) from exc
        if verbosity:
            self.stderr.write(f"Exported {count} rows" + (f" to {output}." if output else "."))

    def progress_rows(self, rows):
        stream = getattr(self.stderr, "_out", sys.stderr)
        return tqdm(rows, desc="Rows", unit=" rows", file=stream, disable=None)


def list_rows(sheet: spreadsheets.Sheet, progress) -> spreadsheets.Sheet:
    return spreadsheets.Sheet(title=sheet.title, name=sheet.name, columns=sheet.columns, rows=progress(sheet.rows))


def _one(model, slug: str | None, option: str):
    if not slug:
        raise ApplicationError("is required for this list", field=option)
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise ApplicationError(f"no {model._meta.verbose_name} has the URL name {slug!r}", field=option)
    return found


def _places(*, country, level, theme="", query="", **_):
    code = country_code(country) if country else ""
    if country and code is None:
        raise ApplicationError(f"{country!r} is not an ISO 3166-1 country", field="--country")
    filters = PlaceFilters(q=query, country=code or "", level=level or "", theme=theme)
    return place_sheet(viewer=SYSTEM, filters=filters)


def _indicator_values(*, indicator=None, place=None, **_):
    found = None
    if indicator:
        found = Indicator.objects.filter(code=indicator).first()
        if found is None:
            raise ApplicationError(f"no indicator has the code {indicator!r}", field="--indicator")
    return value_sheet(viewer=SYSTEM, indicator=found, place=_one(Place, place, "--place") if place else None)


SHEETS = {
    "places": _places,
    "partnerships": lambda *, programme=None, **_: partnership_sheet(viewer=SYSTEM, programme=programme),
    "applications": lambda *, call=None, **_: application_sheet(actor=SYSTEM, call=_one(Call, call, "--call")),
    "activities": lambda **_: activity_sheet(viewer=SYSTEM),
    "participants": lambda *, activity=None, **_: participant_sheet(
        viewer=SYSTEM, activity=_one(Activity, activity, "--activity")),
    "library": lambda *, query="", **_: library_sheet(viewer=SYSTEM, query=query,
                                                     sort="relevance" if query else "newest"),
    "indicator-values": _indicator_values,
}
