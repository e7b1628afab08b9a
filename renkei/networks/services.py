"""Intercity networks: members, the dues formula, invoices and payments, reminders, offices and
meetings, the presidency, funding and projects.

Every write takes a typed input from ``renkei.networks.inputs`` (a mapping is parsed into it),
checks permission (the network's secretariat, or an administrator), locks the row it changes,
writes only the fields given, records the audit entry in its transaction and emits its event for
after the commit. Money is ``Decimal``; an invoice's number is unique in its network and never
reused (the network's counter only goes up, cancelled invoices keep theirs)."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core import hooks
from renkei.core.audit import audit_record, diff, snapshot
from renkei.core.errors import ApplicationError, ErrorCollector, NotAllowed, NotFound
from renkei.core.importing import RowError
from renkei.core.inputs import parse
from renkei.core.models import AuditEntry
from renkei.core.text import compact
from renkei.networks import dues as dues_formula
from renkei.networks import events
from renkei.networks.inputs import (
    DuesFormulaIn,
    FundingIn,
    InvoicesIn,
    MeetingChange,
    MeetingIn,
    NetworkChange,
    NetworkIn,
    NetworkMemberChange,
    NetworkMemberIn,
    OfficeIn,
    PaymentIn,
    PresidencyRecordIn,
    ProjectChange,
    ProjectIn,
    RulesIn,
)
from renkei.networks.models import (
    Decision,
    FundingEntry,
    Invoice,
    Meeting,
    Network,
    NetworkMember,
    NetworkProject,
    Office,
    Payment,
)
from renkei.networks.permissions import can_create_network, can_manage
from renkei.places.models import Organisation, Place, Theme

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User

log = logging.getLogger(__name__)
CENT = Decimal("0.01")


def _manage(actor, network: Network, refused: str) -> None:
    if not can_manage(actor, network):
        raise NotAllowed(refused)


def _users(usernames: list[str], errors: ErrorCollector, field: str) -> list:
    found = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
    for name in usernames:
        if name not in found:
            errors.add(field, _("no user is named %(name)s") % {"name": name})
    return [found[n] for n in usernames if n in found]


def _organisation(slug: str | None, errors: ErrorCollector, field: str) -> Organisation | None:
    if not slug:
        return None
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        errors.add(field, _("no organisation has this URL name"))
    return org


def member_by_key(network: Network, key: str) -> NetworkMember | None:
    return (NetworkMember.objects.select_related("place", "organisation", "network")
            .filter(network=network).filter(Q(place__slug=key) | Q(organisation__slug=key)).first())


def _member(network: Network, key: str, errors: ErrorCollector, field: str) -> NetworkMember | None:
    member = member_by_key(network, key)
    if member is None:
        errors.add(field, _("%(key)s is not a member of this network") % {"key": key})
    return member


# --- networks -------------------------------------------------------------------------------------

@transaction.atomic
def network_create(*, actor: User | AnonymousUser, data: NetworkIn | Mapping[str, Any]) -> Network:
    if not can_create_network(actor):
        raise NotAllowed(_("Only administrators create networks."))
    data = parse(NetworkIn, data)
    errors = ErrorCollector()
    if Network.objects.filter(slug=data.slug).exists():
        errors.add("slug", _("another network already has this URL name"))
    host = _organisation(data.host, errors, "host")
    themes = list(Theme.objects.filter(code__in=data.themes))
    for code in set(data.themes) - {t.code for t in themes}:
        errors.add("themes", _("unknown theme %(code)s") % {"code": code})
    secretariat = _users(data.secretariat, errors, "secretariat")
    errors.raise_if_any()
    network = Network.objects.create(
        slug=data.slug, name_en=data.name_en, name_ja=data.name_ja, acronym=data.acronym, host=host,
        founded_year=data.founded_year, regions=data.regions, website=data.website,
        description=compact(data.description), currency=data.currency, is_sample=data.is_sample)
    network.themes.set(themes)
    network.secretariat.set(secretariat)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=network, changes={"name_en": [None, data.name_en]})
    return network


@transaction.atomic
def network_update(*, actor: User | AnonymousUser, network: Network,
                   data: NetworkChange | Mapping[str, Any]) -> Network:
    _manage(actor, network, _("Only the network's secretariat edits it."))
    data = parse(NetworkChange, data)
    locked = Network.objects.select_for_update().get(pk=network.pk)
    errors = ErrorCollector()
    values: dict[str, Any] = {}
    secretariat = None
    for name, value in data.given().items():
        if name == "host":
            values["host"] = _organisation(value, errors, "host")
        elif name == "description":
            values["description"] = compact(value)
        elif name == "secretariat":
            if not can_create_network(actor):
                errors.add("secretariat", _("Only administrators name a network's secretariat."))
            secretariat = _users(value, errors, "secretariat")
        else:
            values[name] = value
    errors.raise_if_any()
    before = snapshot(locked, list(values))
    for name, value in values.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save(update_fields=[*values, "version", "updated_at"])
    changes = diff(before, snapshot(locked, list(values)))
    if secretariat is not None:
        locked.secretariat.set(secretariat)
        changes["secretariat"] = [None, sorted(u.username for u in secretariat)]
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked, changes=changes)
    return locked


# --- members --------------------------------------------------------------------------------------

def _member_values(network: Network, data: NetworkMemberIn, errors: ErrorCollector, *, field: str = "") -> dict:
    place = org = None
    if data.place:
        place = Place.objects.filter(slug=data.place).first()
        if place is None:
            errors.add(f"{field}place", _("no place has this URL name"))
        elif NetworkMember.objects.filter(network=network, place=place).exists():
            errors.add(f"{field}place", _("%(name)s is already a member") % {"name": place.name_en})
    else:
        org = Organisation.objects.filter(slug=data.organisation).first()
        if org is None:
            errors.add(f"{field}organisation", _("no organisation has this URL name"))
        elif NetworkMember.objects.filter(network=network, organisation=org).exists():
            errors.add(f"{field}organisation", _("%(name)s is already a member") % {"name": org.name_en})
    if data.region and network.regions and data.region not in network.regions:
        errors.add(f"{field}region", _("choose one of the network's regions: %(regions)s")
                   % {"regions": ", ".join(network.regions)})
    people = _users(data.representatives, errors, f"{field}representatives")
    return {"place": place, "organisation": org, "people": people}


def _create_member(network: Network, data: NetworkMemberIn, found: dict) -> NetworkMember:
    member = NetworkMember.objects.create(
        network=network, place=found["place"], organisation=found["organisation"], tier=data.tier,
        region=data.region, joined_on=data.joined_on, left_on=data.left_on, is_founder=data.is_founder,
        volunteers_for_presidency=data.volunteers_for_presidency)
    if found["people"]:
        member.representatives.set(found["people"])
    return member


@transaction.atomic
def member_add(*, actor: User | AnonymousUser, network: Network,
               data: NetworkMemberIn | Mapping[str, Any]) -> NetworkMember:
    _manage(actor, network, _("Only the network's secretariat adds members."))
    data = parse(NetworkMemberIn, data)
    errors = ErrorCollector()
    found = _member_values(network, data, errors)
    errors.raise_if_any()
    member = _create_member(network, data, found)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=member,
                 changes={"network": [None, network.slug], "tier": [None, data.tier]})
    return member


@transaction.atomic
def member_update(*, actor: User | AnonymousUser, member: NetworkMember,
                  data: NetworkMemberChange | Mapping[str, Any]) -> NetworkMember:
    _manage(actor, member.network, _("Only the network's secretariat edits its members."))
    data = parse(NetworkMemberChange, data)
    locked = NetworkMember.objects.select_for_update().get(pk=member.pk)
    errors = ErrorCollector()
    given = data.given()
    people = _users(given.pop("representatives"), errors, "representatives") if "representatives" in given else None
    network = member.network
    if given.get("region") and network.regions and given["region"] not in network.regions:
        errors.add("region", _("choose one of the network's regions: %(regions)s")
                   % {"regions": ", ".join(network.regions)})
    joined, left = given.get("joined_on", locked.joined_on), given.get("left_on", locked.left_on)
    if joined and left and left < joined:
        errors.add("left_on", _("A member cannot leave before it joined."))
    errors.raise_if_any()
    before = snapshot(locked, list(given))
    for name, value in given.items():
        setattr(locked, name, value)
    if given:
        locked.save(update_fields=list(given))
    changes = diff(before, snapshot(locked, list(given)))
    if people is not None:
        locked.representatives.set(people)
        changes["representatives"] = [None, sorted(u.username for u in people)]
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked, changes=changes)
    return locked


MEMBER_COLUMNS = ("place", "organisation", "tier", "region", "joined_on", "left_on", "volunteers_for_presidency",
                  "representatives")
TRUE = {"1", "true", "yes", "y", "x"}


@dataclass
class ImportReport:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_lines(self) -> list[str]:
        return [str(e) for e in self.errors]


def members_import(*, actor: User | AnonymousUser, network: Network, source: bytes, dry_run: bool = False,
                   progress: Callable | None = None) -> ImportReport:
    """Members from CSV (columns in ``MEMBER_COLUMNS``; place or organisation per line). Every line is
    checked first; one bad line and nothing is written (the report names each bad line)."""
    _manage(actor, network, _("Only the network's secretariat imports members."))
    report = ImportReport(dry_run=dry_run)
    try:
        text = source.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.errors.append(RowError(None, "file", _("is not UTF-8 text (byte %(n)s)") % {"n": exc.start}))
        return report
    if "\x00" in text:
        report.errors.append(RowError(None, "file", _("must not contain NUL characters")))
        return report
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, dict]] = []
    header = None
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip().lower() for c in cells]
                unknown = [c for c in header if c not in MEMBER_COLUMNS]
                if unknown:
                    report.errors.append(RowError(line, unknown[0], _("is not a known column")))
                    return report
                continue
            if len(cells) != len(header):
                report.errors.append(RowError(line, "row", _("has %(cells)s cells; the header has %(header)s")
                                              % {"cells": len(cells), "header": len(header)}))
                continue
            rows.append((line, dict(zip(header, (c.strip() for c in cells), strict=True))))
    except csv.Error as exc:
        report.errors.append(RowError(None, "file", _("is not valid CSV: %(problem)s") % {"problem": exc}))
        return report
    if not rows and not report.errors:
        report.errors.append(RowError(None, "file", _("has no members")))
        return report
    try:
        with transaction.atomic():
            seen: set[str] = set()
            items = progress(rows, len(rows), _("members")) if progress else rows
            for line, row in items:
                values = {k: v for k, v in row.items() if v != ""}
                if "volunteers_for_presidency" in values:
                    values["volunteers_for_presidency"] = values["volunteers_for_presidency"].lower() in TRUE
                if "representatives" in values:
                    values["representatives"] = [u.strip() for u in values["representatives"].split(";") if u.strip()]
                try:
                    data = parse(NetworkMemberIn, values)
                except ApplicationError as exc:
                    for name, messages in exc.errors.items():
                        report.errors.extend(RowError(line, name or "row", m) for m in messages)
                    continue
                key = data.place or data.organisation
                if key in seen:
                    report.errors.append(RowError(line, "place" if data.place else "organisation",
                                                  _("appears twice in the file")))
                    continue
                seen.add(key)
                errors = ErrorCollector()
                found = _member_values(network, data, errors)
                if errors:
                    report.errors.extend(RowError(line, n, m) for n, ms in errors.items() for m in ms)
                    continue
                member = _create_member(network, data, found)
                report.created += 1
                audit_record(actor=actor, action=AuditEntry.Action.IMPORT, obj=member,
                             changes={"network": [None, network.slug], "line": [None, line]})
            if report.errors or dry_run:
                raise _Rollback
    except _Rollback:
        if report.errors:
            report.created = 0
    return report


class _Rollback(Exception):
    pass


# --- dues, invoices, payments ---------------------------------------------------------------------

@transaction.atomic
def dues_formula_set(*, actor: User | AnonymousUser, network: Network,
                     data: DuesFormulaIn | Mapping[str, Any]) -> Network:
    _manage(actor, network, _("Only the network's secretariat sets the dues formula."))
    data = parse(DuesFormulaIn, data)
    _within_invoice_limit(data.stored())
    locked = Network.objects.select_for_update().get(pk=network.pk)
    before = locked.dues_formula
    locked.dues_formula = data.stored()
    locked.version += 1
    locked.save(update_fields=["dues_formula", "version", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked,
                 changes={"dues_formula": [before, locked.dues_formula]})
    network.dues_formula = locked.dues_formula
    return locked


def _within_invoice_limit(formula: dict) -> None:
    """Refuse a formula under which some member could owe more than an invoice can hold."""
    if dues_formula.highest(formula) > dues_formula.LARGEST_AMOUNT:
        raise ApplicationError(_("Under this formula a member could owe more than %(largest)s %(currency)s, "
                                 "more than an invoice can hold: lower the base or the factors, or set a cap.")
                               % {"largest": dues_formula.LARGEST_AMOUNT, "currency": formula.get("currency", "")},
                               field="cap")


def is_active(member: NetworkMember, on: date) -> bool:
    return (member.joined_on is None or member.joined_on <= on) and (member.left_on is None or member.left_on >= on)


def dues_of(formula: dict, member: NetworkMember) -> dues_formula.Dues:
    place = member.place
    return dues_formula.compute(formula, tier=member.tier, income_group=place.income_group if place else "",
                                population=place.population if place else None)


@dataclass(frozen=True)
class PreviewRow:
    member: NetworkMember
    dues: dues_formula.Dues
    current: Decimal | None  # the live invoice of that year, if any


def dues_preview(*, actor: User | AnonymousUser, network: Network, year: int,
                 formula: DuesFormulaIn | Mapping[str, Any] | None = None) -> list[PreviewRow]:
    """What every member active in ``year`` would owe under ``formula`` (default: the stored one),
    beside what it was invoiced for that year; nothing is written."""
    _manage(actor, network, _("Only the network's secretariat previews dues."))
    stored = parse(DuesFormulaIn, formula).stored() if formula is not None else network.dues_formula
    if not stored:
        raise ApplicationError(_("The network has no dues formula yet."), field="dues_formula")
    _within_invoice_limit(stored)
    on = date(year, 12, 31)
    invoiced = {i.member_id: i.amount for i in network.invoices.filter(year=year).exclude(status="cancelled")}
    members = network.members.select_related("place", "organisation")
    return [PreviewRow(member=m, dues=dues_of(stored, m), current=invoiced.get(m.pk))
            for m in members if is_active(m, on) and (m.joined_on is None or m.joined_on.year <= year)]


def _next_number(network: Network, year: int) -> str:
    locked = Network.objects.select_for_update().only("pk", "next_invoice_number", "acronym", "slug").get(
        pk=network.pk)
    number = locked.next_invoice_number
    Network.objects.filter(pk=network.pk).update(next_invoice_number=number + 1)
    prefix = (locked.acronym or locked.slug).upper().replace(" ", "")[:12]
    return f"{prefix}-{year}-{number:05d}"


@transaction.atomic
def invoices_issue(*, actor: User | AnonymousUser, network: Network,
                   data: InvoicesIn | Mapping[str, Any]) -> list[Invoice]:
    """One invoice per active member for the year, under the stored formula, for members that do not
    have one yet (a second run issues only the missing ones)."""
    _manage(actor, network, _("Only the network's secretariat issues invoices."))
    data = parse(InvoicesIn, data)
    formula = Network.objects.select_for_update().get(pk=network.pk).dues_formula
    if not formula:
        raise ApplicationError(_("Set a dues formula before issuing invoices."), field="dues_formula")
    issued_on = data.issued_on or timezone.localdate()
    if data.due_on < issued_on:
        raise ApplicationError(_("An invoice cannot fall due before it is issued."), field="due_on")
    rows = dues_preview(actor=actor, network=network, year=data.year)
    made = []
    for row in rows:
        if row.current is not None or row.dues.amount <= 0:
            continue
        invoice = Invoice.objects.create(
            network=network, member=row.member, number=_next_number(network, data.year), year=data.year,
            currency=formula["currency"], amount=row.dues.amount, issued_on=issued_on, due_on=data.due_on,
            breakdown=row.dues.breakdown())
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=invoice,
                     changes={"amount": [None, str(invoice.amount)], "currency": [None, invoice.currency]})
        made.append(invoice)
    hooks.emit(events.INVOICES_ISSUED, network_id=network.pk, count=len(made))
    return made


@transaction.atomic
def invoice_cancel(*, actor: User | AnonymousUser, invoice: Invoice) -> Invoice:
    """A cancelled invoice keeps its number (never reused); one with payments cannot be cancelled."""
    _manage(actor, invoice.network, _("Only the network's secretariat cancels invoices."))
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.status == Invoice.Status.CANCELLED:
        raise ApplicationError(_("This invoice is already cancelled."), field="status")
    if locked.payments.exists():
        raise ApplicationError(_("An invoice with payments cannot be cancelled."), field="status")
    locked.status = Invoice.Status.CANCELLED
    locked.save(update_fields=["status"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked, changes={"status": ["open", "cancelled"]})
    return locked


@transaction.atomic
def payment_record(*, actor: User | AnonymousUser, invoice: Invoice, data: PaymentIn | Mapping[str, Any]) -> Payment:
    """A payment, partial or whole, in any currency: in another currency than the invoice's the rate
    (invoice currency per unit paid) is required, and both the amount as paid and its value in the
    invoice's currency are kept. Paying more than the balance is refused."""
    _manage(actor, invoice.network, _("Only the network's secretariat records payments."))
    data = parse(PaymentIn, data)
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.status == Invoice.Status.CANCELLED:
        raise ApplicationError(_("This invoice is cancelled."), field="invoice")
    if locked.status == Invoice.Status.PAID:
        raise ApplicationError(_("This invoice is already paid."), field="invoice")
    if data.currency == locked.currency:
        if data.rate is not None and data.rate != 1:
            raise ApplicationError(_("The payment is in the invoice's currency: the rate is 1."), field="rate")
        rate = Decimal("1")
    elif data.rate is None:
        raise ApplicationError(_("Give the rate from %(paid)s to %(invoice)s.")
                               % {"paid": data.currency, "invoice": locked.currency}, field="rate")
    else:
        rate = data.rate
    value = (data.amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)
    if value <= 0:
        raise ApplicationError(_("The payment is worth nothing in the invoice's currency."), field="amount")
    if value > locked.amount - locked.paid:
        raise ApplicationError(_("This is more than the balance of %(balance)s %(currency)s.")
                               % {"balance": locked.amount - locked.paid, "currency": locked.currency},
                               field="amount")
    payment = Payment.objects.create(invoice=locked, received_on=data.received_on, amount=data.amount,
                                     currency=data.currency, rate=rate, amount_in_invoice_currency=value,
                                     reference=data.reference,
                                     recorded_by=actor if getattr(actor, "pk", None) else None)
    locked.paid += value
    fields = ["paid"]
    if locked.paid >= locked.amount:
        locked.status = Invoice.Status.PAID
        fields.append("status")
    locked.save(update_fields=fields)
    invoice.paid, invoice.status = locked.paid, locked.status
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=payment,
                 changes={"invoice": [None, locked.number], "amount": [None, f"{data.amount} {data.currency}"],
                          "rate": [None, str(rate)]})
    hooks.emit(events.PAYMENT_RECORDED, network_id=locked.network_id, invoice_id=locked.pk)
    return payment


