"""The start page ("my work") in headless Chromium: the programme officer and Kamaishi's focal point
sign in with the demo data, in English and Japanese, on a desktop and on a 390 px phone; the header
names them and their role, a section's link leads to its page, and nothing runs off the screen.

Set RENKEI_SCREENSHOTS=1 to refresh docs/screenshots/my-work-*.png from these runs.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from renkei.accounts.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def demo(transactional_db):
    from renkei.core.tests.snapshot import load_once
    from renkei.demo.accounts import demo_users
    from renkei.demo.work import work_demo_load
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
        demo_users()
        work_demo_load()

    load_once("partnerships, accounts and their work", load)


def shot(page, name: str) -> None:
    if os.environ.get("RENKEI_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def open_start_page(browser, base: str, username: str, language: str, size: str):
    context = browser.new_context(viewport=SIZES[size], locale=language,
                                  extra_http_headers={"Accept-Language": language})
    page = context.new_page()
    sign_in(page, base, username)
    page.goto(base + "/")
    assert page.locator("html").get_attribute("lang") == language
    return context, page


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


SIGN_OUT = {"en": "Sign out", "ja": "ログアウト"}

EXPECTED = {
    # username: (language, name, role, section title, a link in the section and the page it leads to)
    ("officer", "en"): ("Programme Officer", "Programme officer", "My programmes", "awaiting_reviewers",
                        "/calls/cpp-sample-open-call/committee/"),
    ("officer", "ja"): ("Programme Officer", "プログラム担当官", "担当プログラム", "awaiting_reviewers",
                        "/calls/cpp-sample-open-call/committee/"),
    ("kamaishi", "en"): ("Kamaishi focal point", "City focal point", "My places", "open_calls",
                         "/calls/cpp-sample-open-call/"),
    ("kamaishi", "ja"): ("Kamaishi focal point", "都市担当窓口", "わたしの地域", "open_calls",
                         "/calls/cpp-sample-open-call/"),
}


@pytest.mark.parametrize("username,language", list(EXPECTED))
def test_the_start_page_of_each_role_on_a_desktop_and_a_phone(browser, live_server, demo, username, language):
    name, role, title, key, target = EXPECTED[(username, language)]
    for size in SIZES:
        context, page = open_start_page(browser, live_server.url, username, language, size)
        bar = page.locator(".account-bar")
        assert bar.is_visible()  # on the phone too: outside the collapsed menu
        assert page.locator(".account-user").inner_text() == name
        assert page.locator(".account-roles").inner_text() == role
        box = bar.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size]["width"] + 1
        sign_out = bar.get_by_role("button", name=SIGN_OUT[language])  # beside the name, on every size
        assert sign_out.is_visible()
        if size == "desktop":  # the sections and the language switch on one line at 1280 px
            middles = page.locator(".site-nav > a, .site-nav > .lang-switch").evaluate_all(
                "items => items.map(item => { const box = item.getBoundingClientRect(); "
                "return box.top + box.height / 2; })")
            assert len(middles) >= 11 and max(middles) - min(middles) <= 3, middles
        assert page.locator("#my-work h2").first.inner_text() == title
        assert page.locator(".hero").count() == 0
        assert fits_the_screen(page), f"{username} {language} {size} scrolls sideways"
        for link in page.locator(".work-item > a").all():  # every line's label is on the screen, not cut off
            link_box = link.bounding_box()
            assert link_box["x"] >= 0 and link_box["x"] + link_box["width"] <= SIZES[size]["width"] + 1
        shot(page, f"my-work-{username}-{language}-{size}")
        link = page.locator(f'.work-item[data-key="{key}"] > a')
        assert link.get_attribute("href") == target
        link.click()
        page.wait_for_load_state()
        assert page.url == live_server.url + target
        assert page.locator("main h1").count() >= 1 and "404" not in page.title()
        page.locator(".account-bar").get_by_role("button", name=SIGN_OUT[language]).click()
        expect(page.locator(".account-bar")).to_have_count(0)  # signed out, on the page it led to
        context.close()
