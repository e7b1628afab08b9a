import json

import pytest
from django.core.management import CommandError, call_command

from renkei.accounts.services import api_token_create
from renkei.core.errors import ApplicationError, NotAllowed
from renkei.matching import services
from renkei.matching.fetch import forget_index
from renkei.matching.models import MatchFeedback, MatchRun, TextEmbedding
from renkei.places.models import Place

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hashing_embedder")]


@pytest.fixture
def demo(kamaishi):
    return kamaishi


def slugs(found):
    return [m.place.slug for m in found.results]


def test_match_runs_are_stored_for_signed_in_users(demo, officer, anonymous):
    found = services.match_find(viewer=officer, place=demo, request=services.MatchRequest(preset="mutual"))
    run = found.run
    assert run.pk and run.created_by == officer and len(found.results) == 10 and len(run.results) == 10
    assert "kamaishi" not in slugs(found)
    assert all(m.reasons("en") and m.reasons("ja") for m in found.results)
    assert run.results == [m.as_json() for m in found.results]
    assert all(r["explanation"] and r["explanation_ja"] for r in run.results)
    visitor = services.match_find(viewer=anonymous, place=demo, request=services.MatchRequest(preset="mutual"))
    assert visitor.run.pk is None and slugs(visitor) == slugs(found)
    assert MatchRun.objects.count() == 1


def test_filters_reach_the_engine(demo, officer):
    run = services.match_find(viewer=officer, place=demo, request=services.MatchRequest(
        preset="peer", exclude_countries=("JP",), max_population=1_000_000, top=50))
    places = Place.objects.filter(slug__in=slugs(run))
    assert places and all(p.country != "JP" and p.population <= 1_000_000 for p in places)


def test_bad_requests_name_the_field(demo, officer):
    for request, field in [
        (services.MatchRequest(preset="fastest"), "preset"),
        (services.MatchRequest(weights={"beauty": 1.0}), "weights"),
        (services.MatchRequest(top=0), "top"),
        (services.MatchRequest(countries=("Atlantis",)), "countries"),
        (services.MatchRequest(min_population=10, max_population=5), "max_population"),
    ]:
        with pytest.raises(ApplicationError) as caught:
            services.match_find(viewer=officer, place=demo, request=request)
        assert field in caught.value.errors


def test_unpublished_places_are_never_suggested_to_visitors(demo, anonymous, officer):
    top = services.match_find(viewer=anonymous, place=demo, request=services.MatchRequest(top=1)).results[0]
    Place.objects.filter(slug=top.place.slug).update(is_published=False)
    forget_index()
    again = services.match_find(viewer=anonymous, place=demo, request=services.MatchRequest(top=5))
    assert top.place.slug not in slugs(again)
    assert top.place.slug in slugs(services.match_find(viewer=officer, place=demo,
                                                       request=services.MatchRequest(top=5)))


def test_declined_partner_is_not_suggested_again(demo, officer):
    first = services.match_find(viewer=officer, place=demo, request=services.MatchRequest(top=3))
    declined = first.results[0].place
    with pytest.raises(ApplicationError) as caught:
        services.feedback_record(actor=officer, place=demo, candidate=declined, decision="declined")
    assert "reason" in caught.value.errors
    services.feedback_record(actor=officer, place=demo, candidate=declined, decision="declined",
                             reason="Too far for our budget", run=first.run)
    again = services.match_find(viewer=officer, place=demo, request=services.MatchRequest(top=3))
    assert declined.slug not in slugs(again)
    assert MatchFeedback.objects.get().run == first.run


def test_only_the_place_side_may_answer(demo, focal_point, reviewer):
    other = Place.objects.get(slug="toyama")
    with pytest.raises(NotAllowed):
        services.feedback_record(actor=focal_point, place=demo, candidate=other, decision="accepted")
    with pytest.raises(NotAllowed):
        services.feedback_record(actor=reviewer, place=demo, candidate=other, decision="accepted")


def test_index_follows_profile_changes(demo, officer):
    from renkei.places import services as place_services

    before = services.match_find(viewer=officer, place=demo, request=services.MatchRequest(preset="expertise",
                                                                                            top=1))
    newcomer = place_services.place_create(actor=officer, data={"name": "Newtown", "country": "FI", "lat": 60,
                                                                "lon": 24, "population": 40000})
    for code in ("declining-birthrate", "city-revitalisation", "ageing-accessibility", "human-resources"):
        place_services.expertise_create(actor=officer, place=newcomer,
                                        data={"theme": code, "maturity": 5, "description": "We did it"})
    after = services.match_find(viewer=officer, place=demo, request=services.MatchRequest(preset="expertise",
                                                                                           top=1))
    assert after.results[0].place.slug == "newtown" != before.results[0].place.slug


