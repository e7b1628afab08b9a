"""The activities calendar in the browser: the month grid and the list, the reader's own time beside the
activity's, a phone, Japanese, and one current item in the navigation."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from renkei.web.tests.test_browser import demo, shot  # noqa: F401 - the fixture is used by name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def activities(demo):  # noqa: F811
    from renkei.activities.demo import activities_demo_load
    from renkei.activities.models import Activity
    from renkei.core.tests.snapshot import load_once
    from renkei.partnerships.demo import partnerships_demo_load
    from renkei.programmes.demo import programmes_demo_load

    load_once("activities after places and accounts",
              lambda: (programmes_demo_load(), partnerships_demo_load(), activities_demo_load()))
    tokyo = ZoneInfo("Asia/Tokyo")
    Activity.objects.create(slug="kobe-workshop", kind="workshop", title={"en": "Resilience workshop in Kobe",
                                                                         "ja": "神戸での防災ワークショップ"},
                            starts_at=datetime(2037, 12, 8, 10, tzinfo=tokyo),
                            ends_at=datetime(2037, 12, 8, 17, tzinfo=tokyo), timezone="Asia/Tokyo", venue="Kobe")
    Activity.objects.create(slug="essen-tour", kind="study_tour",
                            title={"en": "Study tour to Essen", "ja": "エッセン視察"},
                            starts_at=datetime(2037, 12, 14, 9, tzinfo=ZoneInfo("Europe/Berlin")),
                            ends_at=datetime(2037, 12, 16, 17, tzinfo=ZoneInfo("Europe/Berlin")),
                            timezone="Europe/Berlin", venue="Essen")


def nav_current(page) -> list[str]:
    return page.locator(".site-nav > a[aria-current]").all_inner_texts()


def test_month_and_list_views_with_the_readers_time(browser, live_server, activities):
    context = browser.new_context(viewport={"width": 1366, "height": 1000}, timezone_id="Europe/Berlin")
    page = context.new_page()
    page.goto(live_server.url + "/activities/?year=2037&month=12")
    assert nav_current(page) == ["Activities"]
    assert page.locator("h2#month-title").inner_text() == "December 2037"
    kobe = page.locator("td:has(time[datetime='2037-12-08'])")
    assert "Resilience workshop in Kobe" in kobe.inner_text()
    assert "10:00 JST" in kobe.inner_text() and "your time: Dec 8, 02:00" in kobe.inner_text()
    essen = page.locator("td:has(time[datetime='2037-12-14'])")
    assert "09:00 CET" in essen.inner_text() and "your time" not in essen.inner_text()  # the reader's zone already
    assert "continued" in page.locator("td:has(time[datetime='2037-12-16'])").inner_text()
    assert "your time (Europe/Berlin)" in page.locator("[data-viewer-zone]").inner_text()
    shot(page, "activities-month")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "activities-month-phone")
    page.set_viewport_size({"width": 1366, "height": 1000})

    page.locator("a[rel=next]").click()
    page.wait_for_load_state()
    assert page.locator("h2#month-title").inner_text() == "January 2038"
    assert "No activities this month." in page.locator(".month-empty").inner_text()
    page.locator("a[rel=prev]").click()
    page.locator("a[rel=prev]").click()
    page.wait_for_load_state()
    assert page.url.endswith("?year=2037&month=11") and page.locator("h2#month-title").inner_text() == "November 2037"
    page.locator(".month-empty a", has_text="Next: December 2037").click()
    page.wait_for_load_state()
    assert page.locator("td:has(time[datetime='2037-12-08'])").get_by_text("Resilience workshop in Kobe").is_visible()

    page.locator(".tabs a", has_text="List").click()
    page.wait_for_load_state()
    assert page.url.endswith("?view=list") and page.locator(".tabs a[aria-current]").inner_text() == "List"
    assert nav_current(page) == ["Activities"]
    listed = page.locator("main").inner_text()
    assert "Technical Deep Dive on Compact Cities" in listed and "2016-10-30 09:00" in listed
    assert "2037-12-08 10:00 (Asia/Tokyo)" in listed and "your time: Dec 8, 02:00" in listed
    context.close()


def test_month_view_on_a_phone_in_japanese(browser, live_server, activities):
    context = browser.new_context(viewport={"width": 390, "height": 844}, timezone_id="Asia/Tokyo")
    context.add_cookies([{"name": "django_language", "value": "ja", "url": live_server.url}])
    page = context.new_page()
    page.goto(live_server.url + "/activities/?year=2037&month=12")
    assert page.locator("h2#month-title").inner_text() == "2037年12月"
    days = page.locator("td.day:not(.no-activity)")
    labels = [text.split("\n")[0] for text in days.all_inner_texts()]
    # the days with activities one under another, with their weekday; empty days are left out (but today)
    assert labels == ["12月8日 火曜日", "12月14日 月曜日", "12月15日 火曜日", "12月16日 水曜日"]
    assert all(days.nth(i).is_visible() for i in range(4))
    assert "神戸での防災ワークショップ" in days.first.inner_text()
    assert page.locator("td.no-activity:not(.today):visible").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert "あなたの時刻" in page.locator("td:has(time[datetime='2037-12-14'])").inner_text()  # Essen in Tokyo time
    assert "あなたの時刻" not in page.locator("td:has(time[datetime='2037-12-08'])").inner_text()
    assert page.locator("[data-viewer-zone]").inner_text().startswith("時刻は各活動のタイムゾーン")
    shot(page, "activities-month-ja-phone")
    page.set_viewport_size({"width": 1366, "height": 1000})
    assert page.locator("thead th").all_inner_texts() == list("月火水木金土日")
    shot(page, "activities-month-ja")
    page.goto(live_server.url + "/activities/?view=list")
    assert page.locator(".tabs a[aria-current]").inner_text() == "一覧"
    assert "神戸での防災ワークショップ" in page.locator("main").inner_text()
    context.close()


def test_month_view_without_javascript_names_the_time_zone(browser, live_server, activities):
    context = browser.new_context(viewport={"width": 1366, "height": 1000}, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/activities/?year=2037&month=12")
    assert page.locator("[data-viewer-zone]").inner_text() == "Times are in each activity’s own time zone."
    assert "10:00 JST" in page.locator("td:has(time[datetime='2037-12-08'])").inner_text()
    assert page.locator(".viewer-time").count() == 0
    context.close()
