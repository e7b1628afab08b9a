"""Background work for the library: reindex one product after a change; rebuild everything."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from renkei.knowledge.models import IndexJob
from renkei.knowledge.search.indexing import index_products, index_rebuild


@task()
def index_product(product_id: int) -> int:
    """Bring one product's search document up to date (the product may have been deleted since)."""
    return index_products([product_id])


@task()
def rebuild_index(job_id: int) -> int:
    """Rebuild the whole index, recording progress on the job so the rebuild page can show it."""
    return run_rebuild(job_id)


def run_rebuild(job_id: int) -> int:
    job = IndexJob.objects.get(pk=job_id)
    from renkei.knowledge.models import Product

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
