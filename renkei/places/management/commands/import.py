"""``renkei import places FILE`` and ``renkei import geonames``: thin wrappers round
``renkei.places.importing``, which the web UI and the API call too. See docs/data-formats.md."""

from __future__ import annotations

from django.core.management.base import CommandError

from renkei.accounts.management.imports import ImportCommand
from renkei.core.errors import ApplicationError
from renkei.core.importing import read_import_file
from renkei.places.importing import FORMATS, GEONAMES_HINT, format_from_name, geonames_import, places_import


class Command(ImportCommand):
    help = "Import places from a file in the exchange format, or world cities from GeoNames."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="source", required=True, metavar="{places,profiles,geonames}")
        places = sub.add_parser("places", help="places from a CSV or JSON file in the exchange format")
        places.add_argument("file", help="the file (.csv or .json), or - for standard input with --format")
        places.add_argument("--format", choices=FORMATS, help="csv or json (default: from the file name)")
        self.add_import_options(places)
        profiles = sub.add_parser("profiles", help="one place per line (JSON Lines) with free-text needs and "
                                  "expertise, tagged onto themes")
        profiles.add_argument("file", help="the .jsonl file")
        self.add_import_options(profiles)
        profiles.add_argument("--synonyms-only", action="store_true",
                              help="tag by synonyms only, without the sentence encoder")
        profiles.add_argument("--replace", action="store_true",
                              help="a line's needs (or expertise) become the place's only ones: those it does not "
                                   "name are deleted (without it they are added and updated, and none is deleted)")
        geonames = sub.add_parser("geonames", help=f"world cities from GeoNames ({GEONAMES_HINT})")
        geonames.add_argument("--min-population", type=int, required=True, metavar="N",
                              help="import cities with at least N people")
        geonames.add_argument("--country", action="append", default=[], metavar="XX",
                              help="only this country (ISO code); repeat for several")
        self.add_import_options(geonames, skip_invalid=False)

    def handle(self, *args, source, **options):
        try:
            if source == "places":
                self.import_places(**options)
            elif source == "profiles":
                self.import_profiles(**options)
            else:
                self.import_geonames(**options)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def import_places(self, *, file, format, skip_invalid, dry_run, as_user, **options):
        format = format or format_from_name(file)
        if format is None:
            raise CommandError(f"Cannot tell the format of {file}: name it .csv or .json, or give --format.")
        actor = self.actor(as_user)
        data = read_import_file(file)
        report = places_import(source=data, format=format, actor=actor, skip_invalid=skip_invalid,
                               dry_run=dry_run, progress=self.progress)
        for line in report.error_lines():
            self.stderr.write(line)
        if report.fatal:
            raise CommandError(f"{file} cannot be imported; nothing was written.")
        if report.errors and not skip_invalid:
            bad = len({(error.line, error.index) for error in report.errors})
            raise CommandError(
                f"{bad} of {report.rows} rows have errors; nothing was written. "
                "Fix them, or use --skip-invalid to import the other rows."
            )
        if report.skipped:
            self.stderr.write(f"Skipped {report.skipped} rows with errors.")
        self.stdout.write(report.summary())

    def import_profiles(self, *, file, skip_invalid, dry_run, synonyms_only, replace, as_user, **options):
        from renkei.places.profiles import profiles_import

        actor = self.actor(as_user)
        data = read_import_file(file)
        report = profiles_import(source=data, actor=actor, skip_invalid=skip_invalid, dry_run=dry_run,
                                 replace=replace, semantic=not synonyms_only, progress=self.progress)
        for line in report.error_lines():
            self.stderr.write(line)
        if report.fatal:
            raise CommandError(f"{file} cannot be imported; nothing was written.")
        if report.errors and not skip_invalid:
            raise CommandError(f"{len({e.line for e in report.errors})} lines have errors; nothing was written.")
        for line in report.tagging_lines():
            self.stdout.write(line)
        self.stdout.write(report.summary())

    def import_geonames(self, *, min_population, country, dry_run, as_user, verbosity=1, **options):
        actor = self.actor(as_user)
        report = geonames_import(min_population=min_population, countries=country, actor=actor, dry_run=dry_run,
                                 progress=self.progress)
        if report.skipped:
            if verbosity >= 2:
                for line in report.error_lines():
                    self.stderr.write(line)
                self.stderr.write(f"Skipped {report.skipped} cities.")
            else:
                self.stderr.write(f"Skipped {report.skipped} cities (-v 2 lists them).")
        self.stdout.write(report.summary())
