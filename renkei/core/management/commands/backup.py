from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from tqdm import tqdm

from renkei.core.backup import backed_up_models, backup
from renkei.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Write one archive with every row of the database and every uploaded file (see `renkei restore`)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive to write, e.g. renkei-2026-12-06.zip")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, file, no_progress=False, **options):
        bar = tqdm(total=len(backed_up_models()), unit="part", disable=no_progress, file=self.stderr._out)
        try:
            summary = backup(file, progress=lambda label, n: bar.update(1 if not label.startswith("media/") else 0))
        except (ApplicationError, OSError, DatabaseError) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        self.stdout.write(f"Backed up {summary.rows} rows of {len(summary.models)} models and {summary.files} files "
                          f"({summary.bytes:,} bytes) to {file}.")
