from datetime import date

import pytest

from renkei.core.errors import ApplicationError, NotAllowed
from renkei.core.models import AuditEntry
from renkei.evaluation import services
from renkei.evaluation.models import Actual, Adoption, Evaluation, Result, ResultIndicator, Score, Target
from renkei.evaluation.tests.conftest import scored

pytestmark = pytest.mark.django_db


# --- results ----------------------------------------------------------------------------------------

def test_a_results_chain_is_impact_outcome_output(chain):
    assert chain["outcome"].parent == chain["impact"]
    assert chain["output"].parent == chain["outcome"]
    assert AuditEntry.objects.filter(object_id=str(chain["impact"].pk), action="create").exists()


@pytest.mark.parametrize(("level", "parent", "field"), [
    ("outcome", None, "parent"),     # an outcome needs its impact
    ("output", "impact", "parent"),  # an output hangs under an outcome, not an impact
    ("impact", "impact", "parent"),  # an impact hangs under nothing
    ("middle", None, "level"),
])
def test_a_result_in_the_wrong_place_is_refused(chain, officer, level, parent, field):
    before = Result.objects.count()
    with pytest.raises(ApplicationError) as caught:
        services.result_add(actor=officer, partnership=chain["impact"].partnership,
                            data={"level": level, "parent": chain[parent].pk if parent else None,
                                  "title": {"en": "x"}})
    assert field in caught.value.errors
    assert Result.objects.count() == before


def test_a_result_of_another_partnership_is_no_parent(chain, officer, demo):
    from renkei.partnerships.models import Partnership

    other = Partnership.objects.get(slug="koriyama-essen")
    with pytest.raises(ApplicationError) as caught:
        services.result_add(actor=officer, partnership=other,
                            data={"level": "outcome", "parent": chain["impact"].pk, "title": {"en": "x"}})
    assert "parent" in caught.value.errors


@pytest.mark.parametrize("title", [{"en": "a\x00b"}, {"en": "x" * 501}, {}])
def test_bad_titles_are_refused(kamakura_umea, officer, title):
    with pytest.raises(ApplicationError) as caught:
        services.result_add(actor=officer, partnership=kamakura_umea, data={"level": "impact", "title": title})
    assert any(key.startswith("title") for key in caught.value.errors)


def test_focal_points_of_the_partnership_enter_results_others_do_not(kamakura_umea, kamakura_fp, outsider_fp,
                                                                      evaluator, anonymous):
    services.result_add(actor=kamakura_fp, partnership=kamakura_umea, data={"level": "impact", "title": {"en": "x"}})
    for actor in (outsider_fp, evaluator, anonymous):
        with pytest.raises(NotAllowed):
            services.result_add(actor=actor, partnership=kamakura_umea,
                                data={"level": "impact", "title": {"en": "y"}})
    assert Result.objects.filter(partnership=kamakura_umea).count() == 1


def test_result_update_writes_only_the_fields_given(chain, officer):
    result = services.result_update(actor=officer, result=chain["impact"], data={"position": 3})
    assert result.position == 3 and result.title == {"en": "Citizens shape local solutions"}
    result = services.result_update(actor=officer, result=chain["impact"], data={"title": {"ja": "市民"}})
    assert result.title == {"ja": "市民"} and result.position == 3 and result.version == 3


def test_deleting_a_result_takes_what_hangs_under_it(chain, officer):
    services.result_delete(actor=officer, result=chain["impact"])
    assert not Result.objects.filter(partnership=chain["impact"].partnership).exists()
    assert not ResultIndicator.objects.exists() and not Target.objects.exists()


def test_a_catalogue_indicator_brings_its_unit_and_direction(chain, officer, catalogue_indicator):
    row = services.result_indicator_add(actor=officer, result=chain["impact"],
                                        data={"indicator": "T-WASTE", "baseline_value": 1.0,
                                              "baseline_on": "2017-01-01"})
    assert (row.indicator, row.unit, row.direction) == (catalogue_indicator, "tonnes_per_capita", "lower")
    assert row.name_text == "Waste per person"


@pytest.mark.parametrize(("data", "field"), [
    ({"indicator": "NOPE"}, "indicator"),
    ({"name": {"en": "Meetings"}}, "unit"),
    ({}, "body"),
    ({"name": {"en": "M"}, "unit": "n", "baseline_value": 3}, "baseline_on"),
    ({"name": {"en": "M"}, "unit": "n", "baseline_value": "nan", "baseline_on": "2017-01-01"}, "baseline_value"),
    ({"name": {"en": "M"}, "unit": "n", "baseline_value": 1, "baseline_on": "0999-01-01"}, "baseline_on"),
    ({"name": {"en": "M"}, "unit": "n", "direction": "sideways"}, "direction"),
])
def test_bad_indicators_are_refused(chain, officer, data, field):
    before = ResultIndicator.objects.count()
    with pytest.raises(ApplicationError) as caught:
        services.result_indicator_add(actor=officer, result=chain["impact"], data=data)
    assert field in caught.value.errors, caught.value.errors
    assert ResultIndicator.objects.count() == before


