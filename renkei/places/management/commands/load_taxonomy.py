from django.core.management.base import BaseCommand
from django.db import transaction

from renkei.places.models import Theme
from renkei.places.taxonomy import TAXONOMY_FILE, load_taxonomy


class Command(BaseCommand):
    help = "Bring the theme taxonomy up to date with the shipped file (themes matched by code)."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(TAXONOMY_FILE))

    def handle(self, *args, file, **options):
        from pathlib import Path

        with transaction.atomic():
            count = load_taxonomy(Theme, Path(file))
        self.stdout.write(f"{count} themes loaded; {Theme.objects.count()} in the database.")
