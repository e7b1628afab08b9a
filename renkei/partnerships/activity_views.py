from datetime import date
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from renkei.core.errors import ApplicationError, NotAllowed, NotFound
from renkei.core.text import pick_language
from renkei.partnerships import activities
from renkei.partnerships.forms import SessionForm


def calendar(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
        first = date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    items = list(activities.activity_list(viewer=request.user))
    by_month: dict[str, list] = {}
    for a in items:
        by_month.setdefault(a.starts_at.astimezone(ZoneInfo(a.timezone)).strftime("%Y-%m"), []).append(a)
    return render(request, "partnerships/calendar.html", {"months": sorted(by_month.items(), reverse=True),
                                                          "first": first})


def _activity(request, slug):
    try:
        return activities.activity_get(viewer=request.user, slug=slug)
    except NotFound as exc:
        raise Http404 from exc


def _activity_page(request, activity, session_form=None):
    local = ZoneInfo(activity.timezone)
    can_manage = activities.can_manage_activity(request.user, activity)
    speakers = activity.speakers.filter(session__isnull=True).select_related("contact__organisation")
    return render(request, "partnerships/activity.html", {
        "a": activity, "starts": activity.starts_at.astimezone(local), "ends": activity.ends_at.astimezone(local),
        "speakers": activities.visible_speakers(speakers, request.user),
        "agenda": activities.agenda(activity, viewer=request.user),
        "gain": activities.learning_gain(activity), "participants": activity.participants.count(),
        "description": pick_language(activity.description),
        "participant_list": activity.participants.all() if can_manage else [],
        "can_run": can_manage,
        "session_form": (session_form or SessionForm(activity=activity)) if can_manage else None,
    })


def activity_detail(request, slug):
    return _activity_page(request, _activity(request, slug))


@login_required
@require_POST
def session_add(request, slug):
    """Add a session to the agenda; refused input re-renders the page with the errors on their fields."""
    activity = _activity(request, slug)
    if not activities.can_manage_activity(request.user, activity):
        raise PermissionDenied
    form = SessionForm(request.POST, activity=activity)
    if form.is_valid():
        data = form.cleaned_data
        try:
            activities.session_add(
                actor=request.user, activity=activity, title_en=data["title_en"], title_ja=data["title_ja"],
                starts_at=data["starts_at"], ends_at=data["ends_at"], room=data["room"],
                speakers=activities.speakers_from_lines(data["speakers"]))
        except NotAllowed as exc:
            raise PermissionDenied from exc
        except ApplicationError as exc:
            form.add_service_errors(exc.errors, exc.message)
        else:
            messages.success(request, _("The session was added to the agenda."))
            return redirect("partnerships:activity", slug=activity.slug)
    messages.error(request, _("The session was not saved: please correct the errors in its form."))
    return _activity_page(request, activity, session_form=form)


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def activity_ics(request, slug):
    try:
        activity = activities.activity_get(viewer=request.user, slug=slug)
    except NotFound as exc:
        raise Http404 from exc
    return _ics(activities.to_ics([activity], host=request.get_host()), f"{activity.slug}.ics")


def feed_ics(request):
    return _ics(activities.to_ics(activities.activity_list(viewer=request.user), host=request.get_host()),
                "renkei-activities.ics")


def _can_run_activities(user) -> bool:
    from renkei.accounts.models import Role
    from renkei.accounts.permissions import has_role

    return has_role(user, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER, Role.FOCAL_POINT, Role.NETWORK_SECRETARIAT)


def activity_new(request):
    from datetime import datetime

    from django.contrib import messages
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import redirect
    from django.utils.translation import gettext as _

    from renkei.core.errors import ApplicationError
    from renkei.partnerships.models import Activity
    from renkei.partnerships.selectors import partnership_list

    if not request.user.is_authenticated or not _can_run_activities(request.user):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            zone = ZoneInfo(values.get("timezone", "") or "UTC")
        except (KeyError, ValueError):
            errors["timezone"] = [_("not a time zone, e.g. Asia/Tokyo")]
            zone = None

        def when(field):
            try:
                return datetime.fromisoformat(values.get(field, "")).replace(tzinfo=zone)
            except ValueError:
                errors[field] = [_("use a date and time like 2026-03-31T09:00")]
                return None

        starts, ends = when("starts_at"), when("ends_at")
        partnership = partnership_list(viewer=request.user).filter(slug=values.get("partnership", "")).first()
        if not errors:
            try:
                activity = activities.activity_create(
                    actor=request.user, kind=values.get("kind", ""), title_en=values.get("title_en", ""),
                    starts_at=starts, ends_at=ends, timezone_name=values.get("timezone", ""),
                    title_ja=values.get("title_ja", ""), venue=values.get("venue", ""), room=values.get("room", ""),
                    online_url=values.get("online_url", ""), partnership=partnership,
                    description={"en": values["description_en"]} if values.get("description_en") else {})
            except ApplicationError as exc:
                errors.update(exc.errors)
            else:
                messages.success(request, _("The activity was created."))
                return redirect("partnerships:activity", slug=activity.slug)
    return render(request, "partnerships/activity_new.html", {
        "kinds": Activity.Kind.choices, "errors": errors, "values": values,
        "partnerships": partnership_list(viewer=request.user)})


def participant_add(request, slug):
    if request.method != "POST" or not request.user.is_authenticated:
        raise PermissionDenied
    try:
        activity = activities.activity_get(viewer=request.user, slug=slug)
    except NotFound as exc:
        raise Http404 from exc

    def score(field):
        raw = request.POST.get(field, "").strip()
        return int(raw) if raw.isdigit() else None

    try:
        activities.participant_add(actor=request.user, activity=activity, name=request.POST.get("name", ""),
                                   attended=request.POST.get("attended") == "1", before=score("before"),
                                   after=score("after"), adopted_later=request.POST.get("adopted_later", ""))
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except ApplicationError as exc:
        messages.error(request, f"{exc.field}: {exc.message}" if exc.field == "name" else exc.message)
    else:
        messages.success(request, _("The participant was recorded."))
    return redirect("partnerships:activity", slug=slug)
