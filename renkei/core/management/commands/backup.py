from django.core.management.base import BaseCommand

from renkei.core.backup import backed_up_models, backup
from renkei.core.management.progress import run_with_progress


class Command(BaseCommand):
    help = "Write one archive with every row of the database and every uploaded file (see `renkei restore`)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive to write, e.g. renkei-2026-12-06.zip")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, file, no_progress=False, **options):
        summary = run_with_progress(self, lambda progress: backup(file, progress=progress), disable=no_progress,
                                    total=len(backed_up_models()),
                                    steps=lambda label: 0 if label.startswith("media/") else 1)
        self.stdout.write(f"Backed up {summary.rows} rows of {len(summary.models)} models and {summary.files} files "
                          f"({summary.bytes:,} bytes) to {file}.")
