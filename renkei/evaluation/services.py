"""Writes of results and evaluations: a partnership's results chain with its indicators, targets and
actuals, the practices each side adopted, and evaluations through their lifecycle (planned → in
progress → submitted → published) with one score per criterion.

Every write takes a typed input from ``renkei.evaluation.inputs`` (a mapping is parsed into it),
checks permission, locks the row it changes and writes only the fields given, records the audit
entry in its transaction and emits its event (``renkei.evaluation.events``) for after the commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.accounts.models import Role
from renkei.core import hooks
from renkei.core.audit import audit_record, diff, snapshot
from renkei.core.errors import ApplicationError, Conflict, ErrorCollector, NotAllowed
from renkei.core.inputs import parse
from renkei.core.models import AuditEntry
from renkei.core.text import compact
from renkei.evaluation import events
from renkei.evaluation.inputs import (
    ActualIn,
    AdoptionIn,
    EvaluationChange,
    EvaluationIn,
    EvaluationScoreIn,
    EvaluationTransitionIn,
    ResultChange,
    ResultIn,
    ResultIndicatorChange,
    ResultIndicatorIn,
    TargetIn,
)
from renkei.evaluation.models import (
    PARENT_LEVEL,
    Actual,
    Adoption,
    Criterion,
    Evaluation,
    Result,
    ResultIndicator,
    Score,
    Target,
)
from renkei.evaluation.permissions import can_enter_results, can_plan_evaluations, can_score
from renkei.evaluation.progress import target_direction_ok
from renkei.indicators.models import Indicator
from renkei.places.models import Place

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User
    from renkei.partnerships.models import Partnership

E = Evaluation.Status
# who may take each step: "officer" (administrators, programme officers) or "scorer" (can_score)
TRANSITIONS = {
    (E.PLANNED, E.IN_PROGRESS): {"officer", "scorer"},
    (E.IN_PROGRESS, E.SUBMITTED): {"scorer"},
    (E.SUBMITTED, E.IN_PROGRESS): {"officer"},
    (E.SUBMITTED, E.PUBLISHED): {"officer"},
}
SCORABLE = (E.PLANNED, E.IN_PROGRESS)


def _results_allowed(actor, partnership: Partnership) -> None:
    if not can_enter_results(actor, partnership):
        raise NotAllowed(_("Only the partnership's focal points and programme officers enter its results."))


def _changed(partnership_id: int) -> None:
    hooks.emit(events.RESULTS_CHANGED, partnership_id=partnership_id)


# --- results ----------------------------------------------------------------------------------------

@transaction.atomic
def result_add(*, actor: User | AnonymousUser, partnership: Partnership,
               data: ResultIn | Mapping[str, Any]) -> Result:
    """An impact, an outcome under an impact or an output under an outcome, of the partnership."""
    _results_allowed(actor, partnership)
    data = parse(ResultIn, data)
    parent = None
    wanted = PARENT_LEVEL[data.level]
    if data.parent is not None:
        parent = Result.objects.filter(pk=data.parent, partnership=partnership).first()
        if parent is None:
            raise ApplicationError(_("No such result in this partnership."), field="parent")
    if wanted is None and parent is not None:
        raise ApplicationError(_("An impact contributes to no other result."), field="parent")
    if wanted is not None and (parent is None or parent.level != wanted):
        raise ApplicationError(_("An outcome contributes to an impact, an output to an outcome: choose one.")
                               if parent is None else
                               _("This result must contribute to a result of the level %(level)s.")
                               % {"level": wanted.label}, field="parent")
    result = Result.objects.create(partnership=partnership, level=data.level, parent=parent,
                                   title=data.title.texts(), position=data.position)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=result,
                 changes={"partnership": [None, partnership.slug], "level": [None, data.level],
                          "title": [None, result.title]})
    _changed(partnership.pk)
    return result


@transaction.atomic
def result_update(*, actor: User | AnonymousUser, result: Result, data: ResultChange | Mapping[str, Any]) -> Result:
    _results_allowed(actor, result.partnership)
    given = parse(ResultChange, data).given()
    locked = Result.objects.select_for_update().get(pk=result.pk)
    values = {name: (value.texts() if name == "title" else value) for name, value in given.items()
              if value is not None}
    before = snapshot(locked, list(values))
    for name, value in values.items():
        setattr(locked, name, value)
    if values:
        locked.version += 1
        locked.save(update_fields=[*values, "version", "updated_at"])
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked,
                     changes=diff(before, snapshot(locked, list(values))))
        _changed(locked.partnership_id)
    return locked


@transaction.atomic
def result_delete(*, actor: User | AnonymousUser, result: Result) -> None:
    """A result with what hangs under it (its outputs, indicators, targets and actuals)."""
    _results_allowed(actor, result.partnership)
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=result, changes={"title": [result.title, None]})
    partnership_id = result.partnership_id
    result.delete()
    _changed(partnership_id)


@transaction.atomic
def result_indicator_add(*, actor: User | AnonymousUser, result: Result,
                         data: ResultIndicatorIn | Mapping[str, Any]) -> ResultIndicator:
    """A catalogue indicator (its unit and direction come with it) or one of the result's own."""
    _results_allowed(actor, result.partnership)
    data = parse(ResultIndicatorIn, data)
    errors = ErrorCollector()
    indicator = None
    if data.indicator:
        indicator = Indicator.objects.filter(code=data.indicator).first()
        if indicator is None:
            errors.add("indicator", _("no catalogue indicator has the code %(code)s") % {"code": data.indicator})
    elif not data.unit:
        errors.add("unit", _("give the unit of an indicator of its own"))
    if (data.baseline_value is None) != (data.baseline_on is None):
        errors.add("baseline_on" if data.baseline_on is None else "baseline_value",
                   _("a baseline has a value and a date"))
    errors.raise_if_any()
    row = ResultIndicator.objects.create(
        result=result, indicator=indicator, name=data.name.texts() if data.name else {},
        unit=data.unit or (indicator.unit if indicator else ""),
        direction=data.direction or (indicator.direction if indicator else "higher"),
        baseline_value=data.baseline_value, baseline_on=data.baseline_on, baseline_source=data.baseline_source,
        position=result.indicators.count())
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=row,
                 changes={"result": [None, result.pk], "indicator": [None, data.indicator],
                          "name": [None, row.name], "baseline_value": [None, row.baseline_value]})
    _changed(result.partnership_id)
    return row


