import struct
from pathlib import Path
from xml.etree import ElementTree

import pytest

from renkei.ui.charts import Chart, Column
from renkei.ui.tests.chart_urls import sample_charts
from renkei.ui.tests.charts import chart_marks_match_table

SVG = "http://www.w3.org/2000/svg"


def _bars() -> Chart:
    return sample_charts()[0]


def test_missing_values_are_shown_as_missing_and_never_drawn():
    chart = _bars()
    table = chart.table()
    assert [row["drawn"] for row in table] == [True, True, False]
    assert table[2]["cells"][1] == {"text": "missing", "missing": True, "number": True}
    assert [row["place"] for row in chart.spec()["rows"]] == ["Kamaishi", "Turku"]
    assert all(row["value"] != 0 for row in chart.spec()["rows"])
    line = sample_charts()[2].spec()
    assert [row["value"] for row in line["line"]] == [1.5, 2.5, None]  # the line breaks at the missing year
    assert len(line["rows"]) == 2  # and no dot is drawn for it


def test_a_mark_is_titled_by_its_table_row():
    chart = _bars()
    titles = [row["_title"] for row in chart.spec()["rows"]]
    assert titles == ["Place: Kamaishi · Share: 40.5", "Place: Turku · Share: 12"]
    assert [row["title"] for row in chart.table() if row["drawn"]] == titles
    assert chart.spec()["rows"][0]["_highlight"] is True


def test_csv_has_every_row_missing_as_empty_and_formulas_escaped():
    strip = sample_charts()[1]
    lines = strip.csv().splitlines()
    assert lines[0] == "Indicator,Place,Share"
    assert lines[2].startswith("11.6.2,'=cmd()")
    assert lines[3] == "11.6.2,Turku,"


def test_a_chart_must_name_its_own_columns():
    with pytest.raises(ValueError, match="not one of its columns"):
        Chart(id="x", kind="bar", title="X", columns=[Column("a", "A")], rows=[], x="a", y="b")
    with pytest.raises(ValueError, match="lowercase"):
        Chart(id="X Y", kind="bar", title="X", columns=[Column("a", "A")], rows=[], x="a", y="a")


@pytest.mark.urls("renkei.ui.tests.chart_urls")
def test_csv_download_keeps_the_page_query(client):
    response = client.get("/test-charts/", {"chart": "line", "format": "csv", "q": "x"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines() == ["Place,Year,Value", "Kamaishi,2020,1.5", "Kamaishi,2021,2.5",
                                                       "Kamaishi,2022,"]
    page = client.get("/test-charts/", {"q": "x"}).content.decode()
    assert "/test-charts/?q=x&amp;chart=line&amp;format=csv" in page


@pytest.mark.browser
@pytest.mark.urls("renkei.ui.tests.chart_urls")
@pytest.mark.django_db(transaction=True)
def test_every_kind_of_chart_is_drawn_as_its_table_says(browser, live_server):
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    errors, outside = [], []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("request", lambda r: r.url.startswith(live_server.url) or outside.append(r.url))
    page.goto(live_server.url + "/test-charts/")
    for chart in sample_charts():
        titles = chart_marks_match_table(page, chart.id)
        assert len(titles) == len(chart.drawn_rows())
    highlighted = page.locator("figure[data-chart=bars] svg title", has_text="Kamaishi")
    assert highlighted.count() == 1
    with page.expect_download() as download:
        page.locator("figure[data-chart=bars] [data-chart-download=svg]").click()
    assert download.value.suggested_filename == "bars.svg"
    with page.expect_download() as download:
        page.locator("figure[data-chart=heat] [data-chart-download=png]").click()
    assert download.value.suggested_filename == "heat.png"
    assert errors == [] and outside == []


def _download(page, chart_id: str, kind: str) -> bytes:
    with page.expect_download() as download:
        page.locator(f"figure[data-chart={chart_id}] [data-chart-download={kind}]").click()
    assert download.value.suggested_filename == f"{chart_id}.{kind}"
    return Path(download.value.path()).read_bytes()


@pytest.mark.browser
@pytest.mark.urls("renkei.ui.tests.chart_urls")
@pytest.mark.django_db(transaction=True)
def test_a_downloaded_picture_is_the_whole_chart_with_its_legend(browser, live_server):
    """Plot puts a legend above the chart: the SVG and PNG downloads hold both, with every mark the
    table lists, not the legend's first square."""
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(live_server.url + "/test-charts/")
    charts = {chart.id: chart for chart in sample_charts()}
    legends = {"sides": ["Japanese side", "Partner side"], "series": ["釜石市", "比較対象の中央値"], "heat": [],
               "bars": []}
    for chart_id, labels in legends.items():
        titles = chart_marks_match_table(page, chart_id)
        svg = ElementTree.fromstring(_download(page, chart_id, "svg"))  # noqa: S314 - our page; well-formed XML
        assert svg.tag == f"{{{SVG}}}svg" and float(svg.get("width")) > 200 and float(svg.get("height")) > 60
        assert sorted(t.text for t in svg.iter(f"{{{SVG}}}title")) == sorted(titles)
        assert len(titles) == len(charts[chart_id].drawn_rows())
        texts = [t.text for t in svg.iter(f"{{{SVG}}}text")]
        assert all(label in texts for label in labels)
        png = _download(page, chart_id, "png")
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", png[16:24])
        assert (width, height) == (2 * int(svg.get("width")), 2 * int(svg.get("height")))
    # a missing year breaks its series' line (釜石市 has no 2021): two pieces, not one joined line
    pieces = page.locator("figure[data-chart=series] .chart-canvas svg path[stroke]").evaluate_all(
        "paths => paths.map(p => (p.getAttribute('d').match(/M/g) || []).length)")
    assert sorted(pieces) == [1, 2]
    # the heat map's colour ramp is part of its picture, and the place's series keeps the first colour
    heat = ElementTree.fromstring(_download(page, "heat", "svg"))  # noqa: S314 - made by our own page
    assert len(heat.findall(f"{{{SVG}}}svg")) == 2
    swatches = page.locator("figure[data-chart=series] span[class$='-swatch']")
    assert swatches.first.inner_text() == "釜石市"
    box = swatches.first.locator("svg").bounding_box()
    label = swatches.first.bounding_box()
    assert label["height"] < 2 * box["height"]  # the square beside its label, not above it


def test_the_table_html_escapes_every_text_and_marks_missing_and_drawn_rows():
    chart = sample_charts()[1]
    html = str(chart.table_html())
    assert html.count("<tr") == 3 and html.count(" data-drawn") == 2
    assert '<span class="missing">missing</span>' in html
    assert 'class="highlight"' in html
    assert "=cmd()" in html and "<script" not in html
    evil = Chart(id="x", kind="bar", title="X", columns=[Column("a", "A"), Column("v", "V", number=True)],
                 rows=[{"a": '<b onclick="x">', "v": 1}], x="v", y="a")
    assert "&lt;b onclick=&quot;x&quot;&gt;" in str(evil.table_html())
