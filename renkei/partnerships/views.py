from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from renkei.core.errors import ApplicationError, NotAllowed, NotFound
from renkei.core.uploads import stored_file_response
from renkei.partnerships import selectors, services
from renkei.partnerships.forms import AgreementForm
from renkei.partnerships.models import Partnership
from renkei.programmes.services import MAX_FILE_BYTES, Upload


def partnership_list(request):
    rows = [{"p": p, "health": services.health(p)} for p in selectors.partnership_list(viewer=request.user)]
    return render(request, "partnerships/list.html", {
        "rows": rows, "dormant": sum(r["health"].dormant for r in rows),
        "single": sum(r["health"].single_focal_point for r in rows)})


def _partnership(request, slug):
    try:
        return selectors.partnership_get(viewer=request.user, slug=slug)
    except NotFound as exc:
        raise Http404 from exc


def _detail(request, p, agreement_form=None, status=200):
    can_manage = services.can_manage(request.user, p)
    return render(request, "partnerships/detail.html", {
        "p": p, "health": services.health(p), "can_manage": can_manage,
        "next_steps": sorted(services.TRANSITIONS.get(p.status, ())),
        "objectives": p.objectives.prefetch_related("actions__milestones", "actions__owner"),
        "agreements": p.agreements.prefetch_related("themes"),
        "agreement_form": (agreement_form or AgreementForm()) if can_manage else None,
    }, status=status)


def partnership_detail(request, slug):
    return _detail(request, _partnership(request, slug))


@login_required
@require_POST
def partnership_status(request, slug):
    try:
        p = selectors.partnership_get(viewer=request.user, slug=slug)
        services.status_change(actor=request.user, partnership=p, to=request.POST.get("to", ""),
                               reason=request.POST.get("reason", ""))
    except NotFound as exc:
        raise Http404 from exc
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The status was changed."))
    return redirect("partnerships:detail", slug=slug)


@login_required
@require_POST
def from_application(request, pk):
    from renkei.programmes.selectors import application_list

    application = application_list(viewer=request.user).filter(pk=pk).first()
    if application is None:
        raise Http404
    try:
        p = services.partnership_from_application(actor=request.user, application=application)
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("programmes:committee", slug=application.call.slug)
    messages.success(request, _("The partnership was created."))
    return redirect("partnerships:detail", slug=p.slug)


def _agreement_add(request, p):
    """The agreement form, with its document: refused input re-renders the page with the errors on
    their fields, and nothing is saved."""
    form = AgreementForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            signatories = services.signatories_from_lines(data["signatories"])
            upload = data["document"]
            services.agreement_add(
                actor=request.user, partnership=p, kind=data["kind"], signed_on=data["signed_on"],
                signed_at=data["signed_at"], signatories=signatories, term_years=data["term_years"],
                signed_by_both_heads=data["signed_by_both_heads"],
                budget_approved_by_assembly=data["budget_approved_by_assembly"], themes=p.themes.all(),
                # one byte more than the limit is enough to know a file is too large
                document=Upload(upload.name, upload.read(MAX_FILE_BYTES + 1)) if upload else None)
        except NotAllowed as exc:
            raise PermissionDenied from exc
        except ApplicationError as exc:
            form.add_service_errors(exc.errors, exc.message)
        else:
            messages.success(request, _("The agreement was recorded."))
            return redirect("partnerships:detail", slug=p.slug)
    messages.error(request, _("The agreement was not saved: please correct the errors in its form."))
    return _detail(request, p, agreement_form=form)


@login_required
@require_POST
def partnership_add(request, slug, what):
    """Add an action-plan item, a pilot or an agreement from the partnership page."""
    from datetime import date as date_type

    p = _partnership(request, slug)
    if what == "agreement":
        if not services.can_manage(request.user, p):
            raise PermissionDenied
        return _agreement_add(request, p)
    post = request.POST

    def parse_date(field: str, required: bool = False):
        raw = post.get(field, "").strip()
        if not raw:
            if required:
                raise ApplicationError(_("%(field)s: is required") % {"field": field}, field=field)
            return None
        try:
            return date_type.fromisoformat(raw)
        except ValueError as exc:
            raise ApplicationError(_("%(field)s: use a date like 2026-03-31") % {"field": field}, field=field) from exc

    try:
        if what == "action":
            services.action_add(actor=request.user, partnership=p, objective=post.get("objective", ""),
                                action=post.get("action", ""), due_on=parse_date("due_on"))
        elif what == "pilot":
            services.pilot_add(actor=request.user, partnership=p, title={"en": post.get("title", "")})
        else:
            raise Http404
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("partnerships:detail", slug=slug)


def agreement_document(request, slug, pk):
    """The signed document, for whoever may see the partnership (a 404 for anyone else)."""
    p = _partnership(request, slug)
    agreement = p.agreements.filter(pk=pk).first()
    response = (stored_file_response(agreement.document, services.agreement_document_name(agreement))
                if agreement is not None else None)
    if response is None:
        raise Http404
    return response


@login_required
def programme_health(request, slug):
    """A programme's partnerships with their health flags, for its officers and administrators."""
    dormant_only, single_only = request.GET.get("dormant") == "1", request.GET.get("single") == "1"
    try:
        report = selectors.programme_health(viewer=request.user, slug=slug, dormant_only=dormant_only,
                                            single_only=single_only)
    except NotFound as exc:
        raise Http404 from exc
    except NotAllowed as exc:
        raise PermissionDenied from exc
    return render(request, "partnerships/programme_health.html", {
        "report": report, "programme": report.programme, "dormant_only": dormant_only, "single_only": single_only,
        "statuses": [(value, label, report.by_status.get(value, 0)) for value, label in
                     Partnership.Status.choices if report.by_status.get(value)],
    })
