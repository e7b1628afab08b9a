"""Programmes, calls, applications, reviews and selection. Every step checks who asks and whether
the step is legal now; illegal steps raise ApplicationError with a message for people."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import mean
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role
from renkei.core import hooks
from renkei.core.audit import audit_record, diff, snapshot
from renkei.core.errors import ApplicationError, Conflict, ErrorCollector, NotAllowed
from renkei.core.inputs import parse
from renkei.core.models import AuditEntry
from renkei.core.slugs import unique_slug
from renkei.core.text import pick_language
from renkei.core.uploads import MAX_FILE_BYTES, Upload, check_upload, removed_on_failure  # noqa: F401 - part of this module's interface
from renkei.places.models import Place
from renkei.programmes import events, permissions
from renkei.programmes.inputs import (
    MAX_ANSWER,
    CallIn,
    CallUpdate,
    CriterionIn,
    CriterionUpdate,
    ProgrammeIn,
    ProgrammeUpdate,
    QuestionIn,
    QuestionUpdate,
)
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

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User

log = logging.getLogger(__name__)
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
    required = {theme.pk for theme in programme.required_themes.all()}  # prefetched by callers that check many
    if required:
        offered = {expertise.theme_id for expertise in place.expertise.all()}
        if not required & offered:
            names = ", ".join(t.name for t in programme.required_themes.all())
            reasons.append(_("The place needs recorded expertise in one of: %(themes)s.") % {"themes": names})
    return reasons


# --- calls ---------------------------------------------------------------------------------------

@transaction.atomic
def call_transition(*, actor: User | AnonymousUser, call: Call, to: str) -> Call:
    """Move the call one legal step; deciding it queues the e-mails to its applicants (after commit)."""
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
    locked = Call.objects.select_for_update().get(pk=call.pk)
    if locked.status != call.status:
        raise Conflict(_("The call's status changed meanwhile; reload the page."), field="status")
    before = call.status
    call.status = to
    call.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=call, changes={"status": [before, to]})
    if to == Call.Status.DECIDED:
        hooks.emit(events.CALL_DECIDED, call_id=call.pk)
    return call


def accepting(call: Call, now=None) -> bool:
    now = now or timezone.now()
    return call.status == Call.Status.OPEN and call.opens_at <= now < call.closes_at


# --- applications --------------------------------------------------------------------------------

def application_save(*, actor: User | AnonymousUser, call: Call, place: Place,
                     answers: Mapping[int | str, str | Upload], submit: bool = False, now=None) -> Application:
    """Create or edit the place's application while the call accepts them; optionally submit it.

    Every answer is checked before anything is written, files are stored last, and the files
    stored are deleted again when the transaction does not commit (a later step failed)."""
    with removed_on_failure(Answer.file.field.storage) as stored:
        return _application_save(actor=actor, call=call, place=place, answers=answers, submit=submit, now=now,
                                 stored=stored)


@transaction.atomic
def _application_save(*, actor: User | AnonymousUser, call: Call, place: Place,
                      answers: Mapping[int | str, str | Upload], submit: bool, now, stored: list[str]) -> Application:
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
    texts, files = _checked_answers(questions, answers)
    existing = {a.question_id: a for a in application.answers.all()}
    if submit:
        missing = [q for q in questions.values() if q.required and not (
            texts.get(q.pk) or q.pk in files
            or (q.pk not in texts and q.pk in existing and (existing[q.pk].text or existing[q.pk].file)))]
        if missing:
            raise ApplicationError(_("Answer every required question before submitting."),
                                   errors={f"q{q.pk}": [_("is required")] for q in missing})
    # every answer is acceptable: write the rows, then the files
    new = [Answer(application=application, question_id=pk) for pk in (*texts, *files) if pk not in existing]
    Answer.objects.bulk_create(new)
    if any(answer.pk is None for answer in new):  # backends that do not return ids (none of ours today)
        existing = {a.question_id: a for a in application.answers.all()}
    else:
        existing.update({a.question_id: a for a in new})
    changed = []
    for pk, text in texts.items():
        if existing[pk].text != text:
            existing[pk].text = text
            changed.append(existing[pk])
    if changed:
        Answer.objects.bulk_update(changed, ["text"])
    if submit:
        application.status = Application.Status.SUBMITTED
        application.submitted_at = timezone.now()
        application.submitted_by = actor
    elif application.status == Application.Status.WITHDRAWN:
        application.status = Application.Status.DRAFT
    application.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=application,
                 changes={"status": [None, application.status]})
    _store_files(existing, files, stored)
    return application


def _checked_answers(questions: dict[int, Question], answers: Mapping[int | str, str | Upload]
                     ) -> tuple[dict[int, str], dict[int, Upload]]:
    """The answers' texts and files by question id, or an ApplicationError naming every bad answer."""
    errors = ErrorCollector()
    texts: dict[int, str] = {}
    files: dict[int, Upload] = {}
    for key, value in answers.items():
        try:
            question = questions.get(int(key))
        except (TypeError, ValueError):
            question = None
        if question is None:
            errors.add(f"q{key}", _("is not a question of this call"))
            continue
        field = f"q{question.pk}"
        if question.kind == Question.Kind.FILE:
            if isinstance(value, Upload):
                try:
                    check_upload(value, field)
                except ApplicationError as exc:  # it names the field already
                    errors.add(field, exc.message)
                    continue
                files[question.pk] = value
            elif value:
                errors.add(field, _("attach a file"))
            continue
        if isinstance(value, Upload):
            errors.add(field, _("answer in text, not with a file"))
            continue
        text = str(value or "").strip()
        if "\x00" in text:
            errors.add(field, _("must not contain NUL characters"))
        elif question.kind == Question.Kind.CHOICE and text and text not in question.choices:
            errors.add(field, _("choose one of the options"))
        elif len(text) > MAX_ANSWER:
            errors.add(field, _("must be at most 10,000 characters"))
        else:
            texts[question.pk] = text
    errors.raise_if_any()
    return texts, files


