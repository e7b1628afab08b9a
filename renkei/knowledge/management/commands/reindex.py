"""``renkei reindex``: rebuild the knowledge library's search index, with a progress bar."""

import sys
import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from renkei.knowledge.models import Product
from renkei.knowledge.search import catalogue
from renkei.knowledge.search.indexing import index_rebuild


class Command(BaseCommand):
    help = "Rebuild the knowledge library's search index (full text, vocabulary and embeddings)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        total = Product.objects.count()
        with tqdm(total=total, desc="Indexing products", unit=" products", file=sys.stderr, disable=None) as bar:
            written = index_rebuild(progress=bar.update)
        catalogue.forget()
        seconds = time.perf_counter() - started
        rate = f", {written / seconds:.0f} products/s" if seconds and written else ""
        self.stdout.write(f"Indexed {written} products in {seconds:.1f} s{rate}.")
