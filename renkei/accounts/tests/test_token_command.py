from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from renkei.accounts.models import ApiToken
from renkei.accounts.services import api_token_create

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_a_working_token_once(officer):
    out, err = run("create", "officer", "--name", "ci")
    raw = out.strip()
    assert raw.startswith("rk_") and "\n" not in raw
    token = ApiToken.objects.get(user=officer)
    assert (token.name, token.prefix) == ("ci", raw[3:11])
    assert token.digest == ApiToken.hash(raw) and raw not in token.digest
    assert "shown only this once" in err
    response = Client(headers={"Authorization": f"Bearer {raw}"}).post(
        "/api/v1/places", {"name": "Kamaishi", "country": "JP"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content


def test_create_has_a_default_name(officer):
    run("create", "officer")
    assert ApiToken.objects.get(user=officer).name == "command line"


def test_list_shows_prefixes_and_states(officer):
    active, _raw = api_token_create(user=officer, name="laptop")
    revoked, _raw = api_token_create(user=officer, name="old")
    ApiToken.objects.filter(pk=revoked.pk).update(revoked=True)
    out, _err = run("list", "officer")
    lines = out.splitlines()
    assert lines[0].split() == ["PREFIX", "CREATED", "LAST", "USED", "STATE", "NAME"]
    assert any(line.startswith(active.prefix) and "active" in line and line.endswith("laptop") for line in lines)
    assert any(line.startswith(revoked.prefix) and "revoked" in line and line.endswith("old") for line in lines)
    assert "rk_" not in out


def test_list_of_a_user_without_tokens(officer):
    assert run("list", "officer")[0].strip() == "officer has no API tokens."


def test_revoke_by_prefix_stops_the_token(officer):
    token, raw = api_token_create(user=officer, name="ci")
    out, _err = run("revoke", token.prefix)
    assert "Revoked 'ci'" in out
    token.refresh_from_db()
    assert token.revoked
    response = Client(headers={"Authorization": f"Bearer {raw}"}).post(
        "/api/v1/places", {"name": "Kamaishi", "country": "JP"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert "already revoked" in run("revoke", token.prefix)[0]


def test_revoke_accepts_the_whole_token(officer):
    token, raw = api_token_create(user=officer, name="ci")
    run("revoke", raw)
    token.refresh_from_db()
    assert token.revoked


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "ghost"), "No user named 'ghost'."),
        (("list", "ghost"), "No user named 'ghost'."),
        (("revoke", "abcdefgh"), "No token with prefix 'abcdefgh'."),
        (("revoke", "abc"), "A token prefix has 8 characters"),
        (("revoke", "rk_" + "x" * 40), "No token matches that value."),
    ],
)
def test_clear_errors(db, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(".", r"\.")):
        run(*args)


def test_create_refuses_an_empty_name(officer):
    with pytest.raises(CommandError, match="--name"):
        run("create", "officer", "--name", " ")
    assert not ApiToken.objects.exists()
