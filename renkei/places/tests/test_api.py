"""The JSON API at /api/v1/, through the real URL conf, auth and database.

Most clients here authenticate the way API clients do, with ``Authorization: Bearer <token>`` and
CSRF checks enforced; anonymous clients send no credentials at all.
"""

import pytest
from django.test import Client

from renkei.accounts.models import ApiToken
from renkei.accounts.services import api_token_create
from renkei.accounts.tests.clients import as_user, error
from renkei.core.models import AuditEntry
from renkei.places.models import Expertise, Need, Organisation, Place, Theme
from renkei.places.tests.factories import (
    ContactFactory,
    ExpertiseFactory,
    NeedFactory,
    OrganisationFactory,
    PlaceFactory,
    theme,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
PLACE_KEYS = {
    "id", "slug", "level", "name", "name_ja", "name_ja_reading", "name_local", "country", "parent", "lat", "lon",
    "population",
    "population_year", "area_km2", "share_65_plus", "population_growth", "coastal", "hazards", "income_group",
    "timezone", "website", "summary_en", "summary_ja", "published", "version", "url", "updated_at",
}
NEW_PLACE = {"name": "Kamaishi", "name_ja": "釜石市", "country": "JP", "lat": "39.27", "lon": 141.88,
             "population": "31000", "hazards": ["earthquake", "tsunami"], "coastal": "yes"}


@pytest.fixture(autouse=True)
def themes(db) -> dict[str, Theme]:
    """A small tree of our own, so the tests do not depend on the shipped taxonomy's codes."""
    made: dict[str, Theme] = {}
    for position, (code, name, parent) in enumerate([
        ("zz-risk", "Disaster risk", None), ("zz-seismic", "Seismic risk", "zz-risk"),
        ("zz-tsunami", "Tsunami recovery", "zz-risk"), ("zz-env", "Environment", None),
        ("zz-waste", "Solid waste", "zz-env"), ("zz-smart", "Smart city", None),
    ]):
        made[code] = Theme.objects.create(
            code=code, name_en=name, name_ja=f"{name}（日本語）", parent=made.get(parent), position=10_000 + position
        )
    made["zz-seismic"].related.add(made["zz-tsunami"])
    return made


def post(client, path, body):
    return client.post(API + path, body, content_type="application/json")


def patch(client, path, body):
    return client.patch(API + path, body, content_type="application/json")


# --- listing ------------------------------------------------------------------------------------

def test_place_list_is_paginated_and_hides_unpublished_places(client):
    for n in range(5):
        PlaceFactory(name_en=f"Alpha {n}", slug=f"alpha-{n}")
    PlaceFactory(name_en="Alpha hidden", slug="alpha-hidden", is_published=False)

    body = client.get(f"{API}/places", {"page_size": 2}).json()
    assert body["count"] == 5
    assert (body["page"], body["page_size"]) == (1, 2)
    assert [p["slug"] for p in body["results"]] == ["alpha-0", "alpha-1"]
    assert set(body["results"][0]) == PLACE_KEYS

    last = client.get(f"{API}/places", {"page_size": 2, "page": 3}).json()
    assert [p["slug"] for p in last["results"]] == ["alpha-4"]
    past_the_end = client.get(f"{API}/places", {"page_size": 2, "page": 9}).json()
    assert past_the_end["results"] == [] and past_the_end["count"] == 5


def test_place_list_filters(client):
    kobe = PlaceFactory(name_en="Kobe", slug="kobe", population=1_500_000)
    PlaceFactory(name_en="Toyama", slug="toyama", population=410_000)
    PlaceFactory(name_en="Hyogo", slug="hyogo", level="region", population=5_400_000)
    PlaceFactory(name_en="Essen", slug="essen", country="DE", population=580_000)
    NeedFactory(place=kobe, theme=theme("zz-seismic"))

    def slugs(**params):
        response = client.get(f"{API}/places", params)
        assert response.status_code == 200, response.content
        return sorted(p["slug"] for p in response.json()["results"])

    assert slugs(q="kob") == ["kobe"]
    assert slugs(country="DE") == ["essen"]
    assert slugs(country="deu") == ["essen"]
    assert slugs(level="region") == ["hyogo"]
    assert slugs(theme="zz-risk") == ["kobe"]  # a parent theme finds its sub-themes
    assert slugs(min_population=500_000, max_population=2_000_000) == ["essen", "kobe"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": 500}, "page_size"),
        ({"page": 0}, "page"),
        ({"min_population": "many"}, "min_population"),
        ({"country": "Atlantis"}, "country"),
        ({"level": "galaxy"}, "level"),
        ({"theme": "no-such-theme"}, "theme"),
    ],
)
def test_bad_list_parameters_are_422_naming_the_parameter(client, params, field):
    err = error(client.get(f"{API}/places", params), 422)
    assert err["code"] == "invalid"
    assert field in err["fields"]


