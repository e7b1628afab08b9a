"""Programme, call, application, review and committee pages."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from renkei.accounts.permissions import represented_place_ids
from renkei.core.errors import ApplicationError, NotAllowed, NotFound
from renkei.places.models import Place
from renkei.programmes import permissions, selectors, services
from renkei.programmes.models import Application, Call, Question


def _call(request, slug) -> Call:
    try:
        return selectors.call_get(viewer=request.user, slug=slug)
    except NotFound as exc:
        raise Http404 from exc


def programme_list(request):
    programmes = list(selectors.programme_list(viewer=request.user).prefetch_related("calls"))
    return render(request, "programmes/list.html", {
        "programmes": programmes, "calls": selectors.call_list(viewer=request.user)[:20],
        # the programmes whose partnerships' health the viewer may see (their dashboard)
        "manageable": {p.pk for p in programmes if permissions.can_manage_programme(request.user, p)},
    })


def call_detail(request, slug):
    call = _call(request, slug)
    local = ZoneInfo(call.timezone)
    mine = []
    for place in Place.objects.filter(pk__in=represented_place_ids(request.user)):
        application = call.applications.filter(place=place).first()
        mine.append({"place": place, "reasons": services.eligibility(call.programme, place),
                     "application": application})
    return render(request, "programmes/call.html", {
        "call": call, "programme": call.programme, "opens": call.opens_at.astimezone(local),
        "closes": call.closes_at.astimezone(local), "accepting": services.accepting(call), "mine": mine,
        "can_manage": permissions.can_manage_programme(request.user, call.programme),
        "next_steps": sorted(services.TRANSITIONS.get(call.status, ())),
    })


@login_required
@require_POST
def call_status(request, slug):
    call = _call(request, slug)
    try:
        services.call_transition(actor=request.user, call=call, to=request.POST.get("to", ""))
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The call is now %(status)s.") % {"status": call.get_status_display()})
    return redirect("programmes:call", slug=call.slug)


@login_required
def apply(request, slug, place_slug):
    call = _call(request, slug)
    place = Place.objects.filter(slug=place_slug).first()
    if place is None:
        raise Http404
    if not permissions.can_apply_for(request.user, place):
        raise PermissionDenied
    application = call.applications.filter(place=place).first()
    answers = {a.question_id: a for a in application.answers.all()} if application else {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if "withdraw" in request.POST and application:
            try:
                services.application_withdraw(actor=request.user, application=application)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("The application was withdrawn."))
            return redirect("programmes:call", slug=call.slug)
        data: dict[int, object] = {}
        for question in call.questions.all():
            key = f"q{question.pk}"
            if question.kind == Question.Kind.FILE:
                upload = request.FILES.get(key)
                if upload is not None:
                    data[question.pk] = services.Upload(upload.name, upload.read())
            else:
                data[question.pk] = request.POST.get(key, "")
        try:
            services.application_save(actor=request.user, call=call, place=place, answers=data,
                                      submit="submit" in request.POST)
        except NotAllowed as exc:
            raise PermissionDenied from exc
        except ApplicationError as exc:
            errors = exc.errors or {"form": [exc.message]}
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Submitted.") if "submit" in request.POST else _("Draft saved."))
            return redirect("programmes:call", slug=call.slug)
    questions = []
    for question in call.questions.all():
        answer = answers.get(question.pk)
        value = request.POST.get(f"q{question.pk}") if request.method == "POST" else (answer.text if answer else "")
        questions.append({"q": question, "value": value or "", "file": answer.file if answer else None,
                          "errors": errors.get(f"q{question.pk}", [])})
    return render(request, "programmes/apply.html", {
        "call": call, "place": place, "application": application, "questions": questions,
        "form_errors": errors.get("form", []) + errors.get("eligibility", []) + errors.get("call", []),
        "accepting": services.accepting(call), "reasons": services.eligibility(call.programme, place),
    })


@login_required
def reviews(request):
    return render(request, "programmes/reviews.html", {"seats": selectors.assignment_list(viewer=request.user)})


@login_required
def review(request, pk):
    seat = selectors.assignment_list(viewer=request.user).filter(pk=pk).first()
    if seat is None:
        raise Http404
    application = seat.application
    criteria = list(application.call.criteria.all())
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            if "declare" in request.POST:
                services.conflict_declare(actor=request.user, assignment=seat,
                                          conflicted=request.POST.get("conflicted") == "yes",
                                          note=request.POST.get("conflict_note", ""))
                messages.success(request, _("Your declaration is recorded."))
            else:
                services.scores_submit(actor=request.user, assignment=seat, scores={
                    c.pk: (request.POST.get(f"c{c.pk}", ""), request.POST.get(f"comment{c.pk}", ""))
                    for c in criteria})
                messages.success(request, _("Your scores are saved."))
            return redirect("programmes:review", pk=seat.pk)
        except NotAllowed as exc:
            messages.error(request, exc.message)
        except ApplicationError as exc:
            errors = exc.errors
            messages.error(request, exc.message)
    scores = {s.criterion_id: s for s in seat.scores.all()}
    rows = [{"c": c, "value": request.POST.get(f"c{c.pk}") or (scores[c.pk].value if c.pk in scores else ""),
             "comment": request.POST.get(f"comment{c.pk}") or (scores[c.pk].comment if c.pk in scores else ""),
             "errors": errors.get(f"c{c.pk}", [])} for c in criteria]
    # a conflicted reviewer sees nothing of the application
    answers = application.answers.select_related("question") if seat.conflicted is False else []
    return render(request, "programmes/review.html", {"seat": seat, "application": application, "rows": rows,
                                                       "answers": answers, "errors": errors})


@login_required
def committee(request, slug):
    call = _call(request, slug)
    try:
        ranking = services.committee_ranking(actor=request.user, call=call)
    except NotAllowed as exc:
        raise PermissionDenied from exc
    if request.method == "POST":
        application = call.applications.filter(pk=request.POST.get("application")).first()
        if application is None:
            raise Http404
        try:
            if "reviewer" in request.POST:
                from django.contrib.auth import get_user_model

                reviewer = get_user_model().objects.filter(username=request.POST["reviewer"]).first()
                if reviewer is None:
                    raise ApplicationError(_("No such user."), field="reviewer")
                services.review_assign(actor=request.user, application=application, reviewer=reviewer)
                messages.success(request, _("Reviewer assigned."))
            else:
                services.application_decide(actor=request.user, application=application,
                                            selected=request.POST.get("decision") == "selected",
                                            reason=request.POST.get("reason", ""))
                messages.success(request, _("Decision recorded."))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("programmes:committee", slug=call.slug)
    from renkei.accounts.models import Role, User

    return render(request, "programmes/committee.html", {
        "call": call, "ranking": ranking, "now": timezone.now(),
        "reviewers": User.objects.filter(role_grants__role=Role.REVIEWER).order_by("username"),
        "selected": call.applications.filter(status=Application.Status.SELECTED).count(),
    })


def _parse_lines(text: str, field: str, parse):
    out, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(parse(line.strip()))
        except ValueError as exc:
            errors.append(_("line %(n)s: %(message)s") % {"n": number, "message": exc})
    return out, errors


def _question(line: str) -> dict:
    """`What can you offer?`, `[file] Supporting documents`, `[choice: small|large] Size`, `? optional`."""
    required = not line.startswith("?")
    line = line.lstrip("?").strip()
    if line.startswith("[file]"):
        return {"kind": "file", "text_en": line[6:].strip(), "required": required}
    if line.startswith("[choice:"):
        head, _sep, text = line.partition("]")
        choices = [c.strip() for c in head[len("[choice:"):].split("|") if c.strip()]
        if len(choices) < 2 or not text.strip():
            raise ValueError(_("a choice question needs two options and a text"))
        return {"kind": "choice", "choices": choices, "text_en": text.strip(), "required": required}
    return {"kind": "text", "text_en": line, "required": required}


def _criterion(line: str) -> dict:
    name, _sep, weight = line.rpartition("|")
    if not _sep:
        return {"name_en": line, "weight": 1.0}
    try:
        value = float(weight)
    except ValueError as exc:
        raise ValueError(_("the weight after | must be a number")) from exc
    if value < 0:
        raise ValueError(_("the weight cannot be negative"))
    return {"name_en": name.strip(), "weight": value}


@login_required
def call_new(request):
    from django import forms as dj_forms

    from renkei.programmes.models import Programme

    manageable = [p for p in selectors.programme_list(viewer=request.user)
                  if permissions.can_manage_programme(request.user, p)]
    if not manageable:
        raise PermissionDenied

    class CallForm(dj_forms.Form):
        programme = dj_forms.ModelChoiceField(queryset=Programme.objects.filter(pk__in=[p.pk for p in manageable]),
                                              label=_("Programme"))
        title_en = dj_forms.CharField(max_length=255, label=_("Title (English)"))
        title_ja = dj_forms.CharField(max_length=255, required=False, label=_("Title (Japanese)"))
        opens_at = dj_forms.DateTimeField(label=_("Opens"),
                                          widget=dj_forms.DateTimeInput(attrs={"type": "datetime-local"}))
        closes_at = dj_forms.DateTimeField(label=_("Closes"),
                                           widget=dj_forms.DateTimeInput(attrs={"type": "datetime-local"}))
        timezone = dj_forms.CharField(initial="Asia/Tokyo", label=_("Time zone of the dates"))
        places_to_select = dj_forms.IntegerField(min_value=1, initial=1, label=_("Places to select"))
        description_en = dj_forms.CharField(required=False, widget=dj_forms.Textarea(attrs={"rows": 3}),
                                            label=_("What the programme offers (English)"))
        questions = dj_forms.CharField(
            widget=dj_forms.Textarea(attrs={"rows": 4}), label=_("Questions, one per line"),
            help_text=_("[file] for a file, [choice: a|b] for options, ? first for optional"))
        criteria = dj_forms.CharField(widget=dj_forms.Textarea(attrs={"rows": 3}), label=_("Criteria, one per line"),
                                      help_text=_("Name | weight, e.g. Relevance | 2"))

    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from zoneinfo import ZoneInfo, available_timezones

        data = form.cleaned_data
        questions, q_errors = _parse_lines(data["questions"], "questions", _question)
        criteria, c_errors = _parse_lines(data["criteria"], "criteria", _criterion)
        for message in q_errors:
            form.add_error("questions", message)
        for message in c_errors:
            form.add_error("criteria", message)
        if not criteria and not c_errors:
            form.add_error("criteria", _("Give at least one criterion."))
        if data["timezone"] not in available_timezones():
            form.add_error("timezone", _("not a time zone, e.g. Asia/Tokyo"))
        if not form.errors:
            zone = ZoneInfo(data["timezone"])
            try:
                call = services.call_create(actor=request.user, programme=data["programme"], data={
                    "title_en": data["title_en"], "title_ja": data["title_ja"],
                    "opens_at": data["opens_at"].replace(tzinfo=None).replace(tzinfo=zone),
                    "closes_at": data["closes_at"].replace(tzinfo=None).replace(tzinfo=zone),
                    "timezone": data["timezone"], "places_to_select": data["places_to_select"],
                    "description": {"en": data["description_en"]} if data["description_en"] else {}},
                    questions=questions, criteria=criteria)
            except ApplicationError as exc:
                for field, msgs in exc.errors.items():
                    form.add_error(field if field in form.fields else None, msgs[0])
            else:
                messages.success(request, _("The call was created as a draft."))
                return redirect("programmes:call", slug=call.slug)
    return render(request, "programmes/call_new.html", {"form": form})
