"""Reads of the networks that depend on who is looking: the public page (name, members, offices),
the money (the secretariat's), one member's statement (its representatives'), the funding's
diversity, member engagement, and the presidency scheduler fed from the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.accounts.permissions import is_administrator
from renkei.core.errors import NotAllowed, NotFound
from renkei.core.inputs import parse
from renkei.networks import rotation
from renkei.networks.inputs import RulesIn, ScheduleIn
from renkei.networks.models import FundingEntry, Invoice, Meeting, Network, NetworkMember, NetworkProject, Office
from renkei.networks.permissions import can_manage, can_read_account

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User

ZERO = Decimal("0")
CENT = Decimal("0.01")


def network_list(*, viewer: User | AnonymousUser) -> QuerySet[Network]:
    qs = Network.objects.select_related("host").prefetch_related("secretariat")
    if is_administrator(viewer):
        return qs
    if getattr(viewer, "pk", None):
        return qs.filter(Q(is_published=True) | Q(secretariat=viewer.pk)).distinct()
    return qs.filter(is_published=True)


def network_get(*, viewer: User | AnonymousUser, slug: str) -> Network:
    network = network_list(viewer=viewer).filter(slug=slug).first()
    if network is None:
        raise NotFound(_("No such network."), field="slug")
    return network


def require_manager(viewer, network: Network) -> None:
    if not can_manage(viewer, network):
        raise NotAllowed(_("Only the network's secretariat sees this."))


def meeting_get(*, viewer, network: Network, pk: int) -> Meeting:
    """One meeting of the network, for its secretariat (and administrators)."""
    require_manager(viewer, network)
    meeting = (Meeting.objects.filter(network=network, pk=pk)
               .prefetch_related("decisions", "attendees__place", "attendees__organisation").first())
    if meeting is None:
        raise NotFound(_("No such meeting."), field="meeting")
    return meeting


def project_get(*, viewer, network: Network, pk: int) -> NetworkProject:
    """One project of the network, for its secretariat (and administrators)."""
    require_manager(viewer, network)
    project = (NetworkProject.objects.filter(network=network, pk=pk)
               .prefetch_related("partnerships", "activities", "members__place", "members__organisation").first())
    if project is None:
        raise NotFound(_("No such project."), field="project")
    return project


def members(network: Network) -> QuerySet[NetworkMember]:
    return (network.members.select_related("place", "organisation")
            .prefetch_related("representatives").order_by("left_on", "place__name_en", "organisation__name_en"))


def arrears(network: Network, today: date | None = None) -> dict[int, Decimal]:
    """Member id → what it owes on invoices past their due date (only members that owe anything)."""
    today = today or timezone.localdate()
    rows = (Invoice.objects.filter(network=network, status=Invoice.Status.OPEN, due_on__lt=today)
            .values("member_id").annotate(amount=Sum("amount"), paid=Sum("paid")))
    owed = {r["member_id"]: (r["amount"] - r["paid"]).quantize(CENT) for r in rows}
    return {member: amount for member, amount in owed.items() if amount > 0}


def member_get(*, viewer, network: Network, key: str) -> NetworkMember:
    from renkei.networks.services import member_by_key

    member = member_by_key(network, key)
    if member is None:
        raise NotFound(_("No such member."), field="member")
    return member


def invoices(*, viewer, network: Network, year: int | None = None, status: str | None = None) -> QuerySet[Invoice]:
    require_manager(viewer, network)
    qs = Invoice.objects.filter(network=network).select_related("member__place", "member__organisation")
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs


def invoice_get(*, viewer, network: Network, number: str) -> Invoice:
    from renkei.networks.services import invoice_for_number

    invoice = invoice_for_number(network, number)
    if not can_read_account(viewer, invoice.member):
        if getattr(viewer, "is_authenticated", False):
            raise NotAllowed(_("Only the network's secretariat and the member's representatives see its invoices."))
        raise NotFound(_("No such invoice."), field="number")
    return invoice


@dataclass(frozen=True)
class StatementLine:
    on: date
    what: str
    reference: str
    debit: Decimal
    credit: Decimal
    balance: Decimal
    currency: str
    note: str = ""


def statement(*, viewer, member: NetworkMember) -> list[StatementLine]:
    """Invoices and payments of one member in date order with the running balance (per currency)."""
    if not can_read_account(viewer, member):
        raise NotAllowed(_("Only the network's secretariat and the member's representatives see its statement."))
    events: list[tuple] = []
    for invoice in member.invoices.exclude(status=Invoice.Status.CANCELLED).prefetch_related("payments"):
        events.append((invoice.issued_on, 0, "invoice", invoice.number, invoice.amount, ZERO, invoice.currency,
                       _("due %(date)s") % {"date": invoice.due_on.isoformat()}))
        for p in invoice.payments.all():
            note = "" if p.currency == invoice.currency else f"{p.amount} {p.currency} × {p.rate.normalize()}"
            events.append((p.received_on, 1, "payment", invoice.number, ZERO, p.amount_in_invoice_currency,
                           invoice.currency, note))
    events.sort(key=lambda e: (e[0], e[1], e[3]))
    balance: dict[str, Decimal] = {}
    lines = []
    for on, _order, what, ref, debit, credit, currency, note in events:
        balance[currency] = balance.get(currency, ZERO) + debit - credit
        lines.append(StatementLine(on=on, what=what, reference=ref, debit=debit, credit=credit,
                                   balance=balance[currency], currency=currency, note=note))
    return lines


# --- funding --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FundingYear:
    year: int
    total: Decimal
    by_source: dict[str, Decimal]
    hhi: Decimal | None
    largest_source: str
    largest_share: Decimal | None
    warning: bool


def hhi(amounts: list[Decimal]) -> Decimal | None:
    """Herfindahl–Hirschman index of the shares (0–1): 1 is a single source."""
    total = sum(amounts, ZERO)
    if total <= 0:
        return None
    return sum(((a / total) ** 2 for a in amounts), ZERO).quantize(Decimal("0.0001"))


def funding(network: Network) -> list[FundingYear]:
    by_year: dict[int, dict[str, Decimal]] = {}
    for entry in FundingEntry.objects.filter(network=network):
        by_year.setdefault(entry.year, {})[entry.source] = entry.amount
    years = []
    for year in sorted(by_year):
        sources = by_year[year]
        total = sum(sources.values(), ZERO)
        index = hhi(list(sources.values()))
        largest = max(sources, key=lambda s: (sources[s], s))
        share = (sources[largest] / total).quantize(Decimal("0.0001")) if total > 0 else None
        years.append(FundingYear(year=year, total=total, by_source=sources, hhi=index, largest_source=largest,
                                 largest_share=share, warning=index is not None and index > network.hhi_threshold))
    return years


# --- engagement -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Engagement:
    member: NetworkMember
    meetings: list  # this year's meetings attended
    projects: list  # projects running this year
    last_seen: date | None
    silent: bool


def engagement(network: Network, today: date | None = None) -> list[Engagement]:
    """Who took part in what this year, and who has been silent for the network's ``silent_months``."""
    today = today or timezone.localdate()
    since = today - timedelta(days=round(30.44 * network.silent_months))
    start = date(today.year, 1, 1)
    rows = []
    for m in members(network).prefetch_related("meetings_attended", "projects"):
        if m.left_on and m.left_on < today:
            continue
        attended = sorted(m.meetings_attended.all(), key=lambda x: x.held_on)
        projects = [p for p in m.projects.all() if (p.starts_on or start) <= today and (p.ends_on or today) >= start]
        dates = [x.held_on for x in attended if x.held_on <= today]
        dates += [p.starts_on for p in m.projects.all() if p.starts_on and p.starts_on <= today]
        dates += [min(p.ends_on, today) for p in m.projects.all() if p.ends_on and p.starts_on
                  and p.starts_on <= today]
        last = max(dates) if dates else None
        rows.append(Engagement(member=m, meetings=[x for x in attended if x.held_on >= start],
                               projects=projects, last_seen=last, silent=last is None or last < since))
    return rows