# --- detail and visibility ----------------------------------------------------------------------

def test_place_detail_uses_the_import_format_keys(client):
    region = PlaceFactory(name_en="Iwate", slug="iwate", level="region")
    place = PlaceFactory(
        name_en="Kamaishi", slug="kamaishi", external_id="JP-03211", parent=region, latitude=39.27,
        longitude=141.88, hazards=["tsunami"], coastal=True, summary={"en": "Steel town.", "ja": "鉄の町。"},
    )
    NeedFactory(place=place, theme=theme("zz-waste"), priority=5, description={"en": "Landfill", "ja": "埋立"},
                evidence=["https://example.org/report"])
    ExpertiseFactory(place=place, theme=theme("zz-tsunami"), maturity=4)

    body = client.get(f"{API}/places/kamaishi").json()
    assert set(body) == PLACE_KEYS | {"needs", "expertise", "contacts"}
    assert body["id"] == "JP-03211"
    assert body["name"] == "Kamaishi"
    assert body["parent"] == "iwate"
    assert (body["lat"], body["lon"]) == (39.27, 141.88)
    assert body["hazards"] == ["tsunami"] and body["coastal"] is True
    assert (body["summary_en"], body["summary_ja"]) == ("Steel town.", "鉄の町。")
    assert body["published"] is True and body["version"] == 1
    assert body["url"] == "/places/kamaishi/"
    need = body["needs"][0]
    assert need == {
        "id": need["id"], "place": "kamaishi", "theme": "zz-waste", "theme_name": theme("zz-waste").name_en,
        "priority": 5, "description": {"en": "Landfill", "ja": "埋立"}, "evidence": ["https://example.org/report"],
        "version": 1, "suggested_themes": [], "updated_at": need["updated_at"],
    }
    assert body["expertise"][0]["theme"] == "zz-tsunami" and body["expertise"][0]["maturity"] == 4
    assert "priority" not in body["expertise"][0]


def test_unpublished_place_is_visible_only_to_editors(client, place, focal_point, officer, reviewer, no_role_user):
    Place.objects.filter(pk=place.pk).update(is_published=False)
    err = error(client.get(f"{API}/places/testville"), 404)
    assert err["code"] == "not_found"
    error(as_user(reviewer).get(f"{API}/places/testville"), 404)
    error(as_user(no_role_user).get(f"{API}/places/testville"), 404)
    assert as_user(focal_point).get(f"{API}/places/testville").json()["published"] is False
    assert as_user(officer).get(f"{API}/places/testville").json()["slug"] == "testville"
    assert client.get(f"{API}/places").json()["count"] == 0
    assert as_user(officer).get(f"{API}/places").json()["count"] == 1


def test_unknown_place_is_404(client):
    err = error(client.get(f"{API}/places/nowhere"), 404)
    assert err["code"] == "not_found"


# --- create, update, delete ---------------------------------------------------------------------

