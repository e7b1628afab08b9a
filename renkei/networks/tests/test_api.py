"""The networks API: the public network without money, the secretariat's money and governance,
a representative's own invoice, errors as 4xx in the one format."""

import pytest

from renkei.accounts.services import api_token_create
from renkei.networks.models import Invoice, Payment

pytestmark = pytest.mark.django_db


def _bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')[1]}"}


def post(client, url, body, user, method="post"):
    return getattr(client, method)(url, body, content_type="application/json", **_bearer(user))


def test_the_public_sees_members_and_offices_not_money(client, citynet):
    body = client.get("/api/v1/networks").json()
    assert {n["slug"] for n in body["results"]} == {"citynet", "world-bank-tdlc-cpp"}
    net = client.get("/api/v1/networks/citynet").json()
    assert net["founded_year"] == 1987 and net["is_sample"]
    assert any(m["key"] == "yokohama" and m["is_founder"] for m in net["members"])
    assert {o["kind"] for o in net["offices"]} == {"president", "vice_president"}
    assert "invoices" not in net and "dues_formula" not in net
    assert client.get("/api/v1/networks/citynet/invoices").status_code == 401
    assert client.get("/api/v1/networks/nowhere").json()["error"]["code"] == "not_found"


def test_secretariat_previews_issues_and_records_a_payment(client, citynet, net_secretariat):
    preview = post(client, "/api/v1/networks/citynet/dues-preview", {"year": 2027}, net_secretariat)
    assert preview.status_code == 200 and {r["member"] for r in preview.json()} >= {"yokohama", "iges"}
    issued = post(client, "/api/v1/networks/citynet/invoices",
                  {"year": 2027, "issued_on": "2027-01-10", "due_on": "2027-03-31"}, net_secretariat)
    assert issued.status_code == 201
    first = issued.json()["issued"][0]
    assert first["amount"] == str(Invoice.objects.get(number=first["number"]).amount)
    paid = post(client, f"/api/v1/networks/citynet/invoices/{first['number']}/payments",
                {"amount": "100000", "currency": "JPY", "rate": "0.0066", "received_on": "2027-02-01"},
                net_secretariat)
    assert paid.status_code == 201 and paid.json()["amount_in_invoice_currency"] == "660.00"
    page = client.get("/api/v1/networks/citynet/invoices", {"year": 2027}, **_bearer(net_secretariat)).json()
    assert page["count"] == len(issued.json()["issued"])
    arrears = client.get("/api/v1/networks/citynet/arrears", **_bearer(net_secretariat)).json()
    assert {"member": "kobe", "name": "Kobe", "owed": "3060.00", "currency": "USD"} in arrears
    assert post(client, "/api/v1/networks/citynet/reminders", {}, net_secretariat).status_code == 202


def test_bad_input_is_a_422_naming_the_field(client, citynet, net_secretariat):
    number = Invoice.objects.get(network=citynet, member__place__slug="kobe").number
    count = Payment.objects.count()
    bad = post(client, f"/api/v1/networks/citynet/invoices/{number}/payments",
               {"amount": "10", "currency": "EUR", "received_on": "2026-06-01"}, net_secretariat)
    assert bad.status_code == 422 and "rate" in bad.json()["error"]["fields"]
    nul = post(client, f"/api/v1/networks/citynet/invoices/{number}/payments",
               {"amount": "10", "currency": "USD", "received_on": "2026-06-01", "reference": "a\u0000"},
               net_secretariat)
    assert nul.status_code in (400, 422)
    assert Payment.objects.count() == count
    huge = client.get("/api/v1/networks", {"page": 10**12})
    assert huge.status_code == 422
    formula = post(client, "/api/v1/networks/citynet/dues-formula", {"base": {}, "currency": "USD"}, net_secretariat,
                   method="put")
    assert formula.status_code == 422 and "base" in formula.json()["error"]["fields"]


def test_a_formula_that_could_owe_more_than_an_invoice_holds_is_refused(client, citynet, net_secretariat):
    # 14 digits fit in an invoice: base × factors beyond that would be cut off by SQLite and refused
    # by PostgreSQL when the invoices are issued
    huge = {"base": {"full": "999999999999.99"}, "income_factors": {"HIC": "9999.9999"},
            "population_bands": [{"up_to": None, "factor": "9999.9999"}], "currency": "USD"}
    before = citynet.dues_formula
    saved = post(client, "/api/v1/networks/citynet/dues-formula", huge, net_secretariat, method="put")
    assert saved.status_code == 422 and "cap" in saved.json()["error"]["fields"]
    tried = post(client, "/api/v1/networks/citynet/dues-preview", {"year": 2027, "formula": huge}, net_secretariat)
    assert tried.status_code == 422 and "an invoice can hold" in tried.json()["error"]["message"]
    citynet.refresh_from_db()
    assert citynet.dues_formula == before
    capped = post(client, "/api/v1/networks/citynet/dues-formula", {**huge, "cap": "50000"}, net_secretariat,
                  method="put")
    assert capped.status_code == 200
    issued = post(client, "/api/v1/networks/citynet/invoices", {"year": 2027, "due_on": "2027-03-31"}, net_secretariat)
    assert issued.status_code == 201 and {i["amount"] for i in issued.json()["issued"]} == {"50000.00"}