def overdue(network: Network, today: date | None = None):
    today = today or timezone.localdate()
    return (Invoice.objects.filter(network=network, status=Invoice.Status.OPEN, due_on__lt=today)
            .select_related("member__place", "member__organisation"))


@transaction.atomic
def reminders_request(*, actor: User | AnonymousUser, network: Network) -> int:
    """Queue the reminders of the network's overdue invoices (sent by a background task);
    returns how many invoices are overdue."""
    _manage(actor, network, _("Only the network's secretariat sends reminders."))
    count = overdue(network).count()
    if count:
        hooks.emit(events.REMINDERS_REQUESTED, network_id=network.pk)
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=network, changes={"reminders": [None, count]})
    return count


def send_reminders(network_id: int, today: date | None = None) -> int:
    """E-mail each overdue invoice's member representatives (run by ``tasks.send_reminders``)."""
    network = Network.objects.filter(pk=network_id).first()
    if network is None:
        log.info("send_reminders: network %s no longer exists; nothing to send", network_id)
        return 0
    today = today or timezone.localdate()
    sent = 0
    for invoice in overdue(network, today).prefetch_related("member__representatives",
                                                            "member__place__representatives__user"):
        member = invoice.member
        people = {u.email for u in member.representatives.all() if u.email}
        if member.place_id:
            people |= {r.user.email for r in member.place.representatives.all() if r.user.email}
        if not people:
            continue
        balance = invoice.amount - invoice.paid
        send_mail(
            subject=f"[Renkei] {network.name_en}: {invoice.number} overdue",
            message=(f"{member}: invoice {invoice.number} ({invoice.year}) of {invoice.amount} {invoice.currency} "
                     f"fell due on {invoice.due_on.isoformat()}; {balance} {invoice.currency} is still to pay.\n\n"
                     f"{network.name_ja or network.name_en}: 請求書 {invoice.number} の支払期限 "
                     f"({invoice.due_on.isoformat()}) が過ぎています。未払額 {balance} {invoice.currency}。"),
            from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=sorted(people))
        Invoice.objects.filter(pk=invoice.pk).update(reminders_sent=invoice.reminders_sent + 1,
                                                     last_reminded_on=today)
        sent += 1
    return sent


