"""The results portfolio and the scoring of an evaluation in headless Chromium, in English and
Japanese, on a desktop and a 390 px phone: every chart's drawn marks are its table's rows.
RENKEI_SCREENSHOTS=1 refreshes docs/screenshots/."""

import os
from pathlib import Path

import pytest

from renkei.accounts.tests.browser import sign_in
from renkei.ui.tests.charts import chart_marks_match_table

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
PORTFOLIO = "/programmes/eu-international-urban-cooperation/portfolio/"
CHARTS = ("criteria-heatmap", "indicator-progress", "learning-by-side")


def shot(page, name: str) -> None:
    if os.environ.get("RENKEI_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def demo_site(transactional_db, whole_demo):
    whole_demo()  # every app's demo data and the demo accounts


def _cells(page, chart_id):
    return page.locator(f"figure[data-chart='{chart_id}'] tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent.trim()))")


def test_the_portfolio_then_scoring_an_evaluation(browser, live_server, demo_site):
    """The portfolio is read first, then an evaluation scored: one test, so the demo is loaded once."""
    the_portfolio_shows_the_heat_map_and_two_way_learning(browser, live_server)
    an_evaluator_scores_on_the_rubric_from_a_phone(browser, live_server)


def the_portfolio_shows_the_heat_map_and_two_way_learning(browser, live_server) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 1000})
    errors, outside = [], []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("request", lambda r: r.url.startswith(live_server.url) or outside.append(r.url))
    page.goto(live_server.url + PORTFOLIO)
    for chart_id in CHARTS:
        chart_marks_match_table(page, chart_id)
    heat = _cells(page, "criteria-heatmap")
    kamakura = [row for row in heat if row[0].startswith("Kamakura")]
    assert [row[1] for row in kamakura][0] == "Relevance" and kamakura[0][2] == "4"
    assert {row[2] for row in heat if row[0].startswith("Nagano")} == {"missing"}  # nothing published there
    marks = page.locator("figure[data-chart='criteria-heatmap'] .chart-canvas svg title").count()
    assert marks == len([row for row in heat if row[2] != "missing"])
    learning = _cells(page, "learning-by-side")
    sides = {row[1] for row in learning if row[0].startswith("Kamakura")}
    assert sides == {"Japanese side", "Partner side"}
    assert all(float(row[2]) > 0 for row in learning if row[0].startswith("Kamakura"))
    assert page.locator("[data-two-way]").inner_text() == "1"  # Kamakura–Umeå; Koriyama–Essen one-way
    shot(page, "results-portfolio")

    page.locator("[data-language-switch] button[value=ja], [data-language-switch] [value=ja]").first.click()
    page.wait_for_load_state()
    page.goto(live_server.url + PORTFOLIO)
    assert page.locator("html").get_attribute("lang") == "ja"
    for chart_id in CHARTS:
        chart_marks_match_table(page, chart_id)
    body = page.locator("body").inner_text()
    assert "成果ポートフォリオ" in body and "相互学習" in body
    learning_ja = _cells(page, "learning-by-side")
    assert {row[1] for row in learning_ja if row[0].startswith("鎌倉")} == {"日本側", "相手側"}
    assert [row[1] for row in _cells(page, "criteria-heatmap")][:2] == ["妥当性", "整合性"]
    shot(page, "results-portfolio-ja")

    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(live_server.url + PORTFOLIO)
    chart_marks_match_table(phone, "criteria-heatmap")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    phone.goto(live_server.url + "/partnerships/kamakura-umea/results/")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    shot(phone, "results-framework-phone")
    assert errors == [] and outside == []


def an_evaluator_scores_on_the_rubric_from_a_phone(browser, live_server) -> None:
    from renkei.evaluation.models import Evaluation

    evaluation = Evaluation.objects.get(partnership__slug="nagano-obuse-turku")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    sign_in(page, live_server.url, "evaluator")
    page.goto(f"{live_server.url}/evaluations/{evaluation.pk}/")
    form = page.locator("#criterion-relevance form")
    assert "Answers priorities written in both cities' plans" in form.inner_text()
    form.locator("button[type=submit]").click()  # nothing chosen: refused, nothing saved
    page.wait_for_load_state()
    assert page.locator("#criterion-relevance .error-summary").count() == 1
    form = page.locator("#criterion-relevance form")
    form.locator("input[name='relevance-level'][value='3']").check()
    form.locator("textarea[name='relevance-justification']").fill("Both cities' circular-economy plans name it.")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    evaluation.refresh_from_db()
    assert evaluation.status == "in_progress" and evaluation.scores.get().level == 3
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    shot(page, "evaluation-scoring-phone")
