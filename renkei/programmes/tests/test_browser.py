"""A call run end to end in headless Chromium: create, open, apply as two cities, review as two
reviewers (one conflicted), rank, decide, notify, and turn the winner into a partnership."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from renkei.accounts.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_call_end_to_end(browser, live_server, settings):
    from renkei.accounts.models import Role
    from renkei.accounts.tests.factories import UserFactory
    from renkei.places.models import Theme
    from renkei.places.taxonomy import load_taxonomy
    from renkei.places.tests.factories import OrganisationFactory, PlaceFactory
    from renkei.programmes.models import Application, Call, Programme

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    load_taxonomy(Theme)
    officer = UserFactory(username="po", roles=[Role.PROGRAMME_OFFICER])
    programme = Programme.objects.create(slug="cpp", title={"en": "City Partnership Program"},
                                         eligible_countries=["JP"])
    programme.owners.add(OrganisationFactory(slug="world-bank", name_en="World Bank", org_type="40"))
    programme.officers.add(officer)
    toyama, kobe = PlaceFactory(slug="toyama", name_en="Toyama"), PlaceFactory(slug="kobe", name_en="Kobe")
    UserFactory(username="toyama-fp", email="t@example.jp", roles=[Role.FOCAL_POINT], places=[toyama])
    UserFactory(username="kobe-fp", email="k@example.jp", roles=[Role.FOCAL_POINT], places=[kobe])
    UserFactory(username="rev1", roles=[Role.REVIEWER])
    UserFactory(username="rev2", roles=[Role.REVIEWER])
    page = browser.new_page(viewport={"width": 1366, "height": 1000})

    def login(username):
        sign_in(page, live_server.url, username, password="pw-Renkei-123")

    def submit(selector="main form.form button[type=submit]"):
        page.locator(selector).first.click()
        page.wait_for_load_state()

    login("po")
    page.goto(live_server.url + "/calls/new/")
    page.select_option("select[name=programme]", str(programme.pk))
    page.fill("input[name=title_en]", "Call 2026")
    now = timezone.localtime(timezone.now(), timezone.get_default_timezone())
    page.fill("input[name=opens_at]", (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=closes_at]", (now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=timezone]", "UTC")
    page.fill("input[name=questions-0-text_en]", "What can your city offer?")
    page.fill("textarea[name=criteria]", "Relevance | 2\nCapacity | 1")
    with page.expect_navigation():
        page.press("input[name=title_en]", "Enter")  # Enter creates the call (it adds no question row)
    call = Call.objects.get(title__en="Call 2026")
    page.locator("button[value=open]").click()
    page.wait_for_load_state()
    call.refresh_from_db()
    assert call.status == "open"

    for user, slug, text in (("toyama-fp", "toyama", "Compact city"), ("kobe-fp", "kobe", "Seismic risk")):
        login(user)
        page.goto(live_server.url + f"/calls/{call.slug}/apply/{slug}/")
        page.fill("textarea", text)
        page.locator("button[name=submit]").click()
        page.wait_for_load_state()
    assert Application.objects.filter(status="submitted").count() == 2

    login("po")
    for app in Application.objects.all():
        for reviewer in ("rev1", "rev2"):
            page.goto(live_server.url + f"/calls/{call.slug}/committee/")
            row = page.locator("tr", has_text=app.place.name_en)
            row.locator("select[name=reviewer]").select_option(reviewer)
            row.locator("button", has_text="Assign").click()
            page.wait_for_load_state()

    scores = {("rev1", "toyama"): "5", ("rev1", "kobe"): "3", ("rev2", "toyama"): "4"}
    for reviewer in ("rev1", "rev2"):
        login(reviewer)
        for app in Application.objects.all():
            seat = app.assignments.get(reviewer__username=reviewer)
            page.goto(live_server.url + f"/reviews/{seat.pk}/")
            conflicted = (reviewer, app.place.slug) not in scores
            page.check(f"input[name=conflicted][value={'yes' if conflicted else 'no'}]")
            if conflicted:
                page.fill("textarea[name=conflict_note]", "Former employer")
            submit()
            if conflicted:
                assert "cannot see or score" in page.locator("main").inner_text()
                continue
            for select in page.locator("select[name^=c]").all():
                select.select_option(scores[(reviewer, app.place.slug)])
            submit()

    login("po")
    page.goto(live_server.url + f"/calls/{call.slug}/")
    page.locator("button[value=closed]").click()
    page.wait_for_load_state()
    page.goto(live_server.url + f"/calls/{call.slug}/committee/")
    ranking = page.locator("tbody tr").all_inner_texts()
    assert "Toyama" in ranking[0] and "Kobe" in ranking[1]
    for place, decision in (("Toyama", "selected"), ("Kobe", "not_selected")):
        row = page.locator("tr", has_text=place)
        row.locator("input[name=reason]").fill("Committee decision")
        row.locator(f"button[value={decision}]").click()
        page.wait_for_load_state()
    page.goto(live_server.url + f"/calls/{call.slug}/")
    page.locator("button[value=decided]").click()
    page.wait_for_load_state()
    assert sorted(m.to[0] for m in mail.outbox) == ["k@example.jp", "t@example.jp"]
    page.goto(live_server.url + f"/calls/{call.slug}/committee/")
    page.locator("button", has_text="Make it a partnership").click()
    page.wait_for_load_state()
    assert "/partnerships/" in page.url and "World Bank" in page.locator("main").inner_text()
    page.close()


def test_an_officer_creates_a_call_with_a_file_question(browser, live_server):
    """Every error at once, then question rows: one added by the page's script, a file question among them."""
    from renkei.accounts.models import Role
    from renkei.accounts.tests.factories import UserFactory
    from renkei.programmes.models import Call, Programme

    officer = UserFactory(username="po", roles=[Role.PROGRAMME_OFFICER])
    programme = Programme.objects.create(slug="cpp", title={"en": "City Partnership Program"})
    programme.officers.add(officer)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    blocked = []
    page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
    sign_in(page, live_server.url, "po", password="pw-Renkei-123", next_url="/calls/new/")

    page.select_option("select[name=programme]", str(programme.pk))
    page.fill("input[name=opens_at]", "2027-03-10T09:00")
    page.fill("input[name=closes_at]", "2027-02-10T17:00")
    page.fill("input[name=timezone]", "Mars/Olympus")
    page.fill("textarea[name=criteria]", "Relevance | heavy")
    choices = page.locator("textarea[name=questions-0-choices]")
    assert not choices.is_visible()  # options only for a choice question
    page.fill("input[name=questions-0-text_en]", "Size of the delegation")
    page.select_option("select[name=questions-0-kind]", "choice")
    assert choices.is_visible()
    page.locator("main form .actions button[type=submit]").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary li")
    assert sorted(summary.all_inner_texts()) == sorted([
        "Title (English): This field is required.",
        "Closes: The call must close after it opens.",
        "Time zone of the dates: not a time zone, e.g. Asia/Tokyo",
        "Criteria, one per line: line 1: the weight after | must be a number",
        "Question 1 – Options: A choice question needs at least two options, one per line.",
    ])
    assert Call.objects.count() == 0

    page.fill("input[name=title_en]", "Call 2027")
    page.fill("input[name=opens_at]", "2027-01-10T09:00")
    page.fill("input[name=timezone]", "Asia/Tokyo")
    page.fill("textarea[name=criteria]", "Relevance | 2")
    page.fill("textarea[name=questions-0-choices]", "Up to 3 people\nMore than 3")
    for _ in range(2):
        page.locator("button[data-formset-add=questions]").click()  # copied by the script, not sent
    assert page.locator("input[name=questions-TOTAL_FORMS]").input_value() == "5"
    assert page.locator(".question-row legend").last.inner_text() == "Question 5"
    assert page.evaluate("document.activeElement.name") == "questions-4-text_en"
    page.fill("input[name=questions-4-text_en]", "Supporting documents")
    page.select_option("select[name=questions-4-kind]", "file")
    page.uncheck("input[name=questions-4-required]")
    page.fill("input[name=questions-3-text_en]", "Left out")
    page.check("input[name=questions-3-DELETE]")
    page.locator("main form .actions button[type=submit]").click()
    page.wait_for_load_state()

    call = Call.objects.get(title__en="Call 2027")
    assert f"/calls/{call.slug}/" in page.url
    assert [(q.kind, q.text["en"], q.required, q.choices) for q in call.questions.all()] == [
        ("choice", "Size of the delegation", True, ["Up to 3 people", "More than 3"]),
        ("file", "Supporting documents", False, []),
    ]
    assert blocked == []
    page.close()