# --- governance -----------------------------------------------------------------------------------

@transaction.atomic
def office_add(*, actor: User | AnonymousUser, network: Network, data: OfficeIn | Mapping[str, Any]) -> Office:
    _manage(actor, network, _("Only the network's secretariat records offices."))
    data = parse(OfficeIn, data)
    errors = ErrorCollector()
    member = _member(network, data.member, errors, "member")
    errors.raise_if_any()
    office = Office.objects.create(network=network, member=member, kind=data.kind, starts_on=data.starts_on,
                                   ends_on=data.ends_on)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=office,
                 changes={"kind": [None, data.kind], "member": [None, data.member]})
    return office


@transaction.atomic
def meeting_add(*, actor: User | AnonymousUser, network: Network, data: MeetingIn | Mapping[str, Any]) -> Meeting:
    _manage(actor, network, _("Only the network's secretariat records meetings."))
    data = parse(MeetingIn, data)
    errors = ErrorCollector()
    present = [m for key in data.attendees if (m := _member(network, key, errors, "attendees"))]
    errors.raise_if_any()
    meeting = Meeting.objects.create(network=network, title=compact({"en": data.title, "ja": data.title_ja}),
                                     held_on=data.held_on, venue=data.venue, quorum=data.quorum,
                                     agenda=[item for item in data.agenda if item])
    meeting.attendees.set(present)
    _decisions(meeting, data.decisions)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=meeting,
                 changes={"held_on": [None, data.held_on.isoformat()], "present": [None, len(present)]})
    return meeting


