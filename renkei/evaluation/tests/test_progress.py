from datetime import date

import pytest

from renkei.evaluation.learning import mutual_learning, normalised_gain
from renkei.evaluation.progress import progress_status, target_direction_ok

START, END = date(2020, 1, 1), date(2022, 1, 1)  # 731 days


def status(baseline, target, actual, as_of, direction="higher"):
    return progress_status(baseline=baseline, target=target, actual=actual, direction=direction,
                           start=START, end=END, as_of=as_of)


@pytest.mark.parametrize(("actual", "expected"), [
    (60, "on_track"),    # half the way at half the time
    (57, "on_track"),    # 0.4625 ≥ 0.9 × 0.5007
    (50, "at_risk"),     # 0.375: between 0.6 × 0.5007 and 0.9 × 0.5007
    (40, "off_track"),   # 0.25 < 0.6 × 0.5007
    (20, "off_track"),   # went backwards
])
def test_status_against_elapsed_time(actual, expected):
    result = status(baseline=20, target=100, actual=actual, as_of=date(2021, 1, 1))
    assert result.status == expected


def test_progress_and_elapsed_are_shares():
    result = status(baseline=20, target=100, actual=60, as_of=date(2021, 1, 1))
    assert result.progress == 0.5
    assert result.elapsed == round(366 / 731, 4)
    assert result.percent == 50.0


def test_lower_is_better_reads_the_direction_from_the_signs():
    """Waste falls from 1.0 to a target of 0.6: 0.8 at half time is half way, on track."""
    assert status(baseline=1.0, target=0.6, actual=0.8, as_of=date(2021, 1, 1), direction="lower").status == \
        "on_track"
    assert status(baseline=1.0, target=0.6, actual=1.1, as_of=date(2021, 1, 1), direction="lower").status == \
        "off_track"


def test_holding_the_line_is_met_when_no_worse():
    assert status(baseline=5, target=5, actual=5, as_of=END).status == "on_track"
    assert status(baseline=5, target=5, actual=4, as_of=END).status == "off_track"
    assert status(baseline=5, target=5, actual=4, as_of=END, direction="lower").status == "on_track"


def test_reached_target_is_on_track_even_early_and_no_data_without_actual():
    assert status(baseline=0, target=10, actual=12, as_of=date(2020, 2, 1)).status == "on_track"
    assert status(baseline=0, target=10, actual=None, as_of=None).status == "no_data"
    assert status(baseline=None, target=10, actual=3, as_of=END).status == "no_data"


def test_at_the_end_of_the_period_the_whole_way_is_due():
    assert status(baseline=0, target=10, actual=8.9, as_of=END).status == "at_risk"
    assert status(baseline=0, target=10, actual=9, as_of=END).status == "on_track"


def test_target_direction():
    assert target_direction_ok(baseline=10, target=12, direction="higher")
    assert not target_direction_ok(baseline=10, target=8, direction="higher")
    assert target_direction_ok(baseline=10, target=8, direction="lower")
    assert target_direction_ok(baseline=None, target=8, direction="lower")


def test_normalised_gain():
    assert normalised_gain(2, 4) == pytest.approx(2 / 3)
    assert normalised_gain(5, 5) == 0
    assert normalised_gain(4, 1) == -1  # clipped


def test_mutual_learning_worked_example():
    """The example of docs/algorithms/results.md."""
    result = mutual_learning({"japan": [(2, 4), (3, 4)], "partner": [(2, 5), (1, 4)]}, {"japan": 1, "partner": 2})
    japan, partner = result.sides["japan"], result.sides["partner"]
    assert japan.normalised_gain == pytest.approx(0.583, abs=1e-3)  # (2/3 + 1/2) / 2
    assert japan.score == pytest.approx(0.542, abs=1e-3)  # ½·0.583 + ½·½
    assert partner.normalised_gain == pytest.approx(0.875)  # (1 + 3/4) / 2
    assert partner.score == pytest.approx(0.938, abs=1e-3)  # ½·0.875 + ½·1
    assert result.balance == pytest.approx(0.578, abs=1e-3)
    assert result.score == pytest.approx(0.427, abs=1e-3)
    assert result.suggested_level == 2
    assert result.two_way


def test_one_sided_learning_is_not_mutual():
    result = mutual_learning({"partner": [(1, 5)]}, {"partner": 3})
    assert result.score == 0 and result.balance == 0 and not result.two_way
    assert result.suggested_level == 1
    assert mutual_learning({}, {}).score == 0
