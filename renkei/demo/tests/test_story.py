"""The demo tells the seed documents' story with their dates: partnerships with a status history dated
when things happened, plans and pilots on the live ones, learning activities past and upcoming, an
open call whose committee view ranks a reviewed application, contacts whose e-mail the roles see."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from renkei.accounts.models import User
from renkei.activities.models import Activity
from renkei.partnerships.models import Milestone, Partnership, Pilot
from renkei.partnerships.selectors import programme_health
from renkei.partnerships.services import health

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(activities_demo):
    from renkei.demo.accounts import demo_users
    from renkei.demo.work import work_demo_load

    demo_users()
    work_demo_load()


def test_status_history_is_dated_from_the_documents_not_the_load_day(story):
    toyama = Partnership.objects.get(slug="toyama-world-bank-cpp")
    history = [(c.changed_at.date(), c.from_status, c.to_status) for c in toyama.status_changes.all()]
    assert history == [(date(2016, 7, 4), "", "proposed"), (date(2016, 11, 3), "proposed", "agreed"),
                       (date(2016, 11, 4), "agreed", "active")]
    koriyama = Partnership.objects.get(slug="koriyama-essen")
    assert koriyama.status_changes.last().changed_at.date() == date(2020, 12, 31)
    assert not Partnership.objects.filter(status_changes__changed_at__date=timezone.localdate()).exists()


def test_live_partnerships_with_recent_work_are_not_dormant(story):
    for slug in ("toyama-world-bank-cpp", "jica-kamaishi-banda-aceh"):
        partnership = Partnership.objects.get(slug=slug)
        assert partnership.status == "active"
        assert not health(partnership).dormant, slug
    officer = User.objects.get(username="officer")
    report = programme_health(viewer=officer, slug="world-bank-city-partnership-program")
    assert report.live == 1 and report.dormant == 0


def test_live_partnerships_have_plans_milestones_and_pilots(story):
    for slug in ("toyama-world-bank-cpp", "jica-kamaishi-banda-aceh"):
        assert Pilot.objects.filter(partnership__slug=slug, status="running").exists()
        milestones = Milestone.objects.filter(action__objective__partnership__slug=slug)
        assert milestones.filter(done_on__isnull=False).exists()  # something achieved
        assert milestones.filter(done_on__isnull=True, due_on__gt=timezone.localdate()).exists()  # something ahead
        assert all(m.title.get("ja") for m in milestones)


def test_an_upcoming_activity_exists_and_the_list_shows_it(story, client):
    upcoming = Activity.objects.filter(starts_at__gt=timezone.now(), partnership__isnull=False)
    assert upcoming.count() >= 2
    assert Activity.objects.filter(starts_at__gt=timezone.now() - timedelta(days=60),
                                   starts_at__lt=timezone.now()).exists()  # and recent past ones
    html = client.get("/activities/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "公共交通指向型開発（TOD）とコンパクトシティに関する公開セミナー（サンプル）" in html


def test_the_committee_view_shows_a_score(story, client):
    client.force_login(User.objects.get(username="officer"))
    html = client.get("/calls/cpp-sample-open-call/committee/").content.decode()
    assert "4.333" in html  # Yokohama reviewed: (2 × 5 + 1 × 3) / 3


def test_demo_contacts_have_an_email_the_roles_see_and_visitors_do_not(story, client):
    assert "kamaishi.international@example.org" not in client.get("/places/kamaishi/").content.decode()
    client.force_login(User.objects.get(username="kamaishi"))
    assert "kamaishi.international@example.org" in client.get("/places/kamaishi/").content.decode()


def test_loading_the_story_again_changes_nothing(story):
    from renkei.activities.demo import activities_demo_load
    from renkei.demo.work import work_demo_load
    from renkei.partnerships.demo import partnerships_demo_load

    assert partnerships_demo_load() == 0
    assert activities_demo_load() == 0
    assert work_demo_load() == 0
