"""The benchmarking page's charts (ADR 7): the profile of percentile ranks across indicators (bar),
the group's distribution of one indicator with the place marked (strip), and the place's time
series beside the peers' median (line). Missing values stay missing: no mark, "missing" in the table."""

from __future__ import annotations

from django.utils.translation import gettext as _

from renkei.indicators.selectors import Benchmark
from renkei.ui.charts import Chart, Column


def _status(ranked) -> str:
    return {"ranked": _("ranked"), "missing": _("no value of this place"),
            "too_few": _("too few peers with a value")}[ranked.status]


def _unit(indicator) -> str:
    return indicator.get_unit_display()


def benchmark_charts(bench: Benchmark) -> dict[str, Chart]:
    place = bench.place.name
    charts = {"profile": Chart(
        id="profile", kind="bar", title=_("Percentile rank of %(place)s on each indicator (100: better than every "
                                          "peer)") % {"place": place},
        columns=[Column("indicator", _("Indicator")), Column("percentile", _("Percentile rank"), number=True),
                 Column("peers", _("Peers with a value"), number=True), Column("status", _("Status"))],
        rows=[{"indicator": i.code, "percentile": r.rank, "peers": r.peers, "status": _status(r)}
              for i, r in bench.rows],
        x="percentile", y="indicator", label="indicator", domain=(0, 100),
        note=_("Missing values are shown as missing, never as zero. A rank needs at least %(n)s peers with a "
               "value.") % {"n": bench.min_peers})}
    selected = bench.selected
    if selected is None:
        return charts
    name = selected.code
    charts["distribution"] = Chart(
        id="distribution", kind="strip",
        title=_("%(indicator)s: %(place)s among its peers (latest value %(first)s–%(last)s)") % {
            "indicator": name, "place": place, "first": bench.first_year, "last": bench.last_year},
        columns=[Column("place", _("Place")), Column("indicator", _("Indicator")),
                 Column("value", _("Value"), number=True, unit=_unit(selected), decimals=2),
                 Column("year", _("Year"))],
        rows=[{"place": p.name, "indicator": selected.code, "value": v, "year": str(y) if y else None,
               "highlight": p.pk == bench.place.pk} for p, v, y in bench.distribution],
        x="value", y="indicator", highlight="highlight", label="place",
        note=_("%(direction)s. Peers without a value in the window are listed as missing.") % {
            "direction": selected.get_direction_display()})
    charts["series"] = Chart(
        id="series", kind="line", title=_("%(indicator)s over the years: %(place)s and the peers' median") % {
            "indicator": name, "place": place},
        columns=[Column("year", _("Year"), number=True, decimals=0), Column("series", _("Series")),
                 Column("value", _("Value"), number=True, unit=_unit(selected), decimals=2)],
        rows=[row for year, own, median in bench.series for row in (
            {"year": year, "series": place, "value": own},
            {"year": year, "series": _("Peers' median"), "value": median})],
        x="year", y="value", series="series", label="series")
    return charts
