"""End to end in headless Chromium (Debian's package, driven by Playwright).

Set RENKEI_SCREENSHOTS=1 to refresh docs/screenshots/ from these runs.
"""

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


@pytest.fixture
def demo(transactional_db):
    from renkei.accounts.demo import demo_users
    from renkei.places.demo import demo_load
    from renkei.places.models import Theme
    from renkei.places.taxonomy import load_taxonomy

    load_taxonomy(Theme)  # transactional tests flush the tables, data migrations included
    demo_load()
    demo_users()


def shot(page, name: str) -> None:
    if os.environ.get("RENKEI_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_visitor_reads_kamaishi_in_english_then_japanese(browser, live_server, demo):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    requests_outside = []
    page.on("request", lambda r: r.url.startswith(live_server.url) or requests_outside.append(r.url))
    page.goto(live_server.url + "/")
    assert page.locator("svg").first.is_visible()
    shot(page, "home")
    page.goto(live_server.url + "/places/")
    shot(page, "places")
    page.goto(live_server.url + "/places/kamaishi/")
    body = page.locator("body").inner_text()
    assert "Kamaishi" in body
    assert page.locator("text=Needs").first.is_visible()
    shot(page, "place-kamaishi")
    page.locator("[data-language-switch] button[value=ja], [data-language-switch] [value=ja]").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/places/kamaishi/")
    assert page.locator("html").get_attribute("lang") == "ja"
    body = page.locator("body").inner_text()
    assert "釜石市" in body
    assert "ニーズ" in body or "課題" in body
    shot(page, "place-kamaishi-ja")
    page.goto(live_server.url + "/")
    shot(page, "home-ja")
    assert requests_outside == []
    page.close()


def test_phone_layout_has_no_horizontal_scroll(browser, live_server, demo):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(live_server.url + "/places/kamaishi/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    shot(page, "place-kamaishi-phone")
    page.close()


def test_focal_point_edits_profile_with_field_errors(browser, live_server, demo):
    page = browser.new_page()
    page.goto(live_server.url + "/login/?next=/places/kamaishi/edit/")
    page.fill("input[name=username]", "kamaishi")
    page.fill("input[name=password]", "renkei-demo")
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_load_state()
    assert "/places/kamaishi/edit/" in page.url
    page.fill("input[name=population]", "not a number")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "must be a number" in page.locator("body").inner_text()
    page.fill("input[name=population]", "30500")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    from renkei.places.models import Place

    assert Place.objects.get(slug="kamaishi").population == 30500
    page.close()


def test_officer_finds_partners_and_pairs_a_cohort(browser, live_server, demo, settings):
    settings.RENKEI_EMBEDDER = "hashing"
    page = browser.new_page(viewport={"width": 1366, "height": 1000})
    page.goto(live_server.url + "/login/?next=/places/kamaishi/partners/")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", "renkei-demo")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".match-card").count() == 10
    page.locator("label.preset", has_text="Who can help us").click()
    page.wait_for_timeout(1200)
    assert page.locator(".match-card").first.is_visible()
    shot(page, "find-partners")
    page.goto(live_server.url + "/match/pair/")
    page.select_option("select[name=a_country]", ["DE", "FI", "SE"])
    page.select_option("select[name=b_country]", ["JP"])
    page.locator("form.form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("table.table tbody tr").count() == 3
    shot(page, "pair-cohort")
    page.close()
