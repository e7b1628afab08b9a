"""The demo's values: sample values marked as such, enough to benchmark Kamaishi against places like it."""

import pytest

from renkei.accounts.permissions import SYSTEM
from renkei.indicators.demo import indicators_demo_load
from renkei.indicators.models import PeerGroup, Value
from renkei.indicators.selectors import GroupSpec, benchmark
from renkei.places.models import Place

pytestmark = pytest.mark.django_db


def test_the_demo_benchmarks_kamaishi_against_places_like_it(indicators_demo):
    assert Value.objects.count() > 900
    assert not Value.objects.exclude(source__contains="Sample value").exists()
    assert not Value.objects.exclude(source__contains="サンプル値").exists()
    kamaishi = Place.objects.get(slug="kamaishi")
    bench = benchmark(viewer=SYSTEM, place=kamaishi,
                      spec=GroupSpec.of(PeerGroup.objects.get(slug="places-like-kamaishi")))
    assert len(bench.members) == 15 and bench.last_year == 2023
    statuses = {i.code: r.status for i, r in bench.rows}
    assert statuses["11.7.1"] == "missing"  # not measured in Kamaishi: shown as missing
    assert sum(s == "ranked" for s in statuses.values()) >= 5
    assert len(bench.series) == 8


def test_loading_the_demo_again_changes_nothing(indicators_demo):
    before = Value.objects.count()
    assert indicators_demo_load() == 0
    assert Value.objects.count() == before
