"""Requests no view can use are refused with a 4xx in the one error format, on both databases."""

import pytest


@pytest.fixture
def signed_in(client, knowledge_manager):
    client.force_login(knowledge_manager)
    return client


@pytest.mark.django_db
def test_a_json_body_over_the_limit_is_a_413(signed_in, settings):
    body = b'{"title": {"en": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + b'"}}'
    response = signed_in.post("/api/v1/knowledge/products", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


@pytest.mark.django_db
def test_multipart_without_a_boundary_is_a_400(signed_in):
    response = signed_in.post("/api/v1/knowledge/products/anything/files", data=b"--x\r\n",
                              content_type="multipart/form-data")
    assert response.status_code == 400
    assert "error" in response.json()


@pytest.mark.django_db
def test_nul_in_a_query_is_refused_naming_the_parameter(client):
    response = client.get("/api/v1/places", {"q": "Kama\x00ishi"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"q": ["must not contain NUL characters"]}


@pytest.mark.django_db
def test_nul_in_a_json_body_is_refused_naming_the_field(signed_in):
    response = signed_in.post("/api/v1/knowledge/products", content_type="application/json",
                              data={"kind": "note", "title": {"en": "Water\x00"}})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"title.en": ["must not contain NUL characters"]}


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["[" * 100_000 + "]" * 100_000, "9" * 5000])
def test_a_json_body_python_cannot_convert_is_a_400(signed_in, value):
    for body in ('{"kind": "note", "title": {"en": "Water"}, "x": ' + value + "}",
                 '{"kind": "note", "title": {"en": "Water\\u0000"}, "x": ' + value + "}"):  # with a NUL: read twice
        response = signed_in.post("/api/v1/knowledge/products", data=body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["error"]["message"] == "Cannot parse request body"


@pytest.mark.django_db
def test_nul_in_a_web_form_or_query_is_a_400_page(client):
    assert client.get("/places/", {"q": "a\x00b"}).status_code == 400
    response = client.post("/login/", "username=x%00&password=y", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert b"username" in response.content
    # a multipart form reaches the form, whose fields refuse NUL characters: the form is shown again
    response = client.post("/login/", {"username": "x\x00", "password": "y"})
    assert response.status_code == 200
    assert b'name="username"' in response.content


@pytest.mark.django_db
def test_a_text_that_merely_shows_a_backslash_u_is_kept(signed_in):
    response = signed_in.post("/api/v1/knowledge/products", content_type="application/json",
                              data={"kind": "note", "title": {"en": "C:\\u0000 is a path, not a NUL"}})
    assert response.status_code != 422 or "NUL" not in response.content.decode()