def _store_files(answers: dict[int, Answer], files: dict[int, Upload], stored: list[str]) -> None:
    """Save the uploads (the last step of a write): each name is added to ``stored`` as soon as it is
    written, so the caller can remove them if the transaction does not commit; the files they
    replace are removed once it has."""
    from django.core.files.base import ContentFile

    replaced, changed = [], []
    for pk, upload in files.items():
        answer = answers[pk]
        if answer.file:
            replaced.append(answer.file.name)
        answer.file.save(os.path.basename(upload.name), ContentFile(upload.content), save=False)
        stored.append(answer.file.name)
        changed.append(answer)
    if changed:
        Answer.objects.bulk_update(changed, ["file"])
    if replaced:
        storage = Answer.file.field.storage
        transaction.on_commit(lambda: [storage.delete(name) for name in replaced])


def answer_file_name(answer: Answer) -> str:
    """The file name to offer on download (storage may have added a suffix to keep names unique)."""
    return os.path.basename(answer.file.name) if answer.file else ""


@transaction.atomic
def application_withdraw(*, actor: User | AnonymousUser, application: Application, now=None) -> Application:
    if not permissions.can_apply_for(actor, application.place):
        raise NotAllowed(_("Only the place's focal points may withdraw its application."))
    if not accepting(application.call, now):
        raise ApplicationError(_("The deadline has passed; the application can no longer be changed."),
                               field="call")
    _lock(application, "status")
    application.status = Application.Status.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    return application


# --- review --------------------------------------------------------------------------------------

@transaction.atomic
def review_assign(*, actor: User | AnonymousUser, application: Application, reviewer: User) -> ReviewAssignment:
    if not permissions.can_manage_programme(actor, application.call.programme):
        raise NotAllowed(_("Only the programme's officers assign reviewers."))
    if not has_role(reviewer, Role.REVIEWER):
        raise ApplicationError(_("%(user)s is not a reviewer.") % {"user": reviewer}, field="reviewer")
    if application.status != Application.Status.SUBMITTED:
        raise ApplicationError(_("Only submitted applications are reviewed."), field="application")
    assignment, _created = ReviewAssignment.objects.get_or_create(application=application, reviewer=reviewer)
    return assignment


