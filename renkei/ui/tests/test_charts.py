import pytest

from renkei.ui.charts import Chart, Column
from renkei.ui.tests.chart_urls import sample_charts
from renkei.ui.tests.charts import chart_marks_match_table


def _bars() -> Chart:
    return sample_charts()[0]


def test_missing_values_are_shown_as_missing_and_never_drawn():
    chart = _bars()
    table = chart.table()
    assert [row["drawn"] for row in table] == [True, True, False]
    assert table[2]["cells"][1] == {"text": "missing", "missing": True, "number": True}
    assert [row["place"] for row in chart.spec()["rows"]] == ["Kamaishi", "Turku"]
    assert all(row["value"] != 0 for row in chart.spec()["rows"])


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
