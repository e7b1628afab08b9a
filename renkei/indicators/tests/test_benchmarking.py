"""Percentile ranks: direction, ties, missing values, groups too small to rank, the window of years."""

import numpy as np
import pytest

from renkei.indicators.benchmarking import Latest, percentile_rank, rank_all
from renkei.indicators.selectors import GroupSpec, benchmark

pytestmark = pytest.mark.django_db


def test_percentile_rank_counts_worse_peers_and_half_the_ties():
    others = np.array([8.0, 10.0, 12.0, 12.0, 15.0, 20.0])
    # lower is better: 15 and 20 are worse (2), 12 and 12 tie (1): 3 of 6
    assert percentile_rank(12.0, others, "lower") == 50.0
    # higher is better: 8 and 10 are worse, the ties count half
    assert percentile_rank(12.0, others, "higher") == 50.0
    assert percentile_rank(5.0, others, "lower") == 100.0
    assert percentile_rank(5.0, others, "higher") == 0.0


def test_rank_all_keeps_missing_missing_and_small_groups_unranked():
    latest = Latest.of([(1, 10, 2022, 5.0), (2, 10, 2022, 6.0), (3, 10, 2022, 7.0), (4, 10, 2021, 8.0),
                        (5, 10, 2022, 9.0), (2, 11, 2022, 1.0), (3, 11, 2022, 2.0), (1, 12, 2022, 3.0),
                        (2, 12, 2022, 4.0)])
    by_id = {r.indicator_id: r for r in rank_all(latest, 1, {10: "higher", 11: "higher", 12: "lower"})}
    assert by_id[10].status == "ranked" and by_id[10].rank == 0.0 and by_id[10].peers == 4
    assert by_id[10].median == 7.5 and (by_id[10].low, by_id[10].high) == (6.0, 9.0)
    assert by_id[11].status == "missing" and by_id[11].value is None and by_id[11].rank is None
    assert by_id[12].status == "too_few" and by_id[12].value == 3.0 and by_id[12].rank is None


def test_the_benchmark_of_a_place_against_a_group(anonymous, place, peers, pm25, transport):
    spec = GroupSpec(kind="list", places=tuple(p.slug for p in peers) + ("testville",))
    bench = benchmark(viewer=anonymous, place=place, spec=spec)
    assert (bench.first_year, bench.last_year) == (2018, 2022)
    rows = {i.code: r for i, r in bench.rows}
    assert rows["11.6.2"].value == 12.0 and rows["11.6.2"].year == 2022 and rows["11.6.2"].rank == 50.0
    assert rows["11.2.1"].status == "missing" and rows["11.2.1"].peers == 6
    assert bench.selected == pm25
    assert [(p.slug, v) for p, v, _y in bench.distribution][:2] == [("testville", 12.0), ("peer-0", 8.0)]
    assert bench.series == [(2021, 30.0, None), (2022, 12.0, 12.0)]


def test_the_window_decides_which_year_is_compared(anonymous, place, peers, pm25):
    spec = GroupSpec(kind="list", places=tuple(p.slug for p in peers))
    bench = benchmark(viewer=anonymous, place=place, spec=spec, year=2021, window=1)
    rows = {i.code: r for i, r in bench.rows}
    assert rows["11.6.2"].value == 30.0 and rows["11.6.2"].peers == 0 and rows["11.6.2"].status == "too_few"


def test_unpublished_peers_are_left_out_for_visitors(anonymous, officer, place, peers):
    peers[0].is_published = False
    peers[0].save()
    spec = GroupSpec(kind="list", places=tuple(p.slug for p in peers))
    assert len(benchmark(viewer=anonymous, place=place, spec=spec).members) == 5
    assert len(benchmark(viewer=officer, place=place, spec=spec).members) == 6


def test_a_filter_group_and_the_places_like_this_one(anonymous, place, peers, pm25):
    from renkei.indicators.inputs import CriteriaIn

    bench = benchmark(viewer=anonymous, place=place, spec=GroupSpec(kind="filter",
                                                                    criteria=CriteriaIn(countries=["JP"])))
    assert len(bench.members) == 6
    similar = benchmark(viewer=anonymous, place=place, spec=GroupSpec(kind="similar", criteria=CriteriaIn(top=3)))
    assert len(similar.members) == 3 and place not in similar.members


def test_a_programme_cohort(anonymous, officer, place, peers):
    from renkei.indicators.inputs import CriteriaIn
    from renkei.programmes.models import Application, Call, Programme

    programme = Programme.objects.create(slug="cpp", title={"en": "CPP"}, is_published=True)
    from django.utils import timezone

    call = Call.objects.create(programme=programme, slug="c1", title={"en": "Call"}, opens_at=timezone.now(),
                               closes_at=timezone.now())
    for town, status in zip(peers, ["selected", "selected", "submitted", "draft", "selected", "not_selected"],
                            strict=True):
        Application.objects.create(call=call, place=town, status=status)
    spec = GroupSpec(kind="cohort", criteria=CriteriaIn(programme="cpp"))
    assert len(benchmark(viewer=anonymous, place=place, spec=spec).members) == 3  # who was selected is public
    assert len(benchmark(viewer=officer, place=place, spec=spec).members) == 5  # all who applied


def test_the_worked_example_of_the_documentation():
    """docs/algorithms/benchmarking.md: Kamaishi at 12.0 among 8, 10, 12, 12 and 20."""
    peers = np.array([8.0, 10.0, 12.0, 12.0, 20.0])
    assert percentile_rank(12.0, peers, "lower") == 40.0
    assert percentile_rank(12.0, peers, "higher") == 60.0
