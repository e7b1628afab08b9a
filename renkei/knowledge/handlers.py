"""What follows the library's committed writes: each handler queues its work (``events.py``)."""

from __future__ import annotations

from collections.abc import Iterable


def reindex_product(*, product_id: int, **_payload) -> None:
    from renkei.knowledge.tasks import index_product

    index_product.enqueue(product_id)


def rebuild_index(*, job_id: int, **_payload) -> None:
    from renkei.knowledge.tasks import rebuild_index as task

    task.enqueue(job_id)


def forget_files(*, names: Iterable[str], **_payload) -> None:
    from renkei.knowledge.services import forget_files as forget

    forget(names)
