"""Programmes, calls, applications, reviews and selection. Every step checks who asks and whether
the step is legal now; illegal steps raise ApplicationError with a message for people."""

from __future__ import annotations

import os
from dataclasses import dataclass
from statistics import mean

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role
from renkei.core.audit import audit_record
from renkei.core.errors import ApplicationError, Conflict, NotAllowed
from renkei.core.models import AuditEntry
from renkei.core.uploads import MAX_FILE_BYTES, Upload, check_upload  # noqa: F401 - part of this module's interface
from renkei.places.models import Place
from renkei.programmes import permissions
from renkei.programmes.models import (
    Answer,
    Application,
    Call,
    Criterion,
    Programme,
    Question,
    ReviewAssignment,
    Score,
)

TRANSITIONS = {
    Call.Status.DRAFT: {Call.Status.OPEN},
    Call.Status.OPEN: {Call.Status.CLOSED},
    Call.Status.CLOSED: {Call.Status.DECIDED, Call.Status.OPEN},
    Call.Status.DECIDED: set(),
}
DIVERGENCE = 1.5  # reviewers' weighted totals further apart than this are flagged


# --- eligibility ----------------------------------------------------------------------------------

def eligibility(programme: Programme, place: Place) -> list[str]:
    """Reasons the place may not apply; empty when it may."""
    reasons = []
    if programme.eligible_countries and place.country not in programme.eligible_countries:
        reasons.append(_("The programme is open to places in %(countries)s.")
                       % {"countries": ", ".join(programme.eligible_countries)})
    if programme.eligible_levels and place.level not in programme.eligible_levels:
        reasons.append(_("The programme is open to these levels: %(levels)s.")
                       % {"levels": ", ".join(programme.eligible_levels)})
    if programme.min_population is not None and (place.population or 0) < programme.min_population:
        reasons.append(_("The population must be at least %(n)s.") % {"n": f"{programme.min_population:,}"})
    if programme.max_population is not None and (place.population is None
                                                 or place.population > programme.max_population):
        reasons.append(_("The population must be at most %(n)s.") % {"n": f"{programme.max_population:,}"})
    required = set(programme.required_themes.values_list("pk", flat=True))
    if required:
        offered = set(place.expertise.values_list("theme_id", flat=True))
        if not required & offered:
            names = ", ".join(t.name for t in programme.required_themes.all())
            reasons.append(_("The place needs recorded expertise in one of: %(themes)s.") % {"themes": names})
    return reasons


# --- calls ---------------------------------------------------------------------------------------

@transaction.atomic
def call_transition(*, actor, call: Call, to: str) -> Call:
    if not permissions.can_manage_programme(actor, call.programme):
        raise NotAllowed(_("Only the programme's officers may change a call's status."))
    if to not in TRANSITIONS.get(call.status, set()):
        raise ApplicationError(
            _("A call cannot go from %(from)s to %(to)s.") % {"from": call.status, "to": to}, field="status")
    if to == Call.Status.OPEN and not call.criteria.exists():
        raise ApplicationError(_("Add at least one selection criterion before opening the call."), field="status")
    if to == Call.Status.DECIDED:
        undecided = call.applications.filter(status=Application.Status.SUBMITTED).count()
        if undecided:
            raise ApplicationError(_("%(n)s submitted applications have no decision yet.") % {"n": undecided},
                                   field="status")
    before = call.status
    call.status = to
    call.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=call, changes={"status": [before, to]})
    if to == Call.Status.DECIDED:
        transaction.on_commit(lambda: notify_applicants(call.pk))
    return call


def accepting(call: Call, now=None) -> bool:
    now = now or timezone.now()
    return call.status == Call.Status.OPEN and call.opens_at <= now < call.closes_at


# --- applications --------------------------------------------------------------------------------

