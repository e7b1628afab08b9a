"""End to end in headless Chromium (Debian's package, driven by Playwright).

Set RENKEI_SCREENSHOTS=1 to refresh docs/screenshots/ from these runs.
"""

import os
from pathlib import Path

import pytest

from renkei.accounts.tests.browser import sign_in
from renkei.core.tests.files import pdf_with_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


@pytest.fixture
def demo(transactional_db):
    from renkei.core.tests.snapshot import load_once
    from renkei.demo.accounts import demo_users
    from renkei.places.demo import demo_load
    from renkei.places.models import Theme
    from renkei.places.taxonomy import load_taxonomy

    # transactional tests flush the tables, data migrations included
    load_once("places and accounts", lambda: (load_taxonomy(Theme), demo_load(), demo_users()))


def submit_form(page, selector: str, **fields) -> None:
    """Fill the fields of the form ``selector`` finds, by name (a Path is attached to a file input, a select
    gets the option of that value), send it and wait for the page it leads to."""
    form = page.locator(selector)
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if isinstance(value, Path):
            field.set_input_files(str(value))
        elif field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


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
    sign_in(page, live_server.url, "kamaishi", next_url="/places/kamaishi/edit/")
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


def test_officer_finds_partners(browser, live_server, demo, settings):
    settings.RENKEI_EMBEDDER = "hashing"
    page = browser.new_page(viewport={"width": 1366, "height": 1000})
    sign_in(page, live_server.url, "officer", next_url="/places/kamaishi/partners/")
    assert page.locator(".match-card").count() == 10
    page.locator("label.preset", has_text="Who can help us").click()
    page.wait_for_timeout(1200)
    assert page.locator(".match-card").first.is_visible()
    shot(page, "find-partners")
    page.close()  # pairing a cohort: test_browser_picker.py


def test_agenda_session_and_agreement_with_its_document(browser, live_server, demo, tmp_path):
    """An officer adds a session to the deep dive's agenda (a time outside the activity is refused);
    Kamaishi's focal point records an agreement with its document (a file of the wrong type is
    refused, naming the field) and downloads it."""
    from renkei.activities.demo import activities_demo_load
    from renkei.activities.models import Session
    from renkei.partnerships.demo import partnerships_demo_load
    from renkei.partnerships.models import Partnership
    from renkei.programmes.demo import programmes_demo_load

    programmes_demo_load()
    partnerships_demo_load()
    activities_demo_load()
    page = browser.new_page(viewport={"width": 1366, "height": 900})

    sign_in(page, live_server.url, "officer")
    page.goto(live_server.url + "/activities/toyama-technical-deep-dive-2016/")
    sessions = "form[action*='/sessions/']"
    submit_form(page, sessions, title_en="Light rail and bus network site visit",
                title_ja="ライトレールとバス路線網の現地視察", starts_at="2016-11-05T13:00", ends_at="2016-11-05T15:00")
    assert "must be within the activity" in page.locator(".error-summary").inner_text()
    submit_form(page, sessions, starts_at="2016-11-02T13:00", ends_at="2016-11-02T15:30", room="Toyama Station",
                speakers="Masashi Mori | moderator")
    assert Session.objects.filter(title__en="Light rail and bus network site visit").exists()
    agenda = page.locator("#agenda").inner_text()
    assert "13:00–15:30" in agenda and "Toyama Station" in agenda
    assert page.locator(".agenda-day").count() == 6
    assert page.url.endswith("#agenda")  # back at the agenda, not at the top of the page
    page.goto(live_server.url + "/activities/toyama-technical-deep-dive-2016/")  # from the top, for the picture
    shot(page, "activity-agenda")
    page.locator("[data-language-switch] [value=ja]").first.click()
    page.wait_for_load_state()
    assert "日程" in page.locator("#agenda").inner_text()
    shot(page, "activity-agenda-ja")
    page.locator("[data-language-switch] [value=en]").first.click()
    page.wait_for_load_state()

    sign_in(page, live_server.url, "kamaishi")
    page.goto(live_server.url + "/partnerships/jica-kamaishi-banda-aceh/")
    bad = tmp_path / "letter.exe"
    bad.write_bytes(b"MZ\x90\x00")
    agreements = "form[enctype='multipart/form-data']"
    submit_form(page, agreements, kind="loi", signed_on="2023-05-01", signed_at="Kamaishi", document=bad)
    assert "Document: letter.exe: only PDF" in page.locator(".error-summary").inner_text()
    p = Partnership.objects.get(slug="jica-kamaishi-banda-aceh")
    assert not p.agreements.exists()
    good = tmp_path / "letter-of-intent.pdf"
    good.write_bytes(pdf_with_text("Letter of intent"))
    submit_form(page, agreements, signed_on="2023-05-01", term_years="3",
                signatories="Takenori Noda | Mayor | Kamaishi City", document=good)
    assert p.agreements.get().document
    link = page.locator("a", has_text="Download the document")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.goto(live_server.url + "/partnerships/jica-kamaishi-banda-aceh/")
    shot(page, "partnership-agreement")
    page.close()


def test_no_page_breaks_the_content_security_policy(browser, live_server, demo):
    """The policy forbids inline scripts; the pages, their htmx and the API docs still work under it."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    refused = []
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    for path in ["/", "/places/", "/places/kamaishi/", "/library/", "/match/", "/api/v1/docs", "/login/"]:
        response = page.goto(live_server.url + path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        if path == "/api/v1/docs":
            assert page.locator("#swagger-ui .opblock").count() > 10  # Swagger UI drew the operations
    assert refused == []
    page.close()
