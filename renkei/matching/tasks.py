"""Background work: embed a place's texts after an edit (and suggest themes for its texts that are not
yet tagged); rebuild every embedding on request.

A place deleted after its task was queued is no error: the task ends quietly, with a line in the log.
"""

import logging

from django_tasks import task

from renkei.matching.fetch import embedder, profiles, statement_text
from renkei.matching.tagging import suggest
from renkei.places.models import Expertise, Need, Place
from renkei.places.services import statement_suggest

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
    suggest_untagged(place_id)
    return emb.encoded


def suggest_untagged(place_id: int) -> int:
    """Store suggested themes on the place's statements that have no theme and no suggestions yet."""
    done = 0
    for kind, model in (("need", Need), ("expertise", Expertise)):
        waiting = list(model.objects.filter(place_id=place_id, theme__isnull=True, suggested_themes=[])
                       .values_list("pk", "description"))
        for (pk, _text), codes in zip(waiting, suggest([statement_text(d) for _pk, d in waiting]),
                                            strict=True):
            done += statement_suggest(kind=kind, pk=pk, codes=codes)
    return done


@task()
def rebuild_embeddings() -> int:
    emb = embedder()
    texts = [s.text for p in profiles() for s in (*p.needs, *p.expertise) if s.text]
    for start in range(0, len(texts), 64):
        emb.encode(texts[start : start + 64])
    return emb.encoded


@task()
def tune_programme_weights(tuning_id: int) -> str:
    """Tune a programme's weights (queued by ``services.tuning_start``); returns the outcome."""
    from renkei.matching.services import tuning_run

    tuning = tuning_run(tuning_id)
    return tuning.status if tuning is not None else "gone"
