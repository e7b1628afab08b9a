"""Background work: embed a place's texts after an edit; rebuild every embedding on request.

A place deleted after its task was queued is no error: the task ends quietly, with a line in the log.
"""

import logging

from django_tasks import task

from renkei.matching.fetch import embedder, profiles
from renkei.places.models import Place

log = logging.getLogger(__name__)


@task()
def refresh_place_embeddings(place_id: int) -> int:
    """Embed the texts of one place that are new or changed; returns how many were encoded."""
    rows = profiles(Place.objects.filter(pk=place_id))
    if not rows:
        log.info("refresh_place_embeddings: place %s no longer exists; nothing to embed", place_id)
        return 0
    emb = embedder()
    texts = [s.text for p in rows for s in (*p.needs, *p.expertise) if s.text]
    emb.encode(texts)
    return emb.encoded


@task()
def rebuild_embeddings() -> int:
    emb = embedder()
    texts = [s.text for p in profiles() for s in (*p.needs, *p.expertise) if s.text]
    for start in range(0, len(texts), 64):
        emb.encode(texts[start : start + 64])
    return emb.encoded