@transaction.atomic
def result_indicator_update(*, actor: User | AnonymousUser, result_indicator: ResultIndicator,
                            data: ResultIndicatorChange | Mapping[str, Any]) -> ResultIndicator:
    """The baseline, unit or direction; only the fields given. Targets must stay on the good side."""
    _results_allowed(actor, result_indicator.result.partnership)
    given = parse(ResultIndicatorChange, data).given()
    locked = ResultIndicator.objects.select_for_update().get(pk=result_indicator.pk)
    before = snapshot(locked, list(given))
    for name, value in given.items():
        setattr(locked, name, "" if value is None and name in ("unit", "baseline_source") else value)
    errors = ErrorCollector()
    if (locked.baseline_value is None) != (locked.baseline_on is None):
        errors.add("baseline_on" if locked.baseline_on is None else "baseline_value",
                   _("a baseline has a value and a date"))
    for target in locked.targets.all():
        if not target_direction_ok(baseline=locked.baseline_value, target=target.value, direction=locked.direction):
            errors.add("direction", _("the target for %(period)s would lie on the wrong side of the baseline")
                       % {"period": f"{target.period_start} – {target.period_end}"})
    errors.raise_if_any()
    if given:
        locked.version += 1
        locked.save(update_fields=[*given, "version", "updated_at"])
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked,
                     changes=diff(before, snapshot(locked, list(given))))
        _changed(locked.result.partnership_id)
    return locked


@transaction.atomic
def result_indicator_delete(*, actor: User | AnonymousUser, result_indicator: ResultIndicator) -> None:
    _results_allowed(actor, result_indicator.result.partnership)
    partnership_id = result_indicator.result.partnership_id
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=result_indicator,
                 changes={"name": [result_indicator.name_text, None]})
    result_indicator.delete()
    _changed(partnership_id)


