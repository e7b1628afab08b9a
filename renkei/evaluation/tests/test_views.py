import csv
import io
import re

import pytest
from django.urls import reverse

from renkei.evaluation import services
from renkei.evaluation.models import Actual, Evaluation, Result, Score
from renkei.evaluation.tests.conftest import scored

pytestmark = pytest.mark.django_db


def test_the_results_page_shows_the_chain_and_its_status(client, chain, officer):
    services.actual_record(actor=officer, result_indicator=chain["indicator"],
                           data={"period_start": "2019-01-01", "period_end": "2019-01-01", "value": 3,
                                 "is_sample": True})
    page = client.get(reverse("evaluation:results", args=["kamakura-umea"]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Citizens shape local solutions" in text and "Umecons run" in text
    assert 'data-status="off_track"' in text and "sample value" in text
    assert 'id="form-result"' not in text  # visitors enter nothing


def test_the_results_chain_is_named_in_japanese(client, chain):
    page = client.get(reverse("evaluation:results", args=["kamakura-umea"]), HTTP_ACCEPT_LANGUAGE="ja")
    badges = re.findall(r'<span class="badge">([^<]+)</span>', page.content.decode())
    assert badges[:3] == ["インパクト", "アウトカム", "アウトプット"]  # not 結果, a decision's outcome elsewhere


def test_the_progress_export_in_japanese(client, chain, officer):
    services.actual_record(actor=officer, result_indicator=chain["indicator"],
                           data={"period_start": "2019-01-01", "period_end": "2019-12-31", "value": 3,
                                 "is_sample": True})
    body = client.get(reverse("evaluation:portfolio", args=["eu-international-urban-cooperation"]),
                      {"format": "csv", "table": "progress"}, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    row = next(r for r in csv.reader(io.StringIO(body)) if r[0] == "kamakura-umea")
    assert row[1] == "アウトカム" and row[-1] == "はい"  # a sample value: yes, not a decision's 採用


def test_a_focal_point_enters_results_on_the_page(client, kamakura_umea, kamakura_fp):
    client.force_login(kamakura_fp)
    url = reverse("evaluation:results-add", args=["kamakura-umea", "result"])
    bad = client.post(url, {"level": "outcome", "title_en": "Meetings"})
    assert bad.status_code == 422 and "An outcome contributes to an impact" in bad.content.decode()
    assert not Result.objects.exists()
    ok = client.post(url, {"level": "impact", "title_en": "Citizens lead", "title_ja": "市民主導"})
    assert ok.status_code == 302
    impact = Result.objects.get()
    client.post(reverse("evaluation:results-add", args=["kamakura-umea", "indicator"]),
                {"result": impact.pk, "name_en": "Meetings", "unit": "n", "direction": "higher",
                 "baseline_value": "0", "baseline_on": "2017-01-01"})
    indicator = impact.indicators.get()
    target = client.post(reverse("evaluation:results-add", args=["kamakura-umea", "target"]),
                         {"result_indicator": indicator.pk, "period_start": "2017-01-01",
                          "period_end": "2020-12-31", "value": "-3"})
    assert target.status_code == 422 and "Higher is better" in target.content.decode()
    bad_actual = client.post(reverse("evaluation:results-add", args=["kamakura-umea", "actual"]),
                             {"result_indicator": indicator.pk, "period_start": "2019-01-01",
                              "period_end": "2019-12-31", "value": "4", "evidence_url": "ftp://x"})
    assert bad_actual.status_code == 422 and not Actual.objects.exists()
    assert client.post(reverse("evaluation:results-add", args=["kamakura-umea", "nothing"])).status_code == 404


def test_others_may_not_enter_results(client, kamakura_umea, outsider_fp, evaluator):
    url = reverse("evaluation:results-add", args=["kamakura-umea", "result"])
    assert client.post(url, {"level": "impact", "title_en": "x"}).status_code == 302  # to sign in
    for user in (outsider_fp, evaluator):
        client.force_login(user)
        assert client.post(url, {"level": "impact", "title_en": "x"}).status_code == 403
    assert not Result.objects.exists()


def test_only_officers_plan_evaluations_on_the_results_page(client, kamakura_umea, kamakura_fp, evaluator):
    """The planning form is not shown to others; a post of it is refused whole, valid or not (it used to
    answer an incomplete one with the page and no form to show its errors on)."""
    url = reverse("evaluation:results-add", args=["kamakura-umea", "evaluation"])
    for user in (kamakura_fp, evaluator):
        client.force_login(user)
        for data in ({"kind": "final"}, {"kind": "final", "mode": "self"}):
            assert client.post(url, data).status_code == 403
    assert not Evaluation.objects.exists()


def test_an_officer_plans_and_an_evaluator_scores_on_the_page(client, kamakura_umea, officer, evaluator,
                                                             other_evaluator):
    client.force_login(officer)
    made = client.post(reverse("evaluation:results-add", args=["kamakura-umea", "evaluation"]),
                       {"kind": "final", "mode": "external", "evaluators": ["eva"]})
    evaluation = Evaluation.objects.get()
    assert made.status_code == 302 and made["Location"] == reverse("evaluation:evaluation", args=[evaluation.pk])
    page = reverse("evaluation:evaluation", args=[evaluation.pk])
    score_url = reverse("evaluation:score", args=[evaluation.pk, "relevance"])
    assert client.post(score_url, {"relevance-level": "3", "relevance-justification": "x"}).status_code == 403
    client.force_login(other_evaluator)
    assert client.get(page).status_code == 404
    client.force_login(evaluator)
    form = client.get(page).content.decode()
    assert "Answers priorities written in both cities" in form  # the rubric on the form
    missing = client.post(score_url, {"relevance-level": "3", "relevance-justification": ""})
    assert missing.status_code == 422 and not Score.objects.exists()
    client.post(score_url, {"relevance-level": "3", "relevance-justification": "Both plans name it"})
    assert Score.objects.get().level == 3
    step = client.post(reverse("evaluation:step", args=[evaluation.pk]), {"to": "submitted"}, follow=True)
    assert "Score every criterion" in step.content.decode()
    scored(evaluation, evaluator)
    client.post(reverse("evaluation:step", args=[evaluation.pk]), {"to": "submitted"})
    client.force_login(officer)
    client.post(reverse("evaluation:step", args=[evaluation.pk]), {"to": "published"})
    client.logout()
    public = client.get(page)
    assert public.status_code == 200 and "Both plans name it" not in public.content.decode()  # rescored by scored()
    assert "Evaluators" not in public.content.decode()


def test_visitors_see_published_evaluations_only(client, kamakura_umea, officer):
    evaluation = services.evaluation_create(actor=officer, partnership=kamakura_umea, data={"kind": "mid_term"})
    assert client.get(reverse("evaluation:evaluation", args=[evaluation.pk])).status_code == 404
    detail = client.get(reverse("partnerships:detail", args=["kamakura-umea"])).content.decode()
    assert "No evaluation published yet." in detail and reverse("evaluation:results", args=["kamakura-umea"]) in detail


def test_the_rubric_page_in_both_languages(client):
    assert "Highly satisfactory" in client.get(reverse("evaluation:rubric")).content.decode()
    ja = client.get(reverse("evaluation:rubric"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "相互学習" in ja and "妥当性" in ja


def test_the_portfolio_with_filters_and_exports(client, kamakura_umea, officer, evaluator, admin_user):
    evaluation = services.evaluation_create(actor=officer, partnership=kamakura_umea,
                                            data={"kind": "final", "evaluators": ["eva"]})
    scored(evaluation, evaluator, level=4)
    services.evaluation_transition(actor=evaluator, evaluation=evaluation, to="submitted")
    services.evaluation_transition(actor=officer, evaluation=evaluation, to="published")
    url = reverse("evaluation:portfolio", args=["eu-international-urban-cooperation"])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-chart="criteria-heatmap"' in text and 'data-chart="learning-by-side"' in text
    heat = client.get(url, {"chart": "criteria-heatmap", "format": "csv"}).content.decode()
    rows = list(csv.reader(io.StringIO(heat)))
    assert rows[0] == ["Partnership", "Criterion", "Rubric level"]
    kamakura = [r for r in rows if r[0].startswith("Kamakura")]
    assert len(kamakura) == 7 and {r[2] for r in kamakura} == {"4"}
    assert {r[2] for r in rows[1:] if r[0].startswith("Koriyama")} == {""}  # no published evaluation: missing
    scores = client.get(url, {"format": "csv", "table": "scores"}).content.decode()
    assert scores.splitlines()[0].startswith("Partnership,Name of the partnership,Kind,Relevance")
    assert "kamakura-umea" in scores
    filtered = client.get(url, {"format": "csv", "kind": "bilateral", "country": "SE"}).content.decode()
    assert "kamakura-umea" in filtered and "koriyama-essen" not in filtered
    xlsx = client.get(url, {"format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Criteria by partnership", "Indicator progress", "Learning by side"]
    assert client.get(reverse("evaluation:portfolio", args=["nowhere"])).status_code == 404
    assert client.get(url, {"kind": "x" * 5000, "page": 10**20}).status_code == 200
    assert client.get(reverse("evaluation:portfolio-all")).status_code == 302
    client.force_login(officer)
    assert client.get(reverse("evaluation:portfolio-all")).status_code == 403
    client.force_login(admin_user)
    assert client.get(reverse("evaluation:portfolio-all")).status_code == 200


def test_exports_escape_formulas(client, kamakura_umea, officer):
    services.result_add(actor=officer, partnership=kamakura_umea, data={"level": "impact", "title": {"en": "x"}})
    result = Result.objects.get()
    services.result_indicator_add(actor=officer, result=result,
                                  data={"name": {"en": "=HYPERLINK(\"http://x\")"}, "unit": "@n"})
    body = client.get(reverse("evaluation:portfolio", args=["eu-international-urban-cooperation"]),
                      {"format": "csv", "table": "progress"}).content.decode()
    assert "'=HYPERLINK" in body and ",'@n," in body
