"""The connected-population pages: a place's dashboard (exact for its focal points and administrators,
protected for everyone else), its people, one person with their consents and contacts (export, withdraw,
erase), the CSV import, the retention rule, and an activity's participants added in one step."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role, represented_place_ids
from renkei.activities.permissions import can_manage_activity
from renkei.activities.selectors import activity_get
from renkei.connections import selectors, services
from renkei.connections.exporting import people_sheet
from renkei.connections.forms import ConsentForm, ImportForm, InteractionForm, ParticipantsForm, PersonForm
from renkei.connections.models import ConnectedPerson, Kind, RetentionRule
from renkei.connections.permissions import can_manage_people
from renkei.connections.regions import where_label
from renkei.core.errors import ApplicationError
from renkei.core.pagination import paginate
from renkei.places.models import Place
from renkei.places.selectors import name_order
from renkei.ui.actions import perform, signed_in_post
from renkei.ui.charts import Chart, Column, chart_csv_response
from renkei.ui.exports import download_response
from renkei.ui.forms import form_page, submit
from renkei.ui.pagecache import for_visitors


def dashboard_charts(board) -> list[Chart]:
    note = "" if board.exact else _("Counts under 5, and those that would let one be worked out, are withheld "
                                    "(shown as missing).")
    return [
        Chart(id="connections-over-time", kind="line", title=_("Connected population over time, by kind"),
              columns=[Column("year", _("Year"), number=True), Column("kind", _("How connected")),
                       Column("count", _("People"), number=True)],
              rows=board.over_time_rows(), x="year", y="count", series="kind", label="kind", note=note),
        Chart(id="connections-by-kind", kind="bar", title=_("How they are connected"),
              columns=[Column("kind", _("How connected")), Column("count", _("People"), number=True)],
              rows=[{"kind": c.label, "count": c.count} for c in board.by_kind], x="count", y="kind", note=note),
        Chart(id="connections-where", kind="bar", title=_("Where they are (prefecture in Japan, else country)"),
              columns=[Column("where", _("Where")), Column("count", _("People"), number=True)],
              rows=[{"where": c.label, "count": c.count} for c in board.where[:30]], x="count", y="where",
              note=note),
        Chart(id="connections-funnel", kind="bar", title=_("From visitor to repeat contributor"),
              columns=[Column("stage", _("Reached at least")), Column("count", _("People"), number=True)],
              rows=[{"stage": c.label, "count": c.count} for c in board.funnel], x="count", y="stage", note=note),
        *([Chart(id="connections-movement", kind="line", title=_("Moves between engagement stages, by year"),
                 columns=[Column("year", _("Year"), number=True, decimals=0), Column("move", _("Move")),
                          Column("count", _("People"), number=True)],
                 rows=board.movement_rows(), x="year", y="count", series="move", label="move", note=note)]
          if board.movement else []),
    ]


_RENDERED: OrderedDict[tuple, str] = OrderedDict()
_RENDERED_KEPT = 64
_rendered_lock = threading.Lock()


def _charts_html(request, board, charts) -> str:
    """The four charts, drawn into HTML once per place, view (exact or protected), language and figures:
    the figures are the key, so a change shows at once; a place with a million people costs as much as
    one with ten, and the templates' time is spent once."""
    def build() -> str:
        return render_to_string("connections/_charts.html", {"charts": charts}, request=request)

    if request.GET:  # an address with a query of its own: its download links carry it
        return build()
    key = (board.place.pk, board.exact, get_language(), board.total, board.active,
           tuple((c.key, c.count) for c in (*board.by_kind, *board.where, *board.funnel)),
           tuple((kind, tuple(values)) for kind, values in board.over_time.items()), tuple(board.years),
           tuple((m.label, tuple(m.counts)) for m in board.movement), tuple(board.movement_years))
    with _rendered_lock:
        html = _RENDERED.get(key)
        if html is not None:
            _RENDERED.move_to_end(key)
            return html
    html = build()
    with _rendered_lock:
        _RENDERED[key] = html
        while len(_RENDERED) > _RENDERED_KEPT:
            _RENDERED.popitem(last=False)
    return html


