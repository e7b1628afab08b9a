"""Background work for the library: reindex one product after a change; rebuild everything.

A task runs some time after it was queued, and what it was queued for may be gone by then (a
product deleted, a rebuild's job removed): it then ends quietly, with a line in the log.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from renkei.knowledge.models import IndexJob, Product
from renkei.knowledge.search.indexing import index_products, index_rebuild

log = logging.getLogger(__name__)


@task()
def index_product(product_id: int) -> int:
    """Bring one product's search document up to date; 0 when the product was deleted since."""
    if not Product.objects.filter(pk=product_id).exists():
        log.info("index_product: product %s no longer exists; nothing to index", product_id)
        return 0
    return index_products([product_id])  # deleted while it is indexed: see indexing._index_batch


@task()
def rebuild_index(job_id: int) -> int:
    """Rebuild the whole index, recording progress on the job so the rebuild page can show it."""
    return run_rebuild(job_id)


def run_rebuild(job_id: int) -> int:
    job = IndexJob.objects.filter(pk=job_id).first()
    if job is None:
        log.info("rebuild_index: index job %s no longer exists; nothing to rebuild", job_id)
        return 0
    IndexJob.objects.filter(pk=job_id).update(status=IndexJob.Status.RUNNING, started_at=timezone.now(),
                                              total=Product.objects.count(), done=0)
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        IndexJob.objects.filter(pk=job.pk).update(done=done)

    try:
        written = index_rebuild(progress=progress)
    except Exception as exc:
        IndexJob.objects.filter(pk=job_id).update(status=IndexJob.Status.FAILED, error=str(exc)[:2000],
                                                  finished_at=timezone.now())
        raise
    IndexJob.objects.filter(pk=job_id).update(status=IndexJob.Status.DONE, done=written, finished_at=timezone.now())
    return written
