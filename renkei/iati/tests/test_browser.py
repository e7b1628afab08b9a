"""IATI publishing in headless Chromium: an administrator finds what cannot be published, changes a
default on the settings page, on a phone too, in English and Japanese; the file the site serves is
valid. RENKEI_SCREENSHOTS=1 refreshes docs/screenshots/."""

import os
from pathlib import Path

import pytest

from renkei.accounts.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def shot(page, name: str) -> None:
    if os.environ.get("RENKEI_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def demo_site(transactional_db, whole_demo):
    whole_demo()  # every app's demo data and the demo accounts


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_settings_on_a_phone_then_publishing(browser, live_server, demo_site):
    """The refused settings on a phone first, then the settings changed and published: one test, so
    the demo is loaded once."""
    on_a_phone(browser, live_server)
    an_administrator_publishes_to_iati(browser, live_server)


def an_administrator_publishes_to_iati(browser, live_server) -> None:
    from renkei.iati.models import PublishingSettings
    from renkei.iati.tests.helpers import valid

    page = browser.new_page(viewport={"width": 1366, "height": 900})
    outside = []
    page.on("request", lambda r: r.url.startswith(live_server.url) or outside.append(r.url))
    sign_in(page, live_server.url, "admin", next_url="/iati/")
    assert "International Urban and Regional Cooperation" in page.locator("main").inner_text()
    assert "no recipient country" in page.locator("main").inner_text()
    shot(page, "iati-publishing")
    response = page.request.get(live_server.url + "/iati/activities.xml")
    assert response.status == 200 and response.headers["etag"]
    valid(response.body())
    page.locator("a.button", has_text="Change the settings").click()
    page.select_option("select[name=aid_type]", "D01")
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_selector("text=The IATI publishing settings were saved.")
    assert PublishingSettings.objects.get().aid_type == "D01"
    page.locator("[data-language-switch] button[value=ja]").click()
    page.wait_for_load_state()
    page.goto(live_server.url + "/iati/")
    assert "公開できないもの" in page.locator("main").inner_text()
    shot(page, "iati-publishing-ja")
    assert not outside


def on_a_phone(browser, live_server) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    sign_in(page, live_server.url, "admin", next_url="/iati/settings/")
    page.fill("input[name=organisation_identifier]", "not valid/")
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_selector("text=use letters, digits")
    assert fits(page)
    shot(page, "iati-settings-phone")
    page.goto(live_server.url + "/iati/")
    assert fits(page)
