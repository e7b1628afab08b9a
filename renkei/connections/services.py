"""Connected population: people are added only with a consent, edited field by field, their contacts
recorded; consent withdrawal removes them from every list and count at once; export and erasure on
request (the audit log keeps that an erasure happened, never the erased data); retention per place;
activity participants added in one step; CSV import that writes every line or none.

Every write checks permission, locks what it changes, records audit, keeps the dashboard's tallies
in step (``Tally``) and emits ``events.PEOPLE_CHANGED`` for after the commit."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.accounts.permissions import SYSTEM
from renkei.activities.models import Activity, Participant
from renkei.activities.permissions import can_manage_activity
from renkei.connections import events
from renkei.connections.inputs import (
    ConsentIn,
    InteractionIn,
    ParticipantsIn,
    PersonChange,
    PersonIn,
    RetentionIn,
)
from renkei.connections.models import (
    ConnectedPerson,
    Consent,
    Interaction,
    RetentionRule,
    Stage,
    StageChange,
    Tally,
)
from renkei.connections.permissions import can_manage_people
from renkei.core import hooks
from renkei.core.audit import audit_record, diff, snapshot
from renkei.core.errors import ApplicationError, Conflict, ErrorCollector, NotAllowed, NotFound
from renkei.core.importing import RowError
from renkei.core.inputs import parse
from renkei.core.models import AuditEntry
from renkei.partnerships.models import Partnership
from renkei.places.models import Place

Progress = Callable[[Iterable[Any], int, str], Iterable[Any]]

# the person's fields an edit may write, and those the audit log records (never name, e-mail or notes:
# the log outlives an erasure)
_AUDITED = ["kind", "since", "country", "prefecture", "stage", "activity", "partnership", "is_organisation"]


def _allowed(actor, place: Place) -> None:
    if not can_manage_people(actor, place):
        raise NotAllowed(_("Only the place's focal points and administrators may manage its connected people."))


# --- tallies -------------------------------------------------------------------------------------


def tally_keys(*, kind: str, since: date, where: str, stage: int, last_contact_on: date | None,
               sample: bool = False) -> list[tuple[str, str]]:
    keys = [("joined", f"{kind}:{since.year}"), ("where", where), ("stage", str(stage)),
            ("contact", last_contact_on.strftime("%Y-%m") if last_contact_on else "none")]
    return [*keys, ("sample", "yes")] if sample else keys


def _keys_of(person: ConnectedPerson) -> list[tuple[str, str]]:
    return tally_keys(kind=person.kind, since=person.since, where=person.where_key, stage=person.stage,
                      last_contact_on=person.last_contact_on, sample=person.is_sample)


def _apply(place_id: int, deltas: Mapping[tuple[str, str], int]) -> None:
    for (dimension, key), delta in sorted(deltas.items()):
        if not delta:
            continue
        rows = Tally.objects.filter(place_id=place_id, dimension=dimension, key=key)
        if rows.update(count=F("count") + delta):
            continue
        try:
            with transaction.atomic():
                Tally.objects.create(place_id=place_id, dimension=dimension, key=key, count=delta)
        except IntegrityError:  # created meanwhile by a concurrent write
            rows.update(count=F("count") + delta)


def _move(person: ConnectedPerson, before: list[tuple[str, str]] | None, after: list[tuple[str, str]] | None
          ) -> None:
    deltas: Counter = Counter()
    for key in before or []:
        deltas[key] -= 1
    for key in after or []:
        deltas[key] += 1
    _apply(person.place_id, deltas)


def _history_keys(person: ConnectedPerson) -> list[tuple[str, str]]:
    """The ``moved`` tally keys of the person's stage changes (left out with them at withdrawal)."""
    return [("moved", change.tally_key) for change in StageChange.objects.filter(person=person).only(
        "on", "from_stage", "to_stage")]


def _stage_change(person: ConnectedPerson, before: int | None, after: int, *, on: date, source: str,
                  interaction: Interaction | None = None, activity: Activity | None = None) -> StageChange | None:
    """Record that the person moved from stage ``before`` (None: they joined) to ``after``, and count it."""
    if before == after:
        return None
    change = StageChange.objects.create(person=person, on=on, from_stage=before, to_stage=after, source=source,
                                        interaction=interaction, activity=activity)
    if person.withdrawn_at is None:
        _apply(person.place_id, {("moved", change.tally_key): 1})
    return change


