"""Pages of places, their needs and expertise, themes and organisations. Each view parses the
request, calls a selector or a service, and renders.

Pages work as plain GET/POST + redirect; with htmx (django-htmx sets ``request.htmx``) the place
list swaps only its results and needs/expertise are added and edited inline.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django_htmx.http import reswap, retarget

from renkei.accounts.permissions import is_administrator
from renkei.core.audit import audit_history
from renkei.core.errors import ApplicationError, NotAllowed
from renkei.core.models import AuditEntry
from renkei.core.pagination import paginate
from renkei.places import permissions, selectors, services
from renkei.places.exporting import place_sheet
from renkei.places.forms import (
    OrganisationFilterForm,
    PlaceFilterForm,
    PlaceForm,
    StatementForm,
)
from renkei.places.labels import country_numeric, organisation_type_choices, organisation_type_label
from renkei.places.maps import markers
from renkei.places.models import Expertise, Level, Need
from renkei.places.validation import country_label
from renkei.ui import worldmap
from renkei.ui.actions import signed_in_post
from renkei.ui.exports import download_response
from renkei.ui.forms import form_page
from renkei.ui.pagecache import for_visitors
from renkei.ui.templatetags.renkei import audit_value

# --- places -----------------------------------------------------------------------------------

def _region_viewbox(x: float, y: float, *, width: float = 110.0, ratio: float = 0.6) -> str:
    height = width * ratio
    return f"{x - width / 2:.1f} {y - height / 2:.1f} {width:.1f} {height:.1f}"


def _query_without_page(request) -> str:
    """The current filters for pagination links: set values only, without the page number."""
    query = request.GET.copy()
    query.pop("page", None)
    for key in [key for key, values in query.lists() if not any(v.strip() for v in values)]:
        query.pop(key)
    return query.urlencode()


@for_visitors
def place_list(request):
    countries = sorted(((code, country_label(code)) for code in selectors.country_choices(request.user)),
                       key=lambda item: item[1].casefold())
    form = PlaceFilterForm(request.GET or None, countries=countries)
    valid = form.valid_data()
    filters = selectors.PlaceFilters(
        q=valid.get("q", ""), country=valid.get("country", ""), level=valid.get("level", ""),
        theme=valid.get("theme", ""), min_population=valid.get("min_population"),
        max_population=valid.get("max_population"),
    )
    if download := download_response(request, lambda: place_sheet(viewer=request.user, filters=filters)):
        return download
    qs = selectors.place_list(viewer=request.user, filters=filters).select_related(None).only(*selectors.CARD_FIELDS)
    page = paginate(qs, page=request.GET.get("page"), page_size=settings.RENKEI_PAGE_SIZE)
    page.object_list = selectors.with_top_statements(list(page.object_list))
    context = {
        "form": form, "page": page, "query": _query_without_page(request),
        "filter_errors": [(form[name].label, errors) for name, errors in form.errors.items() if name in form.fields]
        if form.is_bound else [],
        "filtered": bool(valid),
    }
    partial = request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    response = render(request, "places/_results.html" if partial else "places/list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@for_visitors
def place_detail(request, slug):
    place = selectors.place_get(viewer=request.user, slug=slug)
    marker = (markers([place], radius={Level.CITY: 3.2, Level.REGION: 3.2, Level.COUNTRY: 3.2}) or [None])[0]
    nearby = []
    if marker:
        nearby_places = (
            selectors.visible_places(request.user).filter(is_published=True)
            .exclude(pk=place.pk).exclude(level=Level.COUNTRY)
            .filter(latitude__range=(place.latitude - 12, place.latitude + 12),
                    longitude__range=(place.longitude - 20, place.longitude + 20))
            .only("slug", "name_en", "name_ja", "level", "latitude", "longitude")[:80]
        )
        nearby = markers(nearby_places, radius={Level.CITY: 1.8, Level.REGION: 1.4})
    return render(request, "places/detail.html", {
        "place": place,
        "country": country_label(place.country),
        "needs": place.needs.all(),
        "expertise": place.expertise.all(),
        "contacts": selectors.contacts_for(viewer=request.user, place=place),
        "organisations": place.organisations.all(),
        "children": selectors.visible_places(request.user).filter(parent=place).order_by(*selectors.name_order())[:60],
        "can_edit": permissions.can_edit_place(request.user, place),
        "is_admin": is_administrator(request.user),
        "countries": worldmap.countries_svg() if marker else "",
        "home_country": worldmap.country_path(country_numeric(place.country)) if marker else None,
        "viewbox": _region_viewbox(marker["x"], marker["y"]) if marker else "",
        "marker": marker,
        "nearby": nearby,
    })


@login_required
def place_edit(request, slug):
    place = selectors.place_get(viewer=request.user, slug=slug)
    if not permissions.can_edit_place(request.user, place):
        raise PermissionDenied  # the service checks again on save; this spares a form that cannot be saved
    can_publish = permissions.can_create_place(request.user)
    return form_page(
        request, PlaceForm, lambda form: services.place_update(
            actor=request.user, place=place, data=form.service_data(),
            expected_version=form.cleaned_data.get("version")),
        template="places/edit.html", context={"place": place}, initial=PlaceForm.initial_for(place),
        can_publish=can_publish, done=_("The profile was saved."), to=("places:place", place.slug))


# --- needs and expertise ----------------------------------------------------------------------

def _statement(place, kind, pk):
    model = Need if kind == "need" else Expertise
    obj = model.objects.filter(pk=pk, place=place).select_related("theme", "place").first()
    if obj is None:
        raise Http404
    return obj


def _section(request, place, kind, notice: str = "", problem: str = "") -> HttpResponse:
    """The needs or expertise card of a place page, for an htmx swap after a change (``notice``) or a
    refused one (``problem``)."""
    model = Need if kind == "need" else Expertise
    response = render(request, "places/_statement_section.html", {
        "place": place, "kind": kind, "items": model.objects.filter(place=place).select_related("theme"),
        "can_edit": permissions.can_edit_place(request.user, place), "notice": notice,
        "problem": problem,
    })
    return reswap(retarget(response, f"#{kind}"), "outerHTML")


def _notice(kind: str, action: str) -> str:
    return {
        ("need", "create"): _("The need was added."),
        ("need", "update"): _("The need was saved."),
        ("need", "delete"): _("The need was deleted."),
        ("expertise", "create"): _("The expertise was added."),
        ("expertise", "update"): _("The expertise was saved."),
        ("expertise", "delete"): _("The expertise was deleted."),
    }[(kind, action)]


def statement_section(request, slug, kind):
    place = selectors.place_get(viewer=request.user, slug=slug)
    if request.htmx:
        return _section(request, place, kind)
    return redirect(reverse("places:place", args=[place.slug]) + f"#{kind}")


@login_required
def statement_edit(request, slug, kind, pk=None):
    place = selectors.place_get(viewer=request.user, slug=slug)
    if not permissions.can_edit_place(request.user, place):
        raise PermissionDenied
    obj = _statement(place, kind, pk) if pk else None
    if request.method == "POST":
        form = StatementForm(request.POST, kind=kind)
        if form.is_valid():
            try:
                if obj is None:
                    services.statement_create(actor=request.user, place=place, kind=kind, data=form.service_data())
                else:
                    services.statement_update(actor=request.user, obj=obj, data=form.service_data())
            except NotAllowed:
                raise
            except ApplicationError as exc:
                form.add_service_errors(exc.errors, exc.message)
            else:
                notice = _notice(kind, "create" if obj is None else "update")
                if request.htmx:
                    return _section(request, place, kind, notice)
                messages.success(request, notice)
                return redirect(reverse("places:place", args=[place.slug]) + f"#{kind}")
    else:
        form = StatementForm(initial=StatementForm.initial_for(obj) if obj else None, kind=kind)
    context = {"place": place, "form": form, "kind": kind, "obj": obj, "inline": bool(request.htmx)}
    if request.htmx:
        return render(request, "places/_statement_form.html", context)
    return render(request, "places/statement_form.html", context)


@signed_in_post
def statement_delete(request, slug, kind, pk):
    place = selectors.place_get(viewer=request.user, slug=slug)
    obj = _statement(place, kind, pk)
    services.statement_delete(actor=request.user, obj=obj)
    notice = _notice(kind, "delete")
    if request.htmx:
        return _section(request, place, kind, notice)
    messages.success(request, notice)
    return redirect(reverse("places:place", args=[place.slug]) + f"#{kind}")


@signed_in_post
def statement_tag(request, slug, kind, pk):
    """Confirm one of the themes suggested for a statement that was not yet tagged."""
    place = selectors.place_get(viewer=request.user, slug=slug)
    obj = _statement(place, kind, pk)
    try:
        services.statement_update(actor=request.user, obj=obj, data={"theme": request.POST.get("theme", "")})
    except NotAllowed:
        raise
    except ApplicationError as exc:
        if request.htmx:
            return _section(request, place, kind, problem=exc.message)
        messages.error(request, exc.message)
    else:
        notice = _("The theme was confirmed.")
        if request.htmx:
            return _section(request, place, kind, notice)
        messages.success(request, notice)
    return redirect(reverse("places:place", args=[place.slug]) + f"#{kind}")


# --- history ----------------------------------------------------------------------------------

def _statement_history_q(place, model) -> Q:
    """Audit entries of a place's needs (or expertise), including ones deleted since.

    A statement's audit entry does not store its place; a deleted statement is recognised by the
    "<place name>: <theme>" text it was recorded under, in either language.
    """
    content_type = ContentType.objects.get_for_model(model)
    live = [str(pk) for pk in model.objects.filter(place=place).values_list("pk", flat=True)]
    names = {name for name in (place.name_en, place.name_ja) if name}
    named = Q()
    for name in names:
        named |= Q(object_repr__startswith=f"{name}: ")
    deleted = set(
        AuditEntry.objects.filter(content_type=content_type, action=AuditEntry.Action.DELETE)
        .filter(named).values_list("object_id", flat=True)
    )
    ids = [int(pk) for pk in deleted if pk.isdigit()]
    deleted -= {str(pk) for pk in model.objects.filter(pk__in=ids).values_list("pk", flat=True)}  # ids reused
    return Q(content_type=content_type) & (Q(object_id__in=live) | Q(object_id__in=sorted(deleted)))


@login_required
def place_history(request, slug):
    place = selectors.place_get(viewer=request.user, slug=slug)
    if not is_administrator(request.user):
        raise PermissionDenied
    need_type = ContentType.objects.get_for_model(Need)
    expertise_type = ContentType.objects.get_for_model(Expertise)
    entries = (
        AuditEntry.objects.filter(
            Q(pk__in=audit_history(place).values("pk"))
            | _statement_history_q(place, Need)
            | _statement_history_q(place, Expertise)
        )
        .select_related("actor", "content_type")
        .order_by("-created_at", "-id")
    )
    page = paginate(entries, page=request.GET.get("page"), page_size=100)
    for entry in page.object_list:
        pairs = [(field, pair) for field, pair in (entry.changes or {}).items()
                 if isinstance(pair, list | tuple) and len(pair) == 2]
        entry.rows = [(field, audit_value(old), audit_value(new)) for field, (old, new) in pairs
                      if audit_value(old) != audit_value(new)]  # "none" and "empty list" read the same
        entry.kind = ("need" if entry.content_type_id == need_type.pk
                      else "expertise" if entry.content_type_id == expertise_type.pk else "place")
    return render(request, "places/history.html", {"place": place, "page": page})


# --- themes -----------------------------------------------------------------------------------

@for_visitors
def theme_list(request):
    tree = selectors.theme_tree()
    return render(request, "places/themes/list.html", {
        "tree": tree,
        "theme_count": sum(1 + len(descendants) for _root, descendants in tree),
    })


@for_visitors
def theme_detail(request, code):
    theme = selectors.theme_get(code=code)
    return render(request, "places/themes/detail.html", {
        "theme": theme,
        "needs": selectors.need_list(viewer=request.user, theme=theme.code)[:200],
        "expertise": selectors.expertise_list(viewer=request.user, theme=theme.code)[:200],
    })


# --- organisations ----------------------------------------------------------------------------

@for_visitors
def organisation_list(request):
    countries = sorted({c for c in selectors.organisation_list(viewer=request.user).values_list("country", flat=True)
                        if c})
    form = OrganisationFilterForm(
        request.GET or None, types=organisation_type_choices(),
        countries=sorted(((c, country_label(c)) for c in countries), key=lambda item: item[1].casefold()),
    )
    valid = form.valid_data()
    qs = selectors.organisation_list(viewer=request.user, q=valid.get("q", "").strip(),
                                     org_type=valid.get("type", ""), country=valid.get("country", ""))
    page = paginate(qs, page=request.GET.get("page"), page_size=50)
    return render(request, "places/organisations/list.html", {"page": page, "form": form,
                                                           "query": _query_without_page(request),
                                                           "filtered": bool(valid)})


@for_visitors
def organisation_detail(request, slug):
    org = selectors.organisation_get(viewer=request.user, slug=slug)
    return render(request, "places/organisations/detail.html", {
        "org": org,
        "type_name": organisation_type_label(org.org_type),
        "country": country_label(org.country) if org.country else "",
        "contacts": selectors.contacts_for(viewer=request.user, organisation=org),
        "children": org.children.all(),
        "place_visible": org.place is not None and permissions.can_view_place(request.user, org.place),
    })
