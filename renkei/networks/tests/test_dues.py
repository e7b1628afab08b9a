"""The dues formula on its own: Decimal arithmetic, bands, floor and cap."""

from decimal import Decimal

from renkei.networks.dues import compute, highest

FORMULA = {"base": {"full": "6000", "associate": "2500"}, "income_factors": {"HIC": "1.5", "LMC": "0.6"},
           "population_bands": [{"up_to": 500000, "factor": "0.8"}, {"up_to": None, "factor": "1.25"}],
           "floor": "1000", "cap": "12000", "currency": "USD"}


def test_base_times_factors():
    d = compute(FORMULA, tier="full", income_group="LMC", population=964000)
    assert d.amount == Decimal("4500.00") and isinstance(d.amount, Decimal) and d.limited == ""


def test_cap_and_floor():
    assert compute(FORMULA, tier="full", income_group="HIC", population=3770000).amount == Decimal("11250.00")
    assert compute({**FORMULA, "cap": "9000"}, tier="full", income_group="HIC", population=3770000).limited == "cap"
    small = compute(FORMULA, tier="associate", income_group="LMC", population=100000)
    assert small.raw == Decimal("1200.00")
    floored = compute({**FORMULA, "floor": "1500"}, tier="associate", income_group="LMC", population=100000)
    assert floored.amount == Decimal("1500.00") and floored.limited == "floor"


def test_missing_facts_count_as_one_and_unknown_tier_as_zero():
    assert compute(FORMULA, tier="full").amount == Decimal("6000.00")
    assert compute(FORMULA, tier="affiliate").amount == Decimal("0.00")


def test_rounding_is_to_the_cent_half_up():
    d = compute({"base": {"full": "100.005"}, "currency": "USD"}, tier="full")
    assert d.amount == Decimal("100.01")


def test_the_most_anyone_could_owe():
    assert highest(FORMULA) == Decimal("11250")  # 6000 × 1.5 × 1.25, under the cap
    assert highest({**FORMULA, "cap": "9000"}) == Decimal("9000")
    assert highest({"base": {"full": "10"}, "income_factors": {"LIC": "0.3"}, "floor": "50"}) == Decimal("50")
    assert highest({"base": {"full": "10"}, "income_factors": {"LIC": "0.3"}}) == Decimal("10")  # no group: 1