def test_permissions_per_role(client, citynet, other_secretariat, kobe_rep, admin_user):
    kobe = Invoice.objects.get(network=citynet, member__place__slug="kobe").number
    yokohama = Invoice.objects.get(network=citynet, member__place__slug="yokohama").number
    assert client.get(f"/api/v1/networks/citynet/invoices/{kobe}", **_bearer(kobe_rep)).status_code == 200
    assert client.get(f"/api/v1/networks/citynet/invoices/{yokohama}", **_bearer(kobe_rep)).status_code == 403
    statement = client.get("/api/v1/networks/citynet/members/kobe/statement", **_bearer(kobe_rep))
    assert statement.status_code == 200 and statement.json()[-1]["balance"] == "3060.00"
    assert client.get("/api/v1/networks/citynet/funding", **_bearer(other_secretariat)).status_code == 403
    assert client.get("/api/v1/networks/citynet/funding", **_bearer(admin_user)).status_code == 200
    assert post(client, "/api/v1/networks/citynet/presidency/schedule", {"terms": 2},
                other_secretariat).status_code == 403


def test_the_scheduler_and_its_refusal(client, citynet, net_secretariat):
    ok = post(client, "/api/v1/networks/citynet/presidency/schedule", {"terms": 3}, net_secretariat).json()
    assert ok["ok"] and len(ok["proposals"]) == 3 and ok["proposals"][0]["reason"]
    no = post(client, "/api/v1/networks/citynet/presidency/schedule",
              {"terms": 20, "rules": {"max_terms": 1}}, net_secretariat).json()
    assert not no["ok"] and no["refused_by"] == "max_terms" and "at most 1 term" in no["reason"]
    recorded = post(client, "/api/v1/networks/citynet/presidency", {"terms": [
        {"member": ok["proposals"][0]["member"], "starts_on": "2027-01-01", "ends_on": "2028-12-31"}]},
        net_secretariat)
    assert recorded.status_code == 201
    # a term in year 9999 would have the scheduler count on from year 10000
    far = post(client, "/api/v1/networks/citynet/presidency", {"terms": [
        {"member": "yokohama", "starts_on": "9998-01-01", "ends_on": "9999-12-31"}]}, net_secretariat)
    assert far.status_code == 422 and set(far.json()["error"]["fields"]) == {"terms.0.starts_on", "terms.0.ends_on"}
    office = post(client, "/api/v1/networks/citynet/offices",
                  {"member": "kobe", "kind": "vice_president", "starts_on": "1066-10-14"}, net_secretariat)
    assert office.status_code == 422 and "starts_on" in office.json()["error"]["fields"]
    after = post(client, "/api/v1/networks/citynet/presidency/schedule", {"terms": 1}, net_secretariat).json()
    assert after["first_year"] == 2029


def test_governance_funding_and_engagement(client, citynet, net_secretariat):
    meeting = post(client, "/api/v1/networks/citynet/meetings", {
        "title": "General assembly", "held_on": "2026-10-10", "quorum": 2, "attendees": ["kobe", "hai-phong"],
        "agenda": ["Budget"], "decisions": [{"text": "Budget adopted", "votes_for": 2}]}, net_secretariat)
    assert meeting.status_code == 201
    funding = post(client, "/api/v1/networks/citynet/funding",
                   {"year": 2026, "source": "agency_grants", "amount": "100000"}, net_secretariat).json()
    assert funding["years"][-1]["year"] == 2026 and funding["years"][-1]["hhi"] == "1.0000"
    assert funding["years"][-1]["warning"]
    rows = client.get("/api/v1/networks/citynet/engagement", **_bearer(net_secretariat)).json()
    assert {r["member"] for r in rows if not r["silent"]} >= {"hai-phong", "kobe"}
    assert "/api/v1/networks/{slug}/presidency/schedule" in client.get("/api/v1/openapi.json").json()["paths"]


def test_import_members_through_the_api(client, citynet, net_secretariat):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from renkei.networks.models import NetworkMember

    before = NetworkMember.objects.count()
    bad = client.post("/api/v1/networks/citynet/members/import", {
        "file": SimpleUploadedFile("m.csv", b"place,tier\nkamaishi,full\natlantis,full\n")}, **_bearer(net_secretariat))
    assert bad.status_code == 422 and "line 3.place" in bad.json()["error"]["fields"]
    assert NetworkMember.objects.count() == before
    good = client.post("/api/v1/networks/citynet/members/import", {
        "file": SimpleUploadedFile("m.csv", b"place,tier\nkamaishi,full\n")}, **_bearer(net_secretariat))
    assert good.status_code == 200 and good.json()["created"] == 1
