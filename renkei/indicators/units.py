"""The range a value of each unit may take: a share in percent is 0–100, counts and rates are never
negative, a ratio, an index or a growth rate may be anything."""

from __future__ import annotations

from django.utils.translation import gettext as _

from renkei.indicators.models import Unit

# unit → (lowest, highest); None: no bound
RANGES: dict[str, tuple[float | None, float | None]] = {
    Unit.PERCENT: (0.0, 100.0),
    Unit.RATIO: (None, None),
    Unit.COUNT: (0.0, None),
    Unit.PER_100000: (0.0, None),
    Unit.PER_1000: (0.0, None),
    Unit.PER_CAPITA: (0.0, None),
    Unit.USD: (0.0, None),
    Unit.USD_PER_CAPITA: (0.0, None),
    Unit.KM2: (0.0, None),
    Unit.M2_PER_CAPITA: (0.0, None),
    Unit.TONNES_PER_CAPITA: (0.0, None),
    Unit.MICROGRAMS_M3: (0.0, None),
    Unit.LITRES_PER_CAPITA_DAY: (0.0, None),
    Unit.MINUTES: (0.0, None),
    Unit.YEARS: (0.0, None),
    Unit.INDEX: (None, None),
    Unit.SCORE_0_1: (0.0, 1.0),
}


def value_range(unit: str) -> tuple[float | None, float | None]:
    return RANGES.get(unit, (None, None))


def range_problem(unit: str, value: float) -> str | None:
    """Why ``value`` is out of the unit's range (in the reader's language), or None."""
    low, high = value_range(unit)
    if low is not None and value < low:
        return _("must be at least %(n)s for this unit") % {"n": f"{low:g}"}
    if high is not None and value > high:
        return _("must be at most %(n)s for this unit") % {"n": f"{high:g}"}
    return None


def range_text(unit: str) -> str:
    low, high = value_range(unit)
    if low is None and high is None:
        return _("any value")
    if high is None:
        return _("%(low)s or more") % {"low": f"{low:g}"}
    return f"{low:g}–{high:g}"