@transaction.atomic
def target_set(*, actor: User | AnonymousUser, result_indicator: ResultIndicator,
               data: TargetIn | Mapping[str, Any]) -> Target:
    """The target for a period (replacing the one set for the same period), on the good side of the
    baseline for the indicator's direction."""
    _results_allowed(actor, result_indicator.result.partnership)
    data = parse(TargetIn, data)
    if not target_direction_ok(baseline=result_indicator.baseline_value, target=data.value,
                               direction=result_indicator.direction):
        raise ApplicationError(
            _("Higher is better for this indicator: the target must not be below the baseline (%(b)s).")
            if result_indicator.direction == "higher" else
            _("Lower is better for this indicator: the target must not be above the baseline (%(b)s).")
            % {"b": f"{result_indicator.baseline_value:g}"}, field="value")
    target, created = Target.objects.select_for_update().get_or_create(
        result_indicator=result_indicator, period_start=data.period_start, period_end=data.period_end,
        defaults={"value": data.value, "note": data.note})
    before = None if created else target.value
    if not created:
        target.value, target.note = data.value, data.note
        target.save(update_fields=["value", "note"])
    audit_record(actor=actor, action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE, obj=target,
                 changes={"value": [before, data.value],
                          "period": [None, f"{data.period_start}/{data.period_end}"]})
    _changed(result_indicator.result.partnership_id)
    return target


@transaction.atomic
def target_delete(*, actor: User | AnonymousUser, target: Target) -> None:
    _results_allowed(actor, target.result_indicator.result.partnership)
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=target, changes={"value": [target.value, None]})
    partnership_id = target.result_indicator.result.partnership_id
    target.delete()
    _changed(partnership_id)


def _actual_write(actor, result_indicator: ResultIndicator, data: ActualIn) -> tuple[Actual, bool]:
    actual, created = Actual.objects.select_for_update().get_or_create(
        result_indicator=result_indicator, period_start=data.period_start, period_end=data.period_end,
        defaults={"value": data.value, "evidence_url": data.evidence_url, "source": data.source,
                  "is_sample": data.is_sample, "recorded_by": actor if getattr(actor, "pk", None) else None})
    before = None if created else actual.value
    if not created:
        for name in ("value", "evidence_url", "source", "is_sample"):
            setattr(actual, name, getattr(data, name))
        actual.save(update_fields=["value", "evidence_url", "source", "is_sample"])
    audit_record(actor=actor, action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE, obj=actual,
                 changes={"value": [before, data.value], "period": [None, f"{data.period_start}/{data.period_end}"]})
    return actual, created


@transaction.atomic
def actual_record(*, actor: User | AnonymousUser, result_indicator: ResultIndicator,
                  data: ActualIn | Mapping[str, Any]) -> Actual:
    """The value measured for a period, with its evidence (replacing the one recorded for the same
    period)."""
    _results_allowed(actor, result_indicator.result.partnership)
    actual, _created = _actual_write(actor, result_indicator, parse(ActualIn, data))
    _changed(result_indicator.result.partnership_id)
    return actual


@transaction.atomic
def actual_delete(*, actor: User | AnonymousUser, actual: Actual) -> None:
    _results_allowed(actor, actual.result_indicator.result.partnership)
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=actual, changes={"value": [actual.value, None]})
    partnership_id = actual.result_indicator.result.partnership_id
    actual.delete()
    _changed(partnership_id)


# --- adoptions --------------------------------------------------------------------------------------

@transaction.atomic
def adoption_add(*, actor: User | AnonymousUser, partnership: Partnership,
                 data: AdoptionIn | Mapping[str, Any]) -> Adoption:
    """A practice one of the partnership's places adopted after it, with date and evidence."""
    _results_allowed(actor, partnership)
    data = parse(AdoptionIn, data)
    place = Place.objects.filter(slug=data.place, pk__in=partnership.members.values("place_id")).first()
    if place is None:
        raise ApplicationError(_("Name one of the partnership's places."), field="place")
    if partnership.starts_on and data.adopted_on < partnership.starts_on:
        raise ApplicationError(_("An adoption comes after the partnership began (%(day)s).")
                               % {"day": partnership.starts_on}, field="adopted_on")
    adoption = Adoption.objects.create(partnership=partnership, place=place, practice=data.practice.texts(),
                                       adopted_on=data.adopted_on, evidence_url=data.evidence_url,
                                       source=data.source, is_sample=data.is_sample)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=adoption,
                 changes={"place": [None, place.slug], "practice": [None, adoption.practice],
                          "adopted_on": [None, str(data.adopted_on)]})
    _changed(partnership.pk)
    return adoption


