"""The network pages: the public page of a network (members, offices) and, for its secretariat,
dues, invoices and payments, arrears and reminders, statements, the presidency scheduler, funding
and engagement."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core.errors import ApplicationError
from renkei.networks import selectors, services
from renkei.networks.exporting import invoice_sheet
from renkei.networks.forms import (
    DuesForm,
    FundingForm,
    IssueForm,
    MeetingForm,
    MemberImportForm,
    PaymentForm,
    ProjectForm,
    ScheduleForm,
    SettingsForm,
)
from renkei.networks.models import FundingEntry, Invoice, Office
from renkei.networks.permissions import can_manage, can_read_account
from renkei.ui.actions import perform, signed_in_post
from renkei.ui.charts import Chart, Column, chart_csv_response
from renkei.ui.exports import download_response
from renkei.ui.forms import form_page, submit
from renkei.ui.pagecache import for_visitors


def _managed(request, slug):
    network = selectors.network_get(viewer=request.user, slug=slug)
    selectors.require_manager(request.user, network)
    return network


@for_visitors
def network_list(request):
    return render(request, "networks/list.html", {"networks": selectors.network_list(viewer=request.user)})


@for_visitors
def network_detail(request, slug):
    network = selectors.network_get(viewer=request.user, slug=slug)
    manager = can_manage(request.user, network)
    owing = selectors.arrears(network) if manager else {}
    today = timezone.localdate()
    rows = [{"m": m, "owed": owing.get(m.pk), "current": m.left_on is None or m.left_on >= today,
             "mine": not manager and can_read_account(request.user, m)}
            for m in selectors.members(network)]
    offices = network.offices.select_related("member__place", "member__organisation")
    return render(request, "networks/detail.html", {
        "network": network, "rows": rows, "offices": offices, "manager": manager, "office_kinds": Office.Kind.choices,
        "current_offices": [o for o in offices if o.ends_on is None or o.ends_on >= today],
        "past_presidents": [o for o in offices if o.kind == "president" and o.ends_on and o.ends_on < today]})


@login_required
def dues(request, slug):
    network = _managed(request, slug)
    year = timezone.localdate().year + 1
    preview, action = None, request.POST.get("action")
    if request.method == "POST":
        form = DuesForm(request.POST, formula=network.dues_formula)
        if form.is_valid():
            year = form.cleaned_data["year"]
            try:
                if action == "save":
                    services.dues_formula_set(actor=request.user, network=network, data=form.formula())
                    messages.success(request, _("The dues formula was saved; invoices will use it."))
                    return redirect("networks:dues", network.slug)
                preview = services.dues_preview(actor=request.user, network=network, year=year,
                                                formula=form.formula())
            except ApplicationError as exc:
                form.add_service_errors(exc.errors, exc.message)
    else:
        form = DuesForm(formula=network.dues_formula, initial={"year": year})
        if network.dues_formula:
            try:
                preview = services.dues_preview(actor=request.user, network=network, year=year)
            except ApplicationError as exc:
                messages.error(request, exc.message)
    issue = IssueForm(initial={"year": year, "issued_on": timezone.localdate(),
                               "due_on": date(year, 3, 31)})
    return render(request, "networks/dues.html", {
        "network": network, "form": form, "preview": preview, "year": year, "issue_form": issue,
        "total": sum((r.dues.amount for r in preview), 0) if preview else None,
        "formula_currency": (form.cleaned_data.get("currency") if form.is_bound and hasattr(form, "cleaned_data")
                             else None) or network.dues_formula.get("currency", network.currency)})


@signed_in_post
def invoices_issue(request, slug):
    network = _managed(request, slug)
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The invoices were not issued: %(errors)s")
                       % {"errors": "; ".join(f"{k}: {v[0]}" for k, v in form.errors.items())})
        return redirect("networks:dues", network.slug)
    return perform(request, lambda: services.invoices_issue(actor=request.user, network=network,
                                                            data=form.cleaned_data),
                   done=lambda made: _("%(n)s invoice(s) issued.") % {"n": len(made)},
                   to=("networks:invoices", network.slug))


@login_required
def invoices(request, slug):
    network = _managed(request, slug)
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() and 1900 <= int(year) <= 2200 else None
    if download := download_response(request, lambda: invoice_sheet(viewer=request.user, network=network,
                                                                    year=year)):
        return download
    owing = selectors.arrears(network)
    arrears = [(m, owing[m.pk]) for m in selectors.members(network) if m.pk in owing]
    years = sorted(set(network.invoices.values_list("year", flat=True)), reverse=True)
    return render(request, "networks/invoices.html", {
        "network": network, "invoices": selectors.invoices(viewer=request.user, network=network, year=year),
        "arrears": arrears, "arrears_total": sum(owing.values(), 0), "years": years, "year": year})


@signed_in_post
def reminders(request, slug):
    network = _managed(request, slug)
    return perform(request, lambda: services.reminders_request(actor=request.user, network=network),
                   done=lambda n: _("Reminders of %(n)s overdue invoice(s) are being sent by e-mail.") % {"n": n},
                   to=("networks:invoices", network.slug))


def invoice(request, slug, number):
    network = selectors.network_get(viewer=request.user, slug=slug)
    inv = selectors.invoice_get(viewer=request.user, network=network, number=number)
    manager = can_manage(request.user, network)
    form = None
    if manager and inv.status == Invoice.Status.OPEN:
        if request.method == "POST":
            form = PaymentForm(request.POST)
            saved = submit(request, form, lambda: services.payment_record(actor=request.user, invoice=inv,
                                                                          data=form.payment()),
                           done=_("The payment was recorded."), to=("networks:invoice", network.slug, inv.number))
            if saved:
                return saved
        else:
            form = PaymentForm(initial={"currency": inv.currency, "received_on": timezone.localdate(),
                                        "amount": inv.balance})
    return render(request, "networks/invoice.html", {"network": network, "invoice": inv, "form": form,
                                                     "manager": manager, "payments": inv.payments.all()})


def statement(request, slug, key):
    network = selectors.network_get(viewer=request.user, slug=slug)
    member = selectors.member_get(viewer=request.user, network=network, key=key)
    lines = selectors.statement(viewer=request.user, member=member)
    invoices_ = member.invoices.exclude(status=Invoice.Status.CANCELLED)
    return render(request, "networks/statement.html", {"network": network, "member": member, "lines": lines,
                                                       "invoices": invoices_, "today": timezone.localdate()})


@login_required
def presidency(request, slug):
    network = _managed(request, slug)
    rules = selectors.rules_of(network)
    result = None
    if "terms" in request.GET:
        form = ScheduleForm(request.GET)
        if form.is_valid():
            try:
                result = selectors.presidency_schedule(viewer=request.user, network=network,
                                                       data=form.schedule_input())
            except ApplicationError as exc:
                form.add_error(None, exc.message)
    else:
        form = ScheduleForm(initial={**rules.model_dump(), "terms": 4})
    proposals = []
    if result and result.schedule.ok:
        for p in result.schedule.proposals:
            proposals.append({"p": p, "member": result.members[p.candidate.key],
                              "reason": selectors.proposal_reason(p)})
    members = [m for m in selectors.members(network) if m.left_on is None]
    return render(request, "networks/presidency.html", {
        "network": network, "form": form, "result": result, "proposals": proposals, "members": members,
        "refusal": selectors.refusal_text(result.schedule.refusal) if result and result.schedule.refusal else "",
        "presidents": selectors.presidents(network), "term_years": rules.term_years})


@signed_in_post
def presidency_record(request, slug):
    network = _managed(request, slug)
    terms = []
    for n in range(1, 101):
        member = request.POST.get(f"member_{n}")
        if member is None:
            break
        if member:
            terms.append({"member": member, "starts_on": request.POST.get(f"starts_{n}", ""),
                          "ends_on": request.POST.get(f"ends_{n}", "")})
    return perform(request, lambda: services.presidency_record(actor=request.user, network=network,
                                                               data={"terms": terms}),
                   done=lambda offices: _("%(n)s presidential term(s) recorded.") % {"n": len(offices)},
                   to=("networks:presidency", network.slug))


@signed_in_post
def office_add(request, slug):
    """Any office and its term (president, vice-president, executive committee, secretariat)."""
    network = _managed(request, slug)
    data = {name: request.POST.get(name, "") for name in ("kind", "member", "starts_on", "ends_on")}
    data["ends_on"] = data["ends_on"] or None
    return perform(request, lambda: services.office_add(actor=request.user, network=network, data=data),
                   done=lambda office: _("Recorded: %(office)s.") % {"office": office},
                   to=("networks:detail", network.slug))


def _funding_chart(network, years) -> Chart:
    hhi, share = _("HHI"), _("Largest source's share")
    rows = []
    for y in years:
        rows.append({"year": y.year, "measure": hhi, "value": float(y.hhi) if y.hhi is not None else None})
        rows.append({"year": y.year, "measure": share,
                     "value": float(y.largest_share) if y.largest_share is not None else None})
    return Chart(id="funding-diversity", kind="line", title=_("Funding concentration over time"),
                 columns=[Column("year", _("Year"), number=True, decimals=0), Column("measure", _("Measure")),
                          Column("value", _("Value"), number=True, decimals=4)],
                 rows=rows, x="year", y="value", series="measure", domain=(0, 1),
                 note=_("Warning above an HHI of %(t)s.") % {"t": network.hhi_threshold})


@login_required
def funding(request, slug):
    network = _managed(request, slug)
    years = selectors.funding(network)
    chart = _funding_chart(network, years)
    if response := chart_csv_response(request, [chart]):
        return response
    form, settings_form = FundingForm(initial={"year": timezone.localdate().year}), SettingsForm(
        initial={"hhi_threshold": network.hhi_threshold, "silent_months": network.silent_months})
    if request.method == "POST" and request.POST.get("form") == "settings":
        settings_form = SettingsForm(request.POST)
        saved = submit(request, settings_form, lambda: services.network_update(
            actor=request.user, network=network, data=settings_form.cleaned_data),
            done=_("The warnings were saved."), to=("networks:funding", network.slug))
        if saved:
            return saved
    elif request.method == "POST":
        form = FundingForm(request.POST)
        saved = submit(request, form, lambda: services.funding_set(actor=request.user, network=network,
                                                                   data=form.cleaned_data),
                       done=_("The income was recorded."), to=("networks:funding", network.slug))
        if saved:
            return saved
    sources = FundingEntry.Source.choices
    table = [{"y": y, "amounts": [y.by_source.get(code) for code, _label in sources]} for y in years]
    return render(request, "networks/funding.html", {
        "network": network, "years": years, "table": table, "sources": sources, "chart": chart, "form": form,
        "settings_form": settings_form})


@login_required
def engagement(request, slug):
    network = _managed(request, slug)
    rows = selectors.engagement(network)
    return render(request, "networks/engagement.html", {
        "network": network, "rows": rows, "silent": sum(r.silent for r in rows),
        "meetings": network.meetings.prefetch_related("decisions", "attendees__place", "attendees__organisation"),
        "projects": network.projects.prefetch_related("partnerships", "activities", "members__place",
                                                      "members__organisation"),
        "year": timezone.localdate().year})


@login_required
def members_import(request, slug):
    network = _managed(request, slug)
    report = None
    form = MemberImportForm()
    if request.method == "POST":
        form = MemberImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > 5 * 1024 * 1024:
                form.add_error("file", _("The file is larger than 5 MB."))
            else:
                report = services.members_import(actor=request.user, network=network, source=upload.read())
                if report.ok:
                    messages.success(request, _("%(n)s member(s) imported.") % {"n": report.created})
                    return redirect("networks:detail", network.slug)
    return render(request, "networks/import.html", {"network": network, "form": form, "report": report})


# --- meetings and projects (the secretariat's forms) --------------------------------------------------


def _current_members(network):
    return [m for m in selectors.members(network) if m.left_on is None]


@login_required
def meeting_new(request, slug):
    network = _managed(request, slug)
    return form_page(request, MeetingForm, lambda form: services.meeting_add(
        actor=request.user, network=network, data=form.meeting_input()),
        template="networks/meeting_form.html", members=_current_members(network),
        initial={"held_on": timezone.localdate(), "quorum": 1},
        context={"network": network, "manager": True}, done=_("The meeting was recorded."),
        to=("networks:engagement", network.slug))


@login_required
def meeting_edit(request, slug, pk):
    network = _managed(request, slug)
    meeting = selectors.meeting_get(viewer=request.user, network=network, pk=pk)
    present = {m.pk for m in meeting.attendees.all()}
    members = [m for m in selectors.members(network) if m.left_on is None or m.pk in present]
    return form_page(request, MeetingForm, lambda form: services.meeting_update(
        actor=request.user, meeting=meeting, data=form.meeting_input()),
        template="networks/meeting_form.html", members=members, initial=MeetingForm.initial_of(meeting),
        context={"network": network, "manager": True, "meeting": meeting}, done=_("The meeting was saved."),
        to=("networks:engagement", network.slug))


def _project_choices(network, project=None) -> dict:
    """What a project may link: current members (and those it already has), published partnerships (and
    those it already links), learning activities."""
    from django.db.models import Q

    from renkei.activities.models import Activity
    from renkei.partnerships.models import Partnership

    linked_members = set() if project is None else {m.pk for m in project.members.all()}
    linked = [] if project is None else [p.pk for p in project.partnerships.all()]
    return {"members": [m for m in selectors.members(network) if m.left_on is None or m.pk in linked_members],
            "partnerships": Partnership.objects.filter(Q(is_published=True) | Q(pk__in=linked)).order_by("slug"),
            "activities": Activity.objects.order_by("-starts_at", "slug")}


@login_required
def project_new(request, slug):
    network = _managed(request, slug)
    return form_page(request, ProjectForm, lambda form: services.project_add(
        actor=request.user, network=network, data=form.project_input()),
        template="networks/project_form.html", **_project_choices(network),
        context={"network": network, "manager": True}, done=_("The project was added."),
        to=("networks:engagement", network.slug))


@login_required
def project_edit(request, slug, pk):
    network = _managed(request, slug)
    project = selectors.project_get(viewer=request.user, network=network, pk=pk)
    return form_page(request, ProjectForm, lambda form: services.project_update(
        actor=request.user, project=project, data=form.project_input()),
        template="networks/project_form.html", **_project_choices(network, project),
        initial=ProjectForm.initial_of(project),
        context={"network": network, "manager": True, "project": project}, done=_("The project was saved."),
        to=("networks:engagement", network.slug))
