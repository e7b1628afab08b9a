"""The knowledge library in the JSON API: products, files, search, similar products, knowledge
requests with suggestions and answers, and the index rebuild."""

from __future__ import annotations

from typing import Literal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from renkei.accounts.api_auth import AUTH, OPTIONAL_AUTH
from renkei.core.concurrency import precondition
from renkei.core.errors import NotFound
from renkei.core.schemas import DELETED, ERRORS, ErrorOut, PageQuery, page_of
from renkei.core.uploads import Upload
from renkei.knowledge import selectors, services
from renkei.knowledge.models import KnowledgeRequest, Product
from renkei.knowledge.schemas import (
    AnswerIn,
    AnswerOut,
    IndexJobOut,
    ProductIn,
    ProductOut,
    ProductPage,
    ProductPatch,
    RequestDetailOut,
    RequestIn,
    RequestOut,
    RequestPage,
    RequestPatch,
    SearchOut,
    SimilarOut,
    StatusIn,
    ThemeSuggestionIn,
    ThemeSuggestionOut,
    ToActivityIn,
    ToPartnershipIn,
)
from renkei.knowledge.search import service as search_service

router = Router(tags=["knowledge"])
READ = {404: ErrorOut, 422: ErrorOut}
WRITE = {code: schema for code, schema in ERRORS.items() if code != 400}

KindFilter = Literal[("", *Product.Kind.values)]
StatusFilter = Literal[("", *Product.Status.values)]


def _product(p: Product) -> dict:
    return {
        "id": p.pk, "slug": p.slug, "kind": p.kind, "updated_at": p.updated_at, "title": p.title,
        "summary": p.summary, "body": p.body,
        "languages": p.language_list, "video_url": p.video_url, "themes": [t.code for t in p.themes.all()],
        "suggested_themes": p.suggested_themes, "places": [x.slug for x in p.places.all()],
        "organisations": [o.slug for o in p.organisations.all()],
        "partnership": p.partnership.slug if p.partnership else None,
        "activity": p.activity.slug if p.activity else None, "pilot": p.pilot_id,
        "published_on": p.published_on, "authors": p.authors, "licence": p.licence,
        "suits_min_population": p.suits_min_population, "suits_max_population": p.suits_max_population,
        "preconditions": p.preconditions, "cost_min_eur": p.cost_min_eur, "cost_max_eur": p.cost_max_eur,
        "status": p.status, "visibility": p.visibility, "version": p.version,
        "files": [{"id": f.pk, "name": f.name, "kind": f.kind, "size": f.size, "pages": f.pages,
                   "text_status": f.text_status, "url": reverse("knowledge:file", args=[p.slug, f.pk])}
                  for f in p.files.all()],
        "url": reverse("knowledge:product", args=[p.slug]),
    }


def _hit(hit) -> dict:
    p = hit.product
    return {"slug": p.slug, "kind": p.kind, "title": p.title, "languages": p.language_list,
            "published_on": p.published_on, "score": hit.score, "fulltext": hit.fulltext, "semantic": hit.semantic,
            "title_html": hit.title_html, "snippet_html": hit.snippet_html,
            "url": reverse("knowledge:product", args=[p.slug])}


class SearchQuery(Schema):
    q: str = Field("", max_length=500)
    kind: KindFilter = ""
    theme: str = ""
    place: str = ""
    country: str = ""
    language: str = ""
    year: int | None = Field(None, ge=1900, le=2100)
    sort: Literal[search_service.SORTS] = "relevance"
    mode: Literal[search_service.MODES] = "hybrid"
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(20, ge=1, le=100)


class ProductQuery(PageQuery):
    kind: KindFilter = ""
    status: StatusFilter = ""


class SimilarQuery(Schema):
    limit: int = Field(5, ge=1, le=20)


class RequestQuery(PageQuery):
    status: Literal[("", *KnowledgeRequest.Status.values)] = ""
    place: str = Field("", description="URL name of the asking place")


@router.get("/knowledge/search", response={200: SearchOut, 422: ErrorOut}, auth=OPTIONAL_AUTH,
            operation_id="knowledge_search", summary="Search the library",
            description="Hybrid search: full-text relevance (SQLite FTS5 or PostgreSQL full text) plus the "
            "multilingual embedding, so an English query finds Japanese products and the reverse. Without q, the "
            "whole library (newest first). Facets count the results by type, theme, place, country, language and "
            "year. mode=fulltext or mode=semantic use one half only.")