@transaction.atomic
def conflict_declare(*, actor: User | AnonymousUser, assignment: ReviewAssignment, conflicted: bool,
                     note: str = "") -> ReviewAssignment:
    if assignment.reviewer_id != getattr(actor, "pk", None):
        raise NotAllowed(_("Only the assigned reviewer declares conflicts of interest."))
    _lock(assignment, "conflicted", "submitted_at")
    if assignment.submitted_at is not None:
        raise ApplicationError(_("Scores are already submitted."), field="conflicted")
    if conflicted and not note.strip():
        raise ApplicationError(_("Say what the conflict of interest is."), field="conflict_note")
    assignment.conflicted = conflicted
    assignment.conflict_note = note.strip()
    assignment.save(update_fields=["conflicted", "conflict_note", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=assignment.application,
                 changes={"conflict_declared": [None, conflicted]})
    return assignment


@transaction.atomic
def scores_submit(*, actor: User | AnonymousUser, assignment: ReviewAssignment,
                  scores: Mapping[int, tuple[int | str, str]]) -> ReviewAssignment:
    if assignment.reviewer_id != getattr(actor, "pk", None):
        raise NotAllowed(_("Only the assigned reviewer scores this application."))
    _lock(assignment, "conflicted", "submitted_at")
    if assignment.conflicted is None:
        raise ApplicationError(_("Declare whether you have a conflict of interest first."), field="conflicted")
    if assignment.conflicted:
        raise NotAllowed(_("You declared a conflict of interest: you cannot score this application."))
    call = assignment.application.call
    if call.status == Call.Status.DECIDED:
        raise ApplicationError(_("The call is decided; scores can no longer change."), field="scores")
    criteria = {c.pk: c for c in call.criteria.all()}
    errors = ErrorCollector()
    for criterion_id in criteria:
        value = scores.get(criterion_id, (None, ""))[0]
        try:
            ok = value is not None and 1 <= int(value) <= 5 and str(int(value)) == str(value).strip()
        except (TypeError, ValueError):
            ok = False
        if not ok:
            errors.add(f"c{criterion_id}", _("give a score from 1 to 5"))
    unknown = set(scores) - set(criteria)
    for criterion_id in unknown:
        errors.add(f"c{criterion_id}", _("is not a criterion of this call"))
    if errors:
        raise ApplicationError(_("Score every criterion from 1 to 5."), errors=dict(errors))
    for criterion_id, (value, comment) in scores.items():
        Score.objects.update_or_create(assignment=assignment, criterion_id=criterion_id,
                                       defaults={"value": int(value), "comment": (comment or "").strip()})
    assignment.submitted_at = timezone.now()
    assignment.save(update_fields=["submitted_at", "updated_at"])
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


def committee_ranking(*, actor: User | AnonymousUser, call: Call) -> list[RankedApplication]:
    if not permissions.can_manage_programme(actor, call.programme):
        raise NotAllowed(_("Only the programme's officers see the committee view."))
    criteria = list(call.criteria.all())
    total_weight = sum(c.weight for c in criteria) or 1.0
    weights = {c.pk: c.weight for c in criteria}
    rows = []
    applications = call.applications.exclude(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])
    seats = Prefetch("assignments", to_attr="scored_seats", queryset=ReviewAssignment.objects.filter(
        conflicted=False, submitted_at__isnull=False).prefetch_related("scores"))
    for application in applications.select_related("place").prefetch_related(seats):
        totals = []
        for assignment in application.scored_seats:
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
def application_decide(*, actor: User | AnonymousUser, application: Application, selected: bool,
                       reason: str) -> Application:
    call = application.call
    if not permissions.can_manage_programme(actor, call.programme):
        raise NotAllowed(_("Only the programme's officers decide."))
    _lock(application, "status")
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
    application.save(update_fields=["status", "decision_reason", "decided_at", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=application,
                 changes={"status": [before, application.status], "reason": [None, application.decision_reason]})
    return application


def notify_applicants(call_id: int) -> int:
    """E-mail every applicant's focal points their result (run by ``tasks.notify_applicants``)."""
    from renkei.accounts.models import PlaceRepresentation

    call = Call.objects.select_related("programme").filter(pk=call_id).first()
    if call is None:  # deleted since the task was queued
        log.info("notify_applicants: call %s no longer exists; nobody to tell", call_id)
        return 0
    applications = (call.applications.exclude(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])
                    .select_related("place").prefetch_related(Prefetch(
                        "place__representatives", to_attr="focal_points",
                        queryset=PlaceRepresentation.objects.select_related("user"))))
    title, programme = pick_language(call.title, "en"), pick_language(call.programme.title, "en")
    sent = 0
    for application in applications:
        recipients = [r.user.email for r in application.place.focal_points if r.user.email]
        if not recipients:
            continue
        result = application.get_status_display()
        send_mail(
            subject=f"[Renkei] {title}: {result}",
            message=(f"{application.place.name_en}: {result}.\n\n{application.decision_reason}\n\n"
                     f"{title} ({programme})"),
            from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=recipients,
        )
        sent += 1
    return sent


# --- programmes and calls ------------------------------------------------------------------------