@transaction.atomic
def application_save(*, actor, call: Call, place: Place, answers: dict[int, str | Upload],
                     submit: bool = False, now=None) -> Application:
    """Create or edit the place's application while the call accepts them; optionally submit it."""
    if not permissions.can_apply_for(actor, place):
        raise NotAllowed(_("Only the place's focal points may apply for it."))
    if not accepting(call, now):
        raise ApplicationError(_("This call is not accepting applications (the deadline was %(when)s).")
                               % {"when": timezone.localtime(call.closes_at).strftime("%Y-%m-%d %H:%M %Z")},
                               field="call")
    reasons = eligibility(call.programme, place)
    if reasons:
        raise ApplicationError(" ".join(reasons), field="eligibility")
    application, _created = Application.objects.select_for_update().get_or_create(call=call, place=place)
    if application.status in (Application.Status.SELECTED, Application.Status.NOT_SELECTED):
        raise ApplicationError(_("This application has been decided."), field="status")
    questions = {q.pk: q for q in call.questions.all()}
    errors: dict[str, list[str]] = {}
    for question_id, value in answers.items():
        question = questions.get(int(question_id))
        if question is None:
            errors[f"q{question_id}"] = [_("is not a question of this call")]
            continue
        answer, _created_answer = Answer.objects.get_or_create(application=application, question=question)
        if question.kind == Question.Kind.FILE:
            if isinstance(value, Upload):
                try:
                    check_upload(value, f"q{question.pk}")
                except ApplicationError as exc:
                    errors.update(exc.errors)
                    continue
                from django.core.files.base import ContentFile

                answer.file.save(os.path.basename(value.name), ContentFile(value.content), save=True)
        else:
            text = str(value or "").strip()
            if question.kind == Question.Kind.CHOICE and text and text not in question.choices:
                errors[f"q{question.pk}"] = [_("choose one of the options")]
                continue
            if len(text) > 10_000:
                errors[f"q{question.pk}"] = [_("must be at most 10,000 characters")]
                continue
            answer.text = text
            answer.save()
    if errors:
        transaction.set_rollback(True)
        field, messages = next(iter(errors.items()))
        raise ApplicationError(messages[0], errors=errors)
    if submit:
        missing = [q for q in questions.values() if q.required and not _answered(application, q)]
        if missing:
            transaction.set_rollback(True)
            raise ApplicationError(_("Answer every required question before submitting."),
                                   errors={f"q{q.pk}": [_("is required")] for q in missing})
        application.status = Application.Status.SUBMITTED
        application.submitted_at = timezone.now()
        application.submitted_by = actor
    elif application.status == Application.Status.WITHDRAWN:
        application.status = Application.Status.DRAFT
    application.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=application,
                 changes={"status": [None, application.status]})
    return application


def _answered(application: Application, question: Question) -> bool:
    answer = application.answers.filter(question=question).first()
    return bool(answer and (answer.text or answer.file))


@transaction.atomic
def application_withdraw(*, actor, application: Application, now=None) -> Application:
    if not permissions.can_apply_for(actor, application.place):
        raise NotAllowed(_("Only the place's focal points may withdraw its application."))
    if not accepting(application.call, now):
        raise ApplicationError(_("The deadline has passed; the application can no longer be changed."),
                               field="call")
    application.status = Application.Status.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    return application


# --- review --------------------------------------------------------------------------------------

@transaction.atomic
def review_assign(*, actor, application: Application, reviewer) -> ReviewAssignment:
    if not permissions.can_manage_programme(actor, application.call.programme):
        raise NotAllowed(_("Only the programme's officers assign reviewers."))
    if not has_role(reviewer, Role.REVIEWER):
        raise ApplicationError(_("%(user)s is not a reviewer.") % {"user": reviewer}, field="reviewer")
    if application.status != Application.Status.SUBMITTED:
        raise ApplicationError(_("Only submitted applications are reviewed."), field="application")
    assignment, _created = ReviewAssignment.objects.get_or_create(application=application, reviewer=reviewer)
    return assignment


@transaction.atomic
def conflict_declare(*, actor, assignment: ReviewAssignment, conflicted: bool, note: str = "") -> ReviewAssignment:
    if assignment.reviewer_id != getattr(actor, "pk", None):
        raise NotAllowed(_("Only the assigned reviewer declares conflicts of interest."))
    if assignment.submitted_at is not None:
        raise ApplicationError(_("Scores are already submitted."), field="conflicted")
    if conflicted and not note.strip():
        raise ApplicationError(_("Say what the conflict of interest is."), field="conflict_note")
    assignment.conflicted = conflicted
    assignment.conflict_note = note.strip()
    assignment.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=assignment.application,
                 changes={"conflict_declared": [None, conflicted]})
    return assignment


