"""Progress of an indicator against its target: the rule (docs/algorithms/results.md).

    progress = (actual − baseline) / (target − baseline)
    elapsed  = (as_of − start) / (period_end − start)    clipped to 0…1

where ``start`` is the baseline date (the period's start when there is none) and ``as_of`` is the end
of the period the actual was measured for. Because both the actual's and the target's distance from
the baseline carry their sign, the ratio already reads the indicator's direction: a "lower is
better" indicator whose target is below its baseline gains progress as its value falls. A target
equal to the baseline ("hold the line") is met when the actual is no worse, in the indicator's
direction, than the baseline.

    on track   progress ≥ ON_TRACK × elapsed   (or progress ≥ 1: the target is reached)
    at risk    progress ≥ AT_RISK × elapsed
    off track  otherwise
    no data    no actual in the target's period, or no baseline
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

ON_TRACK = 0.9  # at least nine tenths of the progress the elapsed time calls for
AT_RISK = 0.6  # at least six tenths: behind, but within reach

ON_TRACK_STATUS, AT_RISK_STATUS, OFF_TRACK_STATUS, NO_DATA_STATUS = "on_track", "at_risk", "off_track", "no_data"
STATUS_LABELS = {
    ON_TRACK_STATUS: _("On track"),
    AT_RISK_STATUS: _("At risk"),
    OFF_TRACK_STATUS: _("Off track"),
    NO_DATA_STATUS: _("No data"),
}


@dataclass(frozen=True)
class Progress:
    status: str
    progress: float | None  # share of the way from baseline to target (1.0 = reached)
    elapsed: float | None  # share of the period gone by when the actual was measured

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def percent(self) -> float | None:
        return None if self.progress is None else round(100 * self.progress, 1)


def share_elapsed(start: date, end: date, as_of: date) -> float:
    if end <= start:
        return 1.0
    return min(1.0, max(0.0, (as_of - start).days / (end - start).days))


def progress_status(*, baseline: float | None, target: float, actual: float | None, direction: str,
                    start: date, end: date, as_of: date | None) -> Progress:
    """The status of one target, by the rule above."""
    if baseline is None or actual is None or as_of is None:
        return Progress(NO_DATA_STATUS, None, None)
    elapsed = share_elapsed(start, end, as_of)
    if target == baseline:
        better_or_same = actual >= baseline if direction == "higher" else actual <= baseline
        progress = 1.0 if better_or_same else 0.0
    else:
        progress = (actual - baseline) / (target - baseline)
    if progress >= 1 or progress >= ON_TRACK * elapsed:
        status = ON_TRACK_STATUS
    elif progress >= AT_RISK * elapsed:
        status = AT_RISK_STATUS
    else:
        status = OFF_TRACK_STATUS
    return Progress(status, round(progress, 4), round(elapsed, 4))


def target_direction_ok(*, baseline: float | None, target: float, direction: str) -> bool:
    """A target lies on the good side of the baseline (or on it)."""
    if baseline is None:
        return True
    return target >= baseline if direction == "higher" else target <= baseline