def test_a_target_on_the_wrong_side_of_the_baseline_is_refused(chain, officer):
    with pytest.raises(ApplicationError, match="Higher is better") as caught:
        services.target_set(actor=officer, result_indicator=chain["indicator"],
                            data={"period_start": "2017-01-01", "period_end": "2018-12-31", "value": 1})
    assert "value" in caught.value.errors


def test_a_target_for_the_same_period_replaces_the_first(chain, officer):
    services.target_set(actor=officer, result_indicator=chain["indicator"],
                        data={"period_start": "2017-01-01", "period_end": "2020-12-31", "value": 12})
    assert list(chain["indicator"].targets.values_list("value", flat=True)) == [12]


def test_a_period_must_end_after_it_starts(chain, officer):
    with pytest.raises(ApplicationError):
        services.target_set(actor=officer, result_indicator=chain["indicator"],
                            data={"period_start": "2020-01-01", "period_end": "2019-01-01", "value": 12})
    with pytest.raises(ApplicationError):
        services.target_set(actor=officer, result_indicator=chain["indicator"],
                            data={"period_start": "2020-01-01", "period_end": "2020-01-01", "value": 12})


def test_changing_the_direction_under_its_targets_is_refused(chain, officer):
    with pytest.raises(ApplicationError) as caught:
        services.result_indicator_update(actor=officer, result_indicator=chain["indicator"],
                                         data={"direction": "lower"})
    assert "direction" in caught.value.errors
    chain["indicator"].refresh_from_db()
    assert chain["indicator"].direction == "higher"


def test_baseline_update_writes_only_what_is_given(chain, officer):
    row = services.result_indicator_update(actor=officer, result_indicator=chain["indicator"],
                                           data={"baseline_source": "Kamakura city report"})
    assert (row.baseline_value, row.baseline_source) == (2, "Kamakura city report")


def test_actuals_with_evidence_replace_the_same_period(chain, kamakura_fp):
    data = {"period_start": "2019-01-01", "period_end": "2019-12-31", "value": 7,
            "evidence_url": "https://example.org/report", "source": "city report"}
    services.actual_record(actor=kamakura_fp, result_indicator=chain["indicator"], data=data)
    services.actual_record(actor=kamakura_fp, result_indicator=chain["indicator"], data={**data, "value": 8})
    assert list(Actual.objects.values_list("value", "evidence_url")) == [(8, "https://example.org/report")]


@pytest.mark.parametrize(("data", "field"), [
    ({"evidence_url": "javascript:alert(1)"}, "evidence_url"),
    ({"value": "many"}, "value"),
    ({"source": "x\x00"}, "source"),
    ({"source": "x" * 501}, "source"),
])
def test_bad_actuals_are_refused(chain, officer, data, field):
    base = {"period_start": "2019-01-01", "period_end": "2019-12-31", "value": 7}
    with pytest.raises(ApplicationError) as caught:
        services.actual_record(actor=officer, result_indicator=chain["indicator"], data={**base, **data})
    assert field in caught.value.errors
    assert not Actual.objects.exists()


def test_outsiders_record_no_actuals(chain, outsider_fp, evaluator):
    for actor in (outsider_fp, evaluator):
        with pytest.raises(NotAllowed):
            services.actual_record(actor=actor, result_indicator=chain["indicator"],
                                   data={"period_start": "2019-01-01", "period_end": "2019-12-31", "value": 7})


# --- adoptions --------------------------------------------------------------------------------------

def test_an_adoption_belongs_to_a_place_of_the_partnership(kamakura_umea, kamakura_fp):
    adoption = services.adoption_add(actor=kamakura_fp, partnership=kamakura_umea, data={
        "place": "umea", "practice": {"en": "Umecon town meetings"}, "adopted_on": "2018-05-01"})
    assert adoption.place.slug == "umea"
    with pytest.raises(ApplicationError) as caught:
        services.adoption_add(actor=kamakura_fp, partnership=kamakura_umea, data={
            "place": "toyama", "practice": {"en": "x"}, "adopted_on": "2018-05-01"})
    assert "place" in caught.value.errors
    with pytest.raises(ApplicationError) as caught:
        services.adoption_add(actor=kamakura_fp, partnership=kamakura_umea, data={
            "place": "umea", "practice": {"en": "x"}, "adopted_on": "2010-05-01"})
    assert "adopted_on" in caught.value.errors
    assert Adoption.objects.count() == 1


# --- evaluations ------------------------------------------------------------------------------------

def test_officers_plan_evaluations_others_do_not(kamakura_umea, officer, kamakura_fp, evaluator, anonymous):
    evaluation = services.evaluation_create(actor=officer, partnership=kamakura_umea,
                                            data={"kind": "final", "evaluators": ["eva"]})
    assert evaluation.status == "planned" and list(evaluation.evaluators.all()) == [evaluator]
    for actor in (kamakura_fp, evaluator, anonymous):
        with pytest.raises(NotAllowed):
            services.evaluation_create(actor=actor, partnership=kamakura_umea, data={"kind": "final"})


