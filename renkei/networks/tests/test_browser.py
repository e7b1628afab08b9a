"""The secretariat's work on the demo, in headless Chromium, in English and Japanese: apply a dues
formula, issue invoices, record a payment, see arrears, run the presidency scheduler (and see it
refuse an impossible rule set with the reason), read the funding chart; a visitor sees no money.

Set RENKEI_SCREENSHOTS=1 to refresh docs/screenshots/ from these runs."""

import os
from pathlib import Path

import pytest

from renkei.accounts.tests.browser import sign_in
from renkei.ui.tests.charts import chart_marks_match_table

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


@pytest.fixture
def demo(transactional_db):
    from renkei.accounts.models import Role
    from renkei.accounts.services import user_create
    from renkei.core.tests.snapshot import load_once
    from renkei.networks.demo import networks_demo_load
    from renkei.partnerships.demo import partnerships_demo_load
    from renkei.places.demo import demo_load
    from renkei.places.models import Theme
    from renkei.places.taxonomy import load_taxonomy
    from renkei.programmes.demo import programmes_demo_load

    def load() -> None:
        load_taxonomy(Theme)  # transactional tests flush the tables, data migrations included
        demo_load()
        programmes_demo_load()
        partnerships_demo_load()
        user_create(username="secretariat", password="renkei-demo", display_name="Network secretariat",  # noqa: S106
                    roles=[Role.NETWORK_SECRETARIAT], places=[])
        networks_demo_load()

    load_once("networks with a secretariat", load)


def shot(page, name: str) -> None:
    if os.environ.get("RENKEI_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def in_japanese(page, base):
    page.context.add_cookies([{"name": "django_language", "value": "ja", "url": base}])


def test_secretariat_dues_invoices_payment_arrears_and_scheduler(browser, live_server, demo):
    from renkei.networks.models import Invoice, Office

    base = live_server.url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, base, "secretariat", next_url="/networks/citynet/")
    assert "in arrears" in page.locator("#members").inner_text()

    # the formula, previewed then applied
    page.goto(f"{base}/networks/citynet/dues/")
    page.fill("input[name=cap]", "9000")
    page.fill("input[name=year]", "2027")
    page.locator("button[value=preview]").click()
    page.wait_for_load_state()
    assert "What each member would owe in 2027" in page.locator("#preview").inner_text()
    assert "9000.00" in page.locator("#preview").inner_text()
    shot(page, "networks-dues-preview")
    page.fill("input[name=cap]", "9000")
    page.locator("button[value=save]").click()
    page.wait_for_load_state()
    assert "dues formula was saved" in page.content()

    # invoices issued, then one paid in part in another currency
    page.fill("form[action$='/invoices/issue/'] input[name=year]", "2027")
    page.fill("form[action$='/invoices/issue/'] input[name=issued_on]", "2027-01-10")
    page.fill("form[action$='/invoices/issue/'] input[name=due_on]", "2027-03-31")
    page.locator("form[action$='/invoices/issue/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "invoice(s) issued" in page.content()
    issued = Invoice.objects.filter(network__slug="citynet", year=2027, member__place__slug="yokohama").get()
    assert issued.amount == 9000
    page.locator("#invoices a", has_text=issued.number).click()
    page.wait_for_load_state()
    page.fill("input[name=amount]", "500000")
    page.fill("input[name=currency]", "JPY")
    page.fill("input[name=received_on]", "2027-02-15")
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert "Give the rate from JPY to USD" in page.content()
    page.fill("input[name=rate]", "0.0066")
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert "The payment was recorded" in page.content()
    assert "5700.00 USD" in page.locator("#balance").inner_text()
    shot(page, "networks-invoice")

    # arrears
    page.goto(f"{base}/networks/citynet/invoices/")
    assert "Kobe" in page.locator("#arrears").inner_text()
    page.locator("#arrears button").click()
    page.wait_for_load_state()
    assert "Reminders of" in page.content()

    # the scheduler: a proposal, recorded; then an impossible rule set, refused with the reason
    page.goto(f"{base}/networks/citynet/presidency/")
    page.fill("input[name=terms]", "3")
    page.locator("#schedule-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "2027–2028" in page.locator("#proposal").inner_text()
    shot(page, "networks-presidency")
    page.locator("#proposal button[type=submit]").click()
    page.wait_for_load_state()
    assert "3 presidential term(s) recorded" in page.content()
    assert Office.objects.filter(network__slug="citynet", kind="president").count() == 6
    page.fill("input[name=terms]", "20")
    page.fill("input[name=max_terms]", "1")
    page.locator("#schedule-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "at most 1 term(s) per member" in page.locator("#refusal").inner_text()

    # funding: the chart and its table agree
    page.goto(f"{base}/networks/citynet/funding/")
    marks = chart_marks_match_table(page, "funding-diversity")
    assert len(marks) == 14
    shot(page, "networks-funding")


def test_in_japanese_on_a_phone(browser, live_server, demo):
    base = live_server.url
    page = browser.new_page(viewport={"width": 390, "height": 844})
    sign_in(page, base, "secretariat")
    in_japanese(page, base)
    page.goto(f"{base}/networks/citynet/presidency/")
    assert "輪番" in page.content() or "会長" in page.content()
    page.fill("input[name=terms]", "20")
    page.fill("input[name=max_terms]", "1")
    page.locator("#schedule-form button[type=submit]").click()
    page.wait_for_load_state()
    refusal = page.locator("#refusal").inner_text()
    assert "不可能" in refusal or "できません" in refusal
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(page, "networks-presidency-ja-phone")
    page.goto(f"{base}/networks/citynet/dues/")
    assert "会費" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_visitor_sees_the_public_page_without_money(browser, live_server, demo):
    base = live_server.url
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{base}/networks/citynet/")
    text = page.locator("main").inner_text()
    assert "Yokohama" in text and "Sample data" in text and "USD" not in text and "arrears" not in text
    in_japanese(page, base)
    page.goto(f"{base}/networks/citynet/")
    assert "サンプルデータ" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{base}/networks/citynet/invoices/")
    assert "/login/" in page.url or page.locator("h1").inner_text()