@transaction.atomic
def programme_create(*, actor: User | AnonymousUser, data: ProgrammeIn | Mapping[str, Any]) -> Programme:
    if not permissions.can_create_programme(actor):
        raise NotAllowed(_("Only programme officers create programmes."))
    data = parse(ProgrammeIn, data)
    related = _programme_relations(data.given())
    if data.slug and Programme.objects.filter(slug=data.slug).exists():
        raise ApplicationError(_("Another programme already has this URL name."), field="slug")
    fields = data.model_dump(exclude={"slug", *RELATIONS})
    programme = Programme.objects.create(
        slug=data.slug or unique_slug(Programme, data.title["en"], fallback="programme"), **fields)
    for name, rows in related.items():
        getattr(programme, name).set(rows)
    if getattr(actor, "pk", None) and has_role(actor, Role.PROGRAMME_OFFICER):
        programme.officers.add(actor)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=programme, changes={"title": [None, data.title]})
    return programme


@transaction.atomic
def programme_update(*, actor: User | AnonymousUser, programme: Programme,
                     data: ProgrammeUpdate | Mapping[str, Any], version: int | None = None) -> Programme:
    """Change the fields given (others stay as they are); ``version`` is the one the caller read."""
    if not permissions.can_manage_programme(actor, programme):
        raise NotAllowed(_("Only the programme's officers change it."))
    data = parse(ProgrammeUpdate, data)
    changes = {name: value for name, value in data.given().items()
               if not (name in ("title", "slug", "is_published") and value is None)}
    related = _programme_relations(changes)
    if changes.get("slug") and Programme.objects.filter(slug=changes["slug"]).exclude(pk=programme.pk).exists():
        raise ApplicationError(_("Another programme already has this URL name."), field="slug")
    changes = {name: value for name, value in changes.items() if name not in RELATIONS}
    starts, ends = changes.get("starts_on", programme.starts_on), changes.get("ends_on", programme.ends_on)
    if starts and ends and ends < starts:
        raise ApplicationError(_("The programme must end after it starts."), field="ends_on")
    least = changes.get("min_population", programme.min_population)
    most = changes.get("max_population", programme.max_population)
    if least is not None and most is not None and most < least:
        raise ApplicationError(_("The maximum population must not be below the minimum."), field="max_population")
    updated = _update(actor, Programme, programme, changes, version)
    for name, rows in related.items():
        getattr(updated, name).set(rows)
    return updated


RELATIONS = ("themes", "required_themes", "owners")


def _programme_relations(given: Mapping[str, Any]) -> dict[str, list]:
    """The themes and owning organisations named (by code, by URL name), or an error naming each unknown one."""
    from renkei.places.models import Organisation, Theme

    errors = ErrorCollector()
    out: dict[str, list] = {}
    for name, model, key in (("themes", Theme, "code"), ("required_themes", Theme, "code"),
                             ("owners", Organisation, "slug")):
        keys = given.get(name)
        if keys is None:
            continue
        found = {getattr(row, key): row for row in model.objects.filter(**{f"{key}__in": keys})}
        for value in keys:
            if value not in found:
                errors.add(name, _("unknown: %(value)s") % {"value": value})
        out[name] = [found[value] for value in keys if value in found]
    errors.raise_if_any()
    return out


@transaction.atomic
def call_create(*, actor: User | AnonymousUser, programme: Programme, data: CallIn | Mapping[str, Any],
                questions: list[Mapping[str, Any]] = (), criteria: list[Mapping[str, Any]] = ()) -> Call:
    """A draft call with its questions and criteria (given in ``data`` or, for older callers, beside it)."""
    if not permissions.can_manage_programme(actor, programme):
        raise NotAllowed(_("Only the programme's officers create calls."))
    if not isinstance(data, CallIn) and (questions or criteria):
        data = {**data, "questions": list(questions), "criteria": list(criteria)}
    data = parse(CallIn, data)
    fields = data.model_dump(exclude={"slug", "questions", "criteria"})
    call = Call.objects.create(programme=programme, slug=data.slug or unique_slug(Call, data.title["en"],
                                                                                   fallback="call"), **fields)
    Question.objects.bulk_create([Question(call=call, position=n, **q.model_dump())
                                  for n, q in enumerate(data.questions)])
    Criterion.objects.bulk_create([Criterion(call=call, position=n, **c.model_dump())
                                   for n, c in enumerate(data.criteria)])
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=call, changes={"title": [None, data.title]})
    return call


