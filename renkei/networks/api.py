"""Intercity networks in the JSON API: the public network (members, offices), and for its
secretariat the dues, invoices, payments, arrears, reminders, statements, governance, the
presidency scheduler, funding and engagement. Every write calls the same service as the pages."""

from __future__ import annotations

from ninja import File, Query, Router, Schema, Status, UploadedFile

from renkei.accounts.api_auth import AUTH, OPTIONAL_AUTH
from renkei.core.schemas import ERRORS, READ_ERRORS, ErrorOut, PageQuery, page_of
from renkei.networks import selectors, services
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
    ScheduleIn,
)
from renkei.networks.schemas import (
    NetworkArrearsOut,
    NetworkCreatedOut,
    NetworkDuesOut,
    NetworkEngagementOut,
    NetworkFundingOut,
    NetworkInvoiceOut,
    NetworkInvoicePage,
    NetworkInvoiceQuery,
    NetworkIssuedOut,
    NetworkMeetingOut,
    NetworkMemberOut,
    NetworkOfficeOut,
    NetworkOut,
    NetworkPage,
    NetworkPaymentOut,
    NetworkPreviewIn,
    NetworkProjectOut,
    NetworkRemindersOut,
    NetworkScheduleOut,
    NetworkStatementLineOut,
)

router = Router(tags=["networks"])


def member_out(m) -> dict:
    return {"key": m.key, "name": m.name, "place": m.place.slug if m.place_id else None,
            "organisation": m.organisation.slug if m.organisation_id else None, "country": m.country,
            "tier": m.tier, "region": m.region, "joined_on": m.joined_on, "left_on": m.left_on,
            "is_founder": m.is_founder, "volunteers_for_presidency": m.volunteers_for_presidency}


def network_out(n) -> dict:
    return {"slug": n.slug, "name_en": n.name_en, "name_ja": n.name_ja, "acronym": n.acronym,
            "host": n.host.slug if n.host else None, "founded_year": n.founded_year, "regions": n.regions,
            "website": n.website, "currency": n.currency, "is_sample": n.is_sample,
            "members": [member_out(m) for m in selectors.members(n)],
            "offices": [{"kind": o.kind, "member": o.member.key, "starts_on": o.starts_on, "ends_on": o.ends_on}
                        for o in n.offices.select_related("member__place", "member__organisation")],
            "updated_at": n.updated_at}


def invoice_out(i) -> dict:
    return {"id": i.pk, "updated_at": i.updated_at,
            "number": i.number, "member": i.member.key, "year": i.year, "currency": i.currency, "amount": i.amount,
            "paid": i.paid, "balance": i.balance, "issued_on": i.issued_on, "due_on": i.due_on, "status": i.status,
            "reminders_sent": i.reminders_sent, "breakdown": i.breakdown,
            "payments": [payment_out(p) for p in i.payments.all()]}


def payment_out(p) -> dict:
    return {"id": p.pk, "received_on": p.received_on, "amount": p.amount, "currency": p.currency, "rate": p.rate,
            "amount_in_invoice_currency": p.amount_in_invoice_currency, "reference": p.reference}


def _network(request, slug):
    return selectors.network_get(viewer=request.user, slug=slug)


def _member(request, slug, key):
    return selectors.member_get(viewer=request.user, network=_network(request, slug), key=key)


# --- the network ----------------------------------------------------------------------------------

@router.get("/networks", response={200: NetworkPage, 422: ErrorOut}, auth=OPTIONAL_AUTH,
            summary="Intercity networks", operation_id="network_list")
def network_list(request, query: Query[PageQuery]):
    return page_of(selectors.network_list(viewer=request.user), query,
                   results=lambda page: [network_out(n) for n in page])


@router.get("/networks/{slug}", response={200: NetworkOut, **READ_ERRORS}, auth=OPTIONAL_AUTH,
            summary="One network: members and offices (no money)", operation_id="network_get")
def network_get(request, slug: str):
    return network_out(_network(request, slug))


@router.post("/networks", response={201: NetworkOut, **ERRORS}, auth=AUTH,
             summary="Create a network (administrators)", operation_id="network_create")
def network_create(request, payload: NetworkIn):
    return Status(201, network_out(services.network_create(actor=request.user, data=payload)))


@router.patch("/networks/{slug}", response={200: NetworkOut, **ERRORS}, auth=AUTH,
              summary="Edit a network (only the fields given)", operation_id="network_update")
def network_update(request, slug: str, payload: NetworkChange):
    return network_out(services.network_update(actor=request.user, network=_network(request, slug), data=payload))


@router.post("/networks/{slug}/members", response={201: NetworkMemberOut, **ERRORS}, auth=AUTH,
             summary="Add a member", operation_id="network_member_add")
