"""Kamaishi's benchmarking page against places like Kamaishi in headless Chromium, in English and
Japanese: percentiles shown, and every chart's drawn marks match its data table (bar, strip, line).
RENKEI_SCREENSHOTS=1 refreshes docs/screenshots/."""

import os
from pathlib import Path

import pytest

from renkei.accounts.tests.browser import sign_in
from renkei.ui.tests.charts import chart_marks_match_table

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def shot(page, name: str, *, full_page: bool = True) -> None:
    if os.environ.get("RENKEI_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


@pytest.fixture
def demo(transactional_db, whole_demo):
    whole_demo()  # every app's demo data (the indicators' catalogue too)


def test_benchmarking_and_entering_values(browser, live_server, demo, tmp_path):
    """Reading the benchmarks first, then writing values: one test, so the demo is loaded once."""
    for language, heading, rank_label in [("en", "Benchmarking Kamaishi", "Percentile rank"),
                                          ("ja", "釜石市のベンチマーク", "パーセンタイル順位")]:
        kamaishi_against_places_like_it(browser, live_server, language, heading, rank_label)
    a_focal_point_enters_a_value_on_a_phone(browser, live_server)
    an_officer_imports_a_file_with_a_progress_bar(browser, live_server, tmp_path)


def kamaishi_against_places_like_it(browser, live_server, language: str, heading: str, rank_label: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=language,
                                  extra_http_headers={"Accept-Language": language})
    page = context.new_page()
    page.goto(f"{live_server.url}/places/kamaishi/benchmark/?group=places-like-kamaishi")
    assert page.locator("h1").inner_text() == heading
    assert rank_label in page.locator("main").inner_text()
    ranks = page.locator("main table.table tbody tr td:last-child strong").all_inner_texts()
    assert len(ranks) >= 5 and all(0 <= int(r) <= 100 for r in ranks)
    for chart in ("profile", "distribution", "series"):
        titles = chart_marks_match_table(page, chart)
        assert titles
    # 11.7.1 has no value for Kamaishi: a row in the profile's table, but no bar
    missing = page.locator("figure[data-chart='profile'] tbody tr:not([data-drawn])")
    assert missing.count() >= 1 and "11.7.1" in missing.first.get_attribute("data-mark-title")
    # another indicator's distribution and series
    page.locator("main table.table a", has_text="11.6.2").first.click()
    page.wait_for_load_state()
    assert "11.6.2" in page.locator("#distribution").inner_text()
    chart_marks_match_table(page, "distribution")
    chart_marks_match_table(page, "series")
    shot(page, f"indicators-benchmark-{language}")
    context.close()


def a_focal_point_enters_a_value_on_a_phone(browser, live_server) -> None:
    from renkei.indicators.models import Revision

    page = browser.new_page(viewport={"width": 390, "height": 844})
    sign_in(page, live_server.url, "kamaishi")
    page.goto(f"{live_server.url}/places/kamaishi/indicators/")
    page.locator("summary", has_text="Enter a value").click()
    shot(page, "indicators-place-values-phone", full_page=False)
    page.select_option("select[name=indicator]", "11.6.2")
    page.fill("input[name=year]", "2023")
    page.fill("input[name=value]", "6.5")
    page.fill("input[name=source]", "City air monitoring")
    page.locator("form[action$='/indicators/add/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "The value was saved." in page.locator("main").inner_text()
    assert Revision.objects.filter(current__place__slug="kamaishi", current__indicator__code="11.6.2").exists()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1


def an_officer_imports_a_file_with_a_progress_bar(browser, live_server, tmp_path) -> None:
    from renkei.indicators.models import Value

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/indicators/import/")
    bad = tmp_path / "bad.csv"
    bad.write_text("place,indicator,year,value,source\nkamaishi,11.2.1,2024,140,Survey\n", encoding="utf-8")
    page.set_input_files("input[name=file]", str(bad))
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("text=must be at most 100 for this unit")
    assert not Value.objects.filter(year=2024).exists()
    good = tmp_path / "good.csv"
    good.write_text("place,indicator,year,value,source\nkamaishi,11.2.1,2024,57,Survey\n", encoding="utf-8")
    page.set_input_files("input[name=file]", str(good))
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("text=1 new")
    assert Value.objects.get(year=2024, place__slug="kamaishi").value == 57