@transaction.atomic
def tally_rebuild(*, place: Place) -> int:
    """Recount a place's tallies from its people (after a bulk load, or to check they are in step)."""
    Tally.objects.filter(place=place).delete()
    people = ConnectedPerson.objects.filter(place=place, withdrawn_at__isnull=True)
    deltas: Counter = Counter()
    for row in people.values("kind", "since__year", "stage", "is_sample").annotate(n=models.Count("id")):
        deltas[("joined", f"{row['kind']}:{row['since__year']}")] += row["n"]
        deltas[("stage", str(row["stage"]))] += row["n"]
        if row["is_sample"]:
            deltas[("sample", "yes")] += row["n"]
    for row in people.values("country", "prefecture").annotate(n=models.Count("id")):
        where = f"JP-{row['prefecture']}" if row["country"] == "JP" and row["prefecture"] else row["country"]
        deltas[("where", where)] += row["n"]
    from django.db.models.functions import TruncMonth

    for row in people.annotate(month=TruncMonth("last_contact_on")).values("month").annotate(n=models.Count("id")):
        key = row["month"].strftime("%Y-%m") if row["month"] else "none"
        deltas[("contact", key)] += row["n"]
    from django.db.models.functions import ExtractYear

    for row in (StageChange.objects.filter(person__place=place, person__withdrawn_at__isnull=True)
                .values("from_stage", "to_stage", year=ExtractYear("on")).annotate(n=models.Count("id"))):
        deltas[("moved", f"{row['year']}:{row['from_stage'] or 0}:{row['to_stage']}")] += row["n"]
    Tally.objects.bulk_create([Tally(place=place, dimension=d, key=k, count=n) for (d, k), n in deltas.items() if n],
                              batch_size=1000)
    return sum(n for (d, _k), n in deltas.items() if d == "stage")


# --- people --------------------------------------------------------------------------------------


def _link(model, slug: str | None, field: str, errors: ErrorCollector):
    if slug is None:
        return None
    found = model.objects.filter(slug=slug).first()
    if found is None:
        errors.add(field, _("nothing has this URL name"))
    return found


def _person_values(data: PersonIn, errors: ErrorCollector) -> dict[str, Any]:
    values = data.model_dump(exclude={"consent", "activity", "partnership"})
    values["activity"] = _link(Activity, data.activity, "activity", errors)
    values["partnership"] = _link(Partnership, data.partnership, "partnership", errors)
    if values["last_contact_on"] and values["last_contact_on"] < values["since"]:
        errors.add("last_contact_on", _("must not be before the date they became connected"))
    return values


@transaction.atomic
def person_create(*, actor, place: Place, data: PersonIn | Mapping[str, Any]) -> ConnectedPerson:
    _allowed(actor, place)
    data = parse(PersonIn, data)
    errors = ErrorCollector()
    values = _person_values(data, errors)
    errors.raise_if_any()
    person = ConnectedPerson.objects.create(place=place, **values)
    Consent.objects.create(person=person, **data.consent.model_dump())
    _move(person, None, _keys_of(person))
    _stage_change(person, None, person.stage, on=person.since, source=StageChange.Source.ADDED,
                  activity=person.activity)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=person,
                 changes={"kind": [None, person.kind], "consent": [None, data.consent.scope]})
    hooks.emit(events.PEOPLE_CHANGED, place_id=place.pk)
    return person


def _locked(person: ConnectedPerson) -> ConnectedPerson:
    locked = ConnectedPerson.objects.select_for_update().filter(pk=person.pk).first()
    if locked is None:
        raise NotFound(_("No such connected person."), field="person")
    return locked


def _live(person: ConnectedPerson) -> None:
    if person.withdrawn_at is not None:
        raise ApplicationError(_("This person withdrew their consent: their record may only be exported or erased."),
                               field="consent")


