"""Running matches and cohort pairings, storing them, and remembering feedback."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role
from renkei.core.errors import ApplicationError, NotAllowed
from renkei.engine.api import pair_cohort, weights_for
from renkei.engine.types import (
    COMPONENTS,
    DEFAULT_PRESET,
    Explanation,
    Filters,
    MatchResult,
    Weights,
    score_band,
    score_points,
)
from renkei.matching.fetch import current_index
from renkei.matching.models import MatchFeedback, MatchRun, ProgrammeTuning
from renkei.places import permissions
from renkei.places.models import Place
from renkei.places.selectors import visible_places
from renkei.places.validation import country_code

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User
    from renkei.programmes.models import Programme


@dataclass(frozen=True)
class MatchRequest:
    preset: str = DEFAULT_PRESET
    weights: dict[str, float] | None = None
    countries: tuple[str, ...] = ()
    exclude_countries: tuple[str, ...] = ()
    levels: tuple[str, ...] = ("city",)
    min_population: int | None = None
    max_population: int | None = None
    exclude_partners: bool = True
    top: int = 10
    #: a programme's context: its tuned weights for the preset, when it has some in use
    programme: Programme | None = None
    use_tuned: bool = True


def _weights(preset: str, custom: dict[str, float] | None):
    try:
        return weights_for(preset, custom)
    except ValueError as exc:
        raise ApplicationError(str(exc), field="weights" if custom else "preset") from exc


def _countries(codes, field: str) -> frozenset[str]:
    out = set()
    for raw in codes:
        code = country_code(raw)
        if code is None:
            raise ApplicationError(_("%(value)r is not an ISO 3166-1 country") % {"value": raw}, field=field)
        out.add(code)
    return frozenset(out)


def hidden_ids(viewer) -> frozenset[int]:
    return frozenset(Place.objects.exclude(pk__in=visible_places(viewer)).values_list("pk", flat=True))


def declined_ids(place: Place) -> frozenset[int]:
    return frozenset(MatchFeedback.objects.filter(place=place, decision=MatchFeedback.Decision.DECLINED)
                     .values_list("candidate_id", flat=True))


@dataclass(frozen=True)
class Match:
    """One suggested partner: the place itself, its score, the components behind it and why."""

    place: Place
    score: float
    components: Mapping[str, float]
    explanation: tuple[Explanation, ...] = ()

    def reasons(self, language: str = "en") -> list[str]:
        return [e.text_ja if language == "ja" else e.text_en for e in self.explanation]

    @property
    def points(self) -> int:
        return score_points(self.score)

    @property
    def band(self) -> str:
        return score_band(self.score)

    def as_json(self) -> dict:
        """As a stored run keeps it (and the API returns it)."""
        place = self.place
        return {
            "place": {"id": place.external_id or place.slug, "name": place.name_en, "name_ja": place.name_ja,
                      "country": place.country, "slug": place.slug},
            "score": self.score,
            "score_100": self.points,
            "band": self.band,
            "components": dict(self.components),
            "explanation": self.reasons("en"),
            "explanation_ja": self.reasons("ja"),
        }


@dataclass(frozen=True)
class Matches:
    """The partners found for ``place``, best first, and the run that records them (``run.pk`` is
    None when it was not stored)."""

    place: Place
    weights: Weights
    results: tuple[Match, ...]
    run: MatchRun
    tuning: ProgrammeTuning | None = None  # the programme's tuned weights used, if any


def _matches(results: list[MatchResult]) -> tuple[Match, ...]:
    places = Place.objects.in_bulk([r.place_id for r in results])
    return tuple(Match(places[r.place_id], r.score, r.components, r.explanation) for r in results
                 if r.place_id in places)


def match_find(*, viewer: User | AnonymousUser, place: Place, request: MatchRequest, save: bool = True) -> Matches:
    """Rank partners for ``place``. Signed-in users' runs are stored; visitors' are not."""
    if not permissions.can_view_place(viewer, place):
        raise NotAllowed(_("You may not see this place."))
    if not 1 <= request.top <= 200:
        raise ApplicationError(_("must be from %(low)s to %(high)s") % {"low": 1, "high": 200}, field="top")
    if request.min_population is not None and request.max_population is not None \
            and request.min_population > request.max_population:
        raise ApplicationError(_("The largest population must be at least the smallest."), field="max_population")
    weights = _weights(request.preset, request.weights)
    tuning = None
    if request.programme is not None and request.use_tuned and not request.weights:
        tuning = tuning_in_use(request.programme, request.preset)
        if tuning is not None:
            weights = Weights(**tuning.weights)
    index = current_index()
    filters = Filters(
        countries=_countries(request.countries, "countries"),
        exclude_countries=_countries(request.exclude_countries, "exclude_countries"),
        levels=frozenset(request.levels), min_population=request.min_population,
        max_population=request.max_population, exclude_ids=hidden_ids(viewer) | declined_ids(place),
        exclude_partners=request.exclude_partners,
    )
    results = _matches(index.rank(place.pk, weights, filters, top=request.top))
    run = MatchRun(
        kind=MatchRun.Kind.MATCH, place=place, preset="" if request.weights else request.preset,
        weights=weights.as_dict(), created_by=viewer if getattr(viewer, "is_authenticated", False) and viewer.pk
        else None, programme=request.programme,
        parameters={"countries": sorted(filters.countries), "exclude_countries": sorted(filters.exclude_countries),
                    "levels": sorted(filters.levels), "min_population": request.min_population,
                    "max_population": request.max_population, "top": request.top,
                    **({"programme": request.programme.slug, "tuning": tuning.pk if tuning else None}
                       if request.programme is not None else {})},
        results=[m.as_json() for m in results],
    )
    if save and run.created_by is not None:
        run.save()
    return Matches(place=place, weights=weights, results=results, run=run, tuning=tuning)


GROUP_NAMES = {"group_a": gettext_lazy("Group A"), "group_b": gettext_lazy("Group B")}


def _group(viewer, refs, field: str) -> list[Place]:
    if not refs:
        raise ApplicationError(_("%(group)s is empty: choose at least one place.")
                               % {"group": GROUP_NAMES.get(field, field)}, field=field)
    visible = visible_places(viewer)
    out = []
    for ref in refs:
        place = (visible.filter(slug=str(ref)).first() or visible.filter(external_id=str(ref)).first()
                 or (visible.filter(pk=ref).first() if isinstance(ref, int) else None))
        if place is None:
            raise ApplicationError(_("%(group)s: there is no place %(ref)r.")
                                   % {"group": GROUP_NAMES.get(field, field), "ref": ref}, field=field)
        out.append(place)
    return out


def can_save_pairing(user) -> bool:
    """Cohort pairings are saved by those who run programmes and networks; anyone may try one."""
    return has_role(user, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER, Role.NETWORK_SECRETARIAT)


@transaction.atomic
def pairing_create(*, actor, group_a: list, group_b: list, preset: str = DEFAULT_PRESET,
                   weights: dict[str, float] | None = None, capacity: int = 1, method: str = "optimal",
                   title: str = "", save: bool = True) -> MatchRun:
    if save and not can_save_pairing(actor):
        raise NotAllowed(_("Only programme officers and network secretariats may save cohort pairings."))
    if method not in ("optimal", "stable"):
        raise ApplicationError(_("choose one of: optimal, stable"), field="method")
    if not 1 <= capacity <= 10:
        raise ApplicationError(_("must be from %(low)s to %(high)s") % {"low": 1, "high": 10}, field="capacity")
    if method == "stable" and capacity != 1:
        raise ApplicationError(_("The stable method pairs one to one: choose one partner each."), field="capacity")
    a = _group(actor, group_a, "group_a")
    b = _group(actor, group_b, "group_b")
    w = _weights(preset, weights)
    result = pair_cohort(current_index(), [p.pk for p in a], [p.pk for p in b], weights=w, capacity=capacity,
                         method=method)
    places = Place.objects.in_bulk([p.pk for p in a + b])

    def ref(pk):
        p = places[pk]
        return {"id": p.external_id or p.slug, "name": p.name_en, "name_ja": p.name_ja, "country": p.country,
                "slug": p.slug}

    run = MatchRun(
        kind=MatchRun.Kind.PAIRING, title=title[:200], preset="" if weights else preset, weights=w.as_dict(),
        created_by=actor if save else None,
        parameters={"group_a": [p.slug for p in a], "group_b": [p.slug for p in b], "capacity": capacity,
                    "method": method, "greedy_total": result.greedy_total,
                    "unmatched_a": [places[i].slug for i in result.unmatched_a],
                    "unmatched_b": [places[i].slug for i in result.unmatched_b]},
        results=[{"a": ref(p.a_id), "b": ref(p.b_id), "score": p.score, "score_100": score_points(p.score),
                  "band": score_band(p.score), "components": p.components,
                  "explanation": [e.text_en for e in p.explanation],
                  "explanation_ja": [e.text_ja for e in p.explanation]} for p in result.pairs],
        total=result.total,
    )
    if save:
        run.save()
    return run


def can_give_feedback(user, place: Place) -> bool:
    return permissions.can_edit_place(user, place)


@transaction.atomic
def feedback_record(*, actor, place: Place, candidate: Place, decision: str, reason: str = "",
                    run: MatchRun | None = None) -> MatchFeedback:
    if not can_give_feedback(actor, place):
        raise NotAllowed(_("Only the place's focal points and programme officers may answer for it."))
    if decision not in MatchFeedback.Decision.values:
        raise ApplicationError(_("choose one of: accepted, declined"), field="decision")
    if candidate.pk == place.pk:
        raise ApplicationError(_("A place cannot be its own partner."), field="candidate")
    if decision == MatchFeedback.Decision.DECLINED and not reason.strip():
        raise ApplicationError(_("Say why the suggestion does not fit."), field="reason")
    feedback, _created = MatchFeedback.objects.update_or_create(
        place=place, candidate=candidate,
        defaults={"decision": decision, "reason": reason.strip()[:2000], "run": run, "created_by": actor},
    )
    return feedback


def component_names() -> tuple[str, ...]:
    return COMPONENTS


def embeddings_rebuild_enqueue(*, actor) -> str:
    """Queue a full embedding rebuild (the worker started by `renkei serve` runs it)."""
    if not has_role(actor, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        raise NotAllowed(_("Only administrators and programme officers may rebuild the matching index."))
    from renkei.matching.tasks import rebuild_embeddings

    return str(rebuild_embeddings.enqueue().id)


# -- learning a programme's weights from its decisions (docs/algorithms/tuning.md) ------------------
#: a tuning queued or running for longer than this (its worker stopped) no longer holds back a new one
STALE_TUNING = timedelta(hours=1)


def can_tune(user, programme: Programme) -> bool:
    """Administrators and the programme's officers (any officer when the programme names none)."""
    from renkei.programmes.permissions import can_manage_programme

    return bool(getattr(user, "is_authenticated", False)) and can_manage_programme(user, programme)


