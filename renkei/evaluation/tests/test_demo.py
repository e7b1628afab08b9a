"""The demo results load with their sources, show two-way learning and load only once."""

import pytest

from renkei.evaluation.demo import evaluation_demo_assign, evaluation_demo_load
from renkei.evaluation.models import Actual, Criterion, Evaluation, Result
from renkei.evaluation.selectors import framework, partnership_learning, portfolio
from renkei.partnerships.models import Partnership

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(demo):
    evaluation_demo_load()


def test_every_seed_partnership_has_a_framework(loaded):
    for slug in ("toyama-world-bank-cpp", "kamakura-umea", "koriyama-essen", "nagano-obuse-turku",
                 "jica-kamaishi-banda-aceh"):
        assert Result.objects.filter(partnership__slug=slug).exists(), slug
    triangle = framework(Partnership.objects.get(slug="jica-kamaishi-banda-aceh"))
    assert [n.result.level for n in triangle] == ["impact"]
    assert triangle[0].children[0].children[0].result.level == "output"


def test_values_carry_a_source_or_are_marked_sample(loaded):
    assert Actual.objects.exists()
    for actual in Actual.objects.all():
        assert actual.source
        assert actual.is_sample or "press release" in actual.source or "World Urban Forum" in actual.source
    deep_dive = Actual.objects.get(is_sample=False, result_indicator__name__en="Learning activities held")
    assert deep_dive.value == 1


def test_two_way_learning_and_published_evaluations(loaded):
    kamakura = partnership_learning(Partnership.objects.get(slug="kamakura-umea"))
    assert kamakura.two_way and kamakura.sides["japan"].participants == 2
    assert kamakura.suggested_level == 4
    assert partnership_learning(Partnership.objects.get(slug="jica-kamaishi-banda-aceh")).two_way
    published = Evaluation.objects.filter(status="published")
    assert published.count() == 2
    assert all(e.scores.count() == len(Criterion.values) for e in published)
    report = portfolio(viewer=None, programme="eu-international-urban-cooperation")
    assert sum(r.evaluation is not None for r in report.rows) == 2


def test_a_second_load_writes_nothing(loaded):
    assert evaluation_demo_load() == 0
    assert evaluation_demo_assign() == 0  # no demo accounts in tests


def test_the_demo_command_assigns_the_demo_evaluator(loaded):
    from django.core.management import call_command

    call_command("demo")
    planned = Evaluation.objects.get(partnership__slug="nagano-obuse-turku")
    assert list(planned.evaluators.values_list("username", flat=True)) == ["evaluator"]
