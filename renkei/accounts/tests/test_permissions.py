import pytest

from renkei.accounts.models import ApiToken, Role
from renkei.accounts.permissions import has_any_role, is_administrator
from renkei.accounts.services import api_token_authenticate, api_token_create, user_create
from renkei.accounts.tests.factories import UserFactory
from renkei.core.errors import ApplicationError

pytestmark = pytest.mark.django_db

def test_inactive_user_has_no_roles(db):
    user = UserFactory(roles=[Role.ADMINISTRATOR], is_active=False)
    assert not is_administrator(user)
    assert not has_any_role(user)


def test_superuser_is_administrator(db):
    assert is_administrator(UserFactory(is_superuser=True))


def test_user_create_validates_roles(db):
    with pytest.raises(ApplicationError) as caught:
        user_create(username="x", roles=["emperor"])
    assert "roles" in caught.value.errors


def test_tokens_are_stored_hashed_and_can_be_revoked(officer):
    token, raw = api_token_create(user=officer, name="laptop")
    assert raw not in token.digest and token.digest == ApiToken.hash(raw)
    assert api_token_authenticate(raw) == officer
    assert api_token_authenticate(raw + "x") is None
    token.revoked = True
    token.save()
    assert api_token_authenticate(raw) is None