def tuning_in_use(programme: Programme, preset: str) -> ProgrammeTuning | None:
    """The programme's tuned weights for ``preset`` that matching in its context uses, if any."""
    return ProgrammeTuning.objects.filter(programme=programme, preset=preset, in_use=True).first()


@transaction.atomic
def tuning_start(*, actor, programme: Programme, preset: str = DEFAULT_PRESET, background: bool = True
                 ) -> ProgrammeTuning:
    """Queue a tuning of ``preset``'s weights on the programme's decisions (run by the background
    worker after the commit; ``background=False`` leaves it for the caller to run with
    ``tuning_run``, as the command does)."""
    from django.utils import timezone

    from renkei.core.audit import audit_record
    from renkei.core.errors import Conflict
    from renkei.engine.types import PRESETS
    from renkei.programmes.models import Programme as ProgrammeModel

    if not can_tune(actor, programme):
        raise NotAllowed(_("Only administrators and this programme's officers may tune its weights."))
    if preset not in PRESETS:
        raise ApplicationError(_("choose one of: %(names)s") % {"names": ", ".join(PRESETS)}, field="preset")
    ProgrammeModel.objects.select_for_update().filter(pk=programme.pk).first()  # one start at a time
    busy = ProgrammeTuning.objects.filter(programme=programme, created_at__gte=timezone.now() - STALE_TUNING,
                                          status__in=[ProgrammeTuning.Status.QUEUED, ProgrammeTuning.Status.RUNNING])
    if busy.exists():
        raise Conflict("A tuning of this programme's weights is already queued or running.", field="programme")
    tuning = ProgrammeTuning.objects.create(programme=programme, preset=preset,
                                            preset_weights=PRESETS[preset].normalised(),
                                            created_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action="create", obj=tuning, changes={"preset": preset})
    if background:
        from renkei.matching.tasks import tune_programme_weights

        transaction.on_commit(lambda: tune_programme_weights.enqueue(tuning.pk))
    return tuning


