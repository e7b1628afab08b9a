"""POST /api/v1/match, POST /api/v1/match/pairing, feedback and stored runs."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from renkei.accounts.api_auth import AUTH, OPTIONAL_AUTH
from renkei.core.errors import NotFound
from renkei.core.schemas import ERRORS, Page, PageQuery, page_of
from renkei.engine.types import DEFAULT_PRESET
from renkei.matching import selectors, services
from renkei.places.models import Place
from renkei.places.selectors import place_get_by_ref

router = Router(tags=["matching"])

#: the presets of renkei.engine.types.PRESETS
PresetName = Literal["either", "expertise", "peer", "mutual", "offer"]


class ErrorOut(Schema):
    error: dict


class MatchIn(Schema):
    place: str = Field(..., description="URL name, external id or name of the place looking for partners")
    preset: PresetName = Field(
        DEFAULT_PRESET, description="either: they can help us or we can help them; expertise: who can help us; "
                                    "peer: places like us; mutual: both learn; offer: who needs what we offer")
    weights: dict[str, float] | None = Field(None, description="custom weights per component; overrides the preset")
    countries: list[str] = []
    exclude_countries: list[str] = []
    levels: list[Literal["city", "region", "country"]] = ["city"]
    min_population: int | None = Field(None, ge=0)
    max_population: int | None = Field(None, ge=0)
    exclude_partners: bool = True
    top: int = Field(10, ge=1, le=200)
    programme: str | None = Field(None, max_length=120,
                                  description="URL name of a programme: its tuned weights for the preset are used "
                                              "when it has some in use")
    use_tuned: bool = Field(True, description="false: the preset's own weights even in a programme's context")


class PlaceRef(Schema):
    id: str
    name: str
    name_ja: str = ""
    country: str
    slug: str


class ResultOut(Schema):
    place: PlaceRef
    score: float = Field(description="the score in [0, 1] (the weighted mean of the components)")
    score_100: int = Field(description="the same score on the 0–100 scale every page shows")
    band: Literal["strong", "good", "partial", "weak"] = Field(
        description="strong: 60–100, good: 45–59, partial: 30–44, weak: 0–29 (see docs/algorithms/matching.md §6)")
    components: dict[str, float]
    explanation: list[str]
    explanation_ja: list[str]


class TuningBriefOut(Schema):
    id: int
    programme: str
    preset: str
    decisions: int
    held_back_before: float | None = Field(description="held-back pairwise AUC with the preset's weights")
    held_back_after: float | None = Field(description="held-back pairwise AUC with the tuned weights")
    finished_at: datetime | None


class MatchOut(Schema):
    run: int | None
    place: PlaceRef
    preset: str
    weights: dict[str, float]
    tuning: TuningBriefOut | None = Field(None, description="the programme's tuned weights used, when any")
    results: list[ResultOut]


class PairingIn(Schema):
    group_a: list[str] = Field(..., min_length=1, description="URL names or external ids")
    group_b: list[str] = Field(..., min_length=1)
    preset: PresetName = Field(
        DEFAULT_PRESET, description="either: they can help us or we can help them; expertise: who can help us; "
                                    "peer: places like us; mutual: both learn; offer: who needs what we offer")
    weights: dict[str, float] | None = None
    capacity: int = Field(1, ge=1, le=10)
    method: Literal["optimal", "stable"] = "optimal"
    title: str = ""
    save: bool = True


class PairOut(Schema):
    a: PlaceRef
    b: PlaceRef
    score: float = Field(description="the score in [0, 1] (the weighted mean of the components)")
    score_100: int = Field(description="the same score on the 0–100 scale every page shows")
    band: Literal["strong", "good", "partial", "weak"] = Field(
        description="strong: 60–100, good: 45–59, partial: 30–44, weak: 0–29 (see docs/algorithms/matching.md §6)")
    components: dict[str, float]
    explanation: list[str]
    explanation_ja: list[str]


class PairingOut(Schema):
    run: int | None
    method: str
    capacity: int
    total: float
    greedy_total: float
    pairs: list[PairOut]
    unmatched_a: list[str]
    unmatched_b: list[str]


class FeedbackIn(Schema):
    place: str
    candidate: str
    decision: Literal["accepted", "declined"]
    reason: str = ""
    run: int | None = None


class FeedbackOut(Schema):
    place: str
    candidate: str
    decision: str
    reason: str


class RunOut(Schema):
    id: int
    kind: str
    title: str
    place: str | None
    preset: str
    created_at: str
    total: float | None
    results: list[dict]


def _ref(place: Place) -> dict:
    return {"id": place.external_id or place.slug, "name": place.name_en, "name_ja": place.name_ja,
            "country": place.country, "slug": place.slug}


@router.post("/match", response={200: MatchOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=OPTIONAL_AUTH, summary="Rank partners for a place", operation_id="match_find")
def match(request, payload: MatchIn):
    place = place_get_by_ref(viewer=request.user, ref=payload.place)
    programme = _programme(request, payload.programme) if payload.programme else None
    found = services.match_find(viewer=request.user, place=place, request=services.MatchRequest(
        preset=payload.preset, weights=payload.weights, countries=tuple(payload.countries),
        exclude_countries=tuple(payload.exclude_countries), levels=tuple(payload.levels),
        min_population=payload.min_population, max_population=payload.max_population,
        exclude_partners=payload.exclude_partners, top=payload.top, programme=programme,
        use_tuned=payload.use_tuned))
    return {"run": found.run.pk, "place": _ref(place), "preset": found.run.preset or "custom",
            "weights": found.weights.as_dict(), "tuning": _brief(found.tuning) if found.tuning else None,
            "results": [m.as_json() for m in found.results]}


def _programme(request, slug: str):
    from renkei.programmes.selectors import programme_for

    try:
        return programme_for(request.user, slug)
    except NotFound as exc:
        raise NotFound(_("No such programme."), field="programme") from exc


def _brief(t) -> dict:
    return {"id": t.pk, "programme": t.programme.slug, "preset": t.preset, "decisions": t.decisions,
            "held_back_before": t.held_back_before, "held_back_after": t.held_back_after,
            "finished_at": t.finished_at}


@router.post("/match/pairing", response={200: PairingOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
             auth=AUTH, summary="Pair two cohorts of places", operation_id="match_pairing")
def pairing(request, payload: PairingIn):
    run = services.pairing_create(actor=request.user, group_a=payload.group_a, group_b=payload.group_b,
                                  preset=payload.preset, weights=payload.weights, capacity=payload.capacity,
                                  method=payload.method, title=payload.title, save=payload.save)
    return {"run": run.pk, "method": payload.method, "capacity": payload.capacity, "total": run.total,
            "greedy_total": run.parameters["greedy_total"], "pairs": run.results,
            "unmatched_a": run.parameters["unmatched_a"], "unmatched_b": run.parameters["unmatched_b"]}


@router.post("/match/feedback", response={200: FeedbackOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                          422: ErrorOut},
             auth=AUTH, summary="Accept or decline a suggested partner", operation_id="match_feedback")
def feedback(request, payload: FeedbackIn):
    place = place_get_by_ref(viewer=request.user, ref=payload.place)
    candidate = place_get_by_ref(viewer=request.user, ref=payload.candidate)
    run = None
    if payload.run is not None:
        run = selectors.match_run_list(viewer=request.user).filter(pk=payload.run).first()
        if run is None:
            raise NotFound(_("No such match run."), field="run")
    fb = services.feedback_record(actor=request.user, place=place, candidate=candidate, decision=payload.decision,
                                  reason=payload.reason, run=run)
    return {"place": place.slug, "candidate": candidate.slug, "decision": fb.decision, "reason": fb.reason}


@router.get("/match/runs", response={200: list[RunOut], 401: ErrorOut}, auth=AUTH, summary="Stored match runs",
            operation_id="match_runs")
def runs(request, limit: int = 50):
    return [{"id": r.pk, "kind": r.kind, "title": r.title, "place": r.place.slug if r.place else None,
             "preset": r.preset, "created_at": r.created_at.isoformat(), "total": r.total, "results": r.results}
            for r in selectors.match_run_list(viewer=request.user)[: max(1, min(limit, 200))]]


# -- a programme's weights tuned on its decisions ------------------------------------------------
class TuningIn(Schema):
    preset: PresetName = Field(
        DEFAULT_PRESET, description="the preset whose weights are tuned for the programme")


class TuningResetIn(Schema):
    preset: PresetName | None = Field(
        None, description="the preset to return to; every preset of the programme when left out")


class TuningResetOut(Schema):
    returned: int = Field(description="how many tuned weights were in use and are no longer")


class TuningOut(Schema):
    id: int
    programme: str
    preset: str
    status: Literal["queued", "running", "done", "failed"]
    applied: bool = Field(description="the tuned weights ranked the held-back decisions at least as well as the "
                                      "preset's")
    in_use: bool = Field(description="matching in the programme's context uses these weights now")
    reason: str = Field(description="the outcome in words (too few decisions, not applied and why, applied)")
    metric: str
    comparison: str = Field(description="within query: a yes is compared with the no's of the same place")
    weights: dict[str, float] = Field(description="tuned weights (summing to 1)")
    preset_weights: dict[str, float]
    decisions: int
    positives: int
    negatives: int
    sources: dict[str, int] = Field(description="decisions by source: partnerships, selections, feedback")
    train_pairs: int
    held_back_pairs: int
    train_before: float | None
    train_after: float | None
    held_back_before: float | None
    held_back_after: float | None
    created_by: str | None
    created_at: datetime
    finished_at: datetime | None
    updated_at: datetime


class TuningPage(Page[TuningOut]):
    pass


def _tuning(t) -> dict:
    return {"id": t.pk, "programme": t.programme.slug, "preset": t.preset, "status": t.status, "applied": t.applied,
            "in_use": t.in_use, "reason": t.reason, "metric": t.metric, "comparison": t.comparison,
            "weights": t.weights, "preset_weights": t.preset_weights, "decisions": t.decisions,
            "positives": t.positives, "negatives": t.negatives, "sources": t.sources, "train_pairs": t.train_pairs,
            "held_back_pairs": t.held_back_pairs, "train_before": t.train_before, "train_after": t.train_after,
            "held_back_before": t.held_back_before, "held_back_after": t.held_back_after,
            "created_by": t.created_by.username if t.created_by else None, "created_at": t.created_at,
            "finished_at": t.finished_at, "updated_at": t.updated_at}


@router.post("/match/programmes/{slug}/tunings", response={202: TuningOut, **ERRORS}, auth=AUTH,
             summary="Tune a programme's weights on its decisions (in the background)",
             operation_id="match_tuning_start")
def tuning_start(request, slug: str, payload: TuningIn):
    from renkei.programmes.selectors import programme_for

    tuning = services.tuning_start(actor=request.user, programme=programme_for(request.user, slug),
                                   preset=payload.preset)
    return Status(202, _tuning(selectors.tuning_get(viewer=request.user, pk=tuning.pk)))


@router.get("/match/programmes/{slug}/tunings", response={200: TuningPage, **ERRORS}, auth=AUTH,
            summary="A programme's weight tunings, newest first", operation_id="match_tuning_list")
def tuning_list(request, slug: str, query: Query[PageQuery]):
    from renkei.programmes.selectors import programme_for

    rows = selectors.tuning_list(viewer=request.user, programme=programme_for(request.user, slug))
    return page_of(rows, query, results=lambda items: [_tuning(t) for t in items])


@router.get("/match/tunings/{pk}", response={200: TuningOut, **ERRORS}, auth=AUTH,
            summary="One weight tuning: its status and figures", operation_id="match_tuning_get")
def tuning_get(request, pk: int):
    return _tuning(selectors.tuning_get(viewer=request.user, pk=pk))


@router.post("/match/programmes/{slug}/tunings/reset", response={200: TuningResetOut, **ERRORS}, auth=AUTH,
             summary="Return a programme to the preset's own weights", operation_id="match_tuning_reset")
def tuning_reset(request, slug: str, payload: TuningResetIn):
    from renkei.programmes.selectors import programme_for

    return {"returned": services.tuning_reset(actor=request.user, programme=programme_for(request.user, slug),
                                              preset=payload.preset)}
