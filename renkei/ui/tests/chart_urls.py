"""A page with one chart of each kind, for the chart tests only."""

from django.shortcuts import render
from django.urls import include, path

from renkei.ui.charts import Chart, Column, chart_csv_response


def sample_charts() -> list[Chart]:
    places = [Column("place", "Place"), Column("value", "Share", number=True, unit="%")]
    return [
        Chart(
            id="bars",
            kind="bar",
            title="Bars",
            columns=places,
            x="value",
            y="place",
            highlight="me",
            rows=[
                {"place": "Kamaishi", "value": 40.5, "me": True},
                {"place": "Turku", "value": 12},
                {"place": "Essen", "value": None},
            ],
            domain=(0, 100),
        ),
        Chart(
            id="strip",
            kind="strip",
            title="Strip",
            x="value",
            y="indicator",
            highlight="me",
            columns=[Column("indicator", "Indicator"), *places],
            rows=[
                {"indicator": "11.6.2", "place": "Kamaishi", "value": 9.0, "me": True},
                {"indicator": "11.6.2", "place": "=cmd()", "value": 14.2},
                {"indicator": "11.6.2", "place": "Turku", "value": None},
            ],
        ),
        Chart(
            id="line",
            kind="line",
            title="Line",
            x="year",
            y="value",
            series="place",
            columns=[
                Column("place", "Place"),
                Column("year", "Year", number=True),
                Column("value", "Value", number=True),
            ],
            rows=[
                {"place": "Kamaishi", "year": 2020, "value": 1.5},
                {"place": "Kamaishi", "year": 2021, "value": 2.5},
                {"place": "Kamaishi", "year": 2022, "value": None},
            ],
        ),
        Chart(
            id="heat",
            kind="heatmap",
            title="Heat",
            x="criterion",
            y="partnership",
            fill="score",
            domain=(1, 4),
            columns=[
                Column("partnership", "Partnership"),
                Column("criterion", "Criterion"),
                Column("score", "Score", number=True),
            ],
            rows=[
                {"partnership": "A–B", "criterion": "Relevance", "score": 4},
                {"partnership": "A–B", "criterion": "Impact", "score": None},
                {"partnership": "C–D", "criterion": "Relevance", "score": 2},
            ],
        ),
        Chart(
            id="sides",
            kind="strip",
            title="Sides",
            x="score",
            y="partnership",
            fill="side",
            domain=(0, 1),
            columns=[Column("partnership", "Partnership"), Column("side", "Side"),
                     Column("score", "Score", number=True)],
            rows=[
                {"partnership": "A–B", "side": "Japanese side", "score": 0.8},
                {"partnership": "A–B", "side": "Partner side", "score": 0.6},
                {"partnership": "C–D", "side": "Japanese side", "score": None},
                {"partnership": "C–D", "side": "Partner side", "score": 0.3},
            ],
        ),
        Chart(
            id="series",
            kind="line",
            title="Series",
            x="year",
            y="value",
            series="series",
            columns=[Column("year", "Year", number=True), Column("series", "Series"),
                     Column("value", "Value", number=True)],
            rows=[{"year": year, "series": name, "value": value}
                  for year, own, median in ((2020, 1.0, 2.0), (2021, None, 2.5), (2022, 1.5, 2.0))
                  for name, value in (("釜石市", own), ("比較対象の中央値", median))],
        ),
    ]


def charts_page(request):
    charts = sample_charts()
    if response := chart_csv_response(request, charts):
        return response
    return render(request, "ui/tests/charts.html", {"charts": charts})


urlpatterns = [path("test-charts/", charts_page), path("", include("renkei.config.urls"))]
