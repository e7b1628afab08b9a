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
    page.select_option("select[name=timezone]", "UTC")
    page.fill("input[name=questions-0-text_en]", "What can your city offer?")
    page.fill("input[name=criteria-0-name_en]", "Relevance")
    page.fill("input[name=criteria-0-weight]", "2")
    page.fill("input[name=criteria-1-name_en]", "Capacity")
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
    page.fill("input[name=criteria-0-name_en]", "Relevance")
    page.fill("input[name=criteria-0-weight]", "-1")
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
        "Criterion 1 – Weight: Ensure this value is greater than or equal to 0.",
        "Question 1 – Options: A choice question needs at least two options, one per line.",
    ])
    assert Call.objects.count() == 0

    page.fill("input[name=title_en]", "Call 2027")
    page.fill("input[name=opens_at]", "2027-01-10T09:00")
    page.fill("input[name=criteria-0-weight]", "2")
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


def test_an_officer_adds_criteria_in_japanese(browser, live_server):
    """In Japanese: a criterion row added by the page's script, one removed, a weight without a name refused
    on its row; the criteria kept with their Japanese names and shown in Japanese on the call's page."""
    from renkei.accounts.models import Role
    from renkei.accounts.tests.factories import UserFactory
    from renkei.programmes.models import Call, Programme

    officer = UserFactory(username="po", roles=[Role.PROGRAMME_OFFICER])
    programme = Programme.objects.create(slug="cpp", title={"en": "City Partnership Program",
                                                            "ja": "都市連携プログラム"})
    programme.officers.add(officer)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    blocked = []
    page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
    sign_in(page, live_server.url, "po", password="pw-Renkei-123")
    page.context.add_cookies([{"name": "django_language", "value": "ja", "url": live_server.url}])
    page.goto(live_server.url + "/calls/new/")

    assert page.locator("select[name=timezone]").input_value() == "Asia/Tokyo"
    assert page.locator("select[name=timezone] optgroup").first.get_attribute("label") == "よく使うタイムゾーン"
    page.select_option("select[name=programme]", str(programme.pk))
    page.fill("input[name=title_en]", "Study tours 2027")
    page.fill("input[name=opens_at]", "2027-01-10T09:00")
    page.fill("input[name=closes_at]", "2027-02-10T17:00")
    page.select_option("select[name=timezone]", "Asia/Bangkok")
    page.fill("input[name=questions-0-text_en]", "What can your city offer?")
    page.fill("input[name=criteria-0-name_en]", "Relevance")
    page.fill("input[name=criteria-0-name_ja]", "関連性")
    page.fill("input[name=criteria-0-weight]", "2")
    page.fill("input[name=criteria-1-name_en]", "Dropped")
    page.check("input[name=criteria-1-DELETE]")
    add = page.locator("button[data-formset-add=criteria]")
    assert add.inner_text() == "+ 評価基準を追加"
    add.click()  # copied by the script, not sent
    assert page.locator("input[name=criteria-TOTAL_FORMS]").input_value() == "4"
    assert page.locator(".criterion-row legend").last.inner_text() == "評価基準4"
    assert page.evaluate("document.activeElement.name") == "criteria-3-name_en"
    page.fill("input[name=criteria-3-name_en]", "Capacity to host")
    page.fill("input[name=criteria-3-name_ja]", "受入能力")
    page.fill("input[name=criteria-3-weight]", "0.5")
    page.fill("input[name=criteria-2-weight]", "3")  # a weight without a name
    page.locator("main form .actions button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary li").all_inner_texts() == [
        "評価基準3 – 名称（英語）: 評価基準の名称を入力するか、重みを消してください。"]
    assert page.locator("#id_criteria-2-name_en").get_attribute("aria-invalid") == "true"
    assert page.locator("input[name=criteria-3-name_ja]").input_value() == "受入能力"  # the added row kept
    assert page.locator("select[name=timezone]").input_value() == "Asia/Bangkok"
    assert Call.objects.count() == 0

    page.fill("input[name=criteria-2-weight]", "")
    page.locator("main form .actions button[type=submit]").click()
    page.wait_for_load_state()
    call = Call.objects.get(title__en="Study tours 2027")
    assert f"/calls/{call.slug}/" in page.url
    assert call.timezone == "Asia/Bangkok" and call.opens_at.hour == 2  # 09:00 in Bangkok is 02:00 UTC
    assert [(c.name, c.weight) for c in call.criteria.all()] == [
        ({"en": "Relevance", "ja": "関連性"}, 2.0), ({"en": "Capacity to host", "ja": "受入能力"}, 0.5)]
    criteria = page.locator("main li", has_text="×").all_inner_texts()
    assert criteria == ["関連性 × 2.0", "受入能力 × 0.5"]
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    assert blocked == []
    page.close()