@transaction.atomic
def scores_submit(*, actor, assignment: ReviewAssignment, scores: dict[int, tuple[int, str]]) -> ReviewAssignment:
    if assignment.reviewer_id != getattr(actor, "pk", None):
        raise NotAllowed(_("Only the assigned reviewer scores this application."))
    if assignment.conflicted is None:
        raise ApplicationError(_("Declare whether you have a conflict of interest first."), field="conflicted")
    if assignment.conflicted:
        raise NotAllowed(_("You declared a conflict of interest: you cannot score this application."))
    call = assignment.application.call
    if call.status == Call.Status.DECIDED:
        raise ApplicationError(_("The call is decided; scores can no longer change."), field="scores")
    criteria = {c.pk: c for c in call.criteria.all()}
    errors = {}
    for criterion_id in criteria:
        value = scores.get(criterion_id, (None, ""))[0]
        try:
            ok = value is not None and 1 <= int(value) <= 5 and str(int(value)) == str(value).strip()
        except (TypeError, ValueError):
            ok = False
        if not ok:
            errors[f"c{criterion_id}"] = [_("give a score from 1 to 5")]
    unknown = set(scores) - set(criteria)
    for criterion_id in unknown:
        errors[f"c{criterion_id}"] = [_("is not a criterion of this call")]
    if errors:
        raise ApplicationError(_("Score every criterion from 1 to 5."), errors=errors)
    for criterion_id, (value, comment) in scores.items():
        Score.objects.update_or_create(assignment=assignment, criterion_id=criterion_id,
                                       defaults={"value": int(value), "comment": (comment or "").strip()})
    assignment.submitted_at = timezone.now()
    assignment.save(update_fields=["submitted_at"])
    return assignment


# --- committee -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RankedApplication:
    application: Application
    weighted_total: float | None  # mean of reviewers' weighted scores, on the 1–5 scale
    reviewer_totals: tuple[float, ...]
    spread: float
    divergent: bool
    reviews: int
    rank: int | None


def committee_ranking(*, actor, call: Call) -> list[RankedApplication]:
    if not permissions.can_manage_programme(actor, call.programme):
        raise NotAllowed(_("Only the programme's officers see the committee view."))
    criteria = list(call.criteria.all())
    total_weight = sum(c.weight for c in criteria) or 1.0
    weights = {c.pk: c.weight for c in criteria}
    rows = []
    applications = call.applications.exclude(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])
    for application in applications.select_related("place"):
        totals = []
        for assignment in application.assignments.filter(conflicted=False, submitted_at__isnull=False):
            scores = {s.criterion_id: s.value for s in assignment.scores.all()}
            totals.append(sum(weights[c] * scores.get(c, 0) for c in weights) / total_weight)
        spread = (max(totals) - min(totals)) if len(totals) > 1 else 0.0
        rows.append((application, round(mean(totals), 3) if totals else None, tuple(round(t, 3) for t in totals),
                     round(spread, 3)))
    rows.sort(key=lambda r: (r[1] is None, -(r[1] or 0), r[0].place.name_en))
    out = []
    for n, (application, total, totals, spread) in enumerate(rows, 1):
        out.append(RankedApplication(application, total, totals, spread, spread >= DIVERGENCE, len(totals),
                                     n if total is not None else None))
    return out


@transaction.atomic
def application_decide(*, actor, application: Application, selected: bool, reason: str) -> Application:
    call = application.call
    if not permissions.can_manage_programme(actor, call.programme):
        raise NotAllowed(_("Only the programme's officers decide."))
    if call.status != Call.Status.CLOSED:
        raise ApplicationError(_("Decide after the call has closed."), field="status")
    if application.status not in (Application.Status.SUBMITTED, Application.Status.SELECTED,
                                  Application.Status.NOT_SELECTED):
        raise ApplicationError(_("Only submitted applications can be decided."), field="status")
    if not reason.strip():
        raise ApplicationError(_("Record the reason for the decision."), field="reason")
    if selected:
        chosen = call.applications.filter(status=Application.Status.SELECTED).exclude(pk=application.pk).count()
        if chosen >= call.places_to_select:
            raise Conflict(_("The call selects %(n)s places and %(n)s are already selected.")
                           % {"n": call.places_to_select})
    before = application.status
    application.status = Application.Status.SELECTED if selected else Application.Status.NOT_SELECTED
    application.decision_reason = reason.strip()
    application.decided_at = timezone.now()
    application.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=application,
                 changes={"status": [before, application.status], "reason": [None, application.decision_reason]})
    return application


