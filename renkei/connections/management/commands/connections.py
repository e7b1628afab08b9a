"""``renkei connections import PLACE FILE``, ``renkei connections retention`` and ``renkei connections
recount PLACE``: thin wrappers round ``renkei.connections.services``, which the pages and the API call
too. The CSV format is in docs/data-formats.md."""

from __future__ import annotations

from django.core.management.base import CommandError

from renkei.accounts.management.imports import ImportCommand
from renkei.core.errors import ApplicationError
from renkei.core.importing import read_import_file


class Command(ImportCommand):
    help = "Import a place's connected people from CSV, apply the retention rules, or recount the dashboard."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{import,retention,recount}")
        imp = sub.add_parser("import", help="connected people of a place from a CSV file (every line or none)")
        imp.add_argument("place", help="the place's URL name (slug)")
        imp.add_argument("file", help="the .csv file, or - for standard input")
        self.add_import_options(imp, skip_invalid=False)
        sub.add_parser("retention", help="erase the people each place's retention rule says are kept too long")
        recount = sub.add_parser("recount", help="recount a place's dashboard figures from its people")
        recount.add_argument("place", help="the place's URL name (slug)")

    def _place(self, slug):
        from renkei.places.models import Place

        place = Place.objects.filter(slug=slug).first()
        if place is None:
            raise CommandError(f"There is no place {slug!r}.")
        return place

    def handle(self, *args, action, **options):
        from renkei.connections import services

        try:
            if action == "import":
                place = self._place(options["place"])
                report = services.people_import(actor=self.actor(options["as_user"]), place=place,
                                                source=read_import_file(options["file"]),
                                                dry_run=options["dry_run"], progress=self.progress)
                for line in report.error_lines():
                    self.stderr.write(line)
                if report.errors:
                    raise CommandError(f"{options['file']} has errors; nothing was written.")
                self.stdout.write(report.summary())
            elif action == "retention":
                from renkei.connections.tasks import apply_retention

                self.stdout.write(f"{apply_retention.call()} connected people erased by the retention rules.")
            else:
                total = services.tally_rebuild(place=self._place(options["place"]))
                self.stdout.write(f"{total} connected people counted.")
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
