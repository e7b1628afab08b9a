"""The learning activity pages: the calendar, one activity with its agenda, the iCalendar files,
and the forms of those who run activities."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from renkei.activities import selectors, services
from renkei.activities.calendar import to_ics
from renkei.activities.exporting import activity_sheet, participant_sheet
from renkei.activities.forms import ActivityForm, SessionForm
from renkei.activities.permissions import can_create_activity, can_manage_activity
from renkei.core.text import pick_language
from renkei.partnerships.selectors import partnership_list
from renkei.ui.actions import perform, read_only, signed_in_post
from renkei.ui.exports import download_response
from renkei.ui.forms import form_page, submit
from renkei.ui.pagecache import for_visitors


@for_visitors
def calendar(request):
    """The calendar: a month (``?year=2026&month=12``) or the list of every activity (``?view=list``)."""
    if download := download_response(request, lambda: activity_sheet(viewer=request.user)):
        return download
    today = timezone.localdate()
    try:
        first = date(int(request.GET.get("year", today.year)), int(request.GET.get("month", today.month)), 1)
    except ValueError:
        first = today.replace(day=1)
    if not 1900 <= first.year <= 2200:  # a calendar of that year is not what anyone looks for
        first = today.replace(day=1)
    context = {"first": first, "view": "list" if request.GET.get("view") == "list" else "month",
               "may_create": request.user.is_authenticated and can_create_activity(request.user),
               "weekdays": [(WEEKDAYS_ABBR[i], WEEKDAYS[i]) for i in range(7)]}
    if context["view"] == "list":
        by_month: dict[date, list] = {}
        for a in selectors.activity_list(viewer=request.user):
            starts = a.starts_at.astimezone(ZoneInfo(a.timezone))
            by_month.setdefault(starts.date().replace(day=1), []).append(
                {"a": a, "starts": starts, "ends": a.ends_at.astimezone(ZoneInfo(a.timezone))})
        context["months"] = sorted(by_month.items(), key=lambda item: item[0], reverse=True)
    else:
        context["month"] = selectors.activity_month(viewer=request.user, year=first.year, month=first.month,
                                                    today=today)
    return render(request, "activities/calendar.html", context)


@for_visitors
def activity_detail(request, slug):
    activity = selectors.activity_get(viewer=request.user, slug=slug)
    if download := download_response(request, lambda: participant_sheet(viewer=request.user, activity=activity)):
        return download
    return _activity_page(request, activity)


def _activity_page(request, activity, session_form=None):
    local = ZoneInfo(activity.timezone)
    can_manage = can_manage_activity(request.user, activity)
    speakers = activity.speakers.filter(session__isnull=True).select_related("contact__organisation")
    return render(request, "activities/activity.html", {
        "a": activity, "starts": activity.starts_at.astimezone(local), "ends": activity.ends_at.astimezone(local),
        "speakers": selectors.visible_speakers(speakers, request.user),
        "agenda": selectors.agenda(activity, viewer=request.user),
        "gain": selectors.learning_gain(activity), "participants": activity.participants.count(),
        "description": pick_language(activity.description),
        "participant_list": activity.participants.all() if can_manage else [],
        "can_run": can_manage,
        "session_form": (session_form or SessionForm(activity=activity)) if can_manage else None,
    })


@signed_in_post
def session_add(request, slug):
    """Add a session to the agenda; refused input re-renders the page with the errors on their fields."""
    activity = selectors.activity_get(viewer=request.user, slug=slug)
    if not can_manage_activity(request.user, activity):
        raise PermissionDenied
    form = SessionForm(request.POST, activity=activity)
    saved = submit(request, form, lambda: services.session_add(
        actor=request.user, activity=activity, data=form.session_input(),
        speakers=services.speakers_from_lines(form.cleaned_data["speakers"])),
        done=_("The session was added to the agenda."), to=("activities:detail", activity.slug))
    if saved:
        return saved
    messages.error(request, _("The session was not saved: please correct the errors in its form."))
    return _activity_page(request, activity, session_form=form)


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@read_only
def activity_ics(request, slug):
    activity = selectors.activity_get(viewer=request.user, slug=slug)
    return _ics(to_ics([activity], host=request.get_host()), f"{activity.slug}.ics")


@read_only
def feed_ics(request):
    return _ics(to_ics(selectors.activity_list(viewer=request.user), host=request.get_host()),
                "renkei-activities.ics")


def activity_new(request):
    if not request.user.is_authenticated or not can_create_activity(request.user):
        raise PermissionDenied
    partnerships = partnership_list(viewer=request.user)
    return form_page(request, ActivityForm, lambda form: services.activity_create(
        actor=request.user, data=form.activity_input()), template="activities/activity_new.html",
        partnerships=partnerships, done=_("The activity was created."),
        to=lambda activity: ("activities:detail", activity.slug))


def participant_add(request, slug):
    if request.method != "POST" or not request.user.is_authenticated:
        raise PermissionDenied
    activity = selectors.activity_get(viewer=request.user, slug=slug)

    def score(field):
        raw = request.POST.get(field, "").strip()
        return int(raw) if raw.isdigit() else None

    return perform(request, lambda: services.participant_add(actor=request.user, activity=activity, data={
        "name": request.POST.get("name", ""), "attended": request.POST.get("attended") == "1",
        "before_score": score("before"), "after_score": score("after"),
        "adopted_later": request.POST.get("adopted_later", "")}),
        done=_("The participant was recorded."), to=("activities:detail", slug))