@transaction.atomic
def person_update(*, actor, person: ConnectedPerson, data: PersonChange | Mapping[str, Any],
                  expected_version: int | None = None) -> ConnectedPerson:
    """Write the fields given, and only those; with ``expected_version``, an edit made meanwhile is a
    conflict rather than overwritten."""
    _allowed(actor, person.place)
    data = parse(PersonChange, data)
    locked = _locked(person)
    _live(locked)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(_("Someone else changed this record meanwhile; reload it and make your change again."),
                       field="version")
    given = data.given()
    errors = ErrorCollector()
    values: dict[str, Any] = {}
    for name, value in given.items():
        if name == "activity":
            values[name] = _link(Activity, value, name, errors)
        elif name == "partnership":
            values[name] = _link(Partnership, value, name, errors)
        else:
            values[name] = value
    country = values.get("country", locked.country)
    if values.get("prefecture", locked.prefecture) and country != "JP":
        if "prefecture" in values:
            errors.add("prefecture", _("a prefecture goes with the country JP only"))
        else:
            values["prefecture"] = ""
    since = values.get("since", locked.since)
    if locked.last_contact_on and since and locked.last_contact_on < since:
        errors.add("since", _("must not be after the last contact"))
    errors.raise_if_any()
    before_keys = _keys_of(locked)
    before_stage = locked.stage
    before = snapshot(locked, [n for n in values if n in _AUDITED])
    for name, value in values.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save(update_fields=[*values, "version", "updated_at"])
    _move(locked, before_keys, _keys_of(locked))
    _stage_change(locked, before_stage, locked.stage, on=timezone.localdate(), source=StageChange.Source.EDIT)
    changes = diff(before, snapshot(locked, [n for n in values if n in _AUDITED]))
    changes.update({n: ["…", "…"] for n in values if n not in _AUDITED})  # that it changed, not to what
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked, changes=changes)
    hooks.emit(events.PEOPLE_CHANGED, place_id=locked.place_id)
    return locked


@transaction.atomic
def interaction_record(*, actor, person: ConnectedPerson, data: InteractionIn | Mapping[str, Any],
                       imported: bool = False) -> Interaction:
    """A contact with the person: counted, and the last contact moves forward when it is later. With a
    ``stage``, the contact moved them to that engagement stage (recorded as a stage change on its date)."""
    _allowed(actor, person.place)
    data = parse(InteractionIn, data)
    locked = _locked(person)
    _live(locked)
    if data.on < locked.since:
        raise ApplicationError(_("must not be before the date they became connected"), field="on")
    interaction = Interaction.objects.create(person=locked, kind=data.kind, on=data.on, note=data.note,
                                             imported=imported)
    before_keys = _keys_of(locked)
    before_stage = locked.stage
    locked.interactions += 1
    if locked.last_contact_on is None or data.on > locked.last_contact_on:
        locked.last_contact_on = data.on
    fields = ["interactions", "last_contact_on", "version", "updated_at"]
    if data.stage is not None and data.stage != locked.stage:
        locked.stage = data.stage
        fields.append("stage")
    locked.version += 1
    locked.save(update_fields=fields)
    _move(locked, before_keys, _keys_of(locked))
    changes = {"interactions": [locked.interactions - 1, locked.interactions]}
    if _stage_change(locked, before_stage, locked.stage, on=data.on, source=StageChange.Source.INTERACTION,
                     interaction=interaction):
        changes["stage"] = [before_stage, locked.stage]
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked, changes=changes)
    hooks.emit(events.PEOPLE_CHANGED, place_id=locked.place_id)
    return interaction


@transaction.atomic
def consent_add(*, actor, person: ConnectedPerson, data: ConsentIn | Mapping[str, Any]) -> Consent:
    _allowed(actor, person.place)
    data = parse(ConsentIn, data)
    locked = _locked(person)
    _live(locked)
    consent = Consent.objects.create(person=locked, **data.model_dump())
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked, changes={"consent": [None, data.scope]})
    return consent


def _withdraw_all(actor, locked: ConnectedPerson, now) -> None:
    _move(locked, [*_keys_of(locked), *_history_keys(locked)], None)
    locked.withdrawn_at = now
    locked.version += 1
    locked.save(update_fields=["withdrawn_at", "version", "updated_at"])
    locked.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked, changes={"consent": ["given", "withdrawn"]})


