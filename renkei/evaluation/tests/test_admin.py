"""The admin writes through the services: the same rules, audit and lifecycle."""

import pytest

from renkei.core.models import AuditEntry
from renkei.core.tests.forms import management
from renkei.evaluation.models import Actual, Evaluation, Result, Target
from renkei.evaluation.tests.conftest import scored

pytestmark = pytest.mark.django_db


def _inlines(data, *names):
    for name in names:
        data.update(management(name, 0, 0))
    return data


def test_results_through_the_admin(staff_client, kamakura_umea):
    url = "/admin/evaluation/result/add/"
    assert staff_client.get(url).status_code == 200
    refused = staff_client.post(url, _inlines({"partnership": kamakura_umea.pk, "level": "outcome", "parent": "",
                                               "title_en": "Meetings", "title_ja": "", "position": 0}, "indicators"))
    assert refused.status_code == 200 and "An outcome contributes to an impact" in refused.content.decode()
    assert not Result.objects.exists()
    made = staff_client.post(url, _inlines({"partnership": kamakura_umea.pk, "level": "impact", "parent": "",
                                            "title_en": "Citizens lead", "title_ja": "市民主導", "position": 0},
                                           "indicators"))
    assert made.status_code == 302
    result = Result.objects.get()
    assert result.title == {"en": "Citizens lead", "ja": "市民主導"}
    audited = AuditEntry.objects.filter(object_id=str(result.pk), action="create", content_type__model="result")
    assert audited.count() == 1
    staff_client.post(f"/admin/evaluation/result/{result.pk}/change/",
                      _inlines({"title_en": "Citizens lead locally", "title_ja": "市民主導", "position": 1},
                               "indicators"))
    result.refresh_from_db()
    assert result.title["en"] == "Citizens lead locally" and result.version == 2


def test_targets_and_actuals_through_the_admin(staff_client, chain):
    row = chain["indicator"]
    wrong = staff_client.post("/admin/evaluation/target/add/", {
        "result_indicator": row.pk, "period_start": "2017-01-01", "period_end": "2018-12-31", "value": "1",
        "note": ""})
    assert wrong.status_code == 200 and "Higher is better" in wrong.content.decode()
    assert Target.objects.count() == 1
    bad = staff_client.post("/admin/evaluation/actual/add/", {
        "result_indicator": row.pk, "period_start": "2019-01-01", "period_end": "2019-12-31", "value": "4",
        "evidence_url": "https://example.org", "source": "x\x00"})
    assert bad.status_code in (200, 400) and not Actual.objects.exists()
    ok = staff_client.post("/admin/evaluation/actual/add/", {
        "result_indicator": row.pk, "period_start": "2019-01-01", "period_end": "2019-12-31", "value": "4",
        "evidence_url": "https://example.org", "source": "minutes"})
    assert ok.status_code == 302 and Actual.objects.get().value == 4


def test_evaluations_through_the_admin(staff_client, kamakura_umea, officer, evaluator):
    refused = staff_client.post("/admin/evaluation/evaluation/add/", _inlines({
        "partnership": kamakura_umea.pk, "kind": "final", "mode": "self", "due_on": "",
        "evaluators": [evaluator.pk]}, "scores"))
    assert refused.status_code == 200 and not Evaluation.objects.exists()
    made = staff_client.post("/admin/evaluation/evaluation/add/", _inlines({
        "partnership": kamakura_umea.pk, "kind": "final", "mode": "external", "due_on": "",
        "evaluators": [evaluator.pk]}, "scores"))
    assert made.status_code == 302
    evaluation = Evaluation.objects.get()
    assert list(evaluation.evaluators.all()) == [evaluator]
    scored(evaluation, evaluator)
    from renkei.evaluation import services

    services.evaluation_transition(actor=evaluator, evaluation=evaluation, to="submitted")
    staff_client.post("/admin/evaluation/evaluation/", {"action": "publish", "_selected_action": [evaluation.pk]})
    evaluation.refresh_from_db()
    assert evaluation.status == "published"
    staff_client.post(f"/admin/evaluation/evaluation/{evaluation.pk}/delete/", {"post": "yes"})
    assert Evaluation.objects.filter(pk=evaluation.pk).exists()  # a published evaluation stays
