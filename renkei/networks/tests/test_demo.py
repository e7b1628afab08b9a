"""The demo networks load once, are marked as sample data and give the secretariat its work."""

import pytest

from renkei.networks.demo import networks_demo_load
from renkei.networks.models import Invoice, Network

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_sample(partnerships_demo):
    assert networks_demo_load() == 2
    counts = (Network.objects.count(), Invoice.objects.count())
    assert networks_demo_load() == 0
    assert (Network.objects.count(), Invoice.objects.count()) == counts
    citynet = Network.objects.get(slug="citynet")
    assert citynet.is_sample and citynet.founded_year == 1987
    assert citynet.members.get(place__slug="yokohama").is_founder
    cohort = Network.objects.get(slug="world-bank-tdlc-cpp")
    assert cohort.host.slug == "tdlc" and cohort.members.count() == 4


def test_the_demo_secretariat_account_runs_both_networks(partnerships_demo):
    from renkei.accounts.models import Role
    from renkei.accounts.tests.factories import UserFactory

    UserFactory(username="secretariat", roles=[Role.NETWORK_SECRETARIAT])
    networks_demo_load()
    for network in Network.objects.all():
        assert network.secretariat.filter(username="secretariat").exists()