def _decisions(meeting: Meeting, decisions) -> None:
    for d in decisions:
        Decision.objects.create(meeting=meeting, text={"en": d.text}, votes_for=d.votes_for,
                                votes_against=d.votes_against, abstentions=d.abstentions)


def _titles(current: dict, given: dict) -> dict:
    title = dict(current)
    if "title" in given:
        title["en"] = given["title"]
    if "title_ja" in given:
        title["ja"] = given["title_ja"] or ""
    return compact(title)


@transaction.atomic
def meeting_update(*, actor: User | AnonymousUser, meeting: Meeting,
                   data: MeetingChange | Mapping[str, Any]) -> Meeting:
    """Change a meeting: the fields given only; attendees and decisions, when given, replace those
    recorded (the decisions with their votes as they now stand)."""
    _manage(actor, meeting.network, _("Only the network's secretariat records meetings."))
    data = parse(MeetingChange, data)
    locked = Meeting.objects.select_for_update().filter(pk=meeting.pk, network=meeting.network).first()
    if locked is None:
        raise NotFound(_("No such meeting."), field="meeting")
    given = data.given()
    errors = ErrorCollector()
    present = None
    if "attendees" in given:
        present = [m for key in data.attendees or [] if (m := _member(locked.network, key, errors, "attendees"))]
    errors.raise_if_any()
    before = {"title": dict(locked.title), "held_on": locked.held_on.isoformat(), "venue": locked.venue,
              "quorum": locked.quorum, "agenda": list(locked.agenda)}
    fields = []
    if {"title", "title_ja"} & given.keys():
        locked.title = _titles(locked.title, given)
        fields.append("title")
    for name in ("held_on", "venue", "quorum"):
        if name in given:
            setattr(locked, name, given[name])
            fields.append(name)
    if "agenda" in given:
        locked.agenda = [item for item in data.agenda or [] if item]
        fields.append("agenda")
    if fields:
        locked.save(update_fields=fields)
    after = {"title": locked.title, "held_on": locked.held_on.isoformat(), "venue": locked.venue,
             "quorum": locked.quorum, "agenda": locked.agenda}
    changes = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    if present is not None:
        earlier = sorted(m.key for m in locked.attendees.select_related("place", "organisation"))
        locked.attendees.set(present)
        if earlier != sorted(m.key for m in present):
            changes["present"] = [len(earlier), len(present)]
    if "decisions" in given:
        old = [(d.text_value, d.votes_for, d.votes_against, d.abstentions) for d in locked.decisions.all()]
        locked.decisions.all().delete()
        _decisions(locked, data.decisions or [])
        new = [(d.text, d.votes_for, d.votes_against, d.abstentions) for d in data.decisions or []]
        if old != new:
            changes["decisions"] = [len(old), len(new)]
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked, changes=changes)
    return locked


