"""Small-count protection of the public aggregates (docs/algorithms/connected-population.md).

No published count is between 1 and 4, and no count between 1 and 4 can be worked out from the
published ones: a total minus its published parts, or the difference between two points of a
cumulative series. Pure functions over counts; the dashboard applies them for the public."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

THRESHOLD = 5


def small(n: int) -> bool:
    return 0 < n < THRESHOLD


def _withheld(total: int, parts: Mapping[str, int]) -> tuple[set[str], bool]:
    """The parts to withhold, and whether that protects them (False: only withholding the total does)."""
    hidden = {key for key, value in parts.items() if small(value)}
    shown = sorted(((value, key) for key, value in parts.items() if value >= THRESHOLD))
    hidden_sum = sum(parts[key] for key in hidden)
    while hidden and (len(hidden) < 2 or hidden_sum < len(hidden) + THRESHOLD - 1) and shown:
        value, key = shown.pop(0)
        hidden.add(key)
        hidden_sum += value
    return hidden, not hidden or (len(hidden) >= 2 and hidden_sum >= len(hidden) + THRESHOLD - 1)


def total_publishable(total: int, parts: Mapping[str, int]) -> bool:
    """Whether ``total`` may be shown beside its protected ``parts``: not under 5, and not when even
    withholding every part would leave one worked out (five people, each in a different country)."""
    return total >= THRESHOLD and _withheld(total, parts)[1]


def suppress_parts(total: int, parts: Mapping[str, int]) -> dict[str, int | None]:
    """The parts of a published ``total`` that may be shown (None: withheld).

    Primary: every part from 1 to 4 is withheld. Complementary: the withheld parts' sum ``S`` can
    be recovered as the total minus the shown parts, so while fewer than two parts are withheld or
    ``S < (number withheld) + 4`` the smallest shown non-zero part is withheld too. Then each withheld
    part could be anything from 1 to at least 5, and none is pinned down. When the total may not be
    shown (``total_publishable``), every part is withheld."""
    if total == 0:
        return {key: 0 for key in parts}
    if not total_publishable(total, parts):
        return {key: None for key in parts}
    hidden, _ok = _withheld(total, parts)
    return {key: (None if key in hidden else value) for key, value in parts.items()}


def suppress_series(values: Sequence[int]) -> list[int | None]:
    """A cumulative, non-decreasing series whose last value is published: which points may be shown.

    Walking back from the last point, a point is shown when it is 0 or at least 5 and differs from
    the last shown point by 0 or by at least 5. Any two shown points then differ by 0 or at least 5,
    so no step under 5 (someone joining alone) can be read off by subtraction."""
    out: list[int | None] = [None] * len(values)
    if not values:
        return out
    last = values[-1]
    if small(last):
        return out
    out[-1] = last
    for i in range(len(values) - 2, -1, -1):
        value = values[i]
        if (value == 0 or value >= THRESHOLD) and (last - value == 0 or last - value >= THRESHOLD):
            out[i] = value
            last = value
    return out


def suppress_funnel(values: Sequence[int]) -> list[int | None]:
    """A non-increasing series whose first value (the total) is published: the same rule, from the top."""
    return list(reversed(suppress_series(list(reversed(values)))))
