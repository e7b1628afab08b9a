from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from tqdm import tqdm

from renkei.core.backup import restore
from renkei.core.errors import ApplicationError


class Command(BaseCommand):
    help = ("Load an archive written by `renkei backup` into an empty, migrated database (SQLite or "
            "PostgreSQL, whichever made it), then rebuild the library's search index.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive written by `renkei backup`")
        parser.add_argument("--no-reindex", action="store_true",
                            help="do not rebuild the search index now (run `renkei reindex` later)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, file, no_reindex=False, no_progress=False, **options):
        bar = tqdm(unit="part", disable=no_progress, file=self.stderr._out)
        try:
            summary = restore(file, progress=lambda label, n: bar.update(1))
        except (ApplicationError, OSError, DatabaseError) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        self.stdout.write(f"Restored {summary.rows} rows of {len(summary.models)} models and {summary.files} files "
                          f"({summary.bytes:,} bytes) from {file}.")
        if not no_reindex:
            call_command("reindex", stdout=self.stdout, stderr=self.stderr)