@transaction.atomic
def presidency_rules_set(*, actor: User | AnonymousUser, network: Network,
                         data: RulesIn | Mapping[str, Any]) -> Network:
    _manage(actor, network, _("Only the network's secretariat sets the presidency rules."))
    data = parse(RulesIn, data)
    locked = Network.objects.select_for_update().get(pk=network.pk)
    before = locked.presidency_rules
    locked.presidency_rules = data.model_dump()
    locked.save(update_fields=["presidency_rules", "updated_at"])
    network.presidency_rules = locked.presidency_rules
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked,
                 changes={"presidency_rules": [before, locked.presidency_rules]})
    return locked


@transaction.atomic
def presidency_record(*, actor: User | AnonymousUser, network: Network,
                      data: PresidencyRecordIn | Mapping[str, Any]) -> list[Office]:
    """Record the presidents the secretariat settled on (the proposal, or its adjustment): terms in
    order, none overlapping another president's term."""
    _manage(actor, network, _("Only the network's secretariat records the presidency."))
    data = parse(PresidencyRecordIn, data)
    errors = ErrorCollector()
    members = [_member(network, t.member, errors, f"terms.{n}.member") for n, t in enumerate(data.terms)]
    for n, term in enumerate(data.terms):
        if term.ends_on < term.starts_on:
            errors.add(f"terms.{n}.ends_on", _("A term cannot end before it starts."))
        if n and term.starts_on <= data.terms[n - 1].ends_on:
            errors.add(f"terms.{n}.starts_on", _("starts before the previous term ends"))
        clash = Office.objects.filter(network=network, kind=Office.Kind.PRESIDENT, starts_on__lte=term.ends_on).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=term.starts_on))
        if clash.exists():
            errors.add(f"terms.{n}.starts_on", _("overlaps a president's term already recorded"))
    errors.raise_if_any()
    offices = []
    for member, term in zip(members, data.terms, strict=True):
        offices.append(Office.objects.create(network=network, member=member, kind=Office.Kind.PRESIDENT,
                                             starts_on=term.starts_on, ends_on=term.ends_on))
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=network,
                 changes={"presidents": [None, [t.member for t in data.terms]]})
    return offices