def notify_applicants(call_id: int) -> int:
    """E-mail every applicant's focal points their result (console backend in development)."""
    from renkei.accounts.models import PlaceRepresentation

    call = Call.objects.get(pk=call_id)
    sent = 0
    for application in call.applications.exclude(status__in=[Application.Status.DRAFT,
                                                              Application.Status.WITHDRAWN]):
        recipients = [r.user.email for r in PlaceRepresentation.objects.filter(place=application.place)
                      .select_related("user") if r.user.email]
        if not recipients:
            continue
        result = application.get_status_display()
        send_mail(
            subject=f"[Renkei] {call.title_en}: {result}",
            message=(f"{application.place.name_en}: {result}.\n\n{application.decision_reason}\n\n"
                     f"{call.title_en} ({call.programme.title_en})"),
            from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=recipients,
        )
        sent += 1
    return sent


# --- programmes and calls (creation) -------------------------------------------------------------

@transaction.atomic
def programme_create(*, actor, data: dict) -> Programme:
    if not permissions.can_create_programme(actor):
        raise NotAllowed(_("Only programme officers create programmes."))
    title = str(data.get("title_en") or "").strip()
    if not title:
        raise ApplicationError(_("is required"), field="title_en")
    from renkei.core.slugs import unique_slug

    programme = Programme.objects.create(
        slug=data.get("slug") or unique_slug(Programme, title, fallback="programme"), title_en=title,
        title_ja=str(data.get("title_ja") or ""), description=data.get("description") or {},
        starts_on=data.get("starts_on"), ends_on=data.get("ends_on"),
        eligible_countries=data.get("eligible_countries") or [], eligible_levels=data.get("eligible_levels") or [],
        min_population=data.get("min_population"), max_population=data.get("max_population"),
    )
    if getattr(actor, "pk", None) and has_role(actor, Role.PROGRAMME_OFFICER):
        programme.officers.add(actor)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=programme, changes={"title_en": [None, title]})
    return programme


@transaction.atomic
def call_create(*, actor, programme: Programme, data: dict, questions: list[dict] = (),
                criteria: list[dict] = ()) -> Call:
    if not permissions.can_manage_programme(actor, programme):
        raise NotAllowed(_("Only the programme's officers create calls."))
    opens, closes = data.get("opens_at"), data.get("closes_at")
    if not opens or not closes:
        raise ApplicationError(_("Give the opening and closing times."), field="closes_at")
    if closes <= opens:
        raise ApplicationError(_("The call must close after it opens."), field="closes_at")
    title = str(data.get("title_en") or "").strip()
    if not title:
        raise ApplicationError(_("is required"), field="title_en")
    from renkei.core.slugs import unique_slug

    call = Call.objects.create(
        programme=programme, slug=data.get("slug") or unique_slug(Call, title, fallback="call"), title_en=title,
        title_ja=str(data.get("title_ja") or ""), description=data.get("description") or {}, opens_at=opens,
        closes_at=closes, timezone=data.get("timezone") or "Asia/Tokyo",
        places_to_select=int(data.get("places_to_select") or 1),
    )
    for n, q in enumerate(questions):
        Question.objects.create(call=call, position=n, kind=q.get("kind", "text"), text_en=q["text_en"],
                                text_ja=q.get("text_ja", ""), choices=q.get("choices", []),
                                required=q.get("required", True))
    for n, c in enumerate(criteria):
        weight = float(c.get("weight", 1))
        if weight < 0:
            raise ApplicationError(_("Weights cannot be negative."), field="criteria")
        Criterion.objects.create(call=call, position=n, name_en=c["name_en"], name_ja=c.get("name_ja", ""),
                                 weight=weight)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=call, changes={"title_en": [None, title]})
    return call