def knowledge_search(request, params: Query[SearchQuery]):
    filters = selectors.search_filters(kind=params.kind, theme=params.theme, place=params.place,
                                       country=params.country, language=params.language, year=params.year)
    result = search_service.search(viewer=request.user, query=params.q, filters=filters,
                                   sort=params.sort, mode=params.mode, page=params.page, page_size=params.page_size)
    return {"query": result.query, "mode": result.mode, "sort": result.sort, "total": result.total,
            "page": result.page, "pages": result.pages, "results": [_hit(h) for h in result.hits],
            "facets": {k: [v.__dict__ for v in values] for k, values in result.facets.items()},
            "corrections": result.corrections, "themes": [t.code for t in result.themes],
            "places": [p.slug for p in result.places],
            "timings_ms": {k: round(v, 2) for k, v in result.timings_ms.items()}}


@router.get("/knowledge/products", response={200: ProductPage, 422: ErrorOut}, auth=OPTIONAL_AUTH,
            operation_id="knowledge_list", summary="Products the reader may see",
            description="Published products (members-only ones for signed-in users with a role), plus the "
            "reader's own drafts; knowledge managers see everything. One page at a time, newest first. For "
            "searching use /knowledge/search.")
def product_list(request, params: Query[ProductQuery]):
    qs = selectors.product_list(viewer=request.user, kind=params.kind, status=params.status)
    return page_of(qs, params, results=lambda items: [_product(p) for p in items])


@router.post("/knowledge/products", response={201: ProductOut, **WRITE}, auth=AUTH, operation_id="knowledge_create",
             summary="Add a product (a draft unless a knowledge manager publishes it)")
def product_create(request, payload: ProductIn):
    product = services.product_create(actor=request.user, data=payload)
    return Status(201, _product(selectors.product_get(viewer=request.user, slug=product.slug)))


@router.get("/knowledge/products/{slug}", response={200: ProductOut, **READ}, auth=OPTIONAL_AUTH,
            operation_id="knowledge_get", summary="One product")
def product_get(request, slug: str):
    return _product(selectors.product_get(viewer=request.user, slug=slug))


@router.patch("/knowledge/products/{slug}", response={200: ProductOut, **WRITE}, auth=AUTH,
              operation_id="knowledge_update", summary="Change a product (authors and knowledge managers)")
def product_update(request, slug: str, payload: ProductPatch):
    product = selectors.product_get(viewer=request.user, slug=slug)
    services.product_update(actor=request.user, product=product, data=payload.changes(),
                            expected_version=payload.version)
    return _product(selectors.product_get(viewer=request.user, slug=slug))


@router.post("/knowledge/products/{slug}/status", response={200: ProductOut, **WRITE}, auth=AUTH,
             operation_id="knowledge_status", summary="Publish or take back to draft (knowledge managers)")
def product_status(request, slug: str, payload: StatusIn):
    product = selectors.product_get(viewer=request.user, slug=slug)
    services.product_set_status(actor=request.user, product=product, status=payload.status)
    return _product(selectors.product_get(viewer=request.user, slug=slug))


@router.delete("/knowledge/products/{slug}", response={204: None, **WRITE}, auth=AUTH,
               operation_id="knowledge_delete", summary="Delete a product (its authors while a draft; curators)")
def product_delete(request, slug: str):
    services.product_delete(actor=request.user, product=selectors.product_get(viewer=request.user, slug=slug))
    return Status(204, None)


@router.post("/knowledge/products/{slug}/files", response={201: ProductOut, **WRITE}, auth=AUTH,
             operation_id="knowledge_files_add", summary="Attach files (multipart, field 'files')",
             description="PDF, Office documents (Word, Excel, PowerPoint, OpenDocument) and images (PNG, JPEG, GIF, "
             "WebP), each at most 50 MB; type checked by extension and content; text is extracted from PDFs. One bad "
             "file refuses the whole upload.")
