"""The demo: Kamaishi's connected population, invented and marked as sample data, loaded once."""

import pytest

from renkei.accounts.permissions import SYSTEM
from renkei.connections import selectors
from renkei.connections.demo import SAMPLE, connections_demo_load
from renkei.connections.models import ConnectedPerson
from renkei.places.models import Place

pytestmark = pytest.mark.django_db


def test_kamaishi_has_a_sample_population_the_public_sees_protected(activities_demo, anonymous):
    assert connections_demo_load(people=400) == 400
    kamaishi = Place.objects.get(slug="kamaishi")
    people = ConnectedPerson.objects.filter(place=kamaishi)
    assert people.count() == 400 and not people.filter(is_sample=False).exists()
    assert not people.exclude(name__endswith=SAMPLE).exists() and "サンプル" in SAMPLE
    assert all(p.consents.exists() for p in people[:20])
    board = selectors.dashboard(viewer=anonymous, place=kamaishi)
    assert board.total == 400
    where = {c.key for c in board.where}
    assert not {"IS", "PE", "KE"} & where and "other" in where
    moves = {(m.from_stage, m.to_stage) for m in selectors.dashboard(viewer=SYSTEM, place=kamaishi).movement}
    assert any(0 < before < after for before, after in moves)  # some climbed between stages over the years
    assert connections_demo_load(people=400) == 0  # a second load writes nothing