# --- presidency -----------------------------------------------------------------------------------

def rules_of(network: Network) -> RulesIn:
    return parse(RulesIn, network.presidency_rules or {})


def presidents(network: Network) -> QuerySet[Office]:
    return (Office.objects.filter(network=network, kind=Office.Kind.PRESIDENT)
            .select_related("member__place", "member__organisation").order_by("starts_on", "id"))


@dataclass(frozen=True)
class ScheduleResult:
    schedule: rotation.Schedule
    rules: RulesIn
    members: dict[str, NetworkMember]
    first_year: int


def presidency_schedule(*, viewer, network: Network, data: ScheduleIn | dict, today: date | None = None
                        ) -> ScheduleResult:
    """The scheduler run on the network's members and past presidents (the secretariat's)."""
    require_manager(viewer, network)
    data = parse(ScheduleIn, data)
    rules = data.rules or rules_of(network)
    today = today or timezone.localdate()
    past = list(presidents(network))
    owing = arrears(network, today)
    current = [m for m in members(network) if m.left_on is None or m.left_on >= today]
    terms: dict[int, int] = {}
    last_year: dict[int, int] = {}
    for office in past:
        terms[office.member_id] = terms.get(office.member_id, 0) + 1
        last_year[office.member_id] = office.starts_on.year
    candidates = [rotation.Candidate(key=m.key, name=m.name, country=m.country, region=m.region or "—",
                                     good_standing=m.pk not in owing, volunteered=m.volunteers_for_presidency,
                                     past_terms=terms.get(m.pk, 0), last_term_year=last_year.get(m.pk))
                  for m in current]
    history = [rotation.Holder(key=o.member.key, country=o.member.country, region=o.member.region or "—",
                               year=o.starts_on.year) for o in past]
    if data.first_year:
        first_year = data.first_year
    elif past and past[-1].ends_on:
        first_year = past[-1].ends_on.year + 1
    else:
        first_year = today.year + 1
    result = rotation.schedule(candidates, history, rotation.Rules(**rules.model_dump()), terms=data.terms,
                               first_year=first_year)
    return ScheduleResult(schedule=result, rules=rules, members={m.key: m for m in current}, first_year=first_year)


