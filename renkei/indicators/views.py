"""The indicator pages: the catalogue, one indicator, a place's values with their history, the
CSV import, peer groups, and a place's benchmarking page with its charts."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from renkei.core.errors import ApplicationError
from renkei.core.uploads import Upload
from renkei.indicators import importing, permissions, selectors, services
from renkei.indicators.charts import benchmark_charts
from renkei.indicators.exporting import value_sheet
from renkei.indicators.forms import ImportForm, IndicatorForm, PeerGroupForm, ValueForm
from renkei.indicators.units import range_text
from renkei.places.selectors import name_order, place_get
from renkei.ui.actions import perform, signed_in_post
from renkei.ui.charts import chart_csv_response
from renkei.ui.exports import download_response
from renkei.ui.forms import form_page, submit
from renkei.ui.pagecache import for_visitors


def _page(request, items, size=50):
    try:
        number = max(1, min(int(request.GET.get("page", 1)), 10**6))
    except ValueError:
        number = 1
    return Paginator(items, size).get_page(number)


@for_visitors
def catalogue(request):
    framework = request.GET.get("framework", "")[:40]
    q = request.GET.get("q", "")[:200].strip()
    indicators = selectors.indicator_list(q=q, framework=framework)
    return render(request, "indicators/catalogue.html", {
        "frameworks": selectors.framework_list(), "framework": framework, "q": q, "indicators": indicators,
        "can_add": permissions.can_manage_catalogue(request.user),
        "can_import": permissions.can_enter_any_values(request.user)})


@for_visitors
def indicator_detail(request, code):
    indicator = selectors.indicator_get(code=code)
    if download := download_response(request, lambda: value_sheet(viewer=request.user, indicator=indicator)):
        return download
    values = selectors.value_list(viewer=request.user, indicator=indicator).order_by("-year", *name_order("place__"))
    return render(request, "indicators/indicator.html", {
        "indicator": indicator, "range": range_text(indicator.unit), "values": _page(request, values)})


def indicator_new(request):
    if not permissions.can_manage_catalogue(request.user):
        raise PermissionDenied
    return form_page(request, IndicatorForm, lambda form: services.indicator_create(
        actor=request.user, data=form.indicator_input()), template="indicators/indicator_new.html",
        done=_("The indicator was added."), to=lambda indicator: ("indicators:indicator", indicator.code))


def _place_values(request, place, form=None, status=200):
    can_enter = permissions.can_enter_values(request.user, place)
    values = selectors.value_list(viewer=request.user, place=place).annotate(revision_count=Count("revisions"))
    return render(request, "indicators/place_values.html", {
        "place": place, "values": _page(request, values.order_by("indicator__code", "-year", "period",
                                                                   "disaggregation"), 100),
        "can_enter": can_enter, "form": (form or ValueForm()) if can_enter else None}, status=status)


@for_visitors
def place_values(request, slug):
    place = place_get(viewer=request.user, slug=slug)
    if download := download_response(request, lambda: value_sheet(viewer=request.user, place=place)):
        return download
    return _place_values(request, place)


@signed_in_post
def value_add(request, slug):
    place = place_get(viewer=request.user, slug=slug)
    if not permissions.can_enter_values(request.user, place):
        raise PermissionDenied
    form = ValueForm(request.POST)
    saved = submit(request, form, lambda: services.value_record(actor=request.user, data=form.value_input(place)),
                   done=_("The value was saved."), to=("indicators:place-values", place.slug))
    if saved:
        return saved
    messages.error(request, _("The value was not saved: please correct the errors in its form."))
    return _place_values(request, place, form=form)


def value_history(request, pk):
    value = selectors.value_get(viewer=request.user, pk=pk)
    return render(request, "indicators/value_history.html", {
        "value": value, "revisions": selectors.value_history(viewer=request.user, value=value),
        "can_delete": permissions.can_enter_values(request.user, value.place)})


@signed_in_post
def value_delete(request, pk):
    value = selectors.value_get(viewer=request.user, pk=pk)
    return perform(request, lambda: services.value_delete(actor=request.user, value=value),
                   done=_("The value was deleted."), to=("indicators:place-values", value.place.slug))


@login_required
def values_import(request):
    if not permissions.can_enter_any_values(request.user):
        raise PermissionDenied
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        limit = settings.RENKEI_MAX_IMPORT_BYTES
        data = Upload.read(form.cleaned_data["file"], max_bytes=limit).content
        if len(data) > limit:
            form.add_error("file", _("The file is larger than %(mb)s MB.") % {"mb": round(limit / 2**20)})
        else:
            report = importing.values_import(source=data, actor=request.user,
                                             dry_run=form.cleaned_data["dry_run"])
            if report.errors:
                messages.error(request, _("Nothing was written: %(n)s problems were found.") % {
                    "n": len(report.errors)})
            else:
                messages.success(request, report.summary())
    return render(request, "indicators/import.html", {
        "form": form, "report": report, "shown_errors": report.errors[:500] if report else []})


def peer_groups(request):
    can_save = permissions.can_save_peer_groups(request.user)
    form = None
    if can_save:
        if request.method == "POST":
            form = PeerGroupForm(request.POST)
            saved = submit(request, form, lambda: services.peer_group_create(actor=request.user,
                                                                             data=form.group_input()),
                           done=_("The peer group was saved."), to=("indicators:peer-groups",))
            if saved:
                return saved
        else:
            form = PeerGroupForm()
    elif request.method == "POST":
        raise PermissionDenied
    groups = list(selectors.peer_group_list(viewer=request.user).annotate(size=Count("places")))
    for group in groups:
        group.can_delete = permissions.can_change_peer_group(request.user, group)
    return render(request, "indicators/peer_groups.html", {"groups": groups, "form": form})


@signed_in_post
def peer_group_delete(request, slug):
    group = selectors.peer_group_get(viewer=request.user, slug=slug)
    return perform(request, lambda: services.peer_group_delete(actor=request.user, group=group),
                   done=_("The peer group was deleted."), to=("indicators:peer-groups",))


def _int(request, name: str, low: int, high: int) -> int | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ApplicationError(_("must be a whole number"), field=name) from None
    if not low <= value <= high:
        raise ApplicationError(_("must be from %(low)s to %(high)s") % {"low": low, "high": high}, field=name)
    return value


def _problem(exc: ApplicationError) -> str:
    """What was wrong with the page's address, each field named: by the form's label for the form's own
    fields ("Years in the window: must be from 1 to 50"), else by the address's parameter."""
    labels = {"year": _("Last year"), "window": _("Years in the window"), "group": _("Peer group")}
    parts = []
    for name, problems in (exc.errors or {"": [exc.message]}).items():
        for problem in problems:
            if name in labels:
                parts.append(f"{labels[name]}: {problem.removeprefix(f'{name}: ')}")
            elif name and not problem.startswith(f"{name}: "):
                parts.append(f"{name}: {problem}")
            else:
                parts.append(problem)
    return " ".join(parts)


