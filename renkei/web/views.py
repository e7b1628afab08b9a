"""HTML pages. Each view parses the request, calls a selector or a service, and renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from renkei.accounts.permissions import is_administrator
from renkei.core.audit import audit_history
from renkei.core.errors import ApplicationError, NotAllowed, NotFound
from renkei.core.models import AuditEntry
from renkei.core.pagination import paginate
from renkei.matching.services import place_refresh_enqueue
from renkei.places import permissions, selectors, services
from renkei.places.codelists import organisation_types
from renkei.places.models import Expertise, Need, Theme
from renkei.places.validation import country_label as country_name
from renkei.web import worldmap
from renkei.web.forms import PlaceFilterForm, PlaceForm, StatementForm, add_service_errors


def _markers(places) -> list[dict]:
    out = []
    for place in places:
        if place.latitude is None or place.longitude is None:
            continue
        x, y = worldmap.project(place.longitude, place.latitude)
        out.append({"place": place, "x": round(x, 1), "y": round(y, 1),
                    "r": {"city": 5, "region": 3.5}.get(place.level, 3)})
    return out


def home(request):
    places = list(selectors.visible_places(request.user).exclude(level="country"))
    top_themes = (
        Theme.objects.annotate(n=Count("needs", distinct=True) + Count("expertise", distinct=True))
        .filter(n__gt=0).order_by("-n", "position")[:10]
    )
    return render(request, "web/home.html", {
        "counts": selectors.dashboard_counts(viewer=request.user),
        "paths": worldmap.country_paths(),
        "viewbox": worldmap.VIEWBOX,
        "markers": _markers(places),
        "recent": sorted(places, key=lambda p: p.updated_at, reverse=True)[:6],
        "top_themes": top_themes,
    })


def place_list(request):
    countries = [(code, country_name(code)) for code in selectors.country_choices(request.user)]
    countries.sort(key=lambda item: item[1])
    form = PlaceFilterForm(request.GET or None, countries=countries)
    filters = selectors.PlaceFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.PlaceFilters(
            q=data["q"].strip(), country=data["country"], level=data["level"], theme=data["theme"],
            min_population=data["min_population"], max_population=data["max_population"],
        )
    from django.conf import settings

    qs = selectors.place_list(viewer=request.user, filters=filters).prefetch_related("needs__theme",
                                                                                      "expertise__theme")
    page = paginate(qs, page=request.GET.get("page"), page_size=settings.RENKEI_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "filters_invalid": form.is_bound
               and not form.is_valid()}
    if request.htmx and not request.htmx.boosted:
        return render(request, "web/places/_results.html", context)
    return render(request, "web/places/list.html", context)


def _place_or_404(request, slug):
    try:
        return selectors.place_get(viewer=request.user, slug=slug)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def place_detail(request, slug):
    place = _place_or_404(request, slug)
    marker = _markers([place])
    viewbox = worldmap.bounds_viewbox([(m["x"], m["y"]) for m in marker], pad=60) if marker else worldmap.VIEWBOX
    return render(request, "web/places/detail.html", {
        "place": place,
        "country": country_name(place.country),
        "needs": place.needs.all(),
        "expertise": place.expertise.all(),
        "contacts": selectors.contacts_for(viewer=request.user, place=place),
        "organisations": place.organisations.all(),
        "children": selectors.visible_places(request.user).filter(parent=place).order_by("name_en")[:50],
        "can_edit": permissions.can_edit_place(request.user, place),
        "is_admin": is_administrator(request.user),
        "paths": worldmap.country_paths(),
        "viewbox": viewbox,
        "marker": marker[0] if marker else None,
    })


@login_required
def place_edit(request, slug):
    place = _place_or_404(request, slug)
    if not permissions.can_edit_place(request.user, place):
        raise PermissionDenied
    if request.method == "POST":
        form = PlaceForm(request.POST)
        if form.is_valid():
            try:
                services.place_update(actor=request.user, place=place, data=form.service_data(),
                                      expected_version=form.cleaned_data.get("version"))
            except ApplicationError as exc:
                add_service_errors(form, exc.errors, exc.message)
            else:
                place_refresh_enqueue(place.pk)
                messages.success(request, _("The profile was saved."))
                return redirect("web:place", slug=place.slug)
    else:
        form = PlaceForm(initial=PlaceForm.initial_for(place))
    return render(request, "web/places/edit.html", {"place": place, "form": form}, status=200)


def _statement(request, place, kind, pk):
    model = Need if kind == "need" else Expertise
    obj = model.objects.filter(pk=pk, place=place).select_related("theme", "place").first()
    if obj is None:
        raise Http404
    return obj


@login_required
def statement_edit(request, slug, kind, pk=None):
    if kind not in ("need", "expertise"):
        raise Http404
    place = _place_or_404(request, slug)
    if not permissions.can_edit_place(request.user, place):
        raise PermissionDenied
    obj = _statement(request, place, kind, pk) if pk else None
    if request.method == "POST":
        form = StatementForm(request.POST, kind=kind)
        if form.is_valid():
            try:
                if obj is None:
                    services.statement_create(actor=request.user, place=place, kind=kind, data=form.service_data())
                else:
                    services.statement_update(actor=request.user, obj=obj, data=form.service_data())
            except ApplicationError as exc:
                errors = {("scale" if k in ("priority", "maturity") else
                           "description_en" if k == "description" else k): v for k, v in exc.errors.items()}
                add_service_errors(form, errors, exc.message)
            else:
                place_refresh_enqueue(place.pk)
                messages.success(request, _("Saved."))
                return redirect(reverse("web:place", args=[place.slug]) + f"#{kind}")
    else:
        form = StatementForm(initial=StatementForm.initial_for(obj) if obj else None, kind=kind)
    return render(request, "web/places/statement_form.html",
                  {"place": place, "form": form, "kind": kind, "obj": obj})


@login_required
@require_POST
def statement_delete(request, slug, kind, pk):
    if kind not in ("need", "expertise"):
        raise Http404
    place = _place_or_404(request, slug)
    obj = _statement(request, place, kind, pk)
    try:
        services.statement_delete(actor=request.user, obj=obj)
    except NotAllowed as exc:
        raise PermissionDenied from exc
    messages.success(request, _("Deleted."))
    return redirect(reverse("web:place", args=[place.slug]) + f"#{kind}")


@login_required
def place_history(request, slug):
    place = _place_or_404(request, slug)
    if not is_administrator(request.user):
        raise PermissionDenied
    from django.contrib.contenttypes.models import ContentType

    entries = AuditEntry.objects.filter(
        Q(pk__in=audit_history(place).values("pk"))
        | Q(content_type=ContentType.objects.get_for_model(Need),
            object_id__in=[str(pk) for pk in Need.objects.filter(place=place).values_list("pk", flat=True)])
        | Q(content_type=ContentType.objects.get_for_model(Expertise),
            object_id__in=[str(pk) for pk in Expertise.objects.filter(place=place).values_list("pk", flat=True)])
    ).select_related("actor", "content_type")[:200]
    return render(request, "web/places/history.html", {"place": place, "entries": entries})


def theme_list(request):
    return render(request, "web/themes/list.html", {"tree": selectors.theme_tree()})


def theme_detail(request, code):
    try:
        theme = selectors.theme_get(code=code)
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "web/themes/detail.html", {
        "theme": theme,
        "needs": selectors.need_list(viewer=request.user, theme=theme.code)[:100],
        "expertise": selectors.expertise_list(viewer=request.user, theme=theme.code)[:100],
    })


def organisation_list(request):
    qs = selectors.organisation_list(viewer=request.user, q=request.GET.get("q", "").strip())
    page = paginate(qs, page=request.GET.get("page"), page_size=50)
    return render(request, "web/organisations/list.html",
                  {"page": page, "types": organisation_types(), "q": request.GET.get("q", "")})


def organisation_detail(request, slug):
    try:
        org = selectors.organisation_get(viewer=request.user, slug=slug)
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "web/organisations/detail.html", {
        "org": org, "type_name": organisation_types().get(org.org_type, org.org_type),
        "country": country_name(org.country) if org.country else "",
        "contacts": selectors.contacts_for(viewer=request.user, organisation=org),
        "children": org.children.all(),
    })


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)
