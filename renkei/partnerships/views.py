from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from renkei.core.errors import ApplicationError, NotAllowed
from renkei.core.uploads import Upload, stored_file_response
from renkei.partnerships import selectors, services
from renkei.partnerships.exporting import partnership_sheet
from renkei.partnerships.forms import ActionForm, AgreementForm, PilotForm
from renkei.partnerships.models import Partnership
from renkei.ui.actions import perform, read_only, signed_in_post
from renkei.ui.exports import download_response
from renkei.ui.forms import submit
from renkei.ui.pagecache import for_visitors

STATUS_LABELS = dict(Partnership.Status.choices)  # lazy labels: each page shows them in its language


@for_visitors
def partnership_list(request):
    if download := download_response(request, lambda: partnership_sheet(viewer=request.user)):
        return download
    rows = [{"p": p, "health": services.health(p)} for p in selectors.partnership_list(viewer=request.user)]
    return render(request, "partnerships/list.html", {
        "rows": rows, "dormant": sum(r["health"].dormant for r in rows),
        "single": sum(r["health"].single_focal_point for r in rows)})


def _detail(request, p, agreement_form=None, status=200):
    can_manage = services.can_manage(request.user, p)
    return render(request, "partnerships/detail.html", {
        "p": p, "health": services.health(p), "can_manage": can_manage,
        "next_steps": [(value, label) for value, label in Partnership.Status.choices
                       if value in services.TRANSITIONS.get(p.status, ())],
        "history": [(change, STATUS_LABELS.get(change.from_status, change.from_status),
                     STATUS_LABELS.get(change.to_status, change.to_status))
                    for change in p.status_changes.select_related("changed_by")],
        "objectives": p.objectives.prefetch_related("actions__milestones", "actions__owner"),
        "agreements": p.agreements.prefetch_related("themes"),
        "agreement_form": (agreement_form or AgreementForm()) if can_manage else None,
    }, status=status)


@for_visitors
def partnership_detail(request, slug):
    return _detail(request, selectors.partnership_get(viewer=request.user, slug=slug))


@signed_in_post
def partnership_status(request, slug):
    p = selectors.partnership_get(viewer=request.user, slug=slug)
    return perform(request, lambda: services.status_change(actor=request.user, partnership=p,
                                                           to=request.POST.get("to", ""),
                                                           reason=request.POST.get("reason", "")),
                   done=_("The status was changed."), to=("partnerships:detail", slug))


@signed_in_post
def from_application(request, pk):
    application = selectors.application_get(viewer=request.user, pk=pk)
    try:
        p = services.partnership_from_application(actor=request.user, application=application)
    except NotAllowed:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("programmes:committee", slug=application.call.slug)
    messages.success(request, _("The partnership was created."))
    return redirect("partnerships:detail", slug=p.slug)


def _agreement_add(request, p):
    """The agreement form, with its document: refused input re-renders the page with the errors on
    their fields, and nothing is saved."""
    form = AgreementForm(request.POST, request.FILES)

    def add():
        upload = form.cleaned_data["document"]
        services.agreement_add(
            actor=request.user, partnership=p, data=form.input(themes=p.themes.all()),
            document=Upload.read(upload) if upload else None)

    saved = submit(request, form, add, done=_("The agreement was recorded."), to=("partnerships:detail", p.slug))
    if saved:
        return saved
    messages.error(request, _("The agreement was not saved: please correct the errors in its form."))
    return _detail(request, p, agreement_form=form)


@signed_in_post
def partnership_add(request, slug, what):
    """Add an action-plan item, a pilot or an agreement from the partnership page."""
    p = selectors.partnership_get(viewer=request.user, slug=slug)
    if what == "agreement":
        if not services.can_manage(request.user, p):
            raise PermissionDenied
        return _agreement_add(request, p)
    forms_and_services = {"action": (ActionForm, services.action_add), "pilot": (PilotForm, services.pilot_add)}
    if what not in forms_and_services:
        raise Http404
    form_class, service = forms_and_services[what]
    form = form_class(request.POST)

    def add():
        if not form.is_valid():
            field, problems = next(iter(form.errors.items()))
            raise ApplicationError(f"{form[field].label}: {problems[0]}" if field in form.fields else problems[0])
        service(actor=request.user, partnership=p, data=form.input())

    return perform(request, add, done=_("Saved."), to=("partnerships:detail", slug))


@read_only
def agreement_document(request, slug, pk):
    """The signed document, for whoever may see the partnership (a 404 for anyone else)."""
    agreement = selectors.agreement_get(viewer=request.user, slug=slug, pk=pk)
    response = stored_file_response(agreement.document, services.agreement_document_name(agreement))
    if response is None:
        raise Http404
    return response


@login_required
def programme_health(request, slug):
    """A programme's partnerships with their health flags, for its officers and administrators."""
    dormant_only, single_only = request.GET.get("dormant") == "1", request.GET.get("single") == "1"
    report = selectors.programme_health(viewer=request.user, slug=slug, dormant_only=dormant_only,
                                        single_only=single_only)
    return render(request, "partnerships/programme_health.html", {
        "report": report, "programme": report.programme, "dormant_only": dormant_only, "single_only": single_only,
        "statuses": [(value, label, report.by_status.get(value, 0)) for value, label in
                     Partnership.Status.choices if report.by_status.get(value)],
    })
