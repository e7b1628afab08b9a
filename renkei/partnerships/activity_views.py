from datetime import date
from zoneinfo import ZoneInfo

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from renkei.core.errors import NotFound
from renkei.partnerships import activities


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


def activity_detail(request, slug):
    try:
        activity = activities.activity_get(viewer=request.user, slug=slug)
    except NotFound as exc:
        raise Http404 from exc
    local = ZoneInfo(activity.timezone)
    return render(request, "partnerships/activity.html", {
        "a": activity, "starts": activity.starts_at.astimezone(local), "ends": activity.ends_at.astimezone(local),
        "speakers": activity.speakers.select_related("contact__organisation"),
        "gain": activities.learning_gain(activity), "participants": activity.participants.count(),
    })


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