@transaction.atomic
def call_update(*, actor: User | AnonymousUser, call: Call, data: CallUpdate | Mapping[str, Any],
                version: int | None = None) -> Call:
    """Change the fields given of a call (its status changes only through ``call_transition``)."""
    if not permissions.can_manage_programme(actor, call.programme):
        raise NotAllowed(_("Only the programme's officers change a call."))
    data = parse(CallUpdate, data)
    changes = {name: value for name, value in data.given().items() if value is not None}
    opens, closes = changes.get("opens_at", call.opens_at), changes.get("closes_at", call.closes_at)
    if closes <= opens:
        raise ApplicationError(_("The call must close after it opens."), field="closes_at")
    return _update(actor, Call, call, changes, version)


# --- questions and criteria of a draft call ---------------------------------------------------------

def _draft_call(actor: User | AnonymousUser, call: Call, field: str) -> Call:
    """The call, locked, once the actor may manage it and while it is a draft (applicants answer
    the questions and reviewers score the criteria of an open call)."""
    if not permissions.can_manage_programme(actor, call.programme):
        raise NotAllowed(_("Only the programme's officers change a call's questions and criteria."))
    locked = Call.objects.select_for_update().get(pk=call.pk)
    if locked.status != Call.Status.DRAFT:
        raise ApplicationError(_("Questions and criteria change only while the call is a draft."), field=field)
    # a call's answer embeds its questions and criteria: their change is its change for clients that sync
    Call.objects.filter(pk=call.pk).update(updated_at=timezone.now())
    return locked


@transaction.atomic
def question_add(*, actor: User | AnonymousUser, call: Call, data: QuestionIn | Mapping[str, Any]) -> Question:
    data = parse(QuestionIn, data)
    locked = _draft_call(actor, call, "questions")
    question = Question.objects.create(call=locked, position=locked.questions.count(), **data.model_dump())
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=question, changes={"text": [None, data.text]})
    return question


@transaction.atomic
def question_update(*, actor: User | AnonymousUser, question: Question, data: QuestionUpdate | Mapping[str, Any],
                    version: int | None = None) -> Question:
    data = parse(QuestionUpdate, data)
    _draft_call(actor, question.call, "questions")
    changes = {name: value for name, value in data.given().items() if value is not None}
    kind, choices = changes.get("kind", question.kind), changes.get("choices", question.choices)
    if kind == Question.Kind.CHOICE and len(choices or []) < 2:
        raise ApplicationError(_("a choice question needs two options and a text"), field="choices")
    return _update(actor, Question, question, changes, version)


@transaction.atomic
def question_delete(*, actor: User | AnonymousUser, question: Question) -> None:
    _draft_call(actor, question.call, "questions")
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=question, changes={"text": [question.text, None]})
    question.delete()


@transaction.atomic
def criterion_add(*, actor: User | AnonymousUser, call: Call, data: CriterionIn | Mapping[str, Any]) -> Criterion:
    data = parse(CriterionIn, data)
    locked = _draft_call(actor, call, "criteria")
    criterion = Criterion.objects.create(call=locked, position=locked.criteria.count(), **data.model_dump())
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=criterion, changes={"name": [None, data.name]})
    return criterion


@transaction.atomic
def criterion_update(*, actor: User | AnonymousUser, criterion: Criterion,
                     data: CriterionUpdate | Mapping[str, Any], version: int | None = None) -> Criterion:
    data = parse(CriterionUpdate, data)
    _draft_call(actor, criterion.call, "criteria")
    changes = {name: value for name, value in data.given().items() if value is not None}
    return _update(actor, Criterion, criterion, changes, version)


@transaction.atomic
def criterion_delete(*, actor: User | AnonymousUser, criterion: Criterion) -> None:
    _draft_call(actor, criterion.call, "criteria")
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=criterion,
                 changes={"name": [criterion.name, None]})
    criterion.delete()


def _lock(obj, *fields: str) -> None:
    """Lock the object's row until the transaction ends and refresh ``fields`` from it, so that the
    checks that follow see what a concurrent write left."""
    current = type(obj).objects.select_for_update().filter(pk=obj.pk).values(*fields).get()
    for name, value in current.items():
        setattr(obj, name, value)


def _update(actor: User | AnonymousUser, model: type, obj: Any, changes: dict[str, Any], version: int | None) -> Any:
    """Lock the row, check the caller's version, write only ``changes`` and record them."""
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if version is not None and locked.version != version:
        raise Conflict(_("Someone else changed this meanwhile; reload and try again."), field="version")
    before = snapshot(locked, list(changes))
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save(update_fields=[*changes, "version", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked,
                 changes=diff(before, snapshot(locked, list(changes))))
    for name in (*changes, "version", "updated_at"):
        setattr(obj, name, getattr(locked, name))
    return locked
