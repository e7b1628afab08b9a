from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from renkei.core.errors import ApplicationError, NotAllowed, NotFound
from renkei.partnerships import selectors, services


def partnership_list(request):
    rows = [{"p": p, "health": services.health(p)} for p in selectors.partnership_list(viewer=request.user)]
    return render(request, "partnerships/list.html", {
        "rows": rows, "dormant": sum(r["health"].dormant for r in rows),
        "single": sum(r["health"].single_focal_point for r in rows)})


def partnership_detail(request, slug):
    try:
        p = selectors.partnership_get(viewer=request.user, slug=slug)
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "partnerships/detail.html", {
        "p": p, "health": services.health(p), "can_manage": services.can_manage(request.user, p),
        "next_steps": sorted(services.TRANSITIONS.get(p.status, ())),
        "objectives": p.objectives.prefetch_related("actions__milestones", "actions__owner"),
    })


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


@login_required
@require_POST
def partnership_add(request, slug, what):
    """Add an action-plan item, a pilot or an agreement from the partnership page."""
    from datetime import date as date_type

    try:
        p = selectors.partnership_get(viewer=request.user, slug=slug)
    except NotFound as exc:
        raise Http404 from exc
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
        elif what == "agreement":
            services.agreement_add(
                actor=request.user, partnership=p, kind=post.get("kind", ""), signed_on=parse_date("signed_on", True),
                signed_at=post.get("signed_at", ""), signed_by_both_heads=bool(post.get("signed_by_both_heads")),
                budget_approved_by_assembly=bool(post.get("budget_approved_by_assembly")), themes=p.themes.all())
        else:
            raise Http404
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("partnerships:detail", slug=slug)