def member_add(request, slug: str, payload: NetworkMemberIn):
    return Status(201, member_out(services.member_add(actor=request.user, network=_network(request, slug),
                                                      data=payload)))


class NetworkImportOut(Schema):
    created: int
    dry_run: bool
    errors: list[dict]


@router.post("/networks/{slug}/members/import", response={200: NetworkImportOut, **ERRORS}, auth=AUTH,
             summary="Import members from a CSV file (multipart; nothing is written if a line is bad)",
             description="The columns are in docs/data-formats.md; a refused file answers 422 with every bad line.",
             operation_id="network_members_import")
def members_import(request, slug: str, file: File[UploadedFile], dry_run: bool = False):
    from django.conf import settings
    from django.utils.translation import gettext as _

    from renkei.core.errors import ApplicationError

    limit = settings.RENKEI_MAX_IMPORT_BYTES
    data = file.read(limit + 1)
    if len(data) > limit:
        raise ApplicationError(_("%(name)s is larger than %(mb)s MB.") % {"name": file.name,
                                                                         "mb": round(limit / 1024 / 1024)},
                               field="file")
    report = services.members_import(actor=request.user, network=_network(request, slug), source=data,
                                     dry_run=dry_run)
    if not report.ok:
        fields: dict[str, list[str]] = {}
        for e in report.errors:
            fields.setdefault(f"line {e.line}.{e.field}" if e.line else e.field, []).append(e.message)
        raise ApplicationError(str(report.errors[0]), errors=fields)
    return {"created": report.created, "dry_run": dry_run, "errors": []}


@router.patch("/networks/{slug}/members/{key}", response={200: NetworkMemberOut, **ERRORS}, auth=AUTH,
              summary="Edit a member (only the fields given)", operation_id="network_member_update")
def member_update(request, slug: str, key: str, payload: NetworkMemberChange):
    return member_out(services.member_update(actor=request.user, member=_member(request, slug, key), data=payload))


# --- dues, invoices, payments ---------------------------------------------------------------------

@router.put("/networks/{slug}/dues-formula", response={200: dict, **ERRORS}, auth=AUTH,
            summary="Set the dues formula", operation_id="network_dues_formula_set")
def dues_formula_set(request, slug: str, payload: DuesFormulaIn):
    return services.dues_formula_set(actor=request.user, network=_network(request, slug), data=payload).dues_formula


@router.post("/networks/{slug}/dues-preview", response={200: list[NetworkDuesOut], **ERRORS}, auth=AUTH,
             summary="What every member would owe under a formula (nothing is written)",
             operation_id="network_dues_preview")
def dues_preview(request, slug: str, payload: NetworkPreviewIn):
    rows = services.dues_preview(actor=request.user, network=_network(request, slug), year=payload.year,
                                 formula=payload.formula)
    return [{"member": r.member.key, "name": r.member.name, "tier": r.member.tier, "amount": r.dues.amount,
             "base": r.dues.base, "income_factor": r.dues.income_factor, "population_factor": r.dues.population_factor,
             "limited": r.dues.limited, "invoiced": r.current} for r in rows]


@router.post("/networks/{slug}/invoices", response={201: NetworkIssuedOut, **ERRORS}, auth=AUTH,
             summary="Issue the year's invoices under the stored formula (only the missing ones)",
             operation_id="network_invoices_issue")
def invoices_issue(request, slug: str, payload: InvoicesIn):
    made = services.invoices_issue(actor=request.user, network=_network(request, slug), data=payload)
    return Status(201, {"issued": [invoice_out(i) for i in made]})


@router.get("/networks/{slug}/invoices", response={200: NetworkInvoicePage, **ERRORS}, auth=AUTH,
            summary="The network's invoices (its secretariat)", operation_id="network_invoice_list")
def invoice_list(request, slug: str, query: Query[NetworkInvoiceQuery]):
    qs = selectors.invoices(viewer=request.user, network=_network(request, slug), year=query.year,
                            status=query.status).prefetch_related("payments")
    return page_of(qs, query, results=lambda page: [invoice_out(i) for i in page])


@router.get("/networks/{slug}/invoices/{number}", response={200: NetworkInvoiceOut, **ERRORS}, auth=AUTH,
            summary="One invoice (the secretariat, or the member's representatives)",
            operation_id="network_invoice_get")
def invoice_get(request, slug: str, number: str):
    return invoice_out(selectors.invoice_get(viewer=request.user, network=_network(request, slug), number=number))


@router.post("/networks/{slug}/invoices/{number}/cancel", response={200: NetworkInvoiceOut, **ERRORS}, auth=AUTH,
             summary="Cancel an invoice without payments (its number is never reused)",
             operation_id="network_invoice_cancel")
def invoice_cancel(request, slug: str, number: str):
    network = _network(request, slug)
    invoice = selectors.invoice_get(viewer=request.user, network=network, number=number)
    return invoice_out(services.invoice_cancel(actor=request.user, invoice=invoice))


