"""The secretariat records a meeting (attendance, agenda, decisions and votes) and a network project
(linked to a partnership and a learning activity) on the web forms, in headless Chromium, then edits
both; in Japanese on a phone the forms fit the screen; a bad line of votes is refused on its field."""

import pytest

from renkei.accounts.tests.browser import sign_in
from renkei.ui.tests.browser import pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    from renkei.accounts.models import Role
    from renkei.accounts.services import user_create
    from renkei.activities.demo import activities_demo_load
    from renkei.core.tests.snapshot import load_once
    from renkei.networks.demo import networks_demo_load
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
        activities_demo_load()
        user_create(username="secretariat", password="renkei-demo", display_name="Network secretariat",  # noqa: S106
                    roles=[Role.NETWORK_SECRETARIAT], places=[])
        networks_demo_load()

    load_once("networks and activities with a secretariat", load)


def test_secretariat_records_and_edits_a_meeting_and_a_project(browser, live_server, demo):
    from renkei.activities.models import Activity
    from renkei.networks.models import Meeting, NetworkProject
    from renkei.partnerships.models import Partnership

    base = live_server.url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, base, "secretariat", next_url="/networks/citynet/engagement/")
    page.locator("#meetings a", has_text="Record a meeting").click()
    page.wait_for_load_state()
    page.fill("input[name=title]", "Browser general assembly")
    page.fill("input[name=title_ja]", "ブラウザ総会")
    page.fill("input[name=held_on]", "2026-06-01")
    page.fill("input[name=venue]", "Yokohama")
    page.fill("input[name=quorum]", "2")
    page.fill("textarea[name=agenda]", "Budget\nElections")
    page.check("input[name=attendees][value=yokohama]")
    page.check("input[name=attendees][value=kobe]")
    page.fill("textarea[name=decisions]", "Adopt the budget | 12 | 1 | 0\nMove the secretariat | two | 9 | 1")
    page.locator("[data-meeting-form] button[type=submit]").click()
    page.wait_for_load_state()
    assert "line 2" in page.locator("[data-meeting-form]").inner_text()  # the bad votes, on their field
    assert not Meeting.objects.filter(title__en="Browser general assembly").exists()
    page.fill("textarea[name=decisions]", "Adopt the budget | 12 | 1 | 0\nMove the secretariat | 2 | 9 | 1")
    page.locator("[data-meeting-form] button[type=submit]").click()
    page.wait_for_load_state()
    assert "The meeting was recorded." in page.content()
    meeting = Meeting.objects.get(title__en="Browser general assembly")
    article = page.locator(f"[data-meeting='{meeting.pk}']")
    text = article.inner_text()
    assert "quorate" in text and "adopted" in text and "rejected" in text

    # attendance corrected afterwards: one member fewer, no longer quorate
    article.locator("a", has_text="Edit").click()
    page.wait_for_load_state()
    assert page.input_value("input[name=title]") == "Browser general assembly"
    page.uncheck("input[name=attendees][value=kobe]")
    page.locator("[data-meeting-form] button[type=submit]").click()
    page.wait_for_load_state()
    assert "not quorate" in page.locator(f"[data-meeting='{meeting.pk}']").inner_text()
    assert meeting.attendees.count() == 1 and meeting.decisions.count() == 2

    # a project linked to a partnership and an activity
    partnership = Partnership.objects.filter(is_published=True).order_by("slug").first()
    activity = Activity.objects.order_by("-starts_at", "slug").first()
    page.locator("#projects a", has_text="Add a network project").click()
    page.wait_for_load_state()
    page.fill("input[name=title]", "Browser resilience exchange")
    page.fill("input[name=starts_on]", "2026-01-01")
    page.fill("input[name=ends_on]", "2025-01-01")
    page.check("input[name=members][value=kobe]")
    pick(page, "partnerships", partnership.title_text)
    pick(page, "activities", activity.title_text)
    page.locator("[data-project-form] button[type=submit]").click()
    page.wait_for_load_state()
    assert "cannot end before it starts" in page.locator("[data-project-form]").inner_text()
    page.fill("input[name=ends_on]", "2027-12-31")
    page.locator("[data-project-form] button[type=submit]").click()
    page.wait_for_load_state()
    assert "The project was added." in page.content()
    project = NetworkProject.objects.get(title__en="Browser resilience exchange")
    assert list(project.partnerships.all()) == [partnership] and list(project.activities.all()) == [activity]
    card = page.locator(f"[data-project='{project.pk}']")
    assert partnership.title_text in card.inner_text()
    card.locator("a", has_text="Edit").click()
    page.wait_for_load_state()
    page.fill("input[name=title]", "Browser resilience exchange II")
    page.locator("[data-project-form] button[type=submit]").click()
    page.wait_for_load_state()
    assert "Browser resilience exchange II" in page.locator(f"[data-project='{project.pk}']").inner_text()


def test_the_forms_in_japanese_on_a_phone(browser, live_server, demo):
    base = live_server.url
    page = browser.new_page(viewport={"width": 390, "height": 844})
    sign_in(page, base, "secretariat")
    page.context.add_cookies([{"name": "django_language", "value": "ja", "url": base}])
    page.goto(f"{base}/networks/citynet/meetings/new/")
    assert "会議を記録" in page.locator("h1").inner_text() and "定足数" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{base}/networks/citynet/projects/new/")
    assert "プロジェクト" in page.locator("h1").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_others_are_refused_the_forms(browser, live_server, demo):
    base = live_server.url
    page = browser.new_page()
    response = page.goto(f"{base}/networks/citynet/meetings/new/")
    assert response.status == 403 or "/login/" in page.url
