"""The dashboard: exact for the place's focal points, protected for everyone else; individual records
for the focal points and administrators only."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from renkei.connections import selectors
from renkei.core.errors import NotAllowed, NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def population(add):
    today = timezone.localdate()
    add(40, kind="hometown_tax_donor", since=date(2016, 3, 1), last_contact_on=today - timedelta(days=20))
    add(12, kind="volunteer", since=date(2011, 6, 1), stage=4, prefecture="03")
    add(3, kind="researcher", since=date(2019, 1, 1), country="ID", prefecture="", stage=5)
    add(1, kind="volunteer", since=date(2024, 1, 1), country="US", prefecture="")


def test_the_focal_point_sees_exact_counts(place, focal_point, population):
    board = selectors.dashboard(viewer=focal_point, place=place)
    assert board.exact and board.total == 56 and board.active == 40
    assert {c.key: c.count for c in board.where} == {"JP-13": 40, "JP-03": 12, "ID": 3, "US": 1}
    assert [c.count for c in board.funnel] == [56, 15, 15, 15, 3]


def test_the_public_sees_no_small_count(place, anonymous, population):
    board = selectors.dashboard(viewer=anonymous, place=place)
    assert not board.exact and board.total == 56
    kinds = {c.key: c.count for c in board.by_kind}
    assert kinds["researcher"] is None  # 3
    assert kinds["volunteer"] is None or kinds["volunteer"] == 13
    hidden = [k for k, v in kinds.items() if v is None]
    assert len(hidden) >= 2  # the total minus the others does not give the researchers away
    where = {c.key: c.count for c in board.where}
    assert "ID" not in where and "US" not in where and where["other"] >= 5
    assert all(c.count is None or c.count == 0 or c.count >= 5 for c in [*board.by_kind, *board.where, *board.funnel])
    for series in board.over_time.values():
        shown = [v for v in series if v is not None]
        assert all(b - a == 0 or b - a >= 5 for a, b in zip(shown, shown[1:], strict=False))


def test_a_tiny_population_shows_nothing(place, anonymous, add):
    add(3)
    board = selectors.dashboard(viewer=anonymous, place=place)
    assert board.total is None and board.active_share is None and board.where == []


def test_people_are_for_the_focal_points_and_administrators(place, focal_point, admin_user, officer, anonymous,
                                                          population):
    assert selectors.people_list(viewer=focal_point, place=place).count() == 56
    assert selectors.people_list(viewer=admin_user, place=place, search="Person 1").count() >= 1
    for viewer in (officer, anonymous):
        with pytest.raises(NotAllowed):
            selectors.people_list(viewer=viewer, place=place)
        with pytest.raises(NotAllowed):
            selectors.person_get(viewer=viewer, pk=selectors.people_list(viewer=focal_point, place=place)[0].pk)


def test_an_unknown_person_is_not_found(focal_point):
    with pytest.raises(NotFound):
        selectors.person_get(viewer=focal_point, pk=10 ** 12)
