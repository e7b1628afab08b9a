"""The inline forms of a place page in headless Chromium: a form the server refuses stays where the user
is, with the focus on its first invalid field and its errors read out through the live region."""

import os
from pathlib import Path

import pytest

from renkei.accounts.models import User
from renkei.accounts.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    from renkei.core.tests.snapshot import load_once
    from renkei.demo.accounts import demo_users
    from renkei.places.demo import demo_load
    from renkei.places.models import Theme
    from renkei.places.taxonomy import load_taxonomy

    load_once("places and accounts", lambda: (load_taxonomy(Theme), demo_load(), demo_users()))


SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def shot(page, name: str) -> None:
    if os.environ.get("RENKEI_SCREENSHOTS"):
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def view_shot(page, name: str) -> None:
    """What the window shows (the point of an inline error is where it leaves the user)."""
    if os.environ.get("RENKEI_SCREENSHOTS"):
        page.screenshot(path=str(SHOTS / f"{name}.png"))


def in_window(page, locator) -> bool:
    """All of it in the window, below the sticky header."""
    box = locator.bounding_box()
    top = page.locator(".site-header").bounding_box()["height"]
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= top - 1 and box["y"] + box["height"] <= height + 1


def focused(page) -> str:
    return page.evaluate("document.activeElement && (document.activeElement.id || document.activeElement.className)")


def refused(page, form, first_invalid: str, message: str) -> None:
    """After a refused inline submit: the form in the window (its top at least, with its error summary
    and its first invalid field), the focus on that field, the errors in the live region."""
    form.locator(".error-summary").wait_for()
    page.locator("#announcer", has_text=message).wait_for(state="attached")
    summary = form.locator(".error-summary")
    field = page.locator(f"#{first_invalid}")
    assert in_window(page, field), field.bounding_box()
    box, height = form.bounding_box(), page.viewport_size["height"]
    assert box["y"] < height and box["y"] + box["height"] > 0  # the form is on screen
    top = page.locator(".site-header").bounding_box()["height"]
    if box["height"] < height - top:  # it fits below the header: all of it, its error summary too
        assert in_window(page, form) and in_window(page, summary), (box, summary.bounding_box())
    assert focused(page) == first_invalid
    assert field.get_attribute("aria-invalid") == "true"
    assert f"{first_invalid}_error" in field.get_attribute("aria-describedby")
    assert message in page.locator(f"#{first_invalid}_error").inner_text()
    announcer = page.locator("#announcer")
    assert announcer.get_attribute("aria-live") == "assertive"
    assert message in announcer.inner_text()


def test_a_refused_inline_form_keeps_the_user_on_it(browser, live_server, demo):
    from renkei.places.models import Expertise, Need

    page = browser.new_page(viewport={"width": 1366, "height": 800})
    blocked = []
    page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
    sign_in(page, live_server.url, "kamaishi", next_url="/places/kamaishi/")
    needs = Need.objects.filter(place__slug="kamaishi").count()

    # a new need without a theme or a description
    page.locator("#need a.button", has_text="Add a need").click()
    form = page.locator("#need-form-slot form")
    form.locator("textarea[name=description_en]").wait_for()
    form.locator("select[name=theme]").select_option("")
    form.locator("button[type=submit]").click()
    refused(page, form, "id_description_en", "is required in at least one language")
    assert Need.objects.filter(place__slug="kamaishi").count() == needs  # nothing saved

    # corrected, it is saved and the section says so
    form.locator("textarea[name=description_en]").fill("Flood warnings that reach older residents")
    form.locator("button[type=submit]").click()
    page.locator("#need .message-success").wait_for()
    assert Need.objects.filter(place__slug="kamaishi").count() == needs + 1

    # an expertise edited with a bad link: its form (swapped into the list) keeps the user on the link
    expertise = Expertise.objects.filter(place__slug="kamaishi").first()
    item = page.locator(f"#expertise-{expertise.pk}")
    item.locator("a", has_text="Edit").click()
    form = item.locator("form")
    form.locator("textarea[name=evidence]").fill("not a link")
    page.mouse.wheel(0, -3000)  # the user has scrolled up: the answer brings the form back
    form.locator("button[type=submit]").click()
    refused(page, form, "id_evidence", "is not an http(s) address")
    expertise.refresh_from_db()
    assert "not a link" not in expertise.evidence
    assert blocked == []  # the script runs under the page's Content-Security-Policy
    page.close()


def test_a_refused_inline_form_on_a_phone(browser, live_server, demo):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    sign_in(page, live_server.url, "kamaishi", next_url="/places/kamaishi/")
    page.locator("#expertise a.button", has_text="Add expertise").click()
    form = page.locator("#expertise-form-slot form")
    form.locator("textarea[name=evidence]").wait_for()
    form.locator("textarea[name=description_en]").fill("Tsunami evacuation drills")
    form.locator("textarea[name=evidence]").fill("https://example.org/drills\nsomewhere")
    form.locator("button[type=submit]").click()
    refused(page, form, "id_evidence", "is not an http(s) address")
    page.close()


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_refused_forms_in_both_languages(browser, live_server, demo, lang, size):
    """The inline error state and the new-call form with its errors, in each language and on each size of
    screen: the errors are read out in the page's language (RENKEI_SCREENSHOTS=1 keeps the pictures)."""
    from renkei.programmes.models import Programme

    viewport = {"width": 1366, "height": 900} if size == "desktop" else {"width": 390, "height": 844}
    page = browser.new_page(viewport=viewport)
    sign_in(page, live_server.url, "kamaishi", next_url="/places/kamaishi/")
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    page.reload()
    page.locator("#need .card-head a.button").click()
    form = page.locator("#need-form-slot form")
    form.locator("textarea[name=description_en]").wait_for()
    form.locator("button[type=submit]").click()
    required = "is required in at least one language" if lang == "en" else "少なくとも一つの言語で必須です"
    refused(page, form, "id_description_en", required)
    if lang == "ja":
        assert "is required" not in page.locator("#announcer").inner_text()
    view_shot(page, f"inline-error-{lang}-{size}")

    programme = Programme.objects.create(slug="cpp",
                                         title={"en": "City Partnership Program", "ja": "都市連携プログラム"})
    programme.officers.add(User.objects.get(username="officer"))
    sign_in(page, live_server.url, "officer", next_url="/calls/new/")
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    page.reload()
    page.select_option("select[name=programme]", str(programme.pk))
    page.fill("input[name=title_en]", "Study tours 2027")
    page.fill("input[name=opens_at]", "2027-03-10T09:00")
    page.fill("input[name=closes_at]", "2027-02-10T17:00")
    page.fill("input[name=criteria-0-name_en]", "Relevance")
    page.fill("input[name=criteria-0-weight]", "2")
    page.fill("input[name=criteria-1-name_en]", "Capacity to host")
    page.fill("input[name=questions-0-text_en]", "What can your city offer?")
    page.fill("input[name=questions-1-text_en]", "Size of the delegation")
    page.select_option("select[name=questions-1-kind]", "choice")
    page.fill("input[name=questions-2-text_en]", "Supporting documents")
    page.select_option("select[name=questions-2-kind]", "file")
    page.locator("main form .actions button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary li").count() == 2  # the dates and the options, together
    if lang == "ja":
        main = page.locator("main").inner_text()
        for english in ("Question", "Options", "Add a question", "Criterion", "Weight", "Add a criterion",
                        "Please correct", "must close"):
            assert english not in main
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    shot(page, f"call-new-{lang}-{size}")
    page.close()
