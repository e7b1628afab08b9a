"""``renkei export places``: the exchange format (CSV or JSON) to standard output or a file; a thin
wrapper round ``renkei.places.exporting``. See docs/data-formats.md."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from renkei.core.errors import ApplicationError
from renkei.places.exporting import places_export
from renkei.places.importing import FORMATS, format_from_name
from renkei.places.models import Level


class Command(BaseCommand):
    help = "Export places in the exchange format (the format `renkei import places` reads)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True, metavar="{places}")
        places = sub.add_parser("places", help="places as CSV or JSON")
        places.add_argument("--format", choices=FORMATS, help="csv or json (default: from --output, else csv)")
        places.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
        places.add_argument("--country", action="append", default=[], metavar="XX",
                            help="only this country (ISO code); repeat for several")
        places.add_argument("--level", choices=Level.values, help="only this level")
        places.add_argument("--bom", action="store_true",
                            help="start a CSV file with a byte order mark (for Excel on Windows)")

    def progress(self, items, total, description):
        stream = getattr(self.stderr, "_out", sys.stderr)
        return tqdm(items, total=total, desc=description, unit=" places", file=stream, disable=None)

    def handle(self, *args, what, format, output, country, level, bom, verbosity=1, **options):
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
