from django.db.models import QuerySet
from django.utils.translation import gettext as _

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role
from renkei.matching.models import MatchFeedback, MatchRun, ProgrammeTuning
from renkei.places.selectors import visible_places


def match_run_list(*, viewer) -> QuerySet[MatchRun]:
    """Officers see every run; others see their own."""
    qs = MatchRun.objects.select_related("place", "created_by")
    if has_role(viewer, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        return qs
    if not getattr(viewer, "is_authenticated", False):
        return qs.none()
    return qs.filter(created_by=viewer)


def feedback_for(*, viewer, place) -> QuerySet[MatchFeedback]:
    return MatchFeedback.objects.filter(place=place, candidate__in=visible_places(viewer)).select_related(
        "candidate", "created_by")


def index_status() -> dict:
    """How much of the matching index is ready, and the latest background rebuilds."""
    from django.db.utils import DatabaseError

    from renkei.engine.embedding import text_key
    from renkei.matching.fetch import base_embedder, profiles
    from renkei.matching.models import TextEmbedding

    model, _ = base_embedder()
    texts = {text_key(s.text) for p in profiles() for s in (*p.needs, *p.expertise) if s.text}
    done = set(TextEmbedding.objects.filter(model=model, key__in=texts).values_list("key", flat=True))
    tasks = []
    try:
        from django_tasks_db.models import DBTaskResult

        tasks = list(DBTaskResult.objects.filter(task_path__startswith="renkei.matching.tasks.")
                     .order_by("-enqueued_at")[:5])
    except (ImportError, DatabaseError):
        tasks = []
    running = any(t.status in ("READY", "RUNNING") for t in tasks)
    return {"model": model, "texts": len(texts), "embedded": len(done & texts),
            "percent": round(100 * len(done & texts) / len(texts)) if texts else 100, "tasks": tasks,
            "running": running}


def tuning_list(*, viewer, programme) -> QuerySet[ProgrammeTuning]:
    """A programme's tunings, newest first: for its officers and administrators only."""
    from renkei.core.errors import NotAllowed
    from renkei.matching.services import can_tune

    if not can_tune(viewer, programme):
        raise NotAllowed(_("Only administrators and this programme's officers may see its weight tunings."))
    return ProgrammeTuning.objects.filter(programme=programme).select_related("programme", "created_by")


def tuning_get(*, viewer, pk: int) -> ProgrammeTuning:
    """One tuning, for the officers of its programme and administrators (NotFound for anyone else)."""
    from renkei.core.errors import NotFound
    from renkei.matching.services import can_tune

    in_range = isinstance(pk, int) and 0 < pk < 2**63  # larger ids would be a database error, not a 404
    tuning = ProgrammeTuning.objects.select_related("programme", "created_by").filter(pk=pk).first() \
        if in_range else None
    if tuning is None or not can_tune(viewer, tuning.programme):
        raise NotFound(_("No such tuning."), field="id")
    return tuning


def tuning_busy(programme) -> bool:
    return ProgrammeTuning.objects.filter(programme=programme, status__in=[
        ProgrammeTuning.Status.QUEUED, ProgrammeTuning.Status.RUNNING]).exists()


def decision_summary(programme) -> dict[str, int]:
    """How many decided pairs the programme has, by source (what a tuning would learn from)."""
    from renkei.matching.decisions import programme_decisions

    decisions, sources = programme_decisions(programme)
    latest = {(q, c): yes for q, c, yes in decisions if q != c}
    return {**sources, "pairs": len(latest), "yes": sum(latest.values()),
            "no": len(latest) - sum(latest.values())}


def unanswered_suggestions(*, viewer, place_ids) -> dict:
    """Partners suggested to the viewer's places by their latest stored partner search that the place
    has neither accepted nor declined. Two queries, whatever the number of runs."""
    runs = (MatchRun.objects.filter(kind=MatchRun.Kind.MATCH, place_id__in=place_ids)
            .order_by("place_id", "-created_at", "-id").only("place_id", "results"))
    latest: dict[int, list[str]] = {}
    for run in runs:
        if run.place_id not in latest:
            latest[run.place_id] = [r.get("place", {}).get("slug") for r in (run.results or []) if isinstance(r, dict)]
    answered = set(MatchFeedback.objects.filter(place_id__in=place_ids)
                   .values_list("place_id", "candidate__slug"))
    count, first = 0, None
    for place_id, slugs in latest.items():
        open_ = [s for s in slugs if s and (place_id, s) not in answered]
        count += len(open_)
        if open_ and first is None:
            first = place_id
    return {"count": count, "place_id": first}
