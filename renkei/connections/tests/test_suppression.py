"""The small-count rule: nothing from 1 to 4 is shown, nor can be worked out from what is shown."""

from itertools import combinations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renkei.connections.suppression import suppress_funnel, suppress_parts, suppress_series, total_publishable


def test_a_single_small_cell_takes_a_second_one_with_it():
    shown = suppress_parts(110, {"a": 100, "b": 7, "c": 3})
    assert shown == {"a": 100, "b": None, "c": None}  # else c = 110 - 100 - 7


def test_no_small_cells_show_everything():
    assert suppress_parts(30, {"a": 10, "b": 20}) == {"a": 10, "b": 20}


def test_a_small_total_withholds_every_part():
    assert suppress_parts(4, {"a": 3, "b": 1}) == {"a": None, "b": None}


def test_two_small_cells_whose_sum_pins_them_take_a_third():
    # 1 + 1 withheld: the difference 2 would say both are 1
    assert suppress_parts(52, {"a": 50, "b": 1, "c": 1}) == {"a": None, "b": None, "c": None}


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=300)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=8))
def test_no_withheld_cell_can_be_recovered_from_the_total(values):
    parts = {str(i): v for i, v in enumerate(values)}
    total = sum(values)
    shown = suppress_parts(total, parts)
    assert all(v is None or v == 0 or v >= 5 for v in shown.values())
    hidden = [k for k, v in shown.items() if v is None]
    if total_publishable(total, parts) and hidden:
        rest = total - sum(v for v in shown.values() if v is not None)
        # each withheld part could be anything from 1 to at least 5
        assert len(hidden) >= 2 and rest - (len(hidden) - 1) >= 5


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=300)
@given(st.lists(st.integers(0, 12), min_size=1, max_size=12))
def test_no_step_under_five_between_shown_points(steps):
    series = [sum(steps[:i + 1]) for i in range(len(steps))]
    shown = suppress_series(series)
    points = [v for v in shown if v is not None]
    for a, b in combinations(points, 2):
        assert b - a == 0 or b - a >= 5
    assert all(v == 0 or v >= 5 for v in points)
    if series[-1] >= 5:
        assert shown[-1] == series[-1]


def test_the_funnel_keeps_its_top():
    assert suppress_funnel([100, 60, 58, 20, 3]) == [100, 60, None, 20, None]


def test_a_total_that_would_give_its_parts_away_is_withheld():
    assert not total_publishable(5, {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1})  # one in each country
    assert not total_publishable(5, {"a": 1, "b": 4})
    assert total_publishable(6, {"a": 1, "b": 5})