def files_add(request, slug: str, files: File[list[UploadedFile]]):
    product = selectors.product_get(viewer=request.user, slug=slug)
    uploads = [Upload.read(f, services.MAX_LIBRARY_FILE_BYTES) for f in files]
    services.files_add(actor=request.user, product=product, files=uploads)
    return Status(201, _product(selectors.product_get(viewer=request.user, slug=slug)))


@router.delete("/knowledge/products/{slug}/files/{pk}", response=DELETED, auth=AUTH,
               operation_id="knowledge_files_remove", summary="Remove one file of a product")
def file_remove(request, slug: str, pk: int):
    product = selectors.product_get(viewer=request.user, slug=slug)
    item = product.files.filter(pk=pk).first()
    if item is None:
        raise NotFound(_("No such file."), field="pk")
    services.file_remove(actor=request.user, item=item)
    return Status(204, None)


@router.get("/knowledge/products/{slug}/similar", response={200: list[SimilarOut], **READ}, auth=OPTIONAL_AUTH,
            operation_id="knowledge_similar", summary="Products like this one")
def product_similar(request, slug: str, params: Query[SimilarQuery]):
    product = selectors.product_get(viewer=request.user, slug=slug)
    return [{"slug": p.slug, "title": p.title, "kind": p.kind, "similarity": s}
            for p, s in search_service.similar_products(viewer=request.user, product=product, limit=params.limit)]


@router.post("/knowledge/themes/suggest", response={200: list[ThemeSuggestionOut], 422: ErrorOut},
             auth=OPTIONAL_AUTH, operation_id="knowledge_suggest_themes",
             summary="Themes of the taxonomy a text is about (English or Japanese)")
def suggest_themes(request, payload: ThemeSuggestionIn):
    return [{"code": t.code, "name_en": t.name_en, "name_ja": t.name_ja, "confidence": round(c, 3)}
            for t, c in services.suggest_themes(payload.text)]


@router.get("/places/{slug}/knowledge", response={200: list[SimilarOut], **READ}, auth=OPTIONAL_AUTH,
            operation_id="knowledge_for_place", summary="Cities like this one used these products",
            description="Products tied to the place's peers and to the places whose expertise meets its needs.")
def for_place(request, slug: str):
    from renkei.places.selectors import place_get

    place = place_get(viewer=request.user, slug=slug)
    return [{"slug": r.product.slug, "title": r.product.title, "kind": r.product.kind, "similarity": r.score}
            for r in selectors.used_by_cities_like(viewer=request.user, place=place)]


# --- requests -----------------------------------------------------------------------------------

def _request(r: KnowledgeRequest) -> dict:
    return {"id": r.pk, "place": r.place.slug, "title": r.title, "description": r.description,
            "themes": [t.code for t in r.themes.all()], "status": r.status, "created_at": r.created_at,
            "answers": [_answer(a) for a in r.answers.all()],
            "activity": r.activity.slug if r.activity_id else None,
            "partnership": r.partnership.slug if r.partnership_id else None,
            "updated_at": r.updated_at, "version": r.version}


def _answer(a) -> dict:
    return {"id": a.pk, "place": a.place.slug, "text": a.text, "products": [p.slug for p in a.products.all()],
            "created_at": a.created_at, "updated_at": a.updated_at}


@router.get("/knowledge/requests", response={200: RequestPage, 422: ErrorOut}, auth=OPTIONAL_AUTH,
            operation_id="requests_list", summary="Knowledge requests (one page at a time, newest first)",
            tags=["knowledge requests"])
def request_list(request, params: Query[RequestQuery]):
    qs = selectors.request_list(viewer=request.user, status=params.status, place=params.place)
    return page_of(qs, params, results=lambda items: [_request(r) for r in items])


@router.post("/knowledge/requests", response={201: RequestDetailOut, **WRITE}, auth=AUTH,
             operation_id="requests_create", summary="Ask for help (a focal point, for a place they act for)",
             tags=["knowledge requests"])
def request_create(request, payload: RequestIn):
    place = selectors.place_named(viewer=request.user, slug=payload.place)
    item = services.request_create(actor=request.user, place=place, data=payload.request())
    return Status(201, _request_detail(request, item.pk))


