"""What the web UI can write, a client can write through /api/v1/: the OpenAPI document lists the
create, update and (where the UI deletes) delete operations of every resource, every list takes the
same page and ``updated_since`` parameters, and every object it lists has an id and ``updated_at``."""

import pytest

pytestmark = pytest.mark.django_db

# resource → the operations the document must list, as (method, path below /api/v1)
WRITES = {
    "programme": [("post", "/programmes"), ("patch", "/programmes/{slug}")],
    "call": [("post", "/programmes/{slug}/calls"), ("patch", "/calls/{slug}"), ("post", "/calls/{slug}/status")],
    "question": [("post", "/calls/{slug}/questions"), ("patch", "/calls/{slug}/questions/{pk}"),
                 ("delete", "/calls/{slug}/questions/{pk}")],
    "criterion": [("post", "/calls/{slug}/criteria"), ("patch", "/calls/{slug}/criteria/{pk}"),
                  ("delete", "/calls/{slug}/criteria/{pk}")],
    "application": [("post", "/calls/{slug}/applications"), ("post", "/applications/{pk}/withdraw")],
    "reviewer assignment": [("post", "/applications/{pk}/reviewers")],
    "conflict": [("post", "/assignments/{pk}/conflict")],
    "score": [("post", "/assignments/{pk}/scores")],
    "decision": [("post", "/applications/{pk}/decision")],
    "partnership": [("post", "/partnerships"), ("patch", "/partnerships/{slug}"),
                    ("post", "/applications/{pk}/partnership"), ("post", "/partnerships/{slug}/status")],
    "member": [("post", "/partnerships/{slug}/members"), ("patch", "/partnerships/{slug}/members/{pk}"),
               ("delete", "/partnerships/{slug}/members/{pk}")],
    "agreement": [("post", "/partnerships/{slug}/agreements")],
    "objective": [("post", "/partnerships/{slug}/objectives"), ("patch", "/partnerships/{slug}/objectives/{pk}")],
    "action": [("post", "/partnerships/{slug}/actions"), ("post", "/partnerships/{slug}/objectives/{pk}/actions"),
               ("patch", "/partnerships/{slug}/actions/{pk}")],
    "milestone": [("post", "/partnerships/{slug}/actions/{pk}/milestones"),
                  ("patch", "/partnerships/{slug}/milestones/{pk}")],
    "pilot": [("post", "/partnerships/{slug}/pilots"), ("patch", "/partnerships/{slug}/pilots/{pk}")],
    "activity": [("post", "/activities"), ("patch", "/activities/{slug}")],
    "session": [("post", "/activities/{slug}/sessions"), ("patch", "/activities/{slug}/sessions/{pk}")],
    "speaker": [("post", "/activities/{slug}/speakers"), ("delete", "/activities/{slug}/speakers/{pk}")],
    "participant": [("post", "/activities/{slug}/participants"),
                    ("patch", "/activities/{slug}/participants/{pk}")],
    "knowledge request": [("post", "/knowledge/requests"), ("patch", "/knowledge/requests/{pk}"),
                          ("post", "/knowledge/requests/{pk}/close")],
    "answer": [("post", "/knowledge/requests/{pk}/answers")],
}

# resource → its list, which a client syncs with updated_since
LISTS = ["/programmes", "/calls", "/applications", "/assignments", "/partnerships", "/partnerships/{slug}/members",
         "/partnerships/{slug}/agreements", "/partnerships/{slug}/objectives", "/partnerships/{slug}/actions",
         "/partnerships/{slug}/pilots", "/activities", "/activities/{slug}/sessions",
         "/activities/{slug}/participants", "/knowledge/requests", "/knowledge/products", "/places",
         "/organisations", "/needs", "/expertise", "/themes", "/calls/{slug}/ranking"]


@pytest.fixture(scope="module")
def document():
    from renkei.config.api import api

    return api.get_openapi_schema(path_prefix="/api/v1")


def _resolve(document, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


@pytest.mark.parametrize("resource", sorted(WRITES))
def test_every_resource_has_its_write_operations(document, resource):
    paths = document["paths"]
    missing = [f"{method.upper()} {path}" for method, path in WRITES[resource]
               if method not in paths.get(f"/api/v1{path}", {})]
    assert not missing, f"{resource}: {missing}"
    for method, path in WRITES[resource]:
        operation = paths[f"/api/v1{path}"][method]
        assert operation.get("security"), f"{method.upper()} {path} must need a token"
        assert {"401", "403", "422"} <= {str(code) for code in operation["responses"]}


def test_every_list_is_paginated_and_syncable_the_same_way(document):
    lists = []
    for path, operations in document["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        body = get["responses"].get(200) or get["responses"].get("200")
        schema = _resolve(document, body["content"]["application/json"]["schema"]) if body and "content" in body \
            else {}
        if {"count", "page", "page_size", "results"} <= set(schema.get("properties", {})):
            lists.append(path.removeprefix("/api/v1"))
            names = {p["name"] for p in get.get("parameters", []) if p["in"] == "query"}
            assert {"page", "page_size", "updated_since"} <= names, path
            item = _resolve(document, schema["properties"]["results"]["items"])
            keys = set(item["properties"])
            assert "updated_at" in keys, f"{path}: items without updated_at"
            assert keys & {"id", "slug", "code", "application"}, f"{path}: items without an id"
    assert set(LISTS) <= set(lists), set(LISTS) - set(lists)


def test_updated_since_needs_a_time_zone_and_names_the_field(client):
    for value in ("2026-03-31T09:00:00", "yesterday", "2026-13-01T00:00:00Z", "3000-01-01T00:00:00Z"):
        response = client.get("/api/v1/partnerships", {"updated_since": value})
        assert response.status_code == 422, value
        assert list(response.json()["error"]["fields"]) == ["updated_since"], value
    ok = client.get("/api/v1/partnerships", {"updated_since": "2026-03-31T09:00:00+09:00"})
    assert ok.status_code == 200 and ok.json()["count"] == 0


def test_the_new_messages_are_in_japanese_too(client):
    response = client.get("/api/v1/partnerships", {"updated_since": "2026-03-31T09:00:00"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.json()["error"]["fields"]["updated_since"] == [
        "タイムゾーン付きの日時で指定してください（例：2026-03-31T09:00:00+09:00）"]


@pytest.mark.django_db
def test_updated_since_works_on_every_list(client):
    """Every list reads its rows' change time the same way: a recent moment gives a 200, never a 500."""
    from renkei.config.api import api

    document = api.get_openapi_schema()
    for path, operations in document["paths"].items():
        get = operations.get("get")
        names = {p["name"] for p in (get or {}).get("parameters", []) if p["in"] == "query"}
        if not get or "updated_since" not in names or "{" in path:
            continue
        response = client.get(path, {"updated_since": "2026-01-01T00:00:00Z"})
        assert response.status_code in (200, 401, 403), (path, response.status_code, response.content[:200])