def test_pairing_saves_for_officers_only(demo, officer, focal_point):
    eu = ["essen", "turku", "umea"]
    jp = ["koriyama", "nagano", "kamakura", "toyama"]
    run = services.pairing_create(actor=officer, group_a=eu, group_b=jp, title="IUC 2017")
    assert run.pk and len(run.results) == 3 and run.total >= run.parameters["greedy_total"] - 1e-6
    assert len({p["b"]["slug"] for p in run.results}) == 3
    with pytest.raises(NotAllowed):
        services.pairing_create(actor=focal_point, group_a=eu, group_b=jp)
    unsaved = services.pairing_create(actor=focal_point, group_a=eu, group_b=jp, save=False)
    assert unsaved.pk is None
    with pytest.raises(ApplicationError) as caught:
        services.pairing_create(actor=officer, group_a=["atlantis"], group_b=jp)
    assert "group_a" in caught.value.errors
    with pytest.raises(ApplicationError) as caught:
        services.pairing_create(actor=officer, group_a=eu, group_b=jp, method="stable", capacity=2)
    assert "capacity" in caught.value.errors


def test_embeddings_are_cached_in_the_database(demo, officer):
    services.match_find(viewer=officer, place=demo, request=services.MatchRequest())
    count = TextEmbedding.objects.count()
    assert count > 50
    forget_index()
    services.match_find(viewer=officer, place=demo, request=services.MatchRequest())
    assert TextEmbedding.objects.count() == count


