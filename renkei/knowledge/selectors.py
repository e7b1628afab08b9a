"""Reads of the library; each decides what the viewer may see (the rules are in permissions.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db.models import Q, QuerySet

from renkei.accounts.permissions import has_any_role
from renkei.core.errors import NotFound
from renkei.knowledge import permissions
from renkei.knowledge.models import IndexJob, KnowledgeRequest, Product
from renkei.places.models import Place


def visible_products(viewer) -> QuerySet[Product]:
    qs = Product.objects.all()
    if permissions.is_curator(viewer):
        return qs
    allowed = [Product.Visibility.PUBLIC]
    if has_any_role(viewer):
        allowed.append(Product.Visibility.MEMBERS)
    rule = Q(status=Product.Status.PUBLISHED, visibility__in=allowed)
    if getattr(viewer, "is_authenticated", False) and getattr(viewer, "pk", None):
        rule |= Q(created_by=viewer) | Q(editors=viewer)
        return qs.filter(pk__in=Product.objects.filter(rule).values("pk"))
    return qs.filter(rule)


def product_get(*, viewer, slug: str) -> Product:
    product = (visible_products(viewer).filter(slug=slug)
               .select_related("partnership", "activity", "pilot", "created_by")
               .prefetch_related("themes", "places", "organisations", "files", "editors").first())
    if product is None:
        raise NotFound("No such product.", field="slug")
    return product


def products_of_place(*, viewer, place: Place, limit: int = 12) -> QuerySet[Product]:
    return visible_products(viewer).filter(places=place).order_by("-published_on", "-id")[:limit]


def index_jobs(limit: int = 5) -> list[IndexJob]:
    return list(IndexJob.objects.select_related("requested_by")[:limit])


def index_status() -> dict:
    """How much of the library the index holds. ``stale`` counts products embedded by another
    encoder than the configured one (after a change of RENKEI_EMBEDDER): search finds them only
    once the index is rebuilt."""
    from renkei.knowledge.models import SearchDocument
    from renkei.knowledge.search.indexing import encoder_name

    products = Product.objects.count()
    indexed = SearchDocument.objects.count()
    stale = SearchDocument.objects.exclude(model=encoder_name()).count()
    jobs = index_jobs()
    return {"products": products, "indexed": indexed, "missing": max(0, products - indexed), "stale": stale,
            "jobs": jobs,
            "running": any(j.status in (IndexJob.Status.QUEUED, IndexJob.Status.RUNNING) for j in jobs)}


# --- recommendations ----------------------------------------------------------------------------

@dataclass
class Recommendation:
    product: Product
    because: list[Place]
    score: float


def used_by_cities_like(*, viewer, place: Place, limit: int = 6) -> list[Recommendation]:
    """"Cities like yours used these": products tied to the place's peers and to the places whose
    expertise meets its needs (the matching engine ranks both), best match first; products on the
    themes the place needs come before others of the same match."""
    from renkei.core.errors import ApplicationError
    from renkei.matching.services import MatchRequest, match_find

    scores: dict[int, float] = {}
    for preset in ("peer", "expertise"):
        try:
            found = match_find(viewer=viewer, place=place, save=False,
                               request=MatchRequest(preset=preset, top=15, levels=("city", "region"),
                                                    exclude_partners=False))
        except ApplicationError:
            continue
        for match in found.results:
            scores[match.place.pk] = max(scores.get(match.place.pk, 0.0), float(match.score))
    if not scores:
        return []
    needed = set(place.needs.values_list("theme_id", flat=True))
    products = (visible_products(viewer).filter(places__in=list(scores)).exclude(places=place).distinct()
                .prefetch_related("places", "themes"))
    out = []
    for product in products:
        because = sorted((p for p in product.places.all() if p.pk in scores), key=lambda p: -scores[p.pk])
        if not because:
            continue
        on_need = bool(needed & {t.pk for t in product.themes.all()})
        out.append(Recommendation(product, because, round(scores[because[0].pk] + (0.25 if on_need else 0.0), 4)))
    out.sort(key=lambda r: (-r.score, -r.product.pk))
    return out[:limit]


# --- requests -----------------------------------------------------------------------------------

def request_list(*, viewer, status: str = "", place: str = "") -> QuerySet[KnowledgeRequest]:
    """Requests of published places (and of the places the viewer acts for)."""
    from renkei.places.selectors import visible_places

    qs = KnowledgeRequest.objects.filter(place__in=visible_places(viewer)).select_related("place").prefetch_related(
        "themes", "answers")
    if status:
        qs = qs.filter(status=status)
    if place:
        qs = qs.filter(place__slug=place)
    return qs


def request_get(*, viewer, pk: int) -> KnowledgeRequest:
    request = request_list(viewer=viewer).filter(pk=pk).prefetch_related("answers__place", "answers__products").first()
    if request is None:
        raise NotFound("No such request.", field="id")
    return request


@dataclass
class PlaceSuggestion:
    place: Place
    score: float
    reasons: list[str]


def places_for_request(*, viewer, request: KnowledgeRequest, limit: int = 5) -> list[PlaceSuggestion]:
    """Places whose expertise covers the request's themes, through the matching engine's index:
    how well a place's expertise (maturity, and theme similarity across the taxonomy) covers each
    theme, averaged over the request's themes."""
    from django.utils.translation import get_language

    from renkei.matching.fetch import current_index
    from renkei.places.selectors import visible_places

    theme_ids = list(request.themes.values_list("pk", flat=True))
    if not theme_ids:
        return []
    index = current_index()
    visible = set(visible_places(viewer).values_list("pk", flat=True))
    covering = index.covering(theme_ids, top=limit, allowed=visible, exclude=[request.place_id])
    places = Place.objects.in_bulk([c.place_id for c in covering])
    language = "ja" if (get_language() or "en").startswith("ja") else "en"
    return [PlaceSuggestion(places[c.place_id], round(c.score, 3),
                            [index.theme_name(s.theme_id, language) + f" ({s.weight}/5)" for s in c.statements])
            for c in covering if c.place_id in places]


@dataclass
class RelatedProduct:
    product: Product
    similarity: float
    on_theme: bool


def products_for_request(*, viewer, request: KnowledgeRequest, limit: int = 5) -> list[RelatedProduct]:
    """Products on the request's themes, then others close in meaning to what it asks, each
    group ordered by the cosine between the request's text and the product."""
    from renkei.knowledge.search import service

    text = " ".join(v for v in [*request.title.values(), *request.description.values()] if v)[:2000]
    cat = service.current_catalogue()
    if not cat.size or not text.strip():
        return []
    mask = service.visible_mask(cat, viewer)
    cosines = cat.vectors @ service.query_vector(text)
    theme_ids = list(request.themes.values_list("pk", flat=True))
    on_theme = cat.themes.rows_with(theme_ids, cat.size) if theme_ids else np.zeros(cat.size, dtype=bool)
    eligible = mask & (on_theme | (cosines >= service.SEMANTIC_INCLUDE))
    rows = sorted(np.flatnonzero(eligible).tolist(), key=lambda r: (not on_theme[r], -cosines[r]))[:limit]
    products = Product.objects.in_bulk([int(cat.ids[r]) for r in rows])
    return [RelatedProduct(products[int(cat.ids[r])], round(float(cosines[r]), 3), bool(on_theme[r]))
            for r in rows if int(cat.ids[r]) in products]
