"""The network pages: what visitors, representatives and the secretariat see, and the secretariat's
forms (formula preview and save, invoices, a payment, reminders, the scheduler, funding)."""

import pytest
from django.utils import translation

from renkei.networks.models import Invoice, Office, Payment

pytestmark = pytest.mark.django_db


def test_visitors_see_the_public_page_without_money(client, citynet):
    page = client.get("/networks/citynet/").content.decode()
    assert "CityNet" in page and "Yokohama" in page and "President" in page and "Sample data" in page
    assert "in arrears" not in page and "USD" not in page and "statement" not in page
    assert "CityNet" in client.get("/networks/").content.decode()
    for path in ("dues", "invoices", "presidency", "funding", "engagement", "members/import", "meetings/new",
                 "projects/new"):
        page = client.get(f"/networks/citynet/{path}/")  # to sign in, and back here after
        assert page.status_code == 302 and page["Location"] == f"/login/?next=/networks/citynet/{path}/"
    number = Invoice.objects.filter(network=citynet).first().number
    assert client.get(f"/networks/citynet/invoices/{number}/").status_code == 404
    assert client.get("/networks/nowhere/").status_code == 404


def test_the_page_in_japanese(client, citynet):
    client.cookies["django_language"] = "ja"
    with translation.override("ja"):
        page = client.get("/networks/citynet/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "シティネット" in page and "サンプルデータ" in page


def test_money_words_keep_their_meaning_in_japanese(client, citynet, net_secretariat):
    # "To", "Balance" and "Open" mean other things in other apps' catalogues (a cap, a gender
    # balance, a call open for applications); the invoice pages ask for their own sense
    client.force_login(net_secretariat)
    client.cookies["django_language"] = "ja"
    number = Invoice.objects.get(network=citynet, member__place__slug="kobe").number
    with translation.override("ja"):
        invoice = client.get(f"/networks/citynet/invoices/{number}/").content.decode()
        listing = client.get("/networks/citynet/invoices/").content.decode()
        statement = client.get("/networks/citynet/members/kobe/statement/").content.decode()
        funding = client.get("/networks/citynet/funding/").content.decode()
        detail = client.get("/networks/citynet/").content.decode()
    assert "<dt>宛先</dt>" in invoice and "<dt>残高</dt>" in invoice and "<dd>未払い</dd>" in invoice
    assert "上限</dt>" not in invoice and "均衡度" not in invoice + listing + statement
    assert "<th class=\"num\">残高</th>" in listing and "未払い" in listing
    assert "残高" in statement
    assert "財源" in funding and "出典" not in funding and "資金提供" not in funding
    assert "<h2>会員</h2>" in detail and "構成員" not in detail


def test_other_secretariats_are_refused(client, citynet, other_secretariat):
    client.force_login(other_secretariat)
    assert client.get("/networks/citynet/invoices/").status_code == 403
    assert client.post("/networks/citynet/invoices/reminders/").status_code == 403


def test_a_representative_sees_their_statement_and_invoice_only(client, citynet, kobe_rep):
    client.force_login(kobe_rep)
    page = client.get("/networks/citynet/members/kobe/statement/").content.decode()
    assert "3060.00" in page
    kobe = Invoice.objects.get(network=citynet, member__place__slug="kobe").number
    other = Invoice.objects.get(network=citynet, member__place__slug="yokohama").number
    invoice = client.get(f"/networks/citynet/invoices/{kobe}/").content.decode()
    assert kobe in invoice and "Record the payment" not in invoice
    assert client.get(f"/networks/citynet/invoices/{other}/").status_code == 403
    assert client.get("/networks/citynet/members/yokohama/statement/").status_code == 403


def formula_post(**changes):
    data = {"year": "2027", "currency": "USD", "base_full": "6000", "base_associate": "2500",
            "base_affiliate": "800", "factor_HIC": "1.5", "factor_UMC": "1", "factor_LMC": "0.6",
            "factor_LIC": "0.3", "bands": "500000 | 0.8\n2000000 | 1\n* | 1.25", "floor": "1000", "cap": "12000",
            "action": "preview"}
    data.update(changes)
    return data


def test_the_dues_form_refuses_a_formula_too_large_for_an_invoice_on_the_cap(client, citynet, net_secretariat):
    client.force_login(net_secretariat)
    huge = formula_post(base_full="999999999999", factor_HIC="9999", cap="", action="save")
    page = client.post("/networks/citynet/dues/", huge)
    assert page.status_code == 200 and "more than an invoice can hold" in page.content.decode()
    assert 'name="cap" aria-invalid="true"' in page.content.decode() or "cap-error" in page.content.decode()
    citynet.refresh_from_db()
    assert citynet.dues_formula["cap"] == "12000"


def test_secretariat_previews_saves_issues_pays_and_reminds(client, citynet, net_secretariat):
    client.force_login(net_secretariat)
    page = client.post("/networks/citynet/dues/", formula_post(cap="5000")).content.decode()
    assert "What each member would owe in 2027" in page and "5000.00" in page
    citynet.refresh_from_db()
    assert citynet.dues_formula["cap"] == "12000"  # a preview writes nothing
    bad = client.post("/networks/citynet/dues/", formula_post(currency="XXQ", bands="lots | 1", action="save"))
    assert bad.status_code == 200 and "line 1" in bad.content.decode()
    saved = client.post("/networks/citynet/dues/", formula_post(cap="5000", action="save"))
    assert saved.status_code == 302
    citynet.refresh_from_db()
    assert citynet.dues_formula["cap"] == "5000.00" or citynet.dues_formula["cap"] == "5000"
    issued = client.post("/networks/citynet/invoices/issue/", {"year": "2027", "issued_on": "2027-01-05",
                                                                "due_on": "2027-03-31"})
    assert issued.status_code == 302
    assert Invoice.objects.filter(network=citynet, year=2027).count() == citynet.members.count()
    invoice = Invoice.objects.filter(network=citynet, year=2027).first()
    refused = client.post(f"/networks/citynet/invoices/{invoice.number}/",
                          {"amount": "100", "currency": "EUR", "received_on": "2027-02-01"})
    assert refused.status_code == 200 and "Give the rate" in refused.content.decode()
    paid = client.post(f"/networks/citynet/invoices/{invoice.number}/",
                       {"amount": "100", "currency": "EUR", "rate": "1.1", "received_on": "2027-02-01"})
    assert paid.status_code == 302 and Payment.objects.filter(invoice=invoice).count() == 1
    page = client.get("/networks/citynet/invoices/").content.decode()
    assert "members in arrears" in page and "Kobe" in page
    assert client.get("/networks/citynet/invoices/?download=csv").status_code == 200
    assert client.post("/networks/citynet/invoices/reminders/").status_code == 302


def test_scheduler_page_proposes_records_and_refuses(client, citynet, net_secretariat):
    client.force_login(net_secretariat)
    rules = {"terms": "3", "term_years": "2", "no_consecutive_country": "on", "no_consecutive_region": "on",
             "rotate_regions": "on", "good_standing_only": "on", "volunteers_only": "on"}
    page = client.get("/networks/citynet/presidency/", rules).content.decode()
    assert "Record these presidents" in page and "2027–2028" in page
    refused = client.get("/networks/citynet/presidency/", {**rules, "terms": "20", "max_terms": "1"}).content.decode()
    assert "No schedule is possible" in refused and "at most 1 term(s) per member" in refused
    recorded = client.post("/networks/citynet/presidency/record/", {
        "member_1": "cebu-city", "starts_1": "2027-01-01", "ends_1": "2028-12-31", "member_2": ""})
    assert recorded.status_code == 302
    assert Office.objects.filter(network=citynet, kind="president", member__place__slug="cebu-city").exists()
    bad = client.get("/networks/citynet/presidency/", {**rules, "terms": "0"})
    assert bad.status_code == 200


def test_secretariat_records_any_office_on_the_network_page(client, citynet, net_secretariat, other_secretariat):
    client.force_login(net_secretariat)
    page = client.get("/networks/citynet/").content.decode()
    assert 'id="office-add"' in page and 'value="executive_committee"' in page
    vice = Office.objects.filter(network=citynet, kind="vice_president", member__place__slug="cebu-city")
    held = set(vice.values_list("pk", flat=True))
    added = client.post("/networks/citynet/offices/add/", {"kind": "vice_president", "member": "cebu-city",
                                                          "starts_on": "2027-01-01", "ends_on": ""}, follow=True)
    assert "Recorded: Vice-president" in added.content.decode()
    office = vice.exclude(pk__in=held).get()
    assert office.starts_on.isoformat() == "2027-01-01" and office.ends_on is None
    before = Office.objects.count()
    for bad, words in (({"starts_on": "2027-01-01", "ends_on": "2026-01-01"}, "cannot end before it starts"),
                       ({"starts_on": ""}, "starts_on"), ({"member": "nowhere"}, "member"), ({"kind": "king"}, "kind")):
        post = {"kind": "secretariat", "member": "cebu-city", "starts_on": "2027-01-01", "ends_on": "", **bad}
        refused = client.post("/networks/citynet/offices/add/", post, follow=True)
        assert refused.status_code == 200 and words in refused.content.decode(), bad
    assert Office.objects.count() == before  # nothing half written
    client.force_login(other_secretariat)
    assert "office-add" not in client.get("/networks/citynet/").content.decode()
    assert client.post("/networks/citynet/offices/add/", {"kind": "secretariat", "member": "cebu-city",
                                                         "starts_on": "2027-01-01"}).status_code == 403
    client.logout()
    assert client.post("/networks/citynet/offices/add/", {}).status_code in (302, 403)
    assert Office.objects.count() == before


def test_funding_page_charts_and_records(client, citynet, net_secretariat):
    client.force_login(net_secretariat)
    page = client.get("/networks/citynet/funding/").content.decode()
    assert 'data-chart="funding-diversity"' in page and "0.3040" in page
    csv = client.get("/networks/citynet/funding/?chart=funding-diversity&format=csv")
    assert csv.status_code == 200 and b"2019" in csv.content
    client.post("/networks/citynet/funding/", {"form": "income", "year": "2026", "source": "membership_fees",
                                              "amount": "100"})
    assert "concentrated" in client.get("/networks/citynet/funding/").content.decode()
    bad = client.post("/networks/citynet/funding/", {"form": "income", "year": "2026", "source": "other",
                                                    "amount": "-1"})
    assert bad.status_code == 200
    client.post("/networks/citynet/funding/", {"form": "settings", "hhi_threshold": "0.9", "silent_months": "6"})
    citynet.refresh_from_db()
    assert str(citynet.hhi_threshold) == "0.9000" and citynet.silent_months == 6


def test_engagement_page_and_import(client, citynet, net_secretariat):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(net_secretariat)
    page = client.get("/networks/citynet/engagement/").content.decode()
    assert "silent" in page and "Executive Committee meeting 2026" in page and "quorate" in page
    bad = client.post("/networks/citynet/members/import/", {
        "file": SimpleUploadedFile("m.csv", b"place,tier\nkamaishi,gold\n")})
    assert "line 2" in bad.content.decode()
    good = client.post("/networks/citynet/members/import/", {
        "file": SimpleUploadedFile("m.csv", b"place,tier,region\nkamaishi,associate,North-East Asia\n")})
    assert good.status_code == 302
