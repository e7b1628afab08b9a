"""The network services on the demo: permissions per role, dues, invoices, payments, arrears,
reminders, the import, governance and funding — with their unhappy paths."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail

from renkei.core.errors import ApplicationError, NotAllowed
from renkei.networks import selectors, services
from renkei.networks.demo import SAMPLE_FORMULA
from renkei.networks.models import Invoice, NetworkMember, Office, Payment

pytestmark = pytest.mark.django_db


def kobe_invoice(citynet):
    return Invoice.objects.get(network=citynet, member__place__slug="kobe", year=2026)


# --- permissions ---------------------------------------------------------------------------------

def test_only_the_networks_own_secretariat_or_an_administrator_manages(citynet, net_secretariat, other_secretariat,
                                                                       admin_user, kobe_rep, anonymous):
    data = {"place": "kamaishi", "tier": "associate", "region": "North-East Asia"}
    for user in (other_secretariat, kobe_rep, anonymous):
        with pytest.raises(NotAllowed):
            services.member_add(actor=user, network=citynet, data=data)
        with pytest.raises(NotAllowed):
            selectors.invoices(viewer=user, network=citynet)
    services.member_add(actor=net_secretariat, network=citynet, data=data)
    services.member_update(actor=admin_user, member=services.member_by_key(citynet, "kamaishi"),
                           data={"tier": "full"})
    assert services.member_by_key(citynet, "kamaishi").tier == "full"


def test_a_representative_reads_only_their_own_members_account(citynet, kobe_rep, other_secretariat):
    kobe = kobe_invoice(citynet)
    assert selectors.invoice_get(viewer=kobe_rep, network=citynet, number=kobe.number) == kobe
    assert selectors.statement(viewer=kobe_rep, member=kobe.member)
    yokohama = Invoice.objects.get(network=citynet, member__place__slug="yokohama", year=2026)
    with pytest.raises(NotAllowed):
        selectors.invoice_get(viewer=kobe_rep, network=citynet, number=yokohama.number)
    with pytest.raises(NotAllowed):
        selectors.statement(viewer=other_secretariat, member=kobe.member)


def test_only_administrators_name_the_secretariat(citynet, net_secretariat, admin_user):
    with pytest.raises(ApplicationError) as refused:
        services.network_update(actor=net_secretariat, network=citynet, data={"secretariat": ["cn-secretariat"]})
    assert "secretariat" in refused.value.errors
    services.network_update(actor=admin_user, network=citynet, data={"secretariat": ["cn-secretariat"]})
    assert list(citynet.secretariat.values_list("username", flat=True)) == ["cn-secretariat"]


# --- dues and invoices ---------------------------------------------------------------------------

def test_formula_errors_name_their_field(citynet, net_secretariat):
    bad = {**SAMPLE_FORMULA, "currency": "XYZ", "floor": "20000",
           "population_bands": [{"up_to": None, "factor": "1"}, {"up_to": 10, "factor": "1"}]}
    with pytest.raises(ApplicationError) as refused:
        services.dues_formula_set(actor=net_secretariat, network=citynet, data=bad)
    assert {"currency", "population_bands"} <= set(refused.value.errors)
    with pytest.raises(ApplicationError) as refused:
        services.dues_formula_set(actor=net_secretariat, network=citynet, data={**SAMPLE_FORMULA, "floor": "20000"})
    assert "floor" in refused.value.message.lower() or refused.value.errors


def test_preview_writes_nothing_and_shows_every_active_member(citynet, net_secretariat):
    before = Invoice.objects.count()
    rows = services.dues_preview(actor=net_secretariat, network=citynet, year=2027,
                                 formula={**SAMPLE_FORMULA, "cap": "5000"})
    assert len(rows) == NetworkMember.objects.filter(network=citynet).count()
    assert max(r.dues.amount for r in rows) == Decimal("5000.00")
    assert Invoice.objects.count() == before


def test_invoices_are_numbered_once_and_numbers_never_reused(citynet, net_secretariat):
    made = services.invoices_issue(actor=net_secretariat, network=citynet,
                                   data={"year": 2027, "issued_on": "2027-01-10", "due_on": "2027-03-31"})
    assert len(made) == citynet.members.count()
    assert all(i.currency == "USD" and isinstance(i.amount, Decimal) for i in made)
    assert services.invoices_issue(actor=net_secretariat, network=citynet,
                                   data={"year": 2027, "due_on": "2027-03-31", "issued_on": "2027-01-10"}) == []
    cancelled = services.invoice_cancel(actor=net_secretariat, invoice=made[0])
    again = services.invoices_issue(actor=net_secretariat, network=citynet,
                                    data={"year": 2027, "due_on": "2027-03-31", "issued_on": "2027-01-10"})
    assert len(again) == 1 and again[0].number != cancelled.number
    numbers = list(Invoice.objects.filter(network=citynet).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))


def test_due_before_issue_is_refused(citynet, net_secretariat):
    with pytest.raises(ApplicationError) as refused:
        services.invoices_issue(actor=net_secretariat, network=citynet,
                                data={"year": 2027, "issued_on": "2027-02-01", "due_on": "2027-01-01"})
    assert refused.value.errors


# --- payments ------------------------------------------------------------------------------------

def test_several_partial_payments_in_other_currencies(citynet, net_secretariat):
    invoice = kobe_invoice(citynet)
    owed = invoice.amount - invoice.paid
    services.payment_record(actor=net_secretariat, invoice=invoice, data={
        "amount": "1000", "currency": "EUR", "rate": "1.08", "received_on": "2026-06-01"})
    invoice.refresh_from_db()
    assert invoice.amount - invoice.paid == owed - Decimal("1080.00")
    p = Payment.objects.filter(invoice=invoice).last()
    assert (p.amount, p.currency, p.rate, p.amount_in_invoice_currency) == (
        Decimal("1000.00"), "EUR", Decimal("1.08"), Decimal("1080.00"))
    services.payment_record(actor=net_secretariat, invoice=invoice, data={
        "amount": str(invoice.amount - invoice.paid), "currency": "USD", "received_on": "2026-06-02"})
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    with pytest.raises(ApplicationError):
        services.payment_record(actor=net_secretariat, invoice=invoice, data={
            "amount": "1", "currency": "USD", "received_on": "2026-06-03"})


@pytest.mark.parametrize(("data", "field"), [
    ({"amount": "10", "currency": "JPY", "received_on": "2026-06-01"}, "rate"),
    ({"amount": "999999", "currency": "USD", "received_on": "2026-06-01"}, "amount"),
    ({"amount": "-5", "currency": "USD", "received_on": "2026-06-01"}, "amount"),
    ({"amount": "5", "currency": "usd", "received_on": "2026-06-01", "rate": "2"}, "rate"),
    ({"amount": "5", "currency": "QQQ", "received_on": "2026-06-01"}, "currency"),
    ({"amount": "5", "currency": "USD", "received_on": "soon"}, "received_on"),
    ({"amount": "5", "currency": "USD", "received_on": "2026-06-01", "reference": "a\x00b"}, "reference"),
    ({"amount": "5", "currency": "USD", "received_on": "2026-06-01", "reference": "x" * 101}, "reference"),
])
def test_bad_payments_name_the_field_and_write_nothing(citynet, net_secretariat, data, field):
    invoice = kobe_invoice(citynet)
    count, paid = Payment.objects.count(), invoice.paid
    with pytest.raises(ApplicationError) as refused:
        services.payment_record(actor=net_secretariat, invoice=invoice, data=data)
    assert field in refused.value.errors
    invoice.refresh_from_db()
    assert Payment.objects.count() == count and invoice.paid == paid


def test_arrears_and_standing(citynet, net_secretariat):
    owing = selectors.arrears(citynet, today=date(2026, 12, 1))
    kobe = services.member_by_key(citynet, "kobe")
    yokohama = services.member_by_key(citynet, "yokohama")
    assert owing[kobe.pk] == Decimal("3060.00") and yokohama.pk not in owing
    assert selectors.arrears(citynet, today=date(2026, 3, 1)) == {}  # nothing is past due yet


def test_reminders_go_by_a_background_task_to_the_representatives(citynet, net_secretariat, kobe_rep, settings,
                                                                  django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        count = services.reminders_request(actor=net_secretariat, network=citynet)
    assert count == len(selectors.arrears(citynet))
    assert [m.to for m in mail.outbox] == [["kobe@example.jp"]]
    assert "overdue" in mail.outbox[0].subject
    assert kobe_invoice(citynet).reminders_sent == 1


def test_statement_runs_the_balance(citynet, kobe_rep):
    lines = selectors.statement(viewer=kobe_rep, member=services.member_by_key(citynet, "kobe"))
    assert [line.what for line in lines] == ["invoice", "payment"]
    assert lines[-1].balance == Decimal("3060.00")
    assert "JPY" in lines[-1].note


# --- import --------------------------------------------------------------------------------------

def test_import_members_from_csv(citynet, net_secretariat):
    csv = ("place,organisation,tier,region,joined_on,volunteers_for_presidency,representatives\n"
           "kamaishi,,associate,North-East Asia,2026-01-01,yes,cn-secretariat\n"
           ",jica,affiliate,North-East Asia,,,\n")
    report = services.members_import(actor=net_secretariat, network=citynet, source=csv.encode())
    assert report.ok and report.created == 2
    kamaishi = services.member_by_key(citynet, "kamaishi")
    assert kamaishi.volunteers_for_presidency and kamaishi.representatives.count() == 1


def test_import_with_one_bad_line_writes_nothing_and_names_each_line(citynet, net_secretariat):
    before = NetworkMember.objects.count()
    csv = ("place,tier,region,joined_on\n"
           "kamaishi,associate,North-East Asia,2026-01-01\n"
           "nowhere,full,North-East Asia,\n"
           "toyama,gold,Mars,2026-13-01\n"
           "yokohama,full,North-East Asia,\n")
    report = services.members_import(actor=net_secretariat, network=citynet, source=csv.encode())
    assert not report.ok and report.created == 0
    lines = {(e.line, e.field) for e in report.errors}
    assert {(3, "place"), (4, "tier"), (4, "joined_on"), (5, "place")} <= lines
    assert NetworkMember.objects.count() == before


@pytest.mark.parametrize("source", [b"place\nkama\x00ishi\n", b"\xff\xfe", b"", b"colour\nred\n",
                                    b"place,tier\nkamaishi\n"])
def test_import_refuses_bad_files(citynet, net_secretariat, source):
    report = services.members_import(actor=net_secretariat, network=citynet, source=source)
    assert not report.ok and report.created == 0


def test_dry_run_writes_nothing(citynet, net_secretariat):
    report = services.members_import(actor=net_secretariat, network=citynet, dry_run=True,
                                     source=b"place,region\nkamaishi,North-East Asia\n")
    assert report.ok and report.created == 1
    assert services.member_by_key(citynet, "kamaishi") is None


# --- governance ----------------------------------------------------------------------------------

def test_schedule_on_the_demo_and_its_refusal(citynet, net_secretariat, other_secretariat):
    result = selectors.presidency_schedule(viewer=net_secretariat, network=citynet, data={"terms": 3})
    assert result.schedule.ok and result.first_year == 2027
    keys = [p.candidate.key for p in result.schedule.proposals]
    owing = selectors.arrears(citynet)
    assert all(result.members[k].pk not in owing and result.members[k].volunteers_for_presidency for k in keys)
    assert result.schedule.proposals[0].candidate.region == "South-East Asia (maritime)"  # waited longest
    impossible = selectors.presidency_schedule(viewer=net_secretariat, network=citynet, data={
        "terms": 2, "rules": {"rotate_regions": False, "no_consecutive_region": False}, "first_year": 2027})
    assert impossible.schedule.ok
    with pytest.raises(NotAllowed):
        selectors.presidency_schedule(viewer=other_secretariat, network=citynet, data={"terms": 2})


def test_schedule_refuses_with_the_rule(citynet, net_secretariat):
    for m in citynet.members.exclude(place__country="JP"):
        services.member_update(actor=net_secretariat, member=m, data={"volunteers_for_presidency": False})
    result = selectors.presidency_schedule(viewer=net_secretariat, network=citynet, data={"terms": 2})
    assert not result.schedule.ok
    assert result.schedule.refusal.rule == "consecutive_terms"  # Yokohama alone: Kobe is in arrears
    assert "only 1 member" in selectors.refusal_text(result.schedule.refusal)


def test_schedule_refuses_too_many_terms_per_member(citynet, net_secretariat):
    result = selectors.presidency_schedule(viewer=net_secretariat, network=citynet,
                                           data={"terms": 20, "rules": {"max_terms": 1}})
    assert result.schedule.refusal.rule == "max_terms"
    assert "at most 1 term(s) per member" in selectors.refusal_text(result.schedule.refusal)


def test_record_presidency_refuses_overlaps(citynet, net_secretariat):
    with pytest.raises(ApplicationError) as refused:
        services.presidency_record(actor=net_secretariat, network=citynet, data={"terms": [
            {"member": "cebu-city", "starts_on": "2026-06-01", "ends_on": "2028-05-31"}]})
    assert "terms.0.starts_on" in refused.value.errors
    services.presidency_record(actor=net_secretariat, network=citynet, data={"terms": [
        {"member": "cebu-city", "starts_on": "2027-01-01", "ends_on": "2028-12-31"},
        {"member": "yokohama", "starts_on": "2029-01-01", "ends_on": "2030-12-31"}]})
    assert Office.objects.filter(network=citynet, kind="president").count() == 5


def test_meeting_quorum_and_decisions(citynet, net_secretariat):
    meeting = citynet.meetings.get()
    assert meeting.attendees.count() >= meeting.quorum
    assert [d.adopted for d in meeting.decisions.all()] == [True, True]
    with pytest.raises(ApplicationError) as refused:
        services.meeting_add(actor=net_secretariat, network=citynet, data={
            "title": "AGM", "held_on": "2026-11-01", "attendees": ["atlantis"]})
    assert "attendees" in refused.value.errors


def test_funding_diversity_and_warning(citynet, net_secretariat):
    years = selectors.funding(citynet)
    assert [y.year for y in years] == list(range(2019, 2026))
    assert years[0].warning and not years[-1].warning
    assert years[0].largest_source == "membership_fees"
    assert selectors.hhi([Decimal(1)]) == Decimal("1.0000")
    assert selectors.hhi([Decimal(1), Decimal(1)]) == Decimal("0.5000")
    assert selectors.hhi([]) is None


def test_engagement_flags_silent_members(citynet):
    rows = {e.member.key: e for e in selectors.engagement(citynet, today=date(2026, 12, 1))}
    assert rows["hai-phong"].silent and not rows["da-nang"].silent
    assert [m.held_on.year for m in rows["da-nang"].meetings] == [2026]


def test_project_links_must_exist(citynet, net_secretariat):
    with pytest.raises(ApplicationError) as refused:
        services.project_add(actor=net_secretariat, network=citynet, data={
            "title": "X", "partnerships": ["nope"], "activities": ["nada"]})
    assert {"partnerships", "activities"} <= set(refused.value.errors)