@for_visitors
def benchmark(request, slug):
    place = place_get(viewer=request.user, slug=slug)
    try:
        spec = selectors.spec_from_query(viewer=request.user, query=request.GET)
        bench = selectors.benchmark(viewer=request.user, place=place, spec=spec,
                                    year=_int(request, "year", 1900, 2100),
                                    window=_int(request, "window", 1, 50) or 5,
                                    indicator=request.GET.get("indicator", "")[:40])
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        return render(request, "indicators/benchmark.html", {
            "place": place, "problem": _problem(exc), "groups": selectors.peer_group_list(viewer=request.user),
            "window": 5},
            status=400)
    charts = benchmark_charts(bench)
    if response := chart_csv_response(request, charts.values()):
        return response
    query = request.GET.copy()
    query.pop("indicator", None)
    query.pop("page", None)
    prefix = f"?{query.urlencode()}&indicator=" if query else "?indicator="
    rows = [{"code": i.code, "name": i.name_text, "lower": i.direction == "lower", "status": r.status,
             "value": _number(r.value), "year": r.year, "peers": r.peers, "median": _number(r.median),
             "range": f"{_number(r.low)}–{_number(r.high)}" if r.low is not None else None,
             "rank": f"{r.rank:.0f}" if r.rank is not None else None, "selected": i == bench.selected,
             "href": prefix + quote(i.code) + "#distribution"} for i, r in bench.rows]
    link = reverse("indicators:benchmark", args=["-"])
    members = format_html_join(", ", '<a href="{}">{}</a>', ((link.replace("/-/", f"/{p.slug}/"), p.name)
                                                              for p in bench.members))
    return render(request, "indicators/benchmark.html", {
        "place": place, "bench": bench, "charts": charts, "groups": selectors.peer_group_list(viewer=request.user),
        "group_slug": request.GET.get("group", ""), "kind": spec.kind, "rows": rows, "members": members,
        "spec": spec, "window": bench.last_year - bench.first_year + 1})


def _number(value: float | None) -> str | None:
    """A value as the tables show it: at most two decimals, no trailing zeros."""
    if value is None:
        return None
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
