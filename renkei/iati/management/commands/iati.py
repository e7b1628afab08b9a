"""``renkei iati export --out DIR`` and ``renkei iati import FILE.xml [--apply]``: thin wrappers round
``renkei.iati.exporting`` and ``renkei.iati.importing`` (see docs/data-formats.md, "IATI 2.03")."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.management.base import CommandError
from tqdm import tqdm

from renkei.accounts.management.imports import ImportCommand
from renkei.core.errors import ApplicationError
from renkei.core.importing import read_import_file
from renkei.iati.exporting import organisation_file, plan_export, write_activities
from renkei.iati.importing import import_plan
from renkei.iati.services import import_apply


class Command(ImportCommand):
    help = "Publish to IATI (export the activity and organisation files) or import another publisher's activities."
    unit = " activities"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{export,import}")
        export = sub.add_parser("export", help="write activities.xml and organisation.xml (IATI 2.03) into a folder")
        export.add_argument("--out", required=True, metavar="DIR", help="the folder (made when missing)")
        export.add_argument("--programme", metavar="SLUG", help="only this programme and its partnerships")
        imported = sub.add_parser("import", help="propose partnerships, programmes, organisations and places from "
                                  "an IATI activity file (a dry run unless --apply)")
        imported.add_argument("file", help="the .xml file")
        imported.add_argument("--apply", action="store_true", help="write what the report proposes")
        imported.add_argument("--as", dest="as_user", metavar="USERNAME",
                              help="the user the changes are recorded for (default: the system)")

    def progress(self, items, total, description):
        stream = getattr(self.stderr, "_out", sys.stderr)
        return tqdm(items, total=total, desc=description, unit=self.unit, file=stream, disable=None)

    def handle(self, *args, action, **options):
        try:
            if action == "export":
                self.export(**options)
            else:
                self.import_file(**options)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def export(self, *, out, programme, verbosity=1, **options):
        folder = Path(out)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"Cannot make {out}: {exc.strerror or exc}") from exc
        plan = plan_export(programme=programme)
        for item in plan.skipped:
            self.stderr.write(f"Not exported: {item.kind} {item.slug} ({item.title}): {'; '.join(item.reasons)}")
        name = f"activities-{programme}.xml" if programme else "activities.xml"
        for target, write in ((folder / name, lambda f: write_activities(f, plan, progress=self.progress)),
                              (folder / "organisation.xml", lambda f: f.write(organisation_file(plan.publisher)))):
            partial = target.with_name(target.name + ".part")
            try:
                with partial.open("wb") as f:
                    write(f)
                os.replace(partial, target)
            except OSError as exc:
                raise CommandError(f"Cannot write {target}: {exc.strerror or exc}") from exc
            finally:
                partial.unlink(missing_ok=True)
        if verbosity:
            self.stdout.write(f"Exported {plan.count} activities to {folder / name} and the organisation to "
                              f"{folder / 'organisation.xml'}; {len(plan.skipped)} could not be exported.")

    def import_file(self, *, file, apply, as_user, verbosity=1, **options):
        actor = self.actor(as_user)
        plan = import_plan(read_import_file(file))
        if plan.fatal:
            for line in plan.report_lines():
                self.stderr.write(line)
            raise CommandError(f"{file} cannot be imported; nothing was written.")
        if apply:
            import_apply(actor=actor, plan=plan)
        if verbosity:
            for line in plan.report_lines():
                self.stdout.write(line)
        self.stdout.write(plan.summary())