@router.post("/networks/{slug}/invoices/{number}/payments", response={201: NetworkPaymentOut, **ERRORS}, auth=AUTH,
             summary="Record a payment (partial or whole, any currency with its rate)",
             operation_id="network_payment_record")
def payment_record(request, slug: str, number: str, payload: PaymentIn):
    network = _network(request, slug)
    invoice = selectors.invoice_get(viewer=request.user, network=network, number=number)
    return Status(201, payment_out(services.payment_record(actor=request.user, invoice=invoice, data=payload)))


@router.get("/networks/{slug}/arrears", response={200: list[NetworkArrearsOut], **ERRORS}, auth=AUTH,
            summary="Members with overdue invoices and what they owe", operation_id="network_arrears")
def arrears(request, slug: str):
    network = _network(request, slug)
    selectors.require_manager(request.user, network)
    owing = selectors.arrears(network)
    return [{"member": m.key, "name": m.name, "owed": owing[m.pk], "currency": network.currency}
            for m in selectors.members(network) if m.pk in owing]


@router.post("/networks/{slug}/reminders", response={202: NetworkRemindersOut, **ERRORS}, auth=AUTH,
             summary="Send reminders of overdue invoices (by a background task)", operation_id="network_reminders")
def reminders(request, slug: str):
    return Status(202, {"overdue": services.reminders_request(actor=request.user, network=_network(request, slug))})


@router.get("/networks/{slug}/members/{key}/statement", response={200: list[NetworkStatementLineOut], **ERRORS},
            auth=AUTH, summary="A member's statement (the secretariat, or the member's representatives)",
            operation_id="network_statement")
def statement(request, slug: str, key: str):
    return [line.__dict__ for line in selectors.statement(viewer=request.user, member=_member(request, slug, key))]


# --- governance -----------------------------------------------------------------------------------

@router.post("/networks/{slug}/offices", response={201: NetworkOfficeOut, **ERRORS}, auth=AUTH,
             summary="Record an office and its term", operation_id="network_office_add")
def office_add(request, slug: str, payload: OfficeIn):
    o = services.office_add(actor=request.user, network=_network(request, slug), data=payload)
    return Status(201, {"kind": o.kind, "member": o.member.key, "starts_on": o.starts_on, "ends_on": o.ends_on})


@router.post("/networks/{slug}/meetings", response={201: NetworkCreatedOut, **ERRORS}, auth=AUTH,
             summary="Record a meeting: quorum, attendance, agenda, decisions and votes",
             operation_id="network_meeting_add")
def meeting_add(request, slug: str, payload: MeetingIn):
    return Status(201, {"id": services.meeting_add(actor=request.user, network=_network(request, slug),
                                                   data=payload).pk})


def meeting_out(m) -> dict:
    present = list(m.attendees.all())
    return {"id": m.pk, "title": m.title.get("en", ""), "title_ja": m.title.get("ja", ""), "held_on": m.held_on,
            "venue": m.venue, "quorum": m.quorum, "quorate": len(present) >= m.quorum, "agenda": m.agenda,
            "attendees": [a.key for a in present],
            "decisions": [{"text": d.text_value, "votes_for": d.votes_for, "votes_against": d.votes_against,
                           "abstentions": d.abstentions, "adopted": d.adopted} for d in m.decisions.all()]}


@router.get("/networks/{slug}/meetings/{pk}", response={200: NetworkMeetingOut, **ERRORS}, auth=AUTH,
            summary="One meeting with its attendance, agenda, decisions and votes", operation_id="network_meeting_get")
def meeting_get(request, slug: str, pk: int):
    return meeting_out(selectors.meeting_get(viewer=request.user, network=_network(request, slug), pk=pk))


@router.patch("/networks/{slug}/meetings/{pk}", response={200: NetworkMeetingOut, **ERRORS}, auth=AUTH,
              summary="Change a meeting (only the fields sent; attendees and decisions sent replace those recorded)",
              operation_id="network_meeting_update")
def meeting_update(request, slug: str, pk: int, payload: MeetingChange):
    network = _network(request, slug)
    meeting = selectors.meeting_get(viewer=request.user, network=network, pk=pk)
    services.meeting_update(actor=request.user, meeting=meeting, data=payload)
    return meeting_out(selectors.meeting_get(viewer=request.user, network=network, pk=pk))


@router.put("/networks/{slug}/presidency/rules", response={200: RulesIn, **ERRORS}, auth=AUTH,
            summary="Set the presidency rules", operation_id="network_presidency_rules")
def presidency_rules(request, slug: str, payload: RulesIn):
    return services.presidency_rules_set(actor=request.user, network=_network(request, slug),
                                         data=payload).presidency_rules