@transaction.atomic
def consent_withdraw(*, actor, person: ConnectedPerson, consent: Consent | int | None = None) -> ConnectedPerson:
    """The person withdrew consent.

    Without ``consent``, every consent at once: from now on no list, count or dashboard includes them;
    their record waits only to be exported or erased. With one ``consent`` (or its id), that one only:
    the use it allowed stops (withdrawing the last consent with the scope ``contact`` ends contacting
    them), the others stay; withdrawing the last consent not yet withdrawn is withdrawing all."""
    _allowed(actor, person.place)
    locked = _locked(person)
    if locked.withdrawn_at is not None:
        return locked
    now = timezone.now()
    if consent is None:
        _withdraw_all(actor, locked, now)
    else:
        pk = consent.pk if isinstance(consent, Consent) else consent
        row = Consent.objects.select_for_update().filter(pk=pk, person=locked).first()
        if row is None:
            raise NotFound(_("This person has no such consent."), field="consent")
        if row.withdrawn_at is not None:
            return locked
        if not locked.consents.filter(withdrawn_at__isnull=True).exclude(pk=row.pk).exists():
            _withdraw_all(actor, locked, now)
        else:
            row.withdrawn_at = now
            row.save(update_fields=["withdrawn_at"])
            locked.version += 1
            locked.save(update_fields=["version", "updated_at"])
            audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked,
                         changes={f"consent #{row.pk}": [row.scope, "withdrawn"]})
    hooks.emit(events.PEOPLE_CHANGED, place_id=locked.place_id)
    return locked


def person_export(*, actor, person: ConnectedPerson) -> dict[str, Any]:
    """Everything kept about the person, as JSON-ready data (their copy, on request)."""
    _allowed(actor, person.place)
    return {
        "id": person.pk, "place": person.place.slug, "name": person.name, "is_organisation": person.is_organisation,
        "email": person.email, "kind": person.kind, "since": person.since.isoformat(), "country": person.country,
        "prefecture": person.prefecture, "stage": person.stage,
        "activity": person.activity.slug if person.activity else None,
        "partnership": person.partnership.slug if person.partnership else None,
        "interactions": person.interactions,
        "last_contact_on": person.last_contact_on.isoformat() if person.last_contact_on else None,
        "notes": person.notes, "reference": person.reference, "is_sample": person.is_sample,
        "withdrawn_at": person.withdrawn_at.isoformat() if person.withdrawn_at else None,
        "created_at": person.created_at.isoformat(),
        "consents": [{"purpose": c.purpose, "scope": c.scope, "given_on": c.given_on.isoformat(), "source": c.source,
                      "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None}
                     for c in person.consents.all()],
        "interaction_log": [{"kind": i.kind, "on": i.on.isoformat(), "note": i.note, "imported": i.imported}
                            for i in person.interaction_set.all()],
        "stage_history": [{"on": c.on.isoformat(), "from": c.from_stage, "to": c.to_stage, "source": c.source}
                          for c in person.stage_changes.all()],
    }


def _erase(actor, locked: ConnectedPerson, why: str) -> None:
    if locked.withdrawn_at is None:
        _move(locked, [*_keys_of(locked), *_history_keys(locked)], None)
    pk = locked.pk
    content_type = ContentType.objects.get_for_model(ConnectedPerson)
    # what the log held about the person goes: it keeps only that something was done, by whom, when
    AuditEntry.objects.filter(content_type=content_type, object_id=str(pk)).update(changes={}, object_repr=f"#{pk}")
    locked.delete()
    locked.pk = pk
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=locked, changes={"erased": [None, why]})


@transaction.atomic
def person_erase(*, actor, person: ConnectedPerson) -> None:
    """Erase the person on request: their record, consents and interactions are deleted, and the audit
    log keeps only that an erasure happened."""
    _allowed(actor, person.place)
    locked = _locked(person)
    place_id = locked.place_id
    _erase(actor, locked, "request")
    hooks.emit(events.PEOPLE_CHANGED, place_id=place_id)


