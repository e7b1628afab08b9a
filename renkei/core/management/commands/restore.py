from django.core.management import call_command
from django.core.management.base import BaseCommand

from renkei.core.backup import restore
from renkei.core.management.progress import run_with_progress


class Command(BaseCommand):
    help = ("Load an archive written by `renkei backup` into an empty, migrated database (SQLite or "
            "PostgreSQL, whichever made it), then rebuild the library's search index.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive written by `renkei backup`")
        parser.add_argument("--no-reindex", action="store_true",
                            help="do not rebuild the search index now (run `renkei reindex` later)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, file, no_reindex=False, no_progress=False, **options):
        summary = run_with_progress(self, lambda progress: restore(file, progress=progress), disable=no_progress)
        self.stdout.write(f"Restored {summary.rows} rows of {len(summary.models)} models and {summary.files} files "
                          f"({summary.bytes:,} bytes) from {file}.")
        if not no_reindex:
            call_command("reindex", stdout=self.stdout, stderr=self.stderr)