def test_officer_creates_a_place(officer):
    response = post(as_user(officer), "/places", NEW_PLACE)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "kamaishi"
    assert body["name_ja"] == "釜石市"
    assert (body["lat"], body["population"], body["coastal"]) == (39.27, 31000, True)
    assert body["needs"] == [] and body["contacts"] == []
    assert Place.objects.get(slug="kamaishi").hazards == ["earthquake", "tsunami"]
    assert AuditEntry.objects.filter(action="create", object_repr="Kamaishi", actor=officer).exists()


def test_place_body_accepts_what_a_json_import_file_accepts(officer):
    body = {"name": "Banda Aceh", "country": "Indonesia", "population": "1,500,000", "coastal": "no",
            "hazards": "tsunami; earthquake", "id": 1215502, "published": "false"}
    response = post(as_user(officer), "/places", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["country"], created["population"], created["coastal"]) == ("ID", 1_500_000, False)
    assert (created["hazards"], created["id"], created["published"]) == (["tsunami", "earthquake"], "1215502", False)


def test_focal_point_may_not_create_places(focal_point):
    err = error(post(as_user(focal_point), "/places", NEW_PLACE), 403)
    assert err["code"] == "forbidden"
    assert not Place.objects.filter(name_en="Kamaishi").exists()


def test_anonymous_may_not_write(client, place):
    err = error(post(client, "/places", NEW_PLACE), 401)
    assert err["code"] == "unauthorized"
    error(patch(client, "/places/testville", {"name_ja": "x"}), 401)
    error(client.delete(f"{API}/places/testville"), 401)
    assert not Place.objects.filter(name_en="Kamaishi").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "country": "Atlantis"}, "country"),
        ({"name": "X", "country": "JP", "lat": 95, "lon": 10}, "lat"),
        ({"name": "X", "country": "JP", "lat": "north", "lon": 10}, "lat"),
        ({"name": "X", "country": "JP", "hazards": ["meteor"]}, "hazards"),
        ({"name": "X", "country": "JP", "colour": "red"}, "colour"),
        ({"country": "JP"}, "name"),
        ({"name": None, "country": "JP"}, "name"),
        ({"name": "X", "country": "JP", "population": {"n": 1}}, "population"),
        ({"name": "X", "country": "JP", "coastal": "sometimes"}, "coastal"),
        ({"name": "X", "country": "JP", "parent": "nowhere"}, "parent"),
        ({"name": "X", "country": "JP", "id": ["a"]}, "id"),
    ],
)
def test_bad_place_is_422_naming_the_field(officer, body, field):
    err = error(post(as_user(officer), "/places", body), 422)
    assert err["code"] == "invalid"
    assert field in err["fields"], err
    assert err["message"].startswith(field)
    assert not Place.objects.filter(name_en="X").exists()


def test_body_that_is_not_json_is_400_in_the_error_format(officer):
    response = as_user(officer).post(f"{API}/places", "{not json", content_type="application/json")
    error(response, 400)