def test_match_command_json(demo, capsys):
    call_command("match", "kamaishi", "--preset", "mutual", "--top", "3", "--exclude-country", "JP", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["place"]["slug"] == "kamaishi" and out["preset"] == "mutual"
    assert len(out["results"]) == 3
    first = out["results"][0]
    assert set(first) == {"place", "score", "score_100", "band", "components", "explanation"}
    assert first["score_100"] == round(first["score"] * 100) and first["band"] in {"strong", "good", "partial", "weak"}
    assert set(first["place"]) == {"id", "name", "country", "slug"}
    assert all(r["place"]["country"] != "JP" for r in out["results"])


def test_match_command_default_preset_is_either(demo, capsys):
    call_command("match", "kamaishi", "--top", "3", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["preset"] == "either"
    assert set(out["results"][0]["components"]) == {"expertise", "reverse", "text", "offer_text"}


def test_every_preset_is_offered_by_the_api():
    from typing import get_args

    from renkei.engine.types import DEFAULT_PRESET, PRESETS
    from renkei.matching.api import MatchIn, PresetName

    assert set(get_args(PresetName)) == set(PRESETS)
    assert MatchIn(place="kamaishi").preset == DEFAULT_PRESET


def test_match_command_offer_preset_in_words(demo, capsys):
    call_command("match", "kitakyushu", "--preset", "offer", "--top", "5")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("offer matches for Kitakyushu (scores 0–100: strong 60+")
    assert all("/100 " in line for line in out[1:] if line[:5].strip().rstrip(".").isdigit())


def test_match_command_errors(demo):
    with pytest.raises(CommandError, match="No place matches"):
        call_command("match", "atlantis")
    with pytest.raises(CommandError, match="not an ISO"):
        call_command("match", "kamaishi", "--country", "Atlantis")


def test_pair_command(demo, capsys):
    call_command("pair", "--a", "country=DE,FI,SE", "--b", "country=JP", "--json")
    out = json.loads(capsys.readouterr().out)
    assert len(out["pairs"]) == 3 and out["total"] >= out["greedy_total"] - 1e-6
    with pytest.raises(CommandError, match="unknown key"):
        call_command("pair", "--a", "colour=red", "--b", "country=JP")


def test_match_api(client, demo, officer):
    response = client.post("/api/v1/match", {"place": "kamaishi", "preset": "expertise", "top": 3},
                           content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["run"] is None and len(body["results"]) == 3
    bad = client.post("/api/v1/match", {"place": "kamaishi", "top": 500}, content_type="application/json")
    assert bad.status_code == 422 and "top" in bad.json()["error"]["fields"]
    missing = client.post("/api/v1/match", {"place": "atlantis"}, content_type="application/json")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    _token, raw = api_token_create(user=officer, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    saved = client.post("/api/v1/match", {"place": "kamaishi"}, content_type="application/json", **auth)
    assert saved.json()["run"]
    pairing = client.post("/api/v1/match/pairing", {"group_a": ["essen", "turku"], "group_b": ["koriyama", "obuse"]},
                          content_type="application/json", **auth)
    assert pairing.status_code == 200 and len(pairing.json()["pairs"]) == 2
    assert client.post("/api/v1/match/pairing", {"group_a": ["essen"], "group_b": ["obuse"]},
                       content_type="application/json").status_code == 401
    runs = client.get("/api/v1/match/runs", **auth).json()
    assert {r["kind"] for r in runs} == {"match", "pairing"}
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/match" in paths and "/api/v1/match/pairing" in paths


def test_find_partners_page_and_feedback(client, demo, officer):
    html = client.get("/places/kamaishi/partners/").content.decode()
    assert "Find partners for Kamaishi" in html and 'class="card match-card"' in html
    html = client.get("/places/kamaishi/partners/", {"top": "abc"}).content.decode()
    assert "Some settings are not valid" in html
    partial = client.get("/places/kamaishi/partners/", {"preset": "peer"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    client.force_login(officer)
    response = client.post("/places/kamaishi/partners/feedback/",
                           {"candidate": "toyama", "decision": "declined", "reason": "Already partners"})
    assert response.status_code == 302
    assert MatchFeedback.objects.get(candidate__slug="toyama").decision == "declined"
    assert "/places/toyama/" not in client.get("/places/kamaishi/partners/").content.decode().split(
        "match-cards")[1]


def test_pair_cohort_page(client, demo, officer):
    client.force_login(officer)
    response = client.post("/match/pair/", {"a_country": ["DE", "FI", "SE"], "b_country": ["JP"],
                                            "preset": "mutual", "method": "optimal", "capacity": "1",
                                            "title": "EU–Japan", "save": "1"})
    html = response.content.decode()
    assert response.status_code == 200 and "Total" in html and "Essen" in html
    assert MatchRun.objects.filter(kind="pairing", title="EU–Japan").exists()
    empty = client.post("/match/pair/", {"preset": "mutual", "method": "optimal", "capacity": "1"})
    assert "Group A is empty: choose at least one place." in empty.content.decode()


def test_pair_page_offers_saving_only_to_those_who_may_and_speaks_japanese(client, demo, officer):
    visitor = client.get("/match/pair/").content.decode()
    assert "Pair and save" not in visitor and 'name="title"' not in visitor and ">Pair<" in visitor
    japanese = client.get("/match/pair/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert ">プリセット<" in japanese and ">組み合わせ方法<" in japanese
    assert ">Preset<" not in japanese and ">Method<" not in japanese
    empty = client.post("/match/pair/", {"preset": "mutual", "method": "optimal", "capacity": "1"},
                        HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "グループA が空です" in empty and "group_a" not in empty.split("<main", 1)[-1]
    client.force_login(officer)
    assert "Pair and save" in client.get("/match/pair/").content.decode()


def test_index_page_and_background_rebuild(client, demo, officer, focal_point):
    client.force_login(focal_point)
    assert client.get("/match/index/").status_code == 403
    client.force_login(officer)
    html = client.get("/match/index/").content.decode()
    assert "texts embedded" in html
    response = client.post("/match/index/")
    assert response.status_code == 302
    html = client.get("/match/index/").content.decode()
    total = TextEmbedding.objects.count()
    assert total > 50 and f"{total} of {total} texts embedded" in html


def test_profile_edit_embeds_the_new_text_in_the_background(client, demo, django_capture_on_commit_callbacks):
    from renkei.accounts.models import Role
    from renkei.accounts.tests.factories import UserFactory
    from renkei.engine.embedding import text_key

    user = UserFactory(roles=[Role.FOCAL_POINT], places=[demo])
    client.force_login(user)
    key = text_key("A brand new text about landfill")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/places/kamaishi/need/add/", {"theme": "solid-waste", "scale": "3",
                                                               "description_en": "A brand new text about landfill"})
    assert response.status_code == 302 and len(callbacks) == 1
    assert TextEmbedding.objects.filter(key=key, model="hashing-256").exists()


@pytest.mark.django_db
def test_editing_a_theme_changes_the_index_signature(admin_user):
    """The matching index holds the taxonomy (names, synonyms, related themes): an edit rebuilds it."""
    from renkei.matching.fetch import signature
    from renkei.places.models import Theme
    from renkei.places.services import theme_update

    before = signature()
    theme = Theme.objects.get(code="compact-city")
    theme_update(actor=admin_user, theme=theme, data={"related": ["mobility"]})
    assert signature() != before


def test_one_labelled_score_scale_in_api_and_pages(client, demo, officer):
    body = client.post("/api/v1/match", {"place": "kitakyushu", "preset": "offer", "top": 3},
                       content_type="application/json").json()
    assert body["preset"] == "offer" and len(body["results"]) == 3
    for result in body["results"]:
        assert result["score_100"] == round(result["score"] * 100)
        assert result["band"] in {"strong", "good", "partial", "weak"}
        assert "reverse" in result["components"]
    html = client.get("/places/kamaishi/partners/", {"preset": "offer"}).content.decode()
    assert "Scores run from 0 to 100" in html and "/100</span>" in html and " fit</span>" in html
    client.force_login(officer)
    pair = client.post("/match/pair/", {"a_country": ["DE", "FI", "SE"], "b_country": ["JP"], "preset": "mutual",
                                        "method": "optimal", "capacity": "1"}).content.decode()
    assert "/100</span>" in pair and "0.5" not in pair.split("<tbody>")[1].split("</tbody>")[0]
    client.cookies["django_language"] = "ja"
    html = client.get("/places/kamaishi/partners/", {"preset": "offer"}, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "提供できること" in html or "必要としている" in html
