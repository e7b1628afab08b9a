"""``renkei indicators import FILE.csv`` and ``renkei indicators export``: thin wrappers round
``renkei.indicators.importing`` (the web page and the API call it too). See docs/data-formats.md."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.management.base import CommandError

from renkei.accounts.management.imports import ImportCommand
from renkei.accounts.permissions import SYSTEM
from renkei.core.errors import ApplicationError
from renkei.core.importing import read_import_file
from renkei.indicators.importing import values_export, values_import


class Command(ImportCommand):
    help = "Import indicator values from a CSV file (long format), or export them in the same format."
    unit = " values"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{import,export}")
        imports = sub.add_parser("import", help="values from a CSV file: place, indicator, year, value, source"
                                 "[, note, period, disaggregation]")
        imports.add_argument("file", help="the .csv file, or - for standard input")
        self.add_import_options(imports, skip_invalid=False)
        exports = sub.add_parser("export", help="values as CSV, in the format the import reads")
        exports.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
        exports.add_argument("--indicator", action="append", default=[], metavar="CODE",
                             help="only this indicator; repeat for several")
        exports.add_argument("--place", action="append", default=[], metavar="SLUG",
                             help="only this place; repeat for several")

    def handle(self, *args, action, **options):
        try:
            if action == "import":
                self.import_values(**options)
            else:
                self.export_values(**options)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def import_values(self, *, file, dry_run, as_user, **options):
        actor = self.actor(as_user)
        report = values_import(source=read_import_file(file), actor=actor, dry_run=dry_run, progress=self.progress)
        for line in report.error_lines():
            self.stderr.write(line)
        if report.fatal:
            raise CommandError(f"{file} cannot be imported; nothing was written.")
        if report.errors:
            bad = len({error.line for error in report.errors})
            raise CommandError(f"{bad} of {report.rows} rows have errors; nothing was written.")
        self.stdout.write(report.summary())

    def export_values(self, *, output, indicator, place, verbosity=1, **options):
        if output:
            partial = Path(f"{output}.part")
            try:
                with partial.open("w", encoding="utf-8", newline="") as out:
                    count = values_export(out, viewer=SYSTEM, indicators=indicator, places=place,
                                          progress=self.progress)
                os.replace(partial, output)
            except OSError as exc:
                raise CommandError(f"Cannot write {output}: {exc.strerror or exc}") from exc
            finally:
                partial.unlink(missing_ok=True)
            if verbosity:
                self.stderr.write(f"Exported {count} values to {output}.")
        else:
            out = self.stdout._out
            if out is sys.stdout and hasattr(out, "reconfigure"):
                out.reconfigure(encoding="utf-8")
            values_export(out, viewer=SYSTEM, indicators=indicator, places=place, progress=self.progress)