def _request_detail(request, pk: int) -> dict:
    item = selectors.request_get(viewer=request.user, pk=pk)
    return {**_request(item),
            "suggested_places": [{"place": s.place.slug, "name": s.place.name_en, "score": s.score,
                                  "reasons": s.reasons}
                                 for s in selectors.places_for_request(viewer=request.user, request=item)],
            "suggested_products": [{"slug": r.product.slug, "title": r.product.title, "kind": r.product.kind,
                                    "similarity": r.similarity}
                                   for r in selectors.products_for_request(viewer=request.user, request=item)]}


@router.get("/knowledge/requests/{pk}", response={200: RequestDetailOut, **READ}, auth=OPTIONAL_AUTH,
            operation_id="requests_get", summary="A request with suggested places and products",
            tags=["knowledge requests"])
def request_get(request, pk: int):
    return _request_detail(request, pk)


@router.patch("/knowledge/requests/{pk}", response={200: RequestOut, **WRITE}, auth=AUTH,
              operation_id="requests_update", summary="Change a request's title, description or themes",
              tags=["knowledge requests"])
def request_update(request, pk: int, payload: RequestPatch):
    item = selectors.request_get(viewer=request.user, pk=pk)
    with precondition(request) as expected:
        services.request_update(actor=request.user, request=item, data=payload, expected_version=expected)
    return _request(selectors.request_get(viewer=request.user, pk=pk))


@router.post("/knowledge/requests/{pk}/answers", response={201: AnswerOut, **WRITE}, auth=AUTH,
             operation_id="requests_answer", summary="Answer a request for a place you act for",
             tags=["knowledge requests"])
def request_answer(request, pk: int, payload: AnswerIn):
    item = selectors.request_get(viewer=request.user, pk=pk)
    place = selectors.place_named(viewer=request.user, slug=payload.place)
    answer = services.answer_add(actor=request.user, request=item, place=place, data=payload.answer())
    return Status(201, _answer(answer))


@router.post("/knowledge/requests/{pk}/close", response={200: RequestOut, **WRITE}, auth=AUTH,
             operation_id="requests_close", summary="Close a request", tags=["knowledge requests"])
def request_close(request, pk: int):
    services.request_close(actor=request.user, request=selectors.request_get(viewer=request.user, pk=pk))
    return _request(selectors.request_get(viewer=request.user, pk=pk))


@router.post("/knowledge/requests/{pk}/partnership", response={201: RequestOut, **WRITE}, auth=AUTH,
             operation_id="requests_to_partnership", summary="Turn a request and an answer into a partnership",
             tags=["knowledge requests"])
def request_to_partnership(request, pk: int, payload: ToPartnershipIn):
    item = selectors.request_get(viewer=request.user, pk=pk)
    answer = selectors.answer_of(request=item, pk=payload.answer)
    services.request_to_partnership(actor=request.user, request=item, answer=answer)
    return Status(201, _request(selectors.request_get(viewer=request.user, pk=pk)))


@router.post("/knowledge/requests/{pk}/activity", response={201: RequestOut, **WRITE}, auth=AUTH,
             operation_id="requests_to_activity", summary="Turn a request into a learning activity",
             tags=["knowledge requests"])
def request_to_activity(request, pk: int, payload: ToActivityIn):
    item = selectors.request_get(viewer=request.user, pk=pk)
    services.request_to_activity(actor=request.user, request=item, data=payload)
    return Status(201, _request(selectors.request_get(viewer=request.user, pk=pk)))


# --- index --------------------------------------------------------------------------------------

@router.post("/knowledge/index/rebuild", response={202: IndexJobOut, **WRITE}, auth=AUTH,
             operation_id="knowledge_reindex", summary="Rebuild the search index in the background")
def index_rebuild(request):
    job = services.index_rebuild_enqueue(actor=request.user)
    job.refresh_from_db()
    return Status(202, _job(job))


@router.get("/knowledge/index/jobs/{pk}", response={200: IndexJobOut, **WRITE}, auth=AUTH,
            operation_id="knowledge_reindex_status", summary="Progress of an index rebuild")
def index_job(request, pk: int):
    return _job(selectors.index_job_get(viewer=request.user, pk=pk))


def _job(job) -> dict:
    return {"id": job.pk, "status": job.status, "total": job.total, "done": job.done, "percent": job.percent,
            "error": job.error, "created_at": job.created_at, "started_at": job.started_at,
            "finished_at": job.finished_at}