def test_focal_point_edits_only_the_places_they_act_for(focal_point, place, other_place):
    client = as_user(focal_point)
    response = patch(client, "/places/testville", {"name_local": "Testburg", "population": "120000"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name_local"], body["population"], body["version"]) == ("Testburg", 120000, 2)
    err = error(patch(client, "/places/otherton", {"name_local": "Nope"}), 403)
    assert err["code"] == "forbidden"
    other_place.refresh_from_db()
    assert other_place.name_local == ""


def test_patch_validates_with_the_same_messages(officer, place):
    err = error(patch(as_user(officer), "/places/testville", {"country": "Atlantis"}), 422)
    assert err["fields"] == {"country": ["'Atlantis' is not an ISO 3166-1 country"]}


def test_stale_version_is_a_409_conflict(officer, place):
    client = as_user(officer)
    first = patch(client, "/places/testville", {"name_local": "One", "version": 1})
    assert first.status_code == 200 and first.json()["version"] == 2
    err = error(patch(client, "/places/testville", {"name_local": "Two", "version": 1}), 409)
    assert err["code"] == "conflict"
    place.refresh_from_db()
    assert place.name_local == "One"
    assert patch(client, "/places/testville", {"name_local": "Two", "version": 2}).json()["version"] == 3


def test_only_administrators_delete_places(admin_user, officer, place):
    err = error(as_user(officer).delete(f"{API}/places/testville"), 403)
    assert err["code"] == "forbidden"
    assert Place.objects.filter(slug="testville").exists()
    response = as_user(admin_user).delete(f"{API}/places/testville")
    assert response.status_code == 204
    assert response.content == b""
    assert not Place.objects.filter(slug="testville").exists()
    error(Client().get(f"{API}/places/testville"), 404)


# --- needs and expertise ------------------------------------------------------------------------

def test_focal_point_adds_changes_and_removes_a_need(focal_point, place):
    client = as_user(focal_point)
    response = post(client, "/places/testville/needs", {
        "theme": "zz-waste", "priority": 4, "description": {"en": "Sorting", "ja": "分別"},
        "evidence": ["https://example.org/plan.pdf"],
    })
    assert response.status_code == 201, response.content
    need = response.json()
    assert need == {
        "id": need["id"], "place": "testville", "theme": "zz-waste", "theme_name": "Solid waste",
        "priority": 4, "description": {"en": "Sorting", "ja": "分別"}, "evidence": ["https://example.org/plan.pdf"],
        "version": 1, "suggested_themes": [], "updated_at": need["updated_at"],
    }
    assert client.get(f"{API}/needs/{need['id']}").json() == need

    changed = patch(client, f"/needs/{need['id']}", {"priority": "2", "description": {"en": "Recycling"}}).json()
    assert changed["priority"] == 2
    assert changed["description"] == {"en": "Recycling", "ja": ""}

    assert client.delete(f"{API}/needs/{need['id']}").status_code == 204
    assert not Need.objects.filter(pk=need["id"]).exists()


@pytest.mark.parametrize("priority", [9, 0, "high", 2.5, None])
def test_need_with_bad_priority_is_422_priority(officer, place, priority):
    body = {"theme": "zz-waste", "priority": priority, "description": {"en": "x"}}
    err = error(post(as_user(officer), "/places/testville/needs", body), 422)
    assert "priority" in err["fields"]
    assert not Need.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"theme": "no-such-theme", "description": {"en": "x"}}, "theme"),
        ({"theme": "zz-waste", "description": {"en": "  "}}, "description"),
        ({"theme": "zz-waste", "description": {"en": "x"}, "evidence": ["not a link"]}, "evidence"),
        ({"theme": "zz-waste", "description": {"en": "x"}, "maturity": 3}, "maturity"),
        ({"theme": ["a", "list"], "description": {"en": "x"}}, "theme"),
    ],
)
def test_bad_need_is_422_naming_the_field(officer, place, body, field):
    err = error(post(as_user(officer), "/places/testville/needs", body), 422)
    assert field in err["fields"], err


def test_focal_point_may_not_touch_another_places_needs(focal_point, other_place):
    need = NeedFactory(place=other_place)
    client = as_user(focal_point)
    error(post(client, "/places/otherton/needs", {"theme": "zz-waste", "description": {"en": "x"}}), 403)
    error(patch(client, f"/needs/{need.pk}", {"priority": 1}), 403)
    error(client.delete(f"{API}/needs/{need.pk}"), 403)
    need.refresh_from_db()
    assert need.priority == 3


