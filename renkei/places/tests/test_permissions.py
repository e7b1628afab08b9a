"""Who may do what with places, role by role."""

import pytest

from renkei.accounts.permissions import represented_place_ids
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
