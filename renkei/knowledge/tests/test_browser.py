"""The knowledge library in headless Chromium: a visitor searches across languages and narrows by
facets; a focal point writes a product with a file and asks for themes; the knowledge manager
publishes it and a visitor finds it. RENKEI_SCREENSHOTS=1 refreshes docs/screenshots/."""

import os
from pathlib import Path

import pytest

from renkei.accounts.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
PDF = Path(__file__).resolve().parents[2] / "knowledge" / "tests"


def shot(page, name: str) -> None:
    if os.environ.get("RENKEI_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def library(transactional_db, settings, whole_demo):
    from renkei.knowledge.search import catalogue
    settings.RENKEI_EMBEDDER = "usem"
    catalogue.forget()
    whole_demo()  # every app's demo data and the demo accounts
    yield
    catalogue.forget()


def test_searching_then_writing_and_publishing(browser, live_server, library, tmp_path):
    """A visitor searches first, then a product is written and published: one test, so the demo is
    loaded once."""
    visitor_searches_across_languages_and_narrows_by_facet(browser, live_server)
    focal_point_writes_a_product_and_the_librarian_publishes_it(browser, live_server, tmp_path)


def visitor_searches_across_languages_and_narrows_by_facet(browser, live_server) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    outside = []
    page.on("request", lambda r: r.url.startswith(live_server.url) or outside.append(r.url))
    page.goto(live_server.url + "/library/")
    page.fill("input[name=q]", "tsunami")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_selector("text=釜石市の復興")
    page.wait_for_url("**/library/?q=tsunami*")  # htmx pushed the address, so the result can be shared
    assert page.locator(".hit mark", has_text="津波").count() >= 1
    shot(page, "library-search")
    page.locator(".facet a", has_text="日本語").click()
    page.wait_for_selector(".chip-selected")
    titles = page.locator(".hit-title").all_inner_texts()
    assert titles and all("Banda Aceh" not in t for t in titles)
    page.locator("[data-language-switch] button[value=ja]").click()
    page.wait_for_load_state()
    page.goto(live_server.url + "/library/?q=コンパクトシティ")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator(".hit-title", has_text="Toyama: building a compact city").count() == 1
    assert "絞り込み" in page.locator("body").inner_text()
    shot(page, "library-search-ja")
    page.locator(".hit-title a", has_text="Toyama: building a compact city").click()
    page.wait_for_load_state()
    assert page.locator("h2", has_text="似ている資料").count() == 1
    shot(page, "library-product-ja")
    assert outside == []


def focal_point_writes_a_product_and_the_librarian_publishes_it(browser, live_server, tmp_path) -> None:
    from renkei.core.tests.files import pdf_with_text
    from renkei.knowledge.models import Product

    good = tmp_path / "flood-drills.pdf"
    good.write_bytes(pdf_with_text("Evacuation drills for riverside neighbourhoods in Kamaishi"))
    bad = tmp_path / "virus.pdf"
    bad.write_bytes(b"MZ this is not a PDF")
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    sign_in(page, live_server.url, "kamaishi", next_url="/library/new/")
    assert "/library/new/" in page.url
    page.select_option("select[name=kind]", "lesson")
    page.fill("input[name=title_en]", "Evacuation drills that neighbourhoods keep running")
    page.fill("textarea[name=summary_en]", "How Kamaishi's neighbourhoods run evacuation drills with schools "
                                           "every year, and keep disaster memory alive.")
    page.fill("input[name=places]", "Kamaishi")
    page.locator("button", has_text="Suggest themes").click()
    page.wait_for_selector("[data-theme-code]")
    suggested = page.locator("[data-theme-code]").first
    theme = suggested.inner_text().split("\n")[0].rsplit(" ", 1)[0].strip()
    suggested.click()
    assert theme in page.locator("select[name=themes] + .picker .picker-chips").inner_text()  # the picker follows
    page.set_input_files("input[name=files]", str(bad))
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "is not really a PDF file" in page.locator(".error-summary").inner_text()
    assert not Product.objects.filter(title__en="Evacuation drills that neighbourhoods keep running").exists()
    shot(page, "library-form-error")
    page.set_input_files("input[name=files]", str(good))
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "/library/evacuation-drills" in page.url
    assert "Draft" in page.locator("body").inner_text()
    product = Product.objects.get(title__en="Evacuation drills that neighbourhoods keep running")
    assert product.status == "draft" and product.themes.exists()
    assert product.files.get().text_status == "extracted"
    sign_in(page, live_server.url, "librarian", next_url=f"/library/{product.slug}/")
    page.locator("button", has_text="Publish").click()
    page.wait_for_load_state()
    product.refresh_from_db()
    assert product.status == "published"
    page.context.clear_cookies()
    page.goto(live_server.url + "/library/?q=riverside")  # a word only in the PDF
    assert page.locator(".hit-title", has_text="Evacuation drills").count() == 1