# --- retention -----------------------------------------------------------------------------------


@transaction.atomic
def retention_set(*, actor, place: Place, data: RetentionIn | Mapping[str, Any]) -> RetentionRule | None:
    _allowed(actor, place)
    data = parse(RetentionIn, data)
    before = RetentionRule.objects.select_for_update().filter(place=place).first()
    if data.years is None:
        if before:
            before.delete()
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=place,
                     changes={"connection_retention_years": [before.years if before else None, None]})
        return None
    rule, _created = RetentionRule.objects.update_or_create(place=place, defaults={"years": data.years})
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=place,
                 changes={"connection_retention_years": [before.years if before else None, data.years]})
    return rule


def expired(place: Place, years: int, today: date | None = None):
    """People of the place with no contact (or, never contacted, connected) for ``years`` years."""
    today = today or timezone.localdate()
    try:
        cutoff = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - years, day=28)
    return ConnectedPerson.objects.filter(place=place).filter(
        models.Q(last_contact_on__lt=cutoff) | models.Q(last_contact_on__isnull=True, since__lt=cutoff))


@transaction.atomic
def retention_apply(*, place: Place, today: date | None = None, actor=SYSTEM) -> int:
    """Erase the place's people its retention rule says are kept too long; how many were erased."""
    rule = RetentionRule.objects.filter(place=place).first()
    if rule is None:
        return 0
    erased = 0
    for person in expired(place, rule.years, today).select_for_update().order_by("pk"):
        _erase(actor, person, "retention")
        erased += 1
    if erased:
        hooks.emit(events.PEOPLE_CHANGED, place_id=place.pk)
    return erased


# --- activity participants ------------------------------------------------------------------------

_STAGE_OF_ACTIVITY = Stage.PARTICIPANT


@transaction.atomic
def participants_connect(*, actor, activity: Activity, data: ParticipantsIn | Mapping[str, Any]
                         ) -> list[ConnectedPerson]:
    """Add participants of an activity who consented to a place's connected population, in one step.
    Those already connected to the place are left as they are."""
    data = parse(ParticipantsIn, data)
    place = Place.objects.filter(slug=data.place).first()
    if place is None:
        raise ApplicationError(_("no place has this URL name"), field="place")
    if not can_manage_activity(actor, activity):
        raise NotAllowed(_("Only those who run this activity may add its participants."))
    _allowed(actor, place)
    chosen = {p.pk: p for p in Participant.objects.filter(activity=activity, pk__in=data.participants)
              .select_related("place")}
    missing = [pk for pk in data.participants if pk not in chosen]
    if missing:
        raise ApplicationError(_("not a participant of this activity: %(ids)s") % {
            "ids": ", ".join(map(str, missing))}, field="participants")
    already = set(ConnectedPerson.objects.filter(place=place, participant_id__in=chosen)
                  .values_list("participant_id", flat=True))
    day = min(activity.starts_at.date(), timezone.localdate())
    created = []
    deltas: Counter = Counter()
    for pk, participant in chosen.items():
        if pk in already:
            continue
        home = participant.place
        person = ConnectedPerson.objects.create(
            place=place, name=participant.name, kind=data.kind, since=day, country=home.country if home else "ZZ",
            stage=_STAGE_OF_ACTIVITY, activity=activity, partnership=activity.partnership, participant=participant,
            interactions=1, last_contact_on=day)
        Consent.objects.create(person=person, **data.consent.model_dump())
        Interaction.objects.create(person=person, kind=Interaction.Kind.EVENT, on=day)
        change = StageChange.objects.create(person=person, on=day, from_stage=None, to_stage=person.stage,
                                            source=StageChange.Source.ACTIVITY, activity=activity)
        for key in [*_keys_of(person), ("moved", change.tally_key)]:
            deltas[key] += 1
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=person,
                     changes={"kind": [None, data.kind], "activity": [None, activity.slug]})
        created.append(person)
    _apply(place.pk, deltas)
    if created:
        hooks.emit(events.PEOPLE_CHANGED, place_id=place.pk)
    return created


# --- CSV import ----------------------------------------------------------------------------------

