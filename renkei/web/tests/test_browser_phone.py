"""Every main page on a 390 × 844 phone, in English and Japanese, signed in as the programme officer and
as Kamaishi's focal point, with the demo data: nothing runs off the side of the screen (no sideways
scroll of the page, no table that scrolls sideways: wide tables read as cards), and the three places
that were hard to use on a phone are: the library's search box takes the width, the partnerships list
shows each partnership's status and health on screen, and a place's partner results come before the
form that refines them (folded under "Refine the search").

Set RENKEI_SCREENSHOTS=1 to refresh docs/screenshots/*-phone*.png from these runs.
"""

import os
from pathlib import Path

import pytest

from renkei.accounts.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}

PAGES = [
    "/",  # my work
    "/places/", "/places/kamaishi/", "/places/kamaishi/partners/", "/match/pair/",
    "/programmes/", "/calls/cpp-sample-open-call/", "/calls/cpp-2016-call/", "/calls/cpp-2016-call/committee/",
    "/reviews/", "/partnerships/", "/partnerships/toyama-world-bank-cpp/",
    "/partnerships/jica-kamaishi-banda-aceh/", "/partnerships/toyama-world-bank-cpp/results/",
    "/activities/", "/activities/toyama-technical-deep-dive-2016/",
    "/library/", "/library/?q=disaster", "/library/kamaishi-open-city-reconstruction/",
    "/indicators/", "/places/kamaishi/indicators/", "/places/kamaishi/benchmark/",
    "/programmes/world-bank-city-partnership-program/portfolio/",
    "/networks/", "/networks/citynet/", "/places/kamaishi/connections/",
    "/organisations/", "/themes/",
]
OWN = {"kamaishi": ["/calls/cpp-sample-open-call/apply/kamaishi/", "/places/kamaishi/connections/people/"]}

WIDE = """() => {
  const wide = [];
  for (const box of document.querySelectorAll('main .table-wrap, main .table-scroll')) {
    if (box.offsetParent !== null && box.scrollWidth > box.clientWidth + 1) wide.push(box.className);
  }
  return {page: document.documentElement.scrollWidth - window.innerWidth, scrolling: wide};
}"""


@pytest.fixture
def demo(transactional_db, settings, whole_demo):
    settings.RENKEI_EMBEDDER = "hashing"
    whole_demo()


def shot(page, name: str) -> None:
    if os.environ.get("RENKEI_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def phone(browser, language: str):
    context = browser.new_context(viewport=PHONE, locale=language, extra_http_headers={"Accept-Language": language})
    return context, context.new_page()


def test_on_a_phone(browser, live_server, demo):
    """Every main page for each account and language, then the three that were hard to use: one test,
    so the demo is loaded once."""
    for username, language in [("officer", "en"), ("officer", "ja"), ("kamaishi", "en"), ("kamaishi", "ja")]:
        every_main_page_fits_a_phone(browser, live_server, username, language)
    for language in ("en", "ja"):
        the_three_pages_on_a_phone(browser, live_server, language)
    on_a_wide_screen(browser, live_server)


def every_main_page_fits_a_phone(browser, live_server, username: str, language: str) -> None:
    context, page = phone(browser, language)
    sign_in(page, live_server.url, username)
    problems, statuses = [], {}
    for path in PAGES + OWN.get(username, []):
        response = page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        statuses[path] = response.status
        found = page.evaluate(WIDE)
        if found["page"] > 1 or found["scrolling"]:
            problems.append((path, found))
    assert problems == [], f"{username} ({language}) at 390 px: {problems}"
    refused = [path for path, status in statuses.items() if status != 200]
    assert refused == ([] if username == "officer" else ["/calls/cpp-2016-call/committee/"]), refused
    context.close()


def the_three_pages_on_a_phone(browser, live_server, language: str) -> None:
    context, page = phone(browser, language)
    sign_in(page, live_server.url, "officer")
    suffix = "" if language == "en" else "-ja"

    page.goto(live_server.url + "/library/?q=disaster")
    box = page.locator("#id_q").bounding_box()
    assert box["width"] >= 300 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    shot(page, f"library-search-phone{suffix}")

    page.goto(live_server.url + "/partnerships/")
    first = page.locator("table.table tbody tr").first
    for column in (3, 5):  # Status, Health
        cell = first.locator(f"td:nth-child({column})")
        assert cell.is_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (column, box)
        assert cell.get_attribute("data-label")  # labelled in the card
    assert page.locator("table.table thead").bounding_box()["height"] <= 1  # the headings move into the cards
    shot(page, f"partnerships-phone{suffix}")

    page.goto(live_server.url + "/places/kamaishi/partners/")
    page.wait_for_load_state("networkidle")
    result = page.locator(".match-card").first
    assert result.bounding_box()["y"] < PHONE["height"]  # on the first screen
    form = page.locator("details.refine form")
    assert not form.is_visible()  # folded under its summary
    shot(page, f"find-partners-phone{suffix}")
    page.locator("details.refine > summary").click()
    assert form.is_visible()
    assert page.locator("details.refine").bounding_box()["y"] < result.bounding_box()["y"]
    context.close()


def on_a_wide_screen(browser, live_server) -> None:
    """On a laptop the form stays open beside the results and tables stay tables."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    sign_in(page, live_server.url, "officer", next_url="/places/kamaishi/partners/")
    assert page.locator("details.refine form").is_visible()
    assert not page.locator("details.refine > summary").is_visible()
    form, result = page.locator("details.refine").bounding_box(), page.locator(".match-card").first.bounding_box()
    assert form["x"] + form["width"] <= result["x"]
    page.goto(live_server.url + "/partnerships/")
    assert page.locator("table.table thead").is_visible()  # a table, not cards
    page.close()
