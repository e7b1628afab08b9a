"""POST /api/v1/match, POST /api/v1/match/pairing, feedback and stored runs."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Router, Schema

from renkei.accounts.api_auth import AUTH, OPTIONAL_AUTH
from renkei.core.errors import NotFound
from renkei.matching import selectors, services
from renkei.places.models import Place
from renkei.places.selectors import place_get_by_ref

router = Router(tags=["matching"])


class ErrorOut(Schema):
    error: dict


class MatchIn(Schema):
    place: str = Field(..., description="URL name, external id or name of the place looking for partners")
    preset: Literal["expertise", "peer", "mutual", "offer"] = Field(
        "mutual", description="expertise: who can help us; peer: places like us; mutual: both learn; "
                              "offer: who needs what we offer")
    weights: dict[str, float] | None = Field(None, description="custom weights per component; overrides the preset")
    countries: list[str] = []
    exclude_countries: list[str] = []
    levels: list[Literal["city", "region", "country"]] = ["city"]
    min_population: int | None = Field(None, ge=0)
    max_population: int | None = Field(None, ge=0)
    exclude_partners: bool = True
    top: int = Field(10, ge=1, le=200)


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


class MatchOut(Schema):
    run: int | None
    place: PlaceRef
    preset: str
    weights: dict[str, float]
    results: list[ResultOut]


class PairingIn(Schema):
    group_a: list[str] = Field(..., min_length=1, description="URL names or external ids")
    group_b: list[str] = Field(..., min_length=1)
    preset: Literal["expertise", "peer", "mutual", "offer"] = Field(
        "mutual", description="expertise: who can help us; peer: places like us; mutual: both learn; "
                              "offer: who needs what we offer")
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
    found = services.match_find(viewer=request.user, place=place, request=services.MatchRequest(
        preset=payload.preset, weights=payload.weights, countries=tuple(payload.countries),
        exclude_countries=tuple(payload.exclude_countries), levels=tuple(payload.levels),
        min_population=payload.min_population, max_population=payload.max_population,
        exclude_partners=payload.exclude_partners, top=payload.top))
    return {"run": found.run.pk, "place": _ref(place), "preset": found.run.preset or "custom",
            "weights": found.weights.as_dict(), "results": [m.as_json() for m in found.results]}


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
            raise NotFound("No such match run.", field="run")
    fb = services.feedback_record(actor=request.user, place=place, candidate=candidate, decision=payload.decision,
                                  reason=payload.reason, run=run)
    return {"place": place.slug, "candidate": candidate.slug, "decision": fb.decision, "reason": fb.reason}


@router.get("/match/runs", response={200: list[RunOut], 401: ErrorOut}, auth=AUTH, summary="Stored match runs",
            operation_id="match_runs")
def runs(request, limit: int = 50):
    return [{"id": r.pk, "kind": r.kind, "title": r.title, "place": r.place.slug if r.place else None,
             "preset": r.preset, "created_at": r.created_at.isoformat(), "total": r.total, "results": r.results}
            for r in selectors.match_run_list(viewer=request.user)[: max(1, min(limit, 200))]]