@transaction.atomic
def adoption_delete(*, actor: User | AnonymousUser, adoption: Adoption) -> None:
    _results_allowed(actor, adoption.partnership)
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=adoption,
                 changes={"practice": [adoption.practice, None]})
    partnership_id = adoption.partnership_id
    adoption.delete()
    _changed(partnership_id)


# --- evaluations ------------------------------------------------------------------------------------

def _evaluators(usernames: list[str], errors: ErrorCollector) -> list:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
    found = []
    for username in usernames:
        user = users.get(username)
        if user is None:
            errors.add("evaluators", _("no user is called %(name)s") % {"name": username})
        elif Role.EVALUATOR not in user.role_set:
            errors.add("evaluators", _("%(name)s is not an evaluator") % {"name": username})
        else:
            found.append(user)
    return found


@transaction.atomic
def evaluation_create(*, actor: User | AnonymousUser, partnership: Partnership,
                      data: EvaluationIn | Mapping[str, Any]) -> Evaluation:
    """A planned evaluation; an external one names its evaluators (users with the evaluator role),
    a self-evaluation names none (the partnership's focal points score it)."""
    if not can_plan_evaluations(actor):
        raise NotAllowed(_("Only programme officers and administrators plan evaluations."))
    data = parse(EvaluationIn, data)
    errors = ErrorCollector()
    evaluators = _evaluators(data.evaluators, errors)
    if data.mode == Evaluation.Mode.SELF and data.evaluators:
        errors.add("evaluators", _("a self-evaluation is scored by the partnership's focal points, not by "
                                   "evaluators"))
    errors.raise_if_any()
    evaluation = Evaluation.objects.create(partnership=partnership, kind=data.kind, mode=data.mode,
                                           due_on=data.due_on, created_by=actor if getattr(actor, "pk", None) else None)
    evaluation.evaluators.set(evaluators)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=evaluation,
                 changes={"partnership": [None, partnership.slug], "kind": [None, data.kind],
                          "mode": [None, data.mode], "evaluators": [None, data.evaluators]})
    hooks.emit(events.EVALUATION_CHANGED, evaluation_id=evaluation.pk, partnership_id=partnership.pk)
    return evaluation


@transaction.atomic
def evaluation_update(*, actor: User | AnonymousUser, evaluation: Evaluation,
                      data: EvaluationChange | Mapping[str, Any], expected_version: int | None = None) -> Evaluation:
    """The due date and evaluators (officers), the summary (officers and scorers, until published)."""
    given = parse(EvaluationChange, data).given()
    officer = can_plan_evaluations(actor)
    if not officer and not (can_score(actor, evaluation) and set(given) <= {"summary"}):
        raise NotAllowed(_("You may not change this evaluation."))
    locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(_("Someone else changed this evaluation meanwhile; reload it and make your change again."),
                       field="version")
    if locked.status == E.PUBLISHED:
        raise ApplicationError(_("A published evaluation is not changed."), field="status")
    errors = ErrorCollector()
    evaluators = None
    if "evaluators" in given:
        evaluators = _evaluators(given.pop("evaluators"), errors)
        if locked.mode == Evaluation.Mode.SELF and evaluators:
            errors.add("evaluators", _("a self-evaluation is scored by the partnership's focal points, not by "
                                       "evaluators"))
    errors.raise_if_any()
    if "summary" in given:
        given["summary"] = compact(given["summary"])
    before = snapshot(locked, list(given))
    for name, value in given.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save(update_fields=[*given, "version", "updated_at"])
    changes = diff(before, snapshot(locked, list(given)))
    if evaluators is not None:
        old = sorted(locked.evaluators.values_list("username", flat=True))
        locked.evaluators.set(evaluators)
        if old != sorted(u.username for u in evaluators):
            changes["evaluators"] = [old, sorted(u.username for u in evaluators)]
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked, changes=changes)
    hooks.emit(events.EVALUATION_CHANGED, evaluation_id=locked.pk, partnership_id=locked.partnership_id)
    return locked


