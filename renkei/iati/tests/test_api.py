import pytest

from renkei.iati.models import PublishingSettings

SETTINGS = "/api/v1/iati/settings"


def test_administrators_read_and_change_the_settings(client, admin_user, publishing):
    client.force_login(admin_user)
    body = client.get(SETTINGS).json()
    assert body["reporting_organisation"] == "jica" and body["activities_url"].endswith("/iati/activities.xml")
    response = client.patch(SETTINGS, {"aid_type": "D01", "version": body["version"]},
                            content_type="application/json")
    assert response.status_code == 200 and response.json()["aid_type"] == "D01"
    assert response.json()["organisation_identifier"] == "XM-DAC-701-8"


def test_a_stale_version_is_refused(client, admin_user, publishing):
    client.force_login(admin_user)
    response = client.patch(SETTINGS, {"aid_type": "D01", "version": 99}, content_type="application/json")
    assert response.status_code == 409
    assert PublishingSettings.objects.get().aid_type == "D02"


@pytest.mark.parametrize("body", [{"aid_type": "Z99"}, {"organisation_identifier": "a\u0000b"},
                                  {"organisation_identifier": "x" * 500}, {"nope": 1}])
def test_bad_input_is_a_422_naming_the_field(client, admin_user, demo, body):
    client.force_login(admin_user)
    response = client.patch(SETTINGS, body, content_type="application/json")
    assert response.status_code == 422 and response.json()["error"]["fields"]
    assert not PublishingSettings.objects.exists()


def test_a_text_too_long_says_how_many_characters(client, admin_user, demo):
    client.force_login(admin_user)
    response = client.patch(SETTINGS, {"organisation_identifier": "x" * 101, "site_address": "https://" + "a" * 200},
                            content_type="application/json", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"organisation_identifier": ["100文字以内で入力してください"],
                                                  "site_address": ["200文字以内で入力してください"]}


@pytest.mark.parametrize(("who", "status"), [("officer", 403), ("focal_point", 403), (None, 401)])
def test_others_may_not(client, request, demo, who, status):
    if who:
        client.force_login(request.getfixturevalue(who))
    assert client.get(SETTINGS).status_code == status
    assert client.patch(SETTINGS, {"aid_type": "D01"}, content_type="application/json").status_code == status


def test_problems_are_listed_for_officers(client, officer, publishing):
    client.force_login(officer)
    body = client.get("/api/v1/iati/problems").json()
    assert body["count"] == 1 and body["results"][0]["kind"] == "programme"
    assert client.get("/api/v1/iati/problems", {"page": 10**9}).status_code == 422


def test_problems_while_not_set_up(client, officer, demo):
    client.force_login(officer)
    response = client.get("/api/v1/iati/problems")
    assert response.status_code == 422 and "not set up" in response.json()["error"]["message"]


def test_the_openapi_document_lists_the_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "patch"} <= set(paths["/api/v1/iati/settings"]) and "/api/v1/iati/problems" in paths