def test_need_and_expertise_lists_filter_by_place_and_theme(client, place, other_place):
    NeedFactory(place=place, theme=theme("zz-seismic"))
    NeedFactory(place=other_place, theme=theme("zz-waste"))
    NeedFactory(place=PlaceFactory(is_published=False), theme=theme("zz-seismic"))
    ExpertiseFactory(place=other_place, theme=theme("zz-tsunami"))

    everything = client.get(f"{API}/needs").json()
    assert everything["count"] == 2  # the unpublished place's need is hidden
    by_theme = client.get(f"{API}/needs", {"theme": "zz-risk"}).json()
    assert [n["place"] for n in by_theme["results"]] == ["testville"]
    by_place = client.get(f"{API}/needs", {"place": "otherton"}).json()
    assert [n["theme"] for n in by_place["results"]] == ["zz-waste"]
    assert client.get(f"{API}/places/otherton/needs").json()["count"] == 1

    expertise = client.get(f"{API}/expertise", {"theme": "zz-risk"}).json()
    assert [(e["place"], e["theme"], e["maturity"]) for e in expertise["results"]] == [
        ("otherton", "zz-tsunami", 4)
    ]
    assert client.get(f"{API}/places/testville/expertise").json()["count"] == 0
    error(client.get(f"{API}/needs", {"place": "nowhere"}), 422)


def test_expertise_crud(officer, place):
    client = as_user(officer)
    response = post(client, "/places/testville/expertise",
                    {"theme": "zz-tsunami", "maturity": 5, "description": {"ja": "復興計画"}})
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["maturity"], created["description"]) == (5, {"en": "", "ja": "復興計画"})
    assert patch(client, f"/expertise/{created['id']}", {"maturity": 2}).json()["maturity"] == 2
    error(patch(client, f"/expertise/{created['id']}", {"maturity": 6}), 422)
    error(patch(client, f"/expertise/{created['id']}", {"priority": 2}), 422)
    assert client.delete(f"{API}/expertise/{created['id']}").status_code == 204
    assert not Expertise.objects.exists()


def test_statements_of_unpublished_places_are_hidden(client, place):
    need = NeedFactory(place=PlaceFactory(is_published=False))
    error(client.get(f"{API}/needs/{need.pk}"), 404)
    error(client.get(f"{API}/needs/abc"), 422)


# --- tokens and the error format ----------------------------------------------------------------

def test_token_authentication(officer):
    token, raw = api_token_create(user=officer, name="ci")
    client = Client(headers={"Authorization": f"Bearer {raw}"}, enforce_csrf_checks=True)
    assert post(client, "/places", NEW_PLACE).status_code == 201
    token.refresh_from_db()
    assert token.last_used_at is not None

    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    # Without enforced CSRF: see test_bogus_token_is_401_for_a_real_client for what real clients get.
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    err = error(post(client, "/places", {**NEW_PLACE, "name": "Ofunato"}), 401)
    assert err == {"code": "unauthorized", "message": "Sign in or send a valid API token.", "fields": {}}


@pytest.mark.parametrize("header", ["Bearer rk_bogus", "Bearer ", "Token abc", "Basic b2ZmaWNlcjpwdw=="])
def test_bogus_credentials_cannot_write(header):
    client = Client(headers={"Authorization": header})
    err = error(post(client, "/places", NEW_PLACE), 401)
    assert err["code"] == "unauthorized"


def test_bogus_token_is_401_for_a_real_client(officer):
    token, raw = api_token_create(user=officer, name="ci")
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    for header in ("Bearer rk_bogus", f"Bearer {raw}"):
        client = Client(headers={"Authorization": header}, enforce_csrf_checks=True)
        error(post(client, "/places", NEW_PLACE), 401)


def test_bogus_token_is_401_on_reads():
    client = Client(headers={"Authorization": "Bearer rk_bogus"})
    error(client.get(f"{API}/places"), 401)


def test_signed_in_browser_session_works(client, officer):
    client.force_login(officer)
    assert post(client, "/places", NEW_PLACE).status_code == 201


# --- contacts -----------------------------------------------------------------------------------

