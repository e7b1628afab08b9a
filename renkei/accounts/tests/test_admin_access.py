import pytest

from renkei.accounts.models import Role
from renkei.accounts.services import user_create

pytestmark = pytest.mark.django_db


def test_an_administrator_can_administer(client):
    user = user_create(username="admin", password="renkei-demo", roles=[Role.ADMINISTRATOR])
    assert not user.is_superuser
    client.force_login(user)
    index = client.get("/admin/")
    assert index.status_code == 200
    assert "have permission to view or edit anything" not in index.content.decode()
    assert client.get("/admin/places/place/").status_code == 200
    assert client.get("/admin/places/place/add/").status_code == 200


def test_other_roles_do_not_get_into_the_admin(client):
    user = user_create(username="officer", password="renkei-demo", roles=[Role.PROGRAMME_OFFICER])
    client.force_login(user)
    assert client.get("/admin/places/place/").status_code == 302  # to the admin's sign-in