def test_only_evaluators_are_assigned(kamakura_umea, officer, kamakura_fp, evaluator):
    with pytest.raises(ApplicationError) as caught:
        services.evaluation_create(actor=officer, partnership=kamakura_umea,
                                   data={"kind": "final", "evaluators": ["kamakura-fp", "nobody"]})
    assert len(caught.value.errors["evaluators"]) == 2
    with pytest.raises(ApplicationError):
        services.evaluation_create(actor=officer, partnership=kamakura_umea,
                                   data={"kind": "final", "mode": "self", "evaluators": ["eva"]})
    assert not Evaluation.objects.exists()


@pytest.fixture
def external(kamakura_umea, officer, evaluator):
    return services.evaluation_create(actor=officer, partnership=kamakura_umea,
                                      data={"kind": "final", "evaluators": ["eva"]})


@pytest.fixture
def self_evaluation(kamakura_umea, officer):
    return services.evaluation_create(actor=officer, partnership=kamakura_umea,
                                      data={"kind": "mid_term", "mode": "self"})


SCORE = {"criterion": "relevance", "level": 3, "justification": "Matches both cities' plans"}


def test_assigned_evaluators_score_others_do_not(external, evaluator, other_evaluator, officer, kamakura_fp):
    score = services.score_record(actor=evaluator, evaluation=external, data=SCORE)
    assert score.level == 3
    external.refresh_from_db()
    assert external.status == "in_progress"
    for actor in (other_evaluator, officer, kamakura_fp):
        with pytest.raises(NotAllowed):
            services.score_record(actor=actor, evaluation=external, data=SCORE)


def test_self_evaluations_are_scored_by_the_focal_points(self_evaluation, kamakura_fp, outsider_fp, evaluator):
    services.score_record(actor=kamakura_fp, evaluation=self_evaluation, data=SCORE)
    for actor in (outsider_fp, evaluator):
        with pytest.raises(NotAllowed):
            services.score_record(actor=actor, evaluation=self_evaluation, data=SCORE)


@pytest.mark.parametrize(("data", "field"), [
    ({"level": 5}, "level"), ({"level": 0}, "level"), ({"justification": ""}, "justification"),
    ({"criterion": "beauty"}, "criterion"), ({"evidence": "x" * 4001}, "evidence"),
    ({"justification": "a\x00"}, "justification"),
])
def test_bad_scores_are_refused(external, evaluator, data, field):
    with pytest.raises(ApplicationError) as caught:
        services.score_record(actor=evaluator, evaluation=external, data={**SCORE, **data})
    assert field in caught.value.errors
    assert not Score.objects.exists()
    external.refresh_from_db()
    assert external.status == "planned"


def test_the_lifecycle(external, evaluator, officer):
    with pytest.raises(ApplicationError, match="Score every criterion"):
        services.score_record(actor=evaluator, evaluation=external, data=SCORE)
        services.evaluation_transition(actor=evaluator, evaluation=external, to="submitted")
    scored(external, evaluator)
    with pytest.raises(NotAllowed):
        services.evaluation_transition(actor=officer, evaluation=external, to="submitted")
    services.evaluation_transition(actor=evaluator, evaluation=external, to="submitted")
    with pytest.raises(ApplicationError, match="no longer scored"):
        services.score_record(actor=evaluator, evaluation=external, data=SCORE)
    with pytest.raises(NotAllowed):
        services.evaluation_transition(actor=evaluator, evaluation=external, to="published")
    services.evaluation_transition(actor=officer, evaluation=external, to="in_progress")  # returned
    services.evaluation_transition(actor=evaluator, evaluation=external, to="submitted")
    published = services.evaluation_transition(actor=officer, evaluation=external, to="published")
    assert published.status == "published" and published.published_at and published.submitted_at
    with pytest.raises(ApplicationError):
        services.evaluation_transition(actor=officer, evaluation=external, to="in_progress")
    with pytest.raises(ApplicationError):
        services.evaluation_delete(actor=officer, evaluation=external)
    with pytest.raises(ApplicationError):
        services.evaluation_update(actor=officer, evaluation=external, data={"due_on": "2030-01-01"})


def test_evaluation_update(external, officer, evaluator, other_evaluator):
    changed = services.evaluation_update(actor=officer, evaluation=external,
                                         data={"evaluators": ["otto"], "due_on": "2021-03-31"})
    assert list(changed.evaluators.all()) == [other_evaluator] and changed.due_on == date(2021, 3, 31)
    with pytest.raises(NotAllowed):  # no longer assigned
        services.evaluation_update(actor=evaluator, evaluation=external, data={"summary": {"en": "x"}})
    services.evaluation_update(actor=other_evaluator, evaluation=external, data={"summary": {"en": "Good"}})
    with pytest.raises(NotAllowed):  # a scorer writes the summary only
        services.evaluation_update(actor=other_evaluator, evaluation=external, data={"due_on": "2021-01-01"})
    from renkei.core.errors import Conflict

    with pytest.raises(Conflict):
        services.evaluation_update(actor=officer, evaluation=external, data={"due_on": "2021-01-01"},
                                   expected_version=1)
