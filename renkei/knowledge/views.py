"""Pages of the knowledge library: the searchable library with facets, a page per product, the
authoring form, files, knowledge requests and the rebuild of the search index."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from renkei.core.errors import ApplicationError, Conflict, NotAllowed
from renkei.core.text import pick_language
from renkei.core.uploads import Upload, stored_file_response
from renkei.knowledge import permissions, selectors, services
from renkei.knowledge.exporting import library_sheet
from renkei.knowledge.forms import ProductForm, RequestForm
from renkei.knowledge.models import KnowledgeRequest, Product
from renkei.knowledge.search import service as search_service
from renkei.knowledge.services import LANGUAGE_CODES
from renkei.knowledge.text import render_markdown
from renkei.places.models import Place, Theme
from renkei.places.validation import country_code
from renkei.ui.actions import perform, read_only, signed_in_post
from renkei.ui.exports import download_response
from renkei.ui.forms import form_page
from renkei.ui.pagecache import for_visitors

FILTERS = ("kind", "theme", "place", "country", "language", "year")
FACET_TITLES = {"kind": gettext_lazy("Type"), "theme": gettext_lazy("Theme"), "place": gettext_lazy("Place"),
                "country": gettext_lazy("Country"), "language": gettext_lazy("Language"), "year": gettext_lazy("Year")}


def _filters(params) -> tuple[search_service.SearchFilters, list[str]]:
    """Filters from the query string; a bad value is dropped and reported, never a 500."""
    problems = []
    kind = params.get("kind", "")
    if kind and kind not in Product.Kind.values:
        problems.append(_("Unknown type “%(v)s” was left out.") % {"v": kind})
        kind = ""
    country = params.get("country", "")
    if country:
        code = country_code(country)
        if not code:
            problems.append(_("Unknown country “%(v)s” was left out.") % {"v": country})
        country = code or ""
    year = params.get("year", "")
    try:
        year_value = int(year) if year else None
    except ValueError:
        problems.append(_("“%(v)s” is not a year and was left out.") % {"v": year})
        year_value = None
    theme = params.get("theme", "")
    if theme and not Theme.objects.filter(code=theme).exists():
        problems.append(_("Unknown theme “%(v)s” was left out.") % {"v": theme})
        theme = ""
    place = params.get("place", "")
    if place and not Place.objects.filter(slug=place).exists():
        problems.append(_("Unknown place “%(v)s” was left out.") % {"v": place})
        place = ""
    language = params.get("language", "")
    if language and language not in LANGUAGE_CODES:
        problems.append(_("Unknown language “%(v)s” was left out.") % {"v": language})
        language = ""
    return search_service.SearchFilters(kind=kind, theme=theme, place=place, country=country, language=language,
                                        year=year_value), problems


def _page_number(params) -> int:
    try:
        return max(1, int(params.get("page", 1)))
    except ValueError:
        return 1


@for_visitors
def library(request):
    params = request.GET
    query = params.get("q", "").strip()[:500]
    filters, problems = _filters(params)
    sort = params.get("sort", "relevance" if query else "newest")
    if sort not in search_service.SORTS:
        sort = "relevance"
    if download := download_response(request, lambda: library_sheet(viewer=request.user, query=query,
                                                                     filters=filters, sort=sort)):
        return download
    result = search_service.search(viewer=request.user, query=query, filters=filters, sort=sort,
                                   page=_page_number(params), page_size=20)
    base = {k: v for k, v in params.items() if k in (*FILTERS, "q", "sort") and v}

    def link(**changes) -> str:
        merged = {**base, **changes}
        return "?" + urlencode({k: v for k, v in merged.items() if v not in ("", None)})

    facets = []
    for name in FILTERS:
        values = result.facets.get(name, [])
        if not values:
            continue
        facets.append({"name": name, "title": FACET_TITLES[name], "values": [
            {"label": v.label, "count": v.count, "selected": v.selected,
             "href": link(**{name: "" if v.selected else v.value, "page": ""})} for v in values[:12]],
            "more": max(0, len(values) - 12)})
    chosen = [{"title": FACET_TITLES[name], "label": next((v.label for v in result.facets.get(name, [])
                                                           if v.selected), getattr(filters, name)),
               "href": link(**{name: "", "page": ""})} for name in FILTERS if getattr(filters, name)]
    context = {
        "result": result, "query": query, "facets": facets, "chosen": chosen, "problems": problems, "sort": sort,
        "sorts": [("relevance", _("Relevance")), ("newest", _("Newest")), ("oldest", _("Oldest")),
                  ("title", _("Title"))],
        "prev_href": link(page=result.page - 1) if result.page > 1 else "",
        "next_href": link(page=result.page + 1) if result.page < result.pages else "",
        "hidden": {k: v for k, v in base.items() if k not in ("q", "sort")},
        "can_create": permissions.can_create(request.user),
        "can_rebuild": permissions.can_rebuild_index(request.user),
    }
    partial = request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    return render(request, "knowledge/_results.html" if partial else "knowledge/library.html", context)


@for_visitors
def product_detail(request, slug):
    product = selectors.product_get(viewer=request.user, slug=slug)
    bodies = [(lang, render_markdown(text)) for lang, text in product.body.items() if text]
    language = request.LANGUAGE_CODE[:2]
    bodies.sort(key=lambda item: item[0] != language)
    return render(request, "knowledge/product.html", {
        "p": product, "bodies": bodies, "summary": pick_language(product.summary),
        "similar": search_service.similar_products(viewer=request.user, product=product),
        "can_edit": permissions.can_edit(request.user, product),
        "can_publish": permissions.can_publish(request.user),
        "can_delete": permissions.can_delete(request.user, product),
        "suggested": _suggested(product),
    })


def _suggested(product: Product) -> list:
    from renkei.places.models import Theme

    codes = [code for code, _c in product.suggested_themes]
    themes = {t.code: t for t in Theme.objects.filter(code__in=codes)}
    chosen = {t.code for t in product.themes.all()}
    return [(themes[code], round(100 * c)) for code, c in product.suggested_themes if code in themes
            and code not in chosen]


def _uploads(files) -> list[Upload]:
    return [Upload.read(f, services.MAX_LIBRARY_FILE_BYTES) for f in files]


@login_required
def product_new(request):
    if not permissions.can_create(request.user):
        raise PermissionDenied
    initial = {"kind": request.GET.get("kind", Product.Kind.CASE_STUDY)}
    if request.GET.get("partnership"):
        initial["partnership"] = request.GET["partnership"]
    if request.GET.get("activity"):
        initial["activity"] = request.GET["activity"]
    return form_page(
        request, ProductForm, lambda form: services.product_create(
            actor=request.user, data=form.service_data(), files=_uploads(form.cleaned_data.get("files") or [])),
        template="knowledge/product_form.html", context={"product": None}, initial=initial, viewer=request.user,
        done=_("The draft was saved. A knowledge manager publishes it."),
        to=lambda product: ("knowledge:product", product.slug))


@login_required
def product_edit(request, slug):
    product = selectors.product_get(viewer=request.user, slug=slug)
    if not permissions.can_edit(request.user, product):
        raise PermissionDenied
    return form_page(
        request, ProductForm, lambda form: services.product_update(
            actor=request.user, product=product, data=form.service_data(),
            expected_version=form.cleaned_data.get("version")),
        template="knowledge/product_form.html", context={"product": product}, viewer=request.user, editing=True,
        initial=ProductForm.initial_for(product), done=_("The product was saved."),
        to=("knowledge:product", product.slug))


@signed_in_post
def product_status(request, slug):
    product = selectors.product_get(viewer=request.user, slug=slug)
    return perform(
        request, lambda: services.product_set_status(actor=request.user, product=product,
                                                     status=request.POST.get("status", "")),
        done=lambda _result: _("Published.") if product.status == Product.Status.PUBLISHED
        else _("Taken back to draft."), to=("knowledge:product", slug))


@signed_in_post
def product_delete(request, slug):
    product = selectors.product_get(viewer=request.user, slug=slug)
    services.product_delete(actor=request.user, product=product)
    messages.success(request, _("The product was deleted."))
    return redirect("knowledge:library")


@signed_in_post
def files_add(request, slug):
    product = selectors.product_get(viewer=request.user, slug=slug)
    try:
        services.files_add(actor=request.user, product=product, files=_uploads(request.FILES.getlist("files")))
    except NotAllowed:
        raise
    except ApplicationError as exc:
        for text in exc.errors.get("files", [exc.message]):
            messages.error(request, text)
    else:
        messages.success(request, _("The files were added."))
    return redirect("knowledge:product", slug=slug)


@read_only
def file_download(request, slug, pk):
    product = selectors.product_get(viewer=request.user, slug=slug)
    item = product.files.filter(pk=pk).first()
    inline = item is not None and item.kind in ("pdf", "image") and request.GET.get("download") != "1"
    response = stored_file_response(item.file, item.name, inline=inline) if item is not None else None
    if response is None:
        raise Http404
    return response


@signed_in_post
def file_remove(request, slug, pk):
    product = selectors.product_get(viewer=request.user, slug=slug)
    item = product.files.filter(pk=pk).first()
    if item is None:
        raise Http404
    services.file_remove(actor=request.user, item=item)
    messages.success(request, _("The file was removed."))
    return redirect("knowledge:product", slug=slug)


@require_POST
def suggest_themes(request):
    """The authoring form asks which themes its text is about (htmx)."""
    text = "\n".join(request.POST.get(name, "") for name in ("title_en", "title_ja", "summary_en", "summary_ja",
                                                               "body_en", "body_ja", "title", "description_en",
                                                               "description_ja"))
    return render(request, "knowledge/_theme_suggestions.html",
                  {"suggestions": services.suggest_themes(text[:20000]) if text.strip() else []})


def place_knowledge(request, slug):
    """A place's products and "cities like yours used these" (loaded into the place page by htmx;
    on its own, a page)."""
    from renkei.places.selectors import place_get

    place = place_get(viewer=request.user, slug=slug)
    context = {"place": place, "own": selectors.products_of_place(viewer=request.user, place=place),
               "recommended": selectors.used_by_cities_like(viewer=request.user, place=place),
               "requests": selectors.request_list(viewer=request.user, place=place.slug)[:5]}
    template = "knowledge/_place.html" if request.htmx else "knowledge/place.html"
    return render(request, template, context)


# --- requests -----------------------------------------------------------------------------------

@for_visitors
def requests_list(request):
    status = request.GET.get("status", "")
    if status not in KnowledgeRequest.Status.values:
        status = ""
    return render(request, "knowledge/requests.html", {
        "requests": selectors.request_list(viewer=request.user, status=status), "status": status,
        "statuses": KnowledgeRequest.Status.choices, "can_ask": bool(_own_places(request.user)),
    })


def _own_places(user) -> list[Place]:
    from renkei.accounts.models import Role
    from renkei.accounts.permissions import has_role, represented_place_ids
    from renkei.places.selectors import name_order

    if has_role(user, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        return list(Place.objects.filter(level="city").order_by(*name_order())[:1000])
    return list(Place.objects.filter(pk__in=represented_place_ids(user)).order_by(*name_order()))


@login_required
def request_new(request):
    places = _own_places(request.user)
    if not places:
        raise PermissionDenied

    def post(form):
        data = form.cleaned_data
        return services.request_create(
            actor=request.user, place=next(p for p in places if p.slug == data["place"]),
            title={"en": data["title_en"], "ja": data["title_ja"]},
            description={"en": data["description_en"], "ja": data["description_ja"]},
            themes=data.get("themes") or None)

    return form_page(request, RequestForm, post, template="knowledge/request_form.html", places=places,
                     done=_("Your request was posted. Renkei suggests places and products below."),
                     to=lambda item: ("knowledge:request", item.pk))


def request_detail(request, pk):
    item = selectors.request_get(viewer=request.user, pk=pk)
    from renkei.activities.models import Activity

    answer_places = [p for p in _own_places(request.user) if p.pk != item.place_id]
    return render(request, "knowledge/request.html", {
        "r": item, "places": selectors.places_for_request(viewer=request.user, request=item),
        "products": selectors.products_for_request(viewer=request.user, request=item),
        "answer_places": answer_places, "can_manage": permissions.can_manage_request(request.user, item),
        "can_convert": permissions.can_convert_request(request.user, item),
        "kinds": Activity.Kind.choices, "answers": item.answers.all(),
    })


@signed_in_post
def request_answer(request, pk):
    item = selectors.request_get(viewer=request.user, pk=pk)
    place = Place.objects.filter(slug=request.POST.get("place", "")).first()
    if place is None:
        messages.error(request, _("Choose the place you answer for."))
        return redirect("knowledge:request", pk=pk)
    return perform(
        request, lambda: services.answer_add(actor=request.user, request=item, place=place,
                                             text=request.POST.get("text", "")),
        done=_("Your answer was posted."), to=("knowledge:request", pk), about=_("Answer"))


@signed_in_post
def request_action(request, pk, action):
    item = selectors.request_get(viewer=request.user, pk=pk)
    try:
        if action == "close":
            services.request_close(actor=request.user, request=item)
            messages.success(request, _("The request was closed."))
        elif action == "partnership":
            answer = item.answers.filter(pk=request.POST.get("answer") or 0).first()
            if answer is None:
                raise ApplicationError(_("Choose the answer whose place becomes the partner."), field="answer")
            partnership = services.request_to_partnership(actor=request.user, request=item, answer=answer)
            messages.success(request, _("The partnership was proposed."))
            return redirect("partnerships:detail", slug=partnership.slug)
        elif action == "activity":
            activity = services.request_to_activity(
                actor=request.user, request=item, kind=request.POST.get("kind", ""),
                starts_at=_local_datetime(request.POST.get("starts_at", ""), "starts_at"),
                ends_at=_local_datetime(request.POST.get("ends_at", ""), "ends_at"),
                timezone=request.POST.get("timezone", "Asia/Tokyo") or "Asia/Tokyo",
                online_url=request.POST.get("online_url", ""))
            messages.success(request, _("The learning activity was created."))
            return redirect("activities:detail", slug=activity.slug)
        else:
            raise Http404
    except NotAllowed:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("knowledge:request", pk=pk)


def _local_datetime(raw: str, field: str):
    from zoneinfo import ZoneInfo

    if not raw.strip():
        return None
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError as exc:
        raise ApplicationError(_("%(field)s: use a date and time like 2026-03-31T10:00") % {"field": field},
                               field=field) from exc
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo("Asia/Tokyo"))


# --- index --------------------------------------------------------------------------------------

@login_required
def index_page(request):
    if not permissions.can_rebuild_index(request.user):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.index_rebuild_enqueue(actor=request.user)
        except Conflict as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The rebuild is queued; this page shows its progress."))
        return redirect("knowledge:index")
    template = "knowledge/_index_status.html" if request.htmx else "knowledge/index.html"
    return render(request, template, {"status": selectors.index_status()})
