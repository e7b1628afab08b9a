"""Shared fixtures: the demo networks (CityNet with sample dues and funding, the TDLC cohort)."""

import pytest

from renkei.accounts.models import Role
from renkei.accounts.tests.factories import UserFactory


@pytest.fixture
def demo(partnerships_demo):
    from renkei.core.tests.snapshot import load_once
    from renkei.networks.demo import networks_demo_load

    load_once("networks", networks_demo_load)


@pytest.fixture
def citynet(demo):
    from renkei.networks.models import Network

    return Network.objects.get(slug="citynet")


@pytest.fixture
def net_secretariat(citynet):
    """A secretariat user of CityNet."""
    user = UserFactory(username="cn-secretariat", email="sec@example.org", roles=[Role.NETWORK_SECRETARIAT])
    citynet.secretariat.add(user)
    return user


@pytest.fixture
def other_secretariat(demo):
    """Holds the secretariat role, but for no network of the demo."""
    return UserFactory(username="other-secretariat", roles=[Role.NETWORK_SECRETARIAT])


@pytest.fixture
def kobe_rep(citynet):
    """Kobe's representative in CityNet."""
    from renkei.networks.services import member_by_key

    user = UserFactory(username="kobe-rep", email="kobe@example.jp")
    user.save()  # the factory sets the password without saving it
    member_by_key(citynet, "kobe").representatives.add(user)
    return user