def test_contacts_show_private_data_only_to_role_holders(client, place, reviewer, no_role_user):
    org = OrganisationFactory(name_en="Testville City Hall", place=place)
    ContactFactory(name="Aiko Public", place=place, email="aiko@city.example.jp", public_consent=True)
    ContactFactory(name="Ben Private", organisation=org, email="ben@city.example.jp", public_consent=False)

    for anonymous_like in (client, as_user(no_role_user)):
        contacts = anonymous_like.get(f"{API}/places/testville").json()["contacts"]
        assert [c["name"] for c in contacts] == ["Aiko Public"]
        assert contacts[0]["email"] is None and contacts[0]["phone"] is None
        assert "aiko@" not in anonymous_like.get(f"{API}/places/testville").content.decode()

    contacts = as_user(reviewer).get(f"{API}/places/testville").json()["contacts"]
    assert [(c["name"], c["email"], c["organisation"]) for c in contacts] == [
        ("Aiko Public", "aiko@city.example.jp", ""),
        ("Ben Private", "ben@city.example.jp", "Testville City Hall"),
    ]
    org_contacts = client.get(f"{API}/organisations/{org.slug}").json()["contacts"]
    assert org_contacts == []


# --- organisations ------------------------------------------------------------------------------

def test_organisation_list_and_detail(client, place):
    OrganisationFactory(name_en="Japan International Cooperation Agency", acronym="JICA", slug="jica",
                        org_type="10", place=place, description={"en": "Agency"})
    OrganisationFactory(name_en="Cities Alliance", slug="cities-alliance", org_type="21", country="BE")
    body = client.get(f"{API}/organisations", {"type": "10"}).json()
    assert body["count"] == 1
    jica = body["results"][0]
    assert jica == {
        "slug": "jica", "name_en": "Japan International Cooperation Agency", "name_ja": "", "acronym": "JICA",
        "org_type": "10", "org_type_name": "Government", "country": "JP", "parent": None, "place": "testville",
        "website": "", "description": {"en": "Agency", "ja": ""}, "updated_at": jica["updated_at"],
    }
    assert [o["slug"] for o in client.get(f"{API}/organisations", {"country": "BE"}).json()["results"]] == [
        "cities-alliance"
    ]
    assert client.get(f"{API}/organisations", {"q": "jica"}).json()["count"] == 1
    detail = client.get(f"{API}/organisations/jica").json()
    assert detail["contacts"] == [] and detail["org_type_name"] == "Government"
    error(client.get(f"{API}/organisations/nobody"), 404)