@transaction.atomic
def evaluation_delete(*, actor: User | AnonymousUser, evaluation: Evaluation) -> None:
    if not can_plan_evaluations(actor):
        raise NotAllowed(_("Only programme officers and administrators plan evaluations."))
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.status == E.PUBLISHED:
        raise ApplicationError(_("A published evaluation is not deleted."), field="status")
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=evaluation,
                 changes={"kind": [evaluation.kind, None]})
    ids = {"evaluation_id": evaluation.pk, "partnership_id": evaluation.partnership_id}
    evaluation.delete()
    hooks.emit(events.EVALUATION_CHANGED, **ids)


@transaction.atomic
def score_record(*, actor: User | AnonymousUser, evaluation: Evaluation,
                 data: EvaluationScoreIn | Mapping[str, Any]) -> Score:
    """One criterion's level on the rubric, with its justification and evidence (replacing an earlier
    score of the same criterion). Only the evaluation's scorers, while it is planned or in progress; the
    first score starts it."""
    if not can_score(actor, evaluation):
        raise NotAllowed(_("Only the evaluators assigned to this evaluation score it (the partnership's focal "
                           "points, for a self-evaluation)."))
    data = parse(EvaluationScoreIn, data)
    locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if locked.status not in SCORABLE:
        raise ApplicationError(_("This evaluation is %(status)s: it is no longer scored.")
                               % {"status": locked.get_status_display().lower()}, field="status")
    score, created = Score.objects.get_or_create(
        evaluation=locked, criterion=data.criterion,
        defaults={"level": data.level, "justification": data.justification, "evidence": data.evidence,
                  "scored_by": actor})
    before = None if created else score.level
    if not created:
        score.level, score.justification, score.evidence, score.scored_by = (
            data.level, data.justification, data.evidence, actor)
        score.save()
    if locked.status == E.PLANNED:
        locked.status = E.IN_PROGRESS
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE, obj=score,
                 changes={"criterion": [None, data.criterion], "level": [before, data.level]})
    hooks.emit(events.EVALUATION_CHANGED, evaluation_id=locked.pk, partnership_id=locked.partnership_id)
    evaluation.status, evaluation.version = locked.status, locked.version
    return score


@transaction.atomic
def evaluation_transition(*, actor: User | AnonymousUser, evaluation: Evaluation,
                          to: str | EvaluationTransitionIn | Mapping[str, Any]) -> Evaluation:
    """One legal step of the lifecycle, by whom it belongs to: an evaluation is submitted by its
    scorers once every criterion is scored, returned or published by an officer."""
    data = parse(EvaluationTransitionIn, {"to": to} if isinstance(to, str) else to)
    locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    who = TRANSITIONS.get((locked.status, data.to))
    if who is None:
        raise ApplicationError(_("An evaluation that is %(from)s cannot become %(to)s.")
                               % {"from": locked.get_status_display().lower(),
                                  "to": E(data.to).label.lower()}, field="to")
    if not (("officer" in who and can_plan_evaluations(actor)) or ("scorer" in who and can_score(actor, locked))):
        raise NotAllowed(_("You may not take this step."))
    if data.to == E.SUBMITTED:
        missing = [str(c.label) for c in Criterion if not locked.scores.filter(criterion=c.value).exists()]
        if missing:
            raise ApplicationError(_("Score every criterion before submitting; missing: %(names)s.")
                                   % {"names": ", ".join(missing)}, field="to")
        locked.submitted_at = timezone.now()
    if data.to == E.PUBLISHED:
        locked.published_at = timezone.now()
    before = locked.status
    locked.status = data.to
    locked.version += 1
    locked.save(update_fields=["status", "submitted_at", "published_at", "version", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked, changes={"status": [before, data.to]})
    hooks.emit(events.EVALUATION_CHANGED, evaluation_id=locked.pk, partnership_id=locked.partnership_id)
    return locked
