from datetime import date, timedelta

import pytest
from django.utils import timezone

from renkei.accounts.models import Role
from renkei.accounts.tests.factories import UserFactory
from renkei.core.errors import NotAllowed, NotFound
from renkei.partnerships import selectors, services
from renkei.places.tests.factories import PlaceFactory
from renkei.programmes.models import Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(officer):
    """Three partnerships: one quiet for a year, one that hangs on one person, one healthy."""
    programme = Programme.objects.create(slug="iuc", title={"en": "IUC"})
    today = timezone.localdate()

    def partnership(title, focal_points, last_activity_on, status="active"):
        a, b = PlaceFactory(), PlaceFactory()
        p = services.partnership_create(actor=officer, data={
            "title": {"en": title}, "kind": "bilateral", "programme": programme, "status": status,
            "members": [{"place": a, "focal_points": focal_points}, {"place": b}]})
        p.last_activity_on = last_activity_on
        p.save()
        return p

    people = [UserFactory() for _ in range(3)]
    partnership("Quiet", people[:2], today - timedelta(days=365))
    partnership("One person", people[2:3], today - timedelta(days=10))
    partnership("Healthy", people[:2], today - timedelta(days=10))
    partnership("Finished long ago", people[2:3], date(2015, 1, 1), status="completed")
    Programme.objects.create(slug="other", title={"en": "Other"})
    return programme


def test_programme_health_flags_and_counts(programme, officer):
    report = selectors.programme_health(viewer=officer, slug="iuc")
    assert [r.partnership.title["en"] for r in report.rows] == ["Quiet", "One person", "Finished long ago", "Healthy"]
    assert (report.total, report.live, report.dormant, report.single_focal_point) == (4, 3, 1, 1)
    assert report.by_status == {"active": 3, "completed": 1}
    quiet = report.rows[0].health
    assert quiet.dormant and quiet.months_quiet >= 11 and quiet.focal_points == 2


def test_filters_keep_the_counts_of_the_whole_programme(programme, officer):
    dormant = selectors.programme_health(viewer=officer, slug="iuc", dormant_only=True)
    assert [r.partnership.title["en"] for r in dormant.rows] == ["Quiet"] and dormant.total == 4
    single = selectors.programme_health(viewer=officer, slug="iuc", single_only=True)
    assert [r.partnership.title["en"] for r in single.rows] == ["One person"]
    assert selectors.programme_health(viewer=officer, slug="iuc", dormant_only=True, single_only=True).rows == []


def test_the_dormancy_threshold_comes_from_the_settings(programme, officer, settings):
    settings.RENKEI_DORMANT_MONTHS = 24
    report = selectors.programme_health(viewer=officer, slug="iuc")
    assert report.dormant == 0 and report.dormant_months == 24


@pytest.mark.parametrize("who", ["admin_user", "officer"])
def test_administrators_and_officers_see_a_programmes_health(request, programme, who):
    assert selectors.programme_health(viewer=request.getfixturevalue(who), slug="iuc").total == 4


@pytest.mark.parametrize("who", ["focal_point", "reviewer", "secretariat", "no_role_user", "anonymous"])
def test_nobody_else_sees_it(request, programme, who):
    with pytest.raises(NotAllowed):
        selectors.programme_health(viewer=request.getfixturevalue(who), slug="iuc")


def test_when_a_programme_names_its_officers_only_they_see_it(programme, officer):
    own = UserFactory(roles=[Role.PROGRAMME_OFFICER])
    programme.officers.add(own)
    assert selectors.programme_health(viewer=own, slug="iuc").total == 4
    with pytest.raises(NotAllowed):
        selectors.programme_health(viewer=officer, slug="iuc")


def test_unknown_and_unpublished_programmes(programme, officer, focal_point):
    with pytest.raises(NotFound):
        selectors.programme_health(viewer=officer, slug="nowhere")
    Programme.objects.filter(slug="iuc").update(is_published=False)
    with pytest.raises(NotFound):
        selectors.programme_health(viewer=focal_point, slug="iuc")
    assert selectors.programme_health(viewer=officer, slug="iuc").total == 4
