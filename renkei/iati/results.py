"""Results frameworks as the exporter reads them: plain data, so that any source of results can be
mapped without the mapping knowing its models.

A source is a callable ``(partnerships) -> {partnership id: [ResultData, …]}``. The exporter's
default, ``framework_results``, reads the evaluation app's results frameworks; ``no_results`` leaves
results out."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any, NotRequired, TypedDict


class PeriodData(TypedDict):
    start: date
    end: date
    target: NotRequired[Decimal | float | int | str | None]
    actual: NotRequired[Decimal | float | int | str | None]


class BaselineData(TypedDict):
    year: int
    date: NotRequired[date | None]
    value: NotRequired[Decimal | float | int | str | None]


class IndicatorData(TypedDict):
    title: dict[str, str]
    measure: str  # IndicatorMeasure: 1 unit, 2 percentage, 5 qualitative…
    ascending: bool
    reference: NotRequired[tuple[str, str] | None]  # (IndicatorVocabulary, code), e.g. ("9", "11.b.2")
    baseline: NotRequired[BaselineData | None]
    periods: NotRequired[list[PeriodData]]


class ResultData(TypedDict):
    type: str  # ResultType: 1 output, 2 outcome, 3 impact
    title: dict[str, str]
    description: NotRequired[dict[str, str]]
    indicators: list[IndicatorData]


ResultsSource = Callable[[Iterable[Any]], dict[int, list[ResultData]]]


def no_results(partnerships: Iterable[Any]) -> dict[int, list[ResultData]]:
    return {}


#: IATI ResultType of each level of a results framework
RESULT_TYPES = {"output": "1", "outcome": "2", "impact": "3"}
_LEVEL_ORDER = {"impact": 0, "outcome": 1, "output": 2}
_SDG_INDICATOR = re.compile(r"^\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2}$")


def _indicator(item) -> IndicatorData:
    catalogue = item.indicator
    title = item.name or (catalogue.name if catalogue is not None else {}) or {"en": str(item)}
    unit = catalogue.unit if catalogue is not None and not item.unit else item.unit
    data: IndicatorData = {
        "title": {k: v for k, v in title.items() if v}, "measure": "2" if unit in ("percent", "%") else "1",
        "ascending": item.direction != "lower",
    }
    if catalogue is not None and _SDG_INDICATOR.match(catalogue.code):
        data["reference"] = ("9", catalogue.code)  # IndicatorVocabulary 9: UN SDG indicators
    if item.baseline_on is not None:
        data["baseline"] = {"year": item.baseline_on.year, "date": item.baseline_on, "value": item.baseline_value}
    periods: dict[tuple[date, date], PeriodData] = {}
    for target in item.targets.all():
        periods.setdefault((target.period_start, target.period_end),
                           {"start": target.period_start, "end": target.period_end})["target"] = target.value
    for actual in item.actuals.all():
        periods.setdefault((actual.period_start, actual.period_end),
                           {"start": actual.period_start, "end": actual.period_end})["actual"] = actual.value
    data["periods"] = [periods[key] for key in sorted(periods) if key[0] <= key[1]]
    return data


def framework_results(partnerships: Iterable[Any]) -> dict[int, list[ResultData]]:
    """Each partnership's results framework (impact, outcomes, outputs; their indicators with the
    baseline and every period's target and actual), in three queries per batch."""
    from django.db.models import Prefetch

    from renkei.evaluation.models import Actual, Result, ResultIndicator, Target

    ids = [p.pk for p in partnerships]
    indicators = ResultIndicator.objects.select_related("indicator").prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("period_start", "id")),
        Prefetch("actuals", queryset=Actual.objects.order_by("period_start", "id")))
    found = Result.objects.filter(partnership_id__in=ids).prefetch_related(Prefetch("indicators", queryset=indicators))
    out: dict[int, list[ResultData]] = {}
    for result in sorted(found, key=lambda r: (_LEVEL_ORDER.get(r.level, 9), r.position, r.pk)):
        items = [_indicator(item) for item in result.indicators.all()]
        if not items:
            continue  # IATI wants a result with at least one indicator
        out.setdefault(result.partnership_id, []).append({
            "type": RESULT_TYPES[result.level], "title": {k: v for k, v in result.title.items() if v},
            "indicators": items})
    return out


def installed_results() -> ResultsSource:
    """The results source the exporter uses by default: the results frameworks."""
    return framework_results
