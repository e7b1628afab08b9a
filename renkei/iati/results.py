"""Results frameworks as the exporter reads them: plain data, so that any source of results (the
evaluation app's frameworks) can be mapped without the exporter knowing its models.

A source is a callable ``(partnerships) -> {partnership id: [ResultData, …]}``. ``no_results``
is the default while no results framework is installed."""

from __future__ import annotations

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


def installed_results() -> ResultsSource:
    """The results source the exporter uses by default."""
    return no_results