def test_organisation_write_permissions(client, secretariat, focal_point, officer, admin_user, place):
    body = {"name_en": "Kitakyushu Asian Center for Low Carbon Society", "org_type": "10", "country": "JP",
            "place": "testville", "description": {"en": "Centre", "ja": "センター"}}
    error(post(client, "/organisations", body), 401)
    error(post(as_user(focal_point), "/organisations", body), 403)
    response = post(as_user(secretariat), "/organisations", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["place"] == "testville" and created["org_type_name"] == "Government"
    slug = created["slug"]

    changed = patch(as_user(officer), f"/organisations/{slug}", {"acronym": "KAC", "org_type": "22"}).json()
    assert (changed["acronym"], changed["org_type"]) == ("KAC", "22")
    error(patch(as_user(focal_point), f"/organisations/{slug}", {"acronym": "X"}), 403)

    err = error(post(as_user(secretariat), "/organisations", {"name_en": "X", "org_type": "999"}), 422)
    assert "org_type" in err["fields"]
    err = error(post(as_user(secretariat), "/organisations", {"org_type": "10"}), 422)
    assert "name_en" in err["fields"]

    error(as_user(secretariat).delete(f"{API}/organisations/{slug}"), 403)
    assert as_user(admin_user).delete(f"{API}/organisations/{slug}").status_code == 204
    assert not Organisation.objects.filter(slug=slug).exists()


# --- themes -------------------------------------------------------------------------------------

def test_theme_list_and_detail(client):
    everything = client.get(f"{API}/themes").json()
    assert everything["count"] == Theme.objects.count() == len(everything["results"])
    top = client.get(f"{API}/themes", {"parent": ""}).json()["results"]
    assert all(t["parent"] is None for t in top)
    children = client.get(f"{API}/themes", {"parent": "zz-risk"}).json()["results"]
    assert {t["code"] for t in children} >= {"zz-seismic", "zz-tsunami"}

    shipped = client.get(f"{API}/themes/urban-planning").json()  # the taxonomy arrives by migration
    assert shipped["children"] and shipped["name_ja"]

    detail = client.get(f"{API}/themes/zz-risk").json()
    assert detail["parent"] is None and detail["name_en"] and detail["name_ja"]
    assert {c["code"] for c in detail["children"]} >= {"zz-seismic"}
    assert set(detail["children"][0]) == {"code", "name_en", "name_ja"}
    assert [r["code"] for r in client.get(f"{API}/themes/zz-seismic").json()["related"]] == ["zz-tsunami"]
    error(client.get(f"{API}/themes/no-such-theme"), 404)


def test_only_administrators_change_the_taxonomy(client, officer, admin_user):
    body = {"code": "zz-night", "parent": "zz-smart", "name_en": "Night-time economy",
            "name_ja": "ナイトタイムエコノミー", "related": ["zz-waste"], "synonyms_en": ["nightlife"]}
    error(post(client, "/themes", body), 401)
    error(post(as_user(officer), "/themes", body), 403)

    admin = as_user(admin_user)
    response = post(admin, "/themes", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["parent"] == "zz-smart"
    assert [r["code"] for r in created["related"]] == ["zz-waste"]
    assert "zz-night" in [r["code"] for r in client.get(f"{API}/themes/zz-waste").json()["related"]]
    assert AuditEntry.objects.filter(action="create", object_repr="Night-time economy").exists()

    error(patch(as_user(officer), "/themes/zz-night", {"name_en": "Nights"}), 403)
    assert patch(admin, "/themes/zz-night", {"name_en": "Nights", "related": []}).json()["related"] == []
    err = error(patch(admin, "/themes/zz-night", {"code": "zz-nights"}), 422)
    assert "code" in err["fields"]
    err = error(patch(admin, "/themes/zz-smart", {"parent": "zz-night"}), 422)
    assert "parent" in err["fields"]
    err = error(post(admin, "/themes", {**body, "code": "Bad Code!"}), 422)
    assert "code" in err["fields"]
    err = error(post(admin, "/themes", body), 422)
    assert err["fields"]["code"] == ["the code 'zz-night' is taken"]
    err = error(post(admin, "/themes", {**body, "code": "zz-evening", "synonyms_en": ["NightLife"]}), 422)
    assert err["fields"] == {"synonyms_en": ["'NightLife' is already a synonym of the theme 'zz-night'"]}
    err = error(post(admin, "/themes", {**body, "code": "zz-evening", "synonyms_en": [], "dac_codes": ["99999"]}), 422)
    assert err["fields"] == {"dac_codes": ["'99999' is not an OECD DAC purpose code"]}
    err = error(patch(admin, "/themes/zz-night", {"sdg_targets": ["11.3", "11.99"]}), 422)
    assert err["fields"] == {"sdg_targets": ["'11.99' is not an SDG target"]}
    err = error(patch(admin, "/themes/zz-night", {"related": ["zz-night"]}), 422)
    assert "related" in err["fields"]
    assert patch(admin, "/themes/zz-night", {"dac_codes": ["43030"]}).json()["dac_codes"] == ["43030"]

    error(as_user(officer).delete(f"{API}/themes/zz-night"), 403)
    assert admin.delete(f"{API}/themes/zz-night").status_code == 204
    assert not Theme.objects.filter(code="zz-night").exists()


def test_a_theme_in_use_cannot_be_deleted(admin_user, place):
    NeedFactory(place=place, theme=theme("zz-waste"))
    err = error(as_user(admin_user).delete(f"{API}/themes/zz-waste"), 409)
    assert err["code"] == "conflict"
    assert "1 need(s)" in err["message"]
    err = error(as_user(admin_user).delete(f"{API}/themes/zz-risk"), 409)
    assert "sub-themes" in err["message"]
    assert Theme.objects.filter(code__in=["zz-waste", "zz-risk"]).count() == 2


# --- OpenAPI ------------------------------------------------------------------------------------

def test_openapi_documents_every_operation(client):
    schema = client.get(f"{API}/openapi.json").json()
    assert {"/api/v1/places", "/api/v1/places/{slug}", "/api/v1/themes", "/api/v1/needs",
            "/api/v1/organisations"} <= set(schema["paths"])
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) >= 25
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))
    for op in operations:
        assert op["summary"] and op["tags"], op["operationId"]
    assert "BearerToken" in schema["components"]["securitySchemes"]