RESULT_FIELDS = ("applied", "weights", "preset_weights", "metric", "comparison", "decisions", "positives",
                 "negatives", "train_pairs", "held_back_pairs", "train_before", "train_after", "held_back_before",
                 "held_back_after")


def tuning_run(tuning_id: int) -> ProgrammeTuning | None:
    """Run a queued tuning: read the programme's decisions, score them with the current index, tune
    and check on the held-back part; when applied, the new weights replace the ones in use for the
    preset. None when the tuning (or its programme) no longer exists."""
    import logging

    from django.utils import timezone

    from renkei.engine.tuning import labelled_pairs, tune
    from renkei.engine.types import PRESETS
    from renkei.matching.decisions import programme_decisions

    log = logging.getLogger(__name__)
    with transaction.atomic():
        tuning = ProgrammeTuning.objects.select_for_update().filter(pk=tuning_id).first()
        if tuning is None:
            log.info("tuning_run: tuning %s no longer exists; nothing to do", tuning_id)
            return None
        if tuning.status != ProgrammeTuning.Status.QUEUED:
            return tuning
        tuning.status = ProgrammeTuning.Status.RUNNING
        tuning.save(update_fields=["status", "updated_at"])
    try:
        decisions, sources = programme_decisions(tuning.programme)
        result = tune(labelled_pairs(current_index(), decisions), PRESETS[tuning.preset])
    except Exception as exc:  # noqa: BLE001 - recorded on the tuning for the officer to see
        log.exception("tuning %s failed", tuning_id)
        ProgrammeTuning.objects.filter(pk=tuning_id).update(
            status=ProgrammeTuning.Status.FAILED, reason=f"failed: {exc}"[:2000], finished_at=timezone.now(),
            updated_at=timezone.now())
        return ProgrammeTuning.objects.filter(pk=tuning_id).first()
    with transaction.atomic():
        tuning = ProgrammeTuning.objects.select_for_update().filter(pk=tuning_id).first()
        if tuning is None:
            log.info("tuning_run: tuning %s was deleted while it ran", tuning_id)
            return None
        values = result.as_dict()
        for name in RESULT_FIELDS:
            setattr(tuning, name, values[name])
        tuning.sources = sources
        tuning.reason = result.reason
        tuning.status = ProgrammeTuning.Status.DONE
        tuning.finished_at = timezone.now()
        fields = [*RESULT_FIELDS, "sources", "reason", "status", "finished_at", "updated_at"]
        if result.applied:
            list(ProgrammeTuning.objects.select_for_update().filter(programme_id=tuning.programme_id,
                                                                    preset=tuning.preset, in_use=True))
            ProgrammeTuning.objects.filter(programme_id=tuning.programme_id, preset=tuning.preset,
                                           in_use=True).update(in_use=False, updated_at=timezone.now())
            tuning.in_use = True
            fields.append("in_use")
        tuning.save(update_fields=fields)
    return tuning


@transaction.atomic
def tuning_reset(*, actor, programme: Programme, preset: str | None = None) -> int:
    """Return the programme to the preset's own weights (for one preset, or all): the tuned weights
    stay on record but are no longer used. Returns how many were in use."""
    from django.utils import timezone

    from renkei.core.audit import audit_record

    if not can_tune(actor, programme):
        raise NotAllowed(_("Only administrators and this programme's officers may change its weights."))
    rows = list(ProgrammeTuning.objects.select_for_update().filter(
        programme=programme, in_use=True, **({"preset": preset} if preset else {})))
    for tuning in rows:
        tuning.in_use = False
        tuning.updated_at = timezone.now()
        tuning.save(update_fields=["in_use", "updated_at"])
        audit_record(actor=actor, action="update", obj=tuning, changes={"in_use": [True, False]})
    return len(rows)
