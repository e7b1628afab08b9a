import pytest

from renkei.accounts.models import ApiToken, Role
from renkei.accounts.permissions import has_any_role, is_administrator, represented_place_ids
from renkei.accounts.services import api_token_authenticate, api_token_create, user_create
from renkei.accounts.tests.factories import UserFactory
from renkei.core.errors import ApplicationError
from renkei.places import permissions

pytestmark = pytest.mark.django_db

# role fixture → (create place, edit any place, delete place, manage organisations, see private contacts)
EXPECTED = {
    "admin_user": (True, True, True, True, True),
    "officer": (True, True, False, True, True),
    "focal_point": (False, False, False, False, True),
    "reviewer": (False, False, False, False, True),
    "secretariat": (False, False, False, True, True),
    "knowledge_manager": (False, False, False, False, True),
    "no_role_user": (False, False, False, False, False),
    "anonymous": (False, False, False, False, False),
}


@pytest.mark.parametrize(("fixture", "expected"), EXPECTED.items())
def test_role_matrix(request, fixture, expected, other_place):
    user = request.getfixturevalue(fixture)
    got = (
        permissions.can_create_place(user),
        permissions.can_edit_place(user, other_place),
        permissions.can_delete_place(user),
        permissions.can_manage_organisations(user),
        permissions.can_see_private_contacts(user),
    )
    assert got == expected


def test_focal_point_edits_represented_place(focal_point, place, other_place):
    assert represented_place_ids(focal_point) == {place.pk}
    assert permissions.can_edit_place(focal_point, place)
    assert not permissions.can_edit_place(focal_point, other_place)


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