# --- cost ---------------------------------------------------------------------------------------

def test_lists_cost_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    region = PlaceFactory(slug="region", level="region")
    for _ in range(30):
        place = PlaceFactory(parent=region)
        NeedFactory(place=place, theme=theme("zz-waste"))
        ExpertiseFactory(place=place, theme=theme("zz-seismic"))
        OrganisationFactory(place=place)
    for path in ("/places", "/needs", "/expertise", "/organisations", "/themes"):
        with django_assert_max_num_queries(4):
            assert client.get(f"{API}{path}", {"page_size": 200}).status_code == 200


def test_place_detail_costs_a_fixed_number_of_queries(client, place, django_assert_max_num_queries):
    for _ in range(10):
        NeedFactory(place=place, theme=theme("zz-waste"))
        ExpertiseFactory(place=place, theme=theme("zz-seismic"))
        ContactFactory(place=place)
    with django_assert_max_num_queries(5):
        assert len(client.get(f"{API}/places/testville").json()["needs"]) == 10


def test_unknown_api_path_answers_in_the_error_format(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_need_no_theme_fits_is_kept_untagged_with_suggested_themes(focal_point, place,
                                                                      django_capture_on_commit_callbacks):
    client = as_user(focal_point)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, "/places/testville/needs", {
            "priority": 4, "description": {"en": "Our landfill is full and households do not sort their rubbish"}})
    assert response.status_code == 201, response.content
    need = client.get(f"{API}/needs/{response.json()['id']}").json()
    assert need["theme"] is None and need["theme_name"] is None
    assert need["description"]["en"].startswith("Our landfill")
    assert need["suggested_themes"] and "waste" in need["suggested_themes"][0]  # close in meaning
    # a person confirms one: the suggestions have done their work
    tagged = patch(client, f"/needs/{need['id']}", {"theme": need["suggested_themes"][0]}).json()
    assert tagged["theme"] == need["suggested_themes"][0] and tagged["suggested_themes"] == []


def test_a_need_still_needs_a_text_and_a_known_theme_if_one_is_given(focal_point, place):
    client = as_user(focal_point)
    assert "description" in error(post(client, "/places/testville/needs", {"priority": 3}), 422)["fields"]
    assert "theme" in error(post(client, "/places/testville/needs", {"theme": "nope", "description": {"en": "x"}}),
                            422)["fields"]
    assert not Need.objects.exists()


def test_statements_can_be_listed_by_whether_they_are_tagged(focal_point, place):
    client = as_user(focal_point)
    post(client, "/places/testville/needs", {"description": {"en": "gentrification pressure"}})
    post(client, "/places/testville/needs", {"theme": "zz-waste", "description": {"en": "sorting"}})
    untagged = client.get(f"{API}/needs", {"tagged": "false"}).json()["results"]
    tagged = client.get(f"{API}/needs", {"tagged": "true"}).json()["results"]
    assert [n["description"]["en"] for n in untagged] == ["gentrification pressure"]
    assert [n["theme"] for n in tagged] == ["zz-waste"]