RULE_NAMES = {
    "volunteers_only": lambda: _("only members who volunteered"),
    "good_standing_only": lambda: _("only members in good standing"),
    "no_consecutive_country": lambda: _("no two presidents in a row from the same country"),
    "no_consecutive_region": lambda: _("no two presidents in a row from the same region"),
    "rotate_regions": lambda: _("rotation across regions"),
    "consecutive_terms": lambda: _("no member presides twice in a row"),
    "max_terms": lambda: _("at most so many terms per member"),
    "terms": lambda: _("the number of terms"),
    "term_years": lambda: _("term length"),
    "search_limit": lambda: _("the search limit"),
}


def refusal_text(refusal: rotation.Refusal) -> str:
    d = refusal.details
    if refusal.rule == "volunteers_only":
        return _("Impossible under the rule “%(rule)s”: none of the %(n)s members has volunteered.") % {
            "rule": RULE_NAMES["volunteers_only"](), "n": d.get("members", 0)}
    if refusal.rule == "good_standing_only":
        return _("Impossible under the rule “%(rule)s”: none of the %(n)s volunteers is in good standing.") % {
            "rule": RULE_NAMES["good_standing_only"](), "n": d.get("volunteers", 0)}
    if refusal.rule == "max_terms" and "room" in d:
        return _("Impossible under the rule “at most %(max)s term(s) per member”: the %(n)s eligible members have "
                 "room for %(room)s more term(s), and %(terms)s were asked for.") % {
            "max": d["max_terms"], "n": d["eligible"], "room": d["room"], "terms": d["terms"]}
    if refusal.rule == "consecutive_terms":
        return _("Impossible: only %(n)s member is eligible (volunteered and, under the rules, in good standing), "
                 "and no member presides twice in a row.") % {"n": d.get("eligible", 0)}
    names = [RULE_NAMES.get(r, lambda r=r: r)() for r in refusal.rule.split("+")]
    return _("Impossible under the rule “%(rule)s”: the %(n)s eligible members come from %(countries)s "
             "(regions: %(regions)s).") % {
        "rule": "” + “".join(names), "n": d.get("eligible", 0), "countries": ", ".join(d.get("countries", [])),
        "regions": ", ".join(d.get("regions", []))}


def proposal_reason(p: rotation.Proposal) -> str:
    parts = []
    if p.region_waited is None:
        parts.append(_("region %(region)s has never presided") % {"region": p.candidate.region})
    else:
        parts.append(_("region %(region)s last presided %(n)s terms ago")
                     % {"region": p.candidate.region, "n": p.region_waited})
    if p.terms_before == 0:
        parts.append(_("no term so far"))
    else:
        parts.append(_("%(n)s term(s) so far, the fewest among those allowed") % {"n": p.terms_before})
    parts.append(_("%(n)s candidate(s) allowed by the rules") % {"n": p.choices})
    return "; ".join(parts)



# --- start page ("my work") -------------------------------------------------------------------

def secretariat_work(viewer, *, today: date | None = None) -> list[dict]:
    """Per network the viewer runs the secretariat of (every network for administrators): members in
    arrears and the next meeting. Three queries, whatever the number of networks."""
    from django.db.models import Count, F, Min

    from renkei.accounts.models import Role
    from renkei.accounts.permissions import has_role

    today = today or timezone.localdate()
    if is_administrator(viewer):
        networks = Network.objects.all()
    elif has_role(viewer, Role.NETWORK_SECRETARIAT):
        networks = Network.objects.filter(secretariat=viewer.pk)
    else:
        return []
    networks = list(networks.order_by("slug").only("slug", "name_en", "name_ja"))
    ids = [n.pk for n in networks]
    owing = {}
    for row in (Invoice.objects.filter(network_id__in=ids, status=Invoice.Status.OPEN, due_on__lt=today,
                                       amount__gt=F("paid"))
                .values("network_id").annotate(members=Count("member_id", distinct=True))):
        owing[row["network_id"]] = row["members"]
    meetings = {row["network_id"]: row["next"] for row in Meeting.objects.filter(
        network_id__in=ids, held_on__gte=today).values("network_id").annotate(next=Min("held_on"))}
    return [{"network": n, "arrears": owing.get(n.pk, 0), "next_meeting": meetings.get(n.pk)} for n in networks]