# --- funding and projects -------------------------------------------------------------------------

@transaction.atomic
def funding_set(*, actor: User | AnonymousUser, network: Network, data: FundingIn | Mapping[str, Any]) -> FundingEntry:
    """The income of one year from one source (replacing what was recorded for that year and source)."""
    _manage(actor, network, _("Only the network's secretariat records funding."))
    data = parse(FundingIn, data)
    entry = FundingEntry.objects.select_for_update().filter(network=network, year=data.year,
                                                            source=data.source).first()
    before = None if entry is None else str(entry.amount)
    if entry is None:
        entry = FundingEntry.objects.create(network=network, year=data.year, source=data.source, amount=data.amount,
                                            note=data.note)
    else:
        entry.amount, entry.note = data.amount, data.note
        entry.save(update_fields=["amount", "note"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE, obj=entry,
                 changes={"amount": [before, str(data.amount)]})
    return entry


@transaction.atomic
def project_add(*, actor: User | AnonymousUser, network: Network,
                data: ProjectIn | Mapping[str, Any]) -> NetworkProject:
    from renkei.activities.models import Activity
    from renkei.partnerships.models import Partnership

    _manage(actor, network, _("Only the network's secretariat adds projects."))
    data = parse(ProjectIn, data)
    errors = ErrorCollector()
    members = [m for key in data.members if (m := _member(network, key, errors, "members"))]
    partnerships = list(Partnership.objects.filter(slug__in=data.partnerships))
    for slug in set(data.partnerships) - {p.slug for p in partnerships}:
        errors.add("partnerships", _("no partnership has the URL name %(slug)s") % {"slug": slug})
    activities = list(Activity.objects.filter(slug__in=data.activities))
    for slug in set(data.activities) - {a.slug for a in activities}:
        errors.add("activities", _("no activity has the URL name %(slug)s") % {"slug": slug})
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        errors.add("ends_on", _("A project cannot end before it starts."))
    errors.raise_if_any()
    project = NetworkProject.objects.create(network=network, title=compact({"en": data.title, "ja": data.title_ja}),
                                            starts_on=data.starts_on, ends_on=data.ends_on)
    project.members.set(members)
    project.partnerships.set(partnerships)
    project.activities.set(activities)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=project, changes={"title": [None, data.title]})
    return project