def schedule_out(result) -> dict:
    s = result.schedule
    return {"ok": s.ok, "first_year": result.first_year, "eligible": s.eligible,
            "proposals": [{"term": p.term, "starts_year": p.starts_year, "ends_year": p.ends_year,
                           "member": p.candidate.key, "name": p.candidate.name, "country": p.candidate.country,
                           "region": p.candidate.region, "reason": selectors.proposal_reason(p)}
                          for p in s.proposals],
            "refused_by": s.refusal.rule if s.refusal else None,
            "reason": selectors.refusal_text(s.refusal) if s.refusal else None}


@router.post("/networks/{slug}/presidency/schedule", response={200: NetworkScheduleOut, **ERRORS}, auth=AUTH,
             summary="Propose the next presidents under the rules, or say which rule makes it impossible",
             operation_id="network_presidency_schedule")
def presidency_schedule(request, slug: str, payload: ScheduleIn):
    return schedule_out(selectors.presidency_schedule(viewer=request.user, network=_network(request, slug),
                                                      data=payload))


@router.post("/networks/{slug}/presidency", response={201: list[NetworkOfficeOut], **ERRORS}, auth=AUTH,
             summary="Record the presidents settled on (the proposal or its adjustment)",
             operation_id="network_presidency_record")
def presidency_record(request, slug: str, payload: PresidencyRecordIn):
    offices = services.presidency_record(actor=request.user, network=_network(request, slug), data=payload)
    return Status(201, [{"kind": o.kind, "member": o.member.key, "starts_on": o.starts_on, "ends_on": o.ends_on}
                        for o in offices])


# --- funding, projects, engagement ----------------------------------------------------------------

@router.get("/networks/{slug}/funding", response={200: NetworkFundingOut, **ERRORS}, auth=AUTH,
            summary="Income per year by source, with its HHI and the largest source's share",
            operation_id="network_funding")
def funding(request, slug: str):
    network = _network(request, slug)
    selectors.require_manager(request.user, network)
    return {"currency": network.currency, "threshold": network.hhi_threshold,
            "years": [y.__dict__ for y in selectors.funding(network)]}


@router.post("/networks/{slug}/funding", response={200: NetworkFundingOut, **ERRORS}, auth=AUTH,
             summary="Record a year's income from one source", operation_id="network_funding_set")
def funding_set(request, slug: str, payload: FundingIn):
    network = _network(request, slug)
    services.funding_set(actor=request.user, network=network, data=payload)
    return funding(request, slug)


@router.post("/networks/{slug}/projects", response={201: NetworkCreatedOut, **ERRORS}, auth=AUTH,
             summary="Add a network project linked to partnerships and activities", operation_id="network_project_add")
def project_add(request, slug: str, payload: ProjectIn):
    return Status(201, {"id": services.project_add(actor=request.user, network=_network(request, slug),
                                                   data=payload).pk})


def project_out(p) -> dict:
    return {"id": p.pk, "title": p.title.get("en", ""), "title_ja": p.title.get("ja", ""), "starts_on": p.starts_on,
            "ends_on": p.ends_on, "members": [m.key for m in p.members.all()],
            "partnerships": [x.slug for x in p.partnerships.all()], "activities": [x.slug for x in p.activities.all()]}


@router.get("/networks/{slug}/projects/{pk}", response={200: NetworkProjectOut, **ERRORS}, auth=AUTH,
            summary="One network project with its members, partnerships and activities",
            operation_id="network_project_get")
def project_get(request, slug: str, pk: int):
    return project_out(selectors.project_get(viewer=request.user, network=_network(request, slug), pk=pk))


@router.patch("/networks/{slug}/projects/{pk}", response={200: NetworkProjectOut, **ERRORS}, auth=AUTH,
              summary="Change a network project (only the fields sent; lists sent replace the links)",
              operation_id="network_project_update")
def project_update(request, slug: str, pk: int, payload: ProjectChange):
    network = _network(request, slug)
    project = selectors.project_get(viewer=request.user, network=network, pk=pk)
    services.project_update(actor=request.user, project=project, data=payload)
    return project_out(selectors.project_get(viewer=request.user, network=network, pk=pk))


@router.get("/networks/{slug}/engagement", response={200: list[NetworkEngagementOut], **ERRORS}, auth=AUTH,
            summary="Who took part in what this year; members silent too long are flagged",
            operation_id="network_engagement")
def engagement(request, slug: str):
    network = _network(request, slug)
    selectors.require_manager(request.user, network)
    return [{"member": e.member.key, "name": e.member.name,
             "meetings_this_year": [m.title_text for m in e.meetings],
             "projects_this_year": [p.title_text for p in e.projects], "last_seen": e.last_seen, "silent": e.silent}
            for e in selectors.engagement(network)]
