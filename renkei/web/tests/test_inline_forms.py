"""The inline forms of a place page in headless Chromium: a form the server refuses stays where the user
is, with the focus on its first invalid field and its errors read out through the live region."""

import pytest

from renkei.accounts.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    from renkei.demo.accounts import demo_users
    from renkei.places.demo import demo_load
    from renkei.places.models import Theme
    from renkei.places.taxonomy import load_taxonomy

    load_taxonomy(Theme)
    demo_load()
    demo_users()


def in_window(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= -1 and box["y"] + box["height"] <= height + 1


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
    if box["height"] < height - 100:  # it fits below the header: all of it, its error summary too
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