@for_visitors
def dashboard(request, slug):
    place = selectors.place_get(viewer=request.user, slug=slug)
    board = selectors.dashboard(viewer=request.user, place=place)
    charts = dashboard_charts(board)
    if response := chart_csv_response(request, charts):
        return response
    funnel = [{"cell": c, "share": (round(100 * c.count / board.total) if c.count is not None and board.total
                                   else None)} for c in board.funnel]
    return render(request, "connections/dashboard.html", {
        "place": place, "board": board, "charts_html": _charts_html(request, board, charts), "funnel": funnel,
        "can_manage": board.exact,
        "withdrawn": selectors.withdrawn_list(viewer=request.user, place=place).count() if board.exact else 0,
        "sample": board.sample,
    })


def _place_for_manager(request, slug) -> Place:
    place = selectors.place_get(viewer=request.user, slug=slug)
    if not can_manage_people(request.user, place):
        raise PermissionDenied
    return place


@login_required
def people(request, slug):
    place = _place_for_manager(request, slug)
    search = request.GET.get("q", "").strip()[:200]
    kind = request.GET.get("kind") if request.GET.get("kind") in Kind.values else None
    contactable = {"yes": True, "no": False}.get(request.GET.get("contact", ""))
    if download := download_response(request, lambda: people_sheet(viewer=request.user, place=place, search=search,
                                                                   kind=kind, contactable=contactable)):
        return download
    qs = selectors.people_list(viewer=request.user, place=place, search=search, kind=kind, contactable=contactable)
    rule = RetentionRule.objects.filter(place=place).first()
    return render(request, "connections/people.html", {
        "place": place, "page": paginate(qs, page=request.GET.get("page"), page_size=50), "search": search,
        "kind": kind, "kinds": Kind.choices,
        "contact": request.GET.get("contact", "") if contactable is not None else "",
        "withdrawn": selectors.withdrawn_list(viewer=request.user, place=place),
        "rule": rule,
    })


@login_required
def person_new(request, slug):
    place = _place_for_manager(request, slug)
    return form_page(request, PersonForm, lambda form: services.person_create(
        actor=request.user, place=place, data=form.person_input()), template="connections/person_form.html",
        context={"place": place}, done=_("The person was added with their consent."),
        to=lambda person: ("connections:person", person.pk))


def _person_page(request, person, interaction_form=None, consent_form=None):
    return render(request, "connections/person.html", {
        "person": person, "place": person.place, "consents": person.consents.all(),
        "where": where_label(person.where_key),
        "interactions": person.interaction_set.all()[:50],
        "stage_changes": person.stage_changes.select_related("activity", "interaction").order_by("-on", "-id")[:50],
        "interaction_form": interaction_form or InteractionForm(),
        "consent_form": consent_form or ConsentForm(),
    })


@login_required
def person(request, pk):
    person = selectors.person_get(viewer=request.user, pk=pk, withdrawn=True)
    if request.method == "POST" and person.withdrawn_at is None:
        if "interaction" in request.POST:
            form = InteractionForm(request.POST)
            done = submit(request, form, lambda: services.interaction_record(
                actor=request.user, person=person, data=dict(form.cleaned_data)),
                done=_("The contact was recorded."), to=("connections:person", pk))
            return done or _person_page(request, person, interaction_form=form)
        form = ConsentForm(request.POST)
        done = submit(request, form, lambda: services.consent_add(actor=request.user, person=person,
                                                                  data=form.consent_input()),
                      done=_("The consent was recorded."), to=("connections:person", pk))
        return done or _person_page(request, person, consent_form=form)
    return _person_page(request, person)


