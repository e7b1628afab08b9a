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

from renkei.core.errors import ApplicationError, NotAllowed
from renkei.core.uploads import stored_file_response
from renkei.programmes import permissions, selectors, services
from renkei.programmes.exporting import application_sheet
from renkei.programmes.forms import CallForm
from renkei.programmes.models import Application, Question
from renkei.ui.actions import perform, read_only, signed_in_post
from renkei.ui.exports import download_response
from renkei.ui.pagecache import for_visitors


@for_visitors(seconds=60)
def programme_list(request):
    programmes = list(selectors.programme_list(viewer=request.user).prefetch_related("calls"))
    return render(request, "programmes/list.html", {
        "programmes": programmes, "calls": selectors.call_list(viewer=request.user)[:20],
        # the programmes whose partnerships' health the viewer may see (their dashboard)
        "manageable": {p.pk for p in programmes if permissions.can_manage_programme(request.user, p)},
    })


@for_visitors(seconds=60)  # "accepting until" follows the clock within a minute
def call_detail(request, slug):
    call = selectors.call_for(request.user, slug)
    local = ZoneInfo(call.timezone)
    mine = [{**row, "reasons": services.eligibility(call.programme, row["place"])}
            for row in selectors.own_applications(request.user, call)]
    return render(request, "programmes/call.html", {
        "call": call, "programme": call.programme, "opens": call.opens_at.astimezone(local),
        "closes": call.closes_at.astimezone(local), "accepting": services.accepting(call), "mine": mine,
        "can_manage": permissions.can_manage_programme(request.user, call.programme),
        "next_steps": sorted(services.TRANSITIONS.get(call.status, ())),
    })


@signed_in_post
def call_status(request, slug):
    call = selectors.call_for(request.user, slug)
    return perform(
        request, lambda: services.call_transition(actor=request.user, call=call, to=request.POST.get("to", "")),
        done=lambda _result: _("The call is now %(status)s.") % {"status": call.get_status_display()},
        to=("programmes:call", call.slug))


@login_required
def apply(request, slug, place_slug):
    call = selectors.call_for(request.user, slug)
    place = selectors.applicant_for(request.user, place_slug)
    if not permissions.can_apply_for(request.user, place):
        raise PermissionDenied
    application = selectors.application_of(call, place)
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
                    data[question.pk] = services.Upload.read(upload)
            else:
                data[question.pk] = request.POST.get(key, "")
        try:
            services.application_save(actor=request.user, call=call, place=place, answers=data,
                                      submit="submit" in request.POST)
        except NotAllowed:
            raise
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


@read_only
@login_required
def answer_file(request, pk, question):
    """The file attached as an answer, for whoever may read the application (a 404 for anyone else)."""
    answer = selectors.answer_file_for(request.user, pk, question)
    response = stored_file_response(answer.file, services.answer_file_name(answer))
    if response is None:
        raise Http404
    return response


@login_required
def reviews(request):
    return render(request, "programmes/reviews.html", {"seats": selectors.assignment_list(viewer=request.user)})


@login_required
def review(request, pk):
    seat = selectors.assignment_for(request.user, pk)
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
    call = selectors.call_for(request.user, slug)
    if download := download_response(request, lambda: application_sheet(actor=request.user, call=call)):
        return download
    ranking = services.committee_ranking(actor=request.user, call=call)
    if request.method == "POST":
        application = selectors.application_for(request.user, request.POST.get("application"), call=call)
        try:
            if "reviewer" in request.POST:
                reviewer = selectors.user_for(request.POST["reviewer"])
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
    return render(request, "programmes/committee.html", {
        "call": call, "ranking": ranking, "now": timezone.now(), "reviewers": selectors.reviewer_list(),
        "selected": call.applications.filter(status=Application.Status.SELECTED).count(),
    })


@login_required
def call_new(request):
    manageable = selectors.manageable_programmes(request.user)
    if not manageable.exists():
        raise PermissionDenied
    added = next((prefix for button, prefix in (("add_criterion", "criteria"), ("add_question", "questions"))
                  if request.method == "POST" and button in request.POST), None)
    if added:
        # "Add a criterion" or "Add a question" without JavaScript: the form again as typed, with one
        # more blank row
        data = request.POST.copy()
        total = data.get(f"{added}-TOTAL_FORMS", "0")
        data[f"{added}-TOTAL_FORMS"] = str(int(total) + 1 if total.isdigit() else 1)
        form = CallForm(data, programmes=manageable).unchecked()
        return render(request, "programmes/call_new.html", {"form": form, "added": added})
    form = CallForm(request.POST or None, programmes=manageable)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(actor=request.user, programme=form.cleaned_data["programme"],
                                        data=form.to_input())
        except NotAllowed:
            raise
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The call was created as a draft."))
            return redirect("programmes:call", slug=call.slug)
    return render(request, "programmes/call_new.html", {"form": form})
