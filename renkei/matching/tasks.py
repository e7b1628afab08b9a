"""Background work: embed a place's texts after an edit; rebuild every embedding on request."""

from django_tasks import task

from renkei.matching.fetch import embedder, profiles
from renkei.places.models import Place


@task()
def refresh_place_embeddings(place_id: int) -> int:
    """Embed the texts of one place that are new or changed; returns how many were encoded."""
    rows = profiles(Place.objects.filter(pk=place_id))
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
