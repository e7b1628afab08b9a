import sys
import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from renkei.matching.fetch import build_index


class Command(BaseCommand):
    help = "Build the matching index, embedding every new or changed text (progress bar)."

    def handle(self, *args, **options):
        started = time.perf_counter()

        def progress(items, total, description):
            return tqdm(items, total=total, desc=description, unit=" batches", file=sys.stderr, disable=None)

        index = build_index(progress=progress)
        self.stdout.write(f"Index of {len(index)} places, {len(index.themes)} themes, "
                          f"{index.nbytes / 1e6:.1f} MB, built in {time.perf_counter() - started:.1f} s.")
