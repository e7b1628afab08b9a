"""Percentile ranks of a place among its peers, with missing data kept missing.

The maths (``percentile_rank``, ``rank_all``) is numpy over the values the database gives in one
query: each peer's latest yearly total (no period, no disaggregation) of every indicator within a
window of years. See docs/algorithms/benchmarking.md for the rules and a worked example."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from renkei.indicators.models import Value

MIN_PEERS = 4  # peers with a value needed before a place is ranked
DEFAULT_WINDOW = 5  # years: the window ends at the reference year
# yearly totals (no period, no disaggregation) within the window of years
WHERE = "WHERE period = '' AND disaggregation = '' AND year BETWEEN %s AND %s"


def percentile_rank(own: float, others: np.ndarray, direction: str) -> float:
    """The share (0–100) of ``others`` the place does better than, ties counting half. With
    "lower is better", a smaller value is better. ``others`` excludes the place itself."""
    worse = np.count_nonzero(others > own) if direction == "lower" else np.count_nonzero(others < own)
    ties = np.count_nonzero(others == own)
    return float(100.0 * (worse + 0.5 * ties) / others.size)


@dataclass
class Latest:
    """Rows of (place, indicator, year, value): each place's latest value of each indicator."""

    place: np.ndarray
    indicator: np.ndarray
    year: np.ndarray
    value: np.ndarray

    @classmethod
    def of(cls, rows: list[tuple]) -> Latest:
        if not rows:
            empty = np.empty(0, dtype=np.int64)
            return cls(empty, empty, empty, np.empty(0, dtype=np.float64))
        array = np.array(rows, dtype=np.float64)
        return cls(array[:, 0].astype(np.int64), array[:, 1].astype(np.int64), array[:, 2].astype(np.int64),
                   array[:, 3])


@dataclass
class Ranked:
    """One indicator's result for the place."""

    indicator_id: int
    direction: str
    value: float | None = None
    year: int | None = None
    peers: int = 0  # peers (the place excluded) with a value
    rank: float | None = None
    status: str = "missing"  # ranked, missing (the place has no value), too_few (peers with a value)
    median: float | None = None
    low: float | None = None
    high: float | None = None
    extra: dict = field(default_factory=dict)


def rank_all(latest: Latest, place_id: int, directions: dict[int, str], *, min_peers: int = MIN_PEERS) -> list[Ranked]:
    """Rank ``place_id`` on every indicator in ``directions`` (indicator id → "higher"/"lower")."""
    out = []
    order = np.argsort(latest.indicator, kind="stable")
    indicators = latest.indicator[order]
    starts = np.searchsorted(indicators, list(directions), side="left")
    ends = np.searchsorted(indicators, list(directions), side="right")
    for (indicator_id, direction), start, end in zip(directions.items(), starts, ends, strict=True):
        rows = order[start:end]
        places, values = latest.place[rows], latest.value[rows]
        own = places == place_id
        others = values[~own]
        result = Ranked(indicator_id, direction, peers=int(others.size))
        if others.size:
            result.median = float(np.median(others))
            result.low, result.high = float(others.min()), float(others.max())
        if own.any():
            result.value = float(values[own][0])
            result.year = int(latest.year[rows][own][0])
            if others.size >= min_peers:
                result.rank = percentile_rank(result.value, others, direction)
                result.status = "ranked"
            else:
                result.status = "too_few"
        out.append(result)
    return out


def latest_values(place_ids: list[int], first_year: int, last_year: int,
                  indicator_ids: list[int] | None = None) -> Latest:
    """Each place's latest yearly total of each indicator within [first_year, last_year]: one query
    (PostgreSQL: DISTINCT ON; SQLite: MAX() with bare columns, which take the row of the maximum)."""
    if not place_ids:
        return Latest.of([])
    table = Value._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            extra = " AND indicator_id = ANY(%s)" if indicator_ids else ""
            sql = (f"SELECT DISTINCT ON (place_id, indicator_id) place_id, indicator_id, year, value "  # noqa: S608
                   f"FROM {table} {WHERE} AND place_id = ANY(%s){extra} ORDER BY place_id, indicator_id, year DESC")
            cursor.execute(sql, [first_year, last_year, list(place_ids),
                                 *([list(indicator_ids)] if indicator_ids else [])])
            return Latest.of(cursor.fetchall())
        rows = []
        for start in range(0, len(place_ids), 900):  # SQLite's limit on parameters
            chunk = list(place_ids[start:start + 900])
            marks = ",".join(["%s"] * len(chunk))
            extra = ""
            if indicator_ids:
                extra = f" AND indicator_id IN ({','.join(['%s'] * len(indicator_ids))})"
            sql = (f"SELECT place_id, indicator_id, MAX(year), value "  # noqa: S608
                   f"FROM {table} {WHERE} AND place_id IN ({marks}){extra} GROUP BY place_id, indicator_id")
            cursor.execute(sql, [first_year, last_year, *chunk, *(indicator_ids or [])])
            rows.extend(cursor.fetchall())
        return Latest.of(rows)