def _project_links(network: Network, data, given: dict, errors: ErrorCollector) -> dict[str, list]:
    from renkei.activities.models import Activity
    from renkei.partnerships.models import Partnership

    links: dict[str, list] = {}
    if "members" in given:
        links["members"] = [m for key in data.members or [] if (m := _member(network, key, errors, "members"))]
    if "partnerships" in given:
        slugs = data.partnerships or []
        links["partnerships"] = list(Partnership.objects.filter(slug__in=slugs))
        for slug in sorted(set(slugs) - {p.slug for p in links["partnerships"]}):
            errors.add("partnerships", _("no partnership has the URL name %(slug)s") % {"slug": slug})
    if "activities" in given:
        slugs = data.activities or []
        links["activities"] = list(Activity.objects.filter(slug__in=slugs))
        for slug in sorted(set(slugs) - {a.slug for a in links["activities"]}):
            errors.add("activities", _("no activity has the URL name %(slug)s") % {"slug": slug})
    return links


@transaction.atomic
def project_update(*, actor: User | AnonymousUser, project: NetworkProject,
                   data: ProjectChange | Mapping[str, Any]) -> NetworkProject:
    """Change a network project: the fields given only; members, partnerships and activities, when given,
    replace the links recorded."""
    _manage(actor, project.network, _("Only the network's secretariat changes projects."))
    data = parse(ProjectChange, data)
    locked = NetworkProject.objects.select_for_update().filter(pk=project.pk, network=project.network).first()
    if locked is None:
        raise NotFound(_("No such project."), field="project")
    given = data.given()
    errors = ErrorCollector()
    links = _project_links(locked.network, data, given, errors)
    starts = given.get("starts_on", locked.starts_on)
    ends = given.get("ends_on", locked.ends_on)
    if starts and ends and ends < starts:
        errors.add("ends_on", _("A project cannot end before it starts."))
    errors.raise_if_any()
    before = {"title": dict(locked.title), "starts_on": str(locked.starts_on or ""),
              "ends_on": str(locked.ends_on or "")}
    fields = []
    if {"title", "title_ja"} & given.keys():
        locked.title = _titles(locked.title, given)
        fields.append("title")
    for name in ("starts_on", "ends_on"):
        if name in given:
            setattr(locked, name, given[name])
            fields.append(name)
    if fields:
        locked.save(update_fields=fields)
    after = {"title": locked.title, "starts_on": str(locked.starts_on or ""), "ends_on": str(locked.ends_on or "")}
    changes = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    for name, rows in links.items():
        related = getattr(locked, name)
        earlier = sorted(related.values_list("pk", flat=True))
        related.set(rows)
        if earlier != sorted(r.pk for r in rows):
            changes[name] = [len(earlier), len(rows)]
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked, changes=changes)
    return locked


def invoice_for_number(network: Network, number: str) -> Invoice:
    invoice = Invoice.objects.select_related("member__place", "member__organisation", "network").filter(
        network=network, number=number).first()
    if invoice is None:
        raise NotFound(_("No such invoice."), field="number")
    return invoice



@transaction.atomic
def network_delete(*, actor: User | AnonymousUser, network: Network) -> None:
    """Administrators delete a network that has no invoices (money records are kept)."""
    if not can_create_network(actor):
        raise NotAllowed(_("Only administrators delete networks."))
    if network.invoices.exists():
        raise ApplicationError(_("This network has invoices: they are kept, so it cannot be deleted."),
                               field="network")
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=network, changes={"slug": [network.slug, None]})
    network.delete()


@transaction.atomic
def member_remove(*, actor: User | AnonymousUser, member: NetworkMember) -> None:
    """A member without invoices may be removed (a mistake); one with invoices gets a leaving date."""
    _manage(actor, member.network, _("Only the network's secretariat removes members."))
    if member.invoices.exists():
        raise ApplicationError(_("This member has invoices: give it a leaving date instead."), field="left_on")
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=member, changes={"member": [member.key, None]})
    member.delete()