CSV_COLUMNS = ["name", "kind", "since", "country", "prefecture", "is_organisation", "email", "stage", "activity",
               "partnership", "interactions", "last_contact_on", "reference", "notes", "is_sample",
               "consent_purpose", "consent_scope", "consent_given_on", "consent_source"]
REQUIRED_COLUMNS = ["name", "kind", "since", "country", "consent_purpose", "consent_given_on", "consent_source"]
MAX_ROWS = 200_000


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    fatal: bool = False
    dry_run: bool = False

    def error_lines(self) -> list[str]:
        return [str(error) for error in self.errors]

    def summary(self) -> str:
        if self.dry_run:
            return _("%(rows)s rows checked; nothing written (dry run).") % {"rows": self.rows}
        return _("%(n)s connected people imported from %(rows)s rows.") % {"n": self.created, "rows": self.rows}


def _no_progress(items, total, description):
    return items


def _csv_rows(source: bytes, report: ImportReport) -> list[tuple[int, dict[str, str]]]:
    try:
        text = source.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.errors.append(RowError(None, "file", _("is not UTF-8 text (byte %(n)s)") % {"n": exc.start}))
        report.fatal = True
        return []
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        report.errors.append(RowError(line, "line", _("must not contain NUL characters")))
        report.fatal = True
        return []
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = reader.fieldnames or []
    except csv.Error as exc:
        report.errors.append(RowError(1, "file", str(exc)))
        report.fatal = True
        return []
    unknown = [name for name in header if name not in CSV_COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if not header:
        report.errors.append(RowError(None, "file", _("is empty")))
    for name in unknown:
        report.errors.append(RowError(1, name, _("is not a known column")))
    for name in missing:
        report.errors.append(RowError(1, name, _("column is missing")))
    if report.errors:
        report.fatal = True
        return []
    rows = []
    try:
        for row in reader:
            if None in row:
                report.errors.append(RowError(reader.line_num, "line", _("has more cells than the header")))
                continue
            if not any((value or "").strip() for value in row.values()):
                continue
            rows.append((reader.line_num, {k: (v or "") for k, v in row.items()}))
            if len(rows) > MAX_ROWS:
                report.errors.append(RowError(None, "file", _("has more than %(n)s rows") % {"n": MAX_ROWS}))
                report.fatal = True
                return []
    except csv.Error as exc:
        report.errors.append(RowError(reader.line_num, "line", str(exc)))
        report.fatal = True
    return rows


def _row_input(row: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {k: v for k, v in row.items() if not k.startswith("consent_") and v != ""}
    for flag in ("is_organisation", "is_sample"):
        if flag in data:
            data[flag] = data[flag].strip().lower() in {"1", "true", "yes", "y"}
    data["consent"] = {"purpose": row.get("consent_purpose", ""), "scope": row.get("consent_scope") or "record",
                       "given_on": row.get("consent_given_on", ""), "source": row.get("consent_source", "")}
    return data


def people_import(*, actor, place: Place, source: bytes, dry_run: bool = False,
                  progress: Progress | None = None) -> ImportReport:
    """Import connected people from CSV (docs/data-formats.md): every line is checked first and each bad
    one reported by number and field; nothing is written unless every line is good."""
    _allowed(actor, place)
    report = ImportReport(dry_run=dry_run)
    rows = _csv_rows(source, report)
    report.rows = len(rows)
    if report.fatal:
        return report
    if not rows and not report.errors:
        report.errors.append(RowError(None, "file", _("has no rows")))
        report.fatal = True
        return report
    progress = progress or _no_progress
    activities = {a.slug: a for a in Activity.objects.filter(slug__in={r.get("activity") for _n, r in rows})}
    partnerships = {p.slug: p for p in Partnership.objects.filter(slug__in={r.get("partnership") for _n, r in rows})}
    seen: dict[str, int] = {}
    existing = set(ConnectedPerson.objects.filter(place=place).exclude(reference="")
                   .filter(reference__in={r.get("reference") for _n, r in rows if r.get("reference")})
                   .values_list("reference", flat=True))
    checked: list[tuple[PersonIn, dict[str, Any]]] = []
    for number, row in progress(rows, len(rows), _("Checking")):
        try:
            data = parse(PersonIn, _row_input(row))
        except ApplicationError as exc:
            for name, messages in exc.errors.items():
                for message in messages:
                    report.errors.append(RowError(number, name.replace("consent.", "consent_"), message))
            continue
        values = data.model_dump(exclude={"consent", "activity", "partnership"})
        bad = False
        for name, found in (("activity", activities), ("partnership", partnerships)):
            slug = getattr(data, name)
            if slug is not None and slug not in found:
                report.errors.append(RowError(number, name, _("nothing has this URL name")))
                bad = True
            values[name] = found.get(slug) if slug else None
        if data.last_contact_on and data.last_contact_on < data.since:
            report.errors.append(RowError(number, "last_contact_on",
                                          _("must not be before the date they became connected")))
            bad = True
        if data.reference:
            if data.reference in existing:
                report.errors.append(RowError(number, "reference", _("is already connected to this place")))
                bad = True
            elif data.reference in seen:
                report.errors.append(RowError(number, "reference",
                                              _("repeats line %(n)s") % {"n": seen[data.reference]}))
                bad = True
            seen.setdefault(data.reference, number)
        if not bad:
            checked.append((data, values))
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        people = [ConnectedPerson(place=place, **values) for _data, values in checked]
        batch = 2000
        for start in progress(range(0, len(people), batch), (len(people) + batch - 1) // batch, _("Writing")):
            ConnectedPerson.objects.bulk_create(people[start:start + batch])
        if people[0].pk is None:  # a backend that does not return ids: read them back in order
            ids = list(ConnectedPerson.objects.filter(place=place).order_by("-pk").values_list("pk", flat=True)
                       [:len(people)])
            for person, pk in zip(people, reversed(ids), strict=True):
                person.pk = pk
        Consent.objects.bulk_create([Consent(person=person, **data.consent.model_dump())
                                     for person, (data, _values) in zip(people, checked, strict=True)],
                                    batch_size=batch)
        changes = [StageChange(person=person, on=person.since, from_stage=None, to_stage=person.stage,
                               source=StageChange.Source.IMPORT, activity=person.activity) for person in people]
        StageChange.objects.bulk_create(changes, batch_size=batch)
        deltas: Counter = Counter()
        for person, change in zip(people, changes, strict=True):
            for key in [*_keys_of(person), ("moved", change.tally_key)]:
                deltas[key] += 1
        _apply(place.pk, deltas)
        audit_record(actor=actor, action=AuditEntry.Action.IMPORT, obj=place,
                     changes={"connected_people": [None, len(people)]})
        report.created = len(people)
        hooks.emit(events.PEOPLE_CHANGED, place_id=place.pk)
    return report


def report_errors(report: ImportReport) -> dict[str, list[str]]:
    """An import's errors as an error's fields: ``line 3: kind`` → its messages."""
    out: dict[str, list[str]] = {}
    for error in report.errors:
        out.setdefault(f"line {error.line}: {error.field}" if error.line else error.field, []).append(error.message)
    return out


def read_csv_upload(uploaded) -> bytes:
    """An uploaded CSV file's bytes, refused (naming the field ``file``) past ``RENKEI_MAX_IMPORT_BYTES``."""
    from django.conf import settings

    from renkei.core.uploads import Upload

    limit = settings.RENKEI_MAX_IMPORT_BYTES
    content = Upload.read(uploaded, max_bytes=limit).content
    if len(content) > limit:
        raise ApplicationError(_("The file is larger than %(mb)s MB.") % {"mb": round(limit / 1024 / 1024)},
                               field="file")
    return content


def window_start(today: date, months: int = 12) -> date:
    """The first day of the month ``months - 1`` months before today's: the last 12 months, this one included."""
    year, month = today.year, today.month - (months - 1)
    while month <= 0:
        month += 12
        year -= 1
    return date(year, month, 1)


__all__ = ["CSV_COLUMNS", "ImportReport", "consent_add", "consent_withdraw", "expired", "interaction_record",
           "participants_connect", "people_import", "person_create", "person_erase", "person_export",
           "person_update", "retention_apply", "retention_set", "tally_keys", "tally_rebuild", "window_start"]
