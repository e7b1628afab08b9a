"""Reads of the library; each decides what the viewer may see (the rules are in permissions.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from renkei.accounts.permissions import has_any_role
from renkei.core.errors import ErrorCollector, NotAllowed, NotFound
from renkei.knowledge import permissions
from renkei.knowledge.models import IndexJob, KnowledgeRequest, Product, RequestAnswer
from renkei.places.models import Place, Theme

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User
    from renkei.knowledge.search.service import SearchFilters

    Viewer = User | AnonymousUser


def _invalid(field: str, message: str) -> ErrorCollector:
    errors = ErrorCollector()
    errors.add(field, message)
    return errors


def visible_products(viewer: Viewer) -> QuerySet[Product]:
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


def product_get(*, viewer: Viewer, slug: str) -> Product:
    product = (visible_products(viewer).filter(slug=slug)
               .select_related("partnership", "activity", "pilot", "created_by")
               .prefetch_related("themes", "places", "organisations", "files", "editors").first())
    if product is None:
        raise NotFound(_("No such product."), field="slug")
    return product


def product_list(*, viewer: Viewer, kind: str = "", status: str = "") -> QuerySet[Product]:
    """The products the viewer may see, of one type or status, with what the API shows of them."""
    qs = visible_products(viewer).prefetch_related("themes", "places", "organisations", "files")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("partnership", "activity").order_by("-published_on", "-id")


def search_filters(*, kind: str = "", theme: str = "", place: str = "", country: str = "", language: str = "",
                   year: int | None = None) -> SearchFilters:
    """Search filters from request parameters; a theme, place, country or language we do not know
    is named (ApplicationError on its field)."""
    from renkei.knowledge.inputs import LANGUAGE_CODES
    from renkei.knowledge.search.service import SearchFilters
    from renkei.places.validation import country_code

    code = ""
    if country:
        code = country_code(country) or ""
        if not code:
            _invalid("country", _("%(value)s is not an ISO 3166-1 country") % {"value": country}).raise_if_any()
    if theme and not Theme.objects.filter(code=theme).exists():
        _invalid("theme", _("no theme %(value)s") % {"value": theme}).raise_if_any()
    if place and not Place.objects.filter(slug=place).exists():
        _invalid("place", _("no place %(value)s") % {"value": place}).raise_if_any()
    if language and language not in LANGUAGE_CODES:
        _invalid("language", _("%(value)s is not a language code we know") % {"value": language}).raise_if_any()
    return SearchFilters(kind=kind, theme=theme, place=place, country=code, language=language, year=year)


def place_named(*, viewer: Viewer, slug: str, field: str = "place") -> Place:
    """A place the viewer may see, named in a request's body (an unknown one is a bad value there,
    not a missing page)."""
    from renkei.places.selectors import visible_places

    place = visible_places(viewer).filter(slug=slug).first()
    if place is None:
        _invalid(field, _("no place %(value)s") % {"value": slug}).raise_if_any()
    return place


def index_job_get(*, viewer: Viewer, pk: int) -> IndexJob:
    if not permissions.can_rebuild_index(viewer):
        raise NotAllowed(_("Only knowledge managers and administrators follow index rebuilds."))
    job = IndexJob.objects.filter(pk=pk).first()
    if job is None:
        raise NotFound(_("No such rebuild."), field="id")
    return job


def products_of_place(*, viewer: Viewer, place: Place, limit: int = 12) -> QuerySet[Product]:
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


def used_by_cities_like(*, viewer: Viewer, place: Place, limit: int = 6) -> list[Recommendation]:
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

def request_list(*, viewer: Viewer, status: str = "", place: str = "") -> QuerySet[KnowledgeRequest]:
    """Requests of published places (and of the places the viewer acts for)."""
    from renkei.places.selectors import visible_places

    qs = KnowledgeRequest.objects.filter(place__in=visible_places(viewer)).select_related("place").prefetch_related(
        "themes", "answers")
    if status:
        qs = qs.filter(status=status)
    if place:
        qs = qs.filter(place__slug=place)
    return qs


def request_get(*, viewer: Viewer, pk: int) -> KnowledgeRequest:
    request = request_list(viewer=viewer).filter(pk=pk).prefetch_related("answers__place", "answers__products").first()
    if request is None:
        raise NotFound(_("No such request."), field="id")
    return request


def answer_of(*, request: KnowledgeRequest, pk: int) -> RequestAnswer:
    """One answer of a request the viewer could read (``request_get``); another's is a bad value."""
    answer = request.answers.filter(pk=pk).first()
    if answer is None:
        _invalid("answer", _("not an answer of this request")).raise_if_any()
    return answer


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


def products_for_request(*, viewer: Viewer, request: KnowledgeRequest, limit: int = 5) -> list[RelatedProduct]:
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


# --- start page ("my work") -------------------------------------------------------------------

def manager_work(viewer: Viewer) -> dict:
    """For knowledge managers: drafts waiting to be published, the index's health, and open requests
    nobody has answered yet."""
    from renkei.knowledge.models import SearchDocument
    from renkei.knowledge.search.indexing import encoder_name

    drafts = visible_products(viewer).filter(status=Product.Status.DRAFT)
    products = Product.objects.count()
    indexed = SearchDocument.objects.count()
    stale = SearchDocument.objects.exclude(model=encoder_name()).count()
    unanswered = request_list(viewer=viewer, status=KnowledgeRequest.Status.OPEN).filter(answers__isnull=True)
    first_draft = drafts.order_by("-updated_at").values_list("slug", flat=True).first()
    return {"drafts": drafts.count(), "first_draft": first_draft,
            "index_missing": max(0, products - indexed), "index_stale": stale,
            "unanswered": unanswered.count()}


def matching_requests(viewer: Viewer, place_ids) -> dict:
    """Open requests of other places on a theme the viewer's places offer expertise in."""
    from renkei.places.models import Expertise

    themes = Expertise.objects.filter(place_id__in=place_ids, theme__isnull=False).values("theme_id")
    qs = (request_list(viewer=viewer, status=KnowledgeRequest.Status.OPEN).filter(themes__in=themes)
          .exclude(place_id__in=place_ids).distinct())
    return {"count": qs.count(), "first": qs.order_by("-created_at").values_list("pk", flat=True).first()}
