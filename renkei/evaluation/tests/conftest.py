"""Shared fixtures: the demo partnerships, an indicator of the catalogue and a user per role."""

import pytest

from renkei.accounts.models import Role
from renkei.accounts.tests.factories import UserFactory


@pytest.fixture
def demo(activities_demo):
    """The demo places, programmes, partnerships and activities (``activities_demo`` in the top conftest)."""


@pytest.fixture
def kamakura_umea(demo):
    from renkei.partnerships.models import Partnership

    return Partnership.objects.get(slug="kamakura-umea")


@pytest.fixture
def kamakura_fp(demo):
    from renkei.places.models import Place

    return UserFactory(username="kamakura-fp", roles=[Role.FOCAL_POINT], places=[Place.objects.get(slug="kamakura")])


@pytest.fixture
def outsider_fp(demo):
    from renkei.places.models import Place

    return UserFactory(username="toyama-fp", roles=[Role.FOCAL_POINT], places=[Place.objects.get(slug="toyama")])


@pytest.fixture
def evaluator(db):
    return UserFactory(username="eva", roles=[Role.EVALUATOR])


@pytest.fixture
def other_evaluator(db):
    return UserFactory(username="otto", roles=[Role.EVALUATOR])


@pytest.fixture
def catalogue_indicator(db):
    from renkei.indicators.models import Indicator

    return Indicator.objects.create(code="T-WASTE", name={"en": "Waste per person", "ja": "一人当たりごみ排出量"},
                                    unit="tonnes_per_capita", direction="lower")


@pytest.fixture
def chain(kamakura_umea, officer):
    """An impact, an outcome and an output with a custom indicator: baseline 2 on 2017-01-01, target 10
    for 2017–2020."""
    from renkei.evaluation import services

    impact = services.result_add(actor=officer, partnership=kamakura_umea,
                                 data={"level": "impact", "title": {"en": "Citizens shape local solutions"}})
    outcome = services.result_add(actor=officer, partnership=kamakura_umea,
                                  data={"level": "outcome", "parent": impact.pk,
                                        "title": {"en": "Town meetings held regularly"}})
    output = services.result_add(actor=officer, partnership=kamakura_umea,
                                 data={"level": "output", "parent": outcome.pk, "title": {"en": "Umecons run"}})
    indicator = services.result_indicator_add(
        actor=officer, result=outcome,
        data={"name": {"en": "Town meetings a year"}, "unit": "meetings", "direction": "higher",
              "baseline_value": 2, "baseline_on": "2017-01-01"})
    target = services.target_set(actor=officer, result_indicator=indicator,
                                 data={"period_start": "2017-01-01", "period_end": "2020-12-31", "value": 10})
    return {"impact": impact, "outcome": outcome, "output": output, "indicator": indicator, "target": target}


def scored(evaluation, actor, *, level=3):
    """Every criterion scored at ``level``."""
    from renkei.evaluation import services
    from renkei.evaluation.models import Criterion

    for criterion in Criterion.values:
        services.score_record(actor=actor, evaluation=evaluation,
                              data={"criterion": criterion, "level": level, "justification": f"{criterion} seen"})
    evaluation.refresh_from_db()
    return evaluation
