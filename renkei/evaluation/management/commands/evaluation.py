"""``renkei evaluation export``: a programme's results portfolio as CSV or XLSX; ``renkei evaluation
import-actuals FILE``: actuals from a CSV file (docs/data-formats.md). Thin wrappers round
``renkei.evaluation.exporting`` and ``renkei.evaluation.importing``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.management.base import CommandError

from renkei.accounts.management.imports import ImportCommand
from renkei.accounts.permissions import SYSTEM
from renkei.core.errors import ApplicationError
from renkei.core.importing import read_import_file
from renkei.evaluation import exporting, selectors
from renkei.evaluation.importing import actuals_import


class Command(ImportCommand):
    help = "Export a programme's results portfolio, or import actuals of results indicators from CSV."
    unit = " rows"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{export,import-actuals}")
        export = sub.add_parser("export", help="criteria by partnership, indicator progress and learning by side")
        export.add_argument("--programme", metavar="SLUG", help="the programme (default: every programme)")
        export.add_argument("--format", choices=("csv", "xlsx"), default="csv",
                            help="csv (one table, see --table) or xlsx (every table, one sheet each)")
        export.add_argument("--table", choices=exporting.TABLES, default="scores", help="the table a CSV holds")
        export.add_argument("--output", "-o", metavar="FILE", help="write to FILE (an XLSX needs one)")
        actuals = sub.add_parser("import-actuals", help="actuals of result indicators from a CSV file")
        actuals.add_argument("file", help="the .csv file, or - for standard input")
        self.add_import_options(actuals)

    def handle(self, *args, action, **options):
        try:
            if action == "export":
                self.export(**options)
            else:
                self.import_actuals(**options)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def export(self, *, programme, format, table, output, verbosity=1, **options):
        if format == "xlsx" and not output:
            raise CommandError("An XLSX file needs --output FILE.")
        report = selectors.portfolio(viewer=SYSTEM, programme=programme)
        tables = exporting.portfolio_tables(report, progress=self.progress)
        if format == "xlsx":
            content: bytes | str = exporting.to_xlsx(tables)
        else:
            content = exporting.to_csv(next(t for t in tables if t.name == table))
        if not output:
            out = self.stdout._out
            if out is sys.stdout and hasattr(out, "reconfigure"):
                out.reconfigure(encoding="utf-8")
            out.write(content)
            return
        partial = Path(f"{output}.part")
        try:
            if isinstance(content, bytes):
                partial.write_bytes(content)
            else:
                partial.write_text(content, encoding="utf-8", newline="")
            os.replace(partial, output)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}") from exc
        finally:
            partial.unlink(missing_ok=True)
        if verbosity:
            self.stderr.write(f"Exported {len(report.rows)} partnerships to {output}.")

    def import_actuals(self, *, file, skip_invalid, dry_run, as_user, **options):
        actor = self.actor(as_user)
        report = actuals_import(source=read_import_file(file), actor=actor, skip_invalid=skip_invalid,
                                dry_run=dry_run, progress=self.progress)
        for line in report.error_lines():
            self.stderr.write(line)
        if report.fatal:
            raise CommandError(f"{file} cannot be imported; nothing was written.")
        if report.errors and not skip_invalid:
            raise CommandError(f"{report.skipped} of {report.rows} lines have errors; nothing was written. "
                               "Fix them, or use --skip-invalid to import the other lines.")
        self.stdout.write(report.summary())