@login_required
def person_edit(request, pk):
    person = selectors.person_get(viewer=request.user, pk=pk)
    initial = {n: getattr(person, n) for n in ("name", "is_organisation", "email", "kind", "since", "country",
                                                "prefecture", "stage", "notes")}
    return form_page(request, PersonForm, lambda form: services.person_update(
        actor=request.user, person=person, data=form.person_input(changed_only=True)),
        template="connections/person_form.html", initial=initial, editing=True,
        context={"place": person.place, "person": person}, done=_("The record was saved."),
        to=("connections:person", pk))


@login_required
def person_export(request, pk):
    person = selectors.person_get(viewer=request.user, pk=pk, withdrawn=True)
    body = json.dumps(services.person_export(actor=request.user, person=person), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="connected-person-{person.pk}.json"'
    return response


@signed_in_post
def person_withdraw(request, pk):
    person = selectors.person_get(viewer=request.user, pk=pk, withdrawn=True)
    return perform(request, lambda: services.consent_withdraw(actor=request.user, person=person),
                   done=_("Consent withdrawn: the person is no longer in any list or count."),
                   to=("connections:person", pk))


@signed_in_post
def consent_withdraw(request, pk, consent):
    """One consent withdrawn: the use it allowed stops, the person's other consents stay."""
    person = selectors.person_get(viewer=request.user, pk=pk, withdrawn=True)
    return perform(request, lambda: services.consent_withdraw(actor=request.user, person=person, consent=consent),
                   done=lambda p: (_("Consent withdrawn: the person is no longer in any list or count.")
                                   if p.withdrawn_at else _("This consent was withdrawn; the others still apply.")),
                   to=("connections:person", pk))


@signed_in_post
def person_erase(request, pk):
    person = selectors.person_get(viewer=request.user, pk=pk, withdrawn=True)
    slug = person.place.slug
    if request.POST.get("confirm") != "erase":
        messages.error(request, _("Tick the box to confirm the erasure."))
        return redirect("connections:person", pk)
    return perform(request, lambda: services.person_erase(actor=request.user, person=person),
                   done=_("The person's data was erased. The audit log keeps only that it happened."),
                   to=("connections:people", slug))


@signed_in_post
def retention(request, slug):
    place = _place_for_manager(request, slug)
    raw = request.POST.get("years", "").strip()
    return perform(request, lambda: services.retention_set(actor=request.user, place=place,
                                                           data={"years": raw or None}),
                   done=_("The retention rule was saved."), to=("connections:people", slug))


@login_required
def import_csv(request, slug):
    place = _place_for_manager(request, slug)
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = services.read_csv_upload(form.cleaned_data["file"])
        except ApplicationError as exc:
            form.add_error("file", exc.message)
        else:
            report = services.people_import(actor=request.user, place=place, source=data,
                                            dry_run=form.cleaned_data["dry_run"])
            if report.created:
                messages.success(request, report.summary())
                return redirect("connections:people", slug)
    status = 422 if report is not None and report.errors else 200
    return render(request, "connections/import.html", {"place": place, "form": form, "report": report,
                                                       "columns": services.CSV_COLUMNS}, status=status)


@login_required
def from_activity(request, slug):
    """Add an activity's participants who consented to a place's connected population, in one step."""
    activity = activity_get(viewer=request.user, slug=slug)
    if not can_manage_activity(request.user, activity):
        raise PermissionDenied
    places = Place.objects.order_by(*name_order())
    if not has_role(request.user, Role.ADMINISTRATOR):
        places = places.filter(pk__in=represented_place_ids(request.user))
    if not places.exists():
        raise PermissionDenied
    connected = set(ConnectedPerson.objects.filter(participant__activity=activity)
                    .values_list("participant_id", flat=True))
    participants = [p for p in activity.participants.order_by("name", "id") if p.pk not in connected]
    return form_page(request, ParticipantsForm, lambda form: services.participants_connect(
        actor=request.user, activity=activity, data=form.participants_input()),
        template="connections/from_activity.html", places=list(places), participants=participants,
        context={"activity": activity, "participants": participants, "already": len(connected)},
        done=lambda made: _("%(n)s participants were added to the connected population.") % {"n": len(made)},
        to=("activities:detail", activity.slug))
