import pytest

from renkei.core.errors import NotAllowed
from renkei.evaluation import selectors, services
from renkei.evaluation.tests.conftest import scored

pytestmark = pytest.mark.django_db


@pytest.fixture
def both(kamakura_umea, officer, evaluator):
    external = services.evaluation_create(actor=officer, partnership=kamakura_umea,
                                          data={"kind": "final", "evaluators": ["eva"]})
    own = services.evaluation_create(actor=officer, partnership=kamakura_umea, data={"kind": "mid_term",
                                                                                     "mode": "self"})
    return external, own


def _visible(viewer):
    return set(selectors.evaluation_list(viewer=viewer).values_list("pk", flat=True))


def test_who_sees_which_evaluation(both, officer, evaluator, other_evaluator, kamakura_fp, outsider_fp, anonymous,
                                   admin_user):
    external, own = both
    assert _visible(officer) == _visible(admin_user) == {external.pk, own.pk}
    assert _visible(evaluator) == {external.pk}
    assert _visible(kamakura_fp) == {own.pk}
    assert _visible(other_evaluator) == _visible(outsider_fp) == _visible(anonymous) == set()
    scored(external, evaluator)
    services.evaluation_transition(actor=evaluator, evaluation=external, to="submitted")
    services.evaluation_transition(actor=officer, evaluation=external, to="published")
    assert _visible(anonymous) == _visible(outsider_fp) == {external.pk}
    assert _visible(kamakura_fp) == {external.pk, own.pk}


def test_an_unpublished_partnership_hides_its_published_evaluation(both, officer, evaluator, anonymous):
    external, _own = both
    scored(external, evaluator)
    services.evaluation_transition(actor=evaluator, evaluation=external, to="submitted")
    services.evaluation_transition(actor=officer, evaluation=external, to="published")
    external.partnership.__class__.objects.filter(pk=external.partnership_id).update(is_published=False)
    assert _visible(anonymous) == set()


def test_the_current_target_and_the_progress_of_an_indicator(chain, officer):
    row = chain["indicator"]
    services.target_set(actor=officer, result_indicator=row,
                        data={"period_start": "2021-01-01", "period_end": "2022-12-31", "value": 14})
    services.actual_record(actor=officer, result_indicator=row,
                           data={"period_start": "2020-01-01", "period_end": "2020-12-31", "value": 9})
    progress = selectors.indicator_progress(row)
    assert [t.progress.status for t in progress.targets] == ["at_risk", "no_data"]
    assert progress.current.target.value == 10  # the period holding the latest actual
    services.actual_record(actor=officer, result_indicator=row,
                           data={"period_start": "2021-01-01", "period_end": "2021-12-31", "value": 13})
    progress = selectors.indicator_progress(row)
    assert progress.current.target.value == 14 and progress.current.progress.status == "on_track"


def test_the_portfolio_filters_and_the_administrators_view(kamakura_umea, officer, admin_user, anonymous):
    report = selectors.portfolio(viewer=anonymous, programme="eu-international-urban-cooperation")
    assert report.total == 3 and len(report.rows) == 3
    assert [r.partnership.slug for r in selectors.portfolio(
        viewer=anonymous, programme="eu-international-urban-cooperation", theme="participatory-innovation").rows] \
        == ["kamakura-umea"]
    assert selectors.portfolio(viewer=anonymous, programme="eu-international-urban-cooperation",
                               kind="triangular").rows == []
    everything = selectors.portfolio(viewer=admin_user, programme=None)
    assert everything.programme is None and everything.total == 5
    with pytest.raises(NotAllowed):
        selectors.portfolio(viewer=officer, programme=None)
