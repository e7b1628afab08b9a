"""A programme's weights tuned on its decisions: the decisions read, the service and its guard, the
task, matching in the programme's context, and every interface per role."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from renkei.accounts.models import Role
from renkei.accounts.services import api_token_create
from renkei.accounts.tests.factories import UserFactory
from renkei.core.errors import ApplicationError, Conflict, NotAllowed, NotFound
from renkei.engine.types import PRESETS, Weights
from renkei.matching import selectors, services
from renkei.matching.decisions import programme_decisions
from renkei.matching.demo import matching_demo_load
from renkei.matching.models import MatchFeedback, MatchRun, ProgrammeTuning
from renkei.partnerships.models import Member, Partnership
from renkei.places.models import Place
from renkei.programmes.demo import programmes_demo_load
from renkei.programmes.models import Application, Call, Programme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hashing_embedder")]

CPP = "world-bank-city-partnership-program"


@pytest.fixture
def cpp(kamaishi):
    """The demo places and programmes with the demo answers: the City Partnership Program has 32
    decided pairs; one programme officer is named on it."""
    programmes_demo_load()
    matching_demo_load()
    programme = Programme.objects.get(slug=CPP)
    return programme


@pytest.fixture
def named_officer(cpp):
    user = UserFactory(username="cpp-officer", roles=[Role.PROGRAMME_OFFICER])
    cpp.officers.add(user)
    return user


def run_tuning(actor, programme, preset="offer", capture=None):
    """Start a tuning and let the after-commit hook run the (immediate) background task."""
    with capture(execute=True):
        tuning = services.tuning_start(actor=actor, programme=programme, preset=preset)
    tuning.refresh_from_db()
    return tuning


def login(client, user):
    client.force_login(type(user).objects.get(pk=user.pk))  # as saved (the factory sets the password after)


def auth(user):
    _token, raw = api_token_create(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# -- decisions -------------------------------------------------------------------------------------
def test_decisions_come_from_partnerships_selections_and_feedback(kamaishi):
    places = {p.slug: p for p in Place.objects.filter(slug__in=["essen", "turku", "umea", "koriyama", "kobe",
                                                                 "toyama", "kamaishi", "banda-aceh"])}
    programme = Programme.objects.create(slug="test-programme", title={"en": "Test"})
    call = Call.objects.create(programme=programme, slug="test-call", title={"en": "Call"},
                               opens_at=datetime(2020, 1, 1, tzinfo=UTC),
                               closes_at=datetime(2020, 2, 1, tzinfo=UTC), status=Call.Status.DECIDED)
    selected = Application.objects.create(call=call, place=places["koriyama"], status=Application.Status.SELECTED)
    Application.objects.create(call=call, place=places["kobe"], status=Application.Status.NOT_SELECTED)
    Application.objects.create(call=call, place=places["toyama"], status=Application.Status.SUBMITTED)
    formed = Partnership.objects.create(slug="p1", title={"en": "P1"}, programme=programme,
                                        status=Partnership.Status.ACTIVE, application=selected)
    Member.objects.create(partnership=formed, place=places["koriyama"], role="4")
    Member.objects.create(partnership=formed, place=places["essen"], role="4")
    proposed = Partnership.objects.create(slug="p2", title={"en": "P2"}, programme=programme)
    Member.objects.create(partnership=proposed, place=places["turku"], role="4")
    Member.objects.create(partnership=proposed, place=places["umea"], role="4")
    MatchFeedback.objects.create(place=places["essen"], candidate=places["kamaishi"], decision="declined",
                                 reason="no")
    run = MatchRun.objects.create(kind="match", place=places["banda-aceh"], programme=programme)
    MatchFeedback.objects.create(place=places["banda-aceh"], candidate=places["kamaishi"], decision="accepted",
                                 run=run)
    MatchFeedback.objects.create(place=places["toyama"], candidate=places["kamaishi"], decision="declined",
                                 reason="outside the programme? no: toyama applied")
    MatchFeedback.objects.create(place=places["umea"], candidate=places["kamaishi"], decision="accepted")
    MatchFeedback.objects.create(place=places["kamaishi"], candidate=places["umea"], decision="accepted")
    decisions, sources = programme_decisions(programme)
    ids = {p.pk: slug for slug, p in places.items()}
    named = [(ids[a], ids[b], yes) for a, b, yes in decisions]
    assert named[:2] == [("koriyama", "essen", True), ("essen", "koriyama", True)]  # the proposed one is not formed
    assert ("essen", "koriyama", True) in named and ("essen", "kobe", False) in named  # essen chose koriyama
    assert ("essen", "kamaishi", False) in named and ("banda-aceh", "kamaishi", True) in named
    assert ("toyama", "kamaishi", False) in named and ("umea", "kamaishi", True) in named
    assert not any(a == "kamaishi" for a, _b, _y in named)  # kamaishi is not one of the programme's places
    assert sources == {"partnerships": 2, "selections": 2, "feedback": 4}


# -- the service and its guard ---------------------------------------------------------------------
def test_tuning_is_applied_and_used_in_the_programmes_context(cpp, named_officer,
                                                             django_capture_on_commit_callbacks):
    tuning = run_tuning(named_officer, cpp, capture=django_capture_on_commit_callbacks)
    assert tuning.status == "done" and tuning.applied and tuning.in_use, tuning.reason
    assert tuning.decisions == 32 and tuning.positives == 18 and tuning.negatives == 14
    assert tuning.sources == {"partnerships": 0, "selections": 0, "feedback": 32}
    assert tuning.held_back_after >= tuning.held_back_before
    assert tuning.weights["shared_needs"] > 0 == PRESETS["offer"].as_dict()["shared_needs"]
    assert tuning.created_by == named_officer and tuning.finished_at
    from renkei.core.audit import audit_history

    assert [e.action for e in audit_history(tuning)] == ["create"]
    kobe = Place.objects.get(slug="kobe")
    found = services.match_find(viewer=named_officer, place=kobe, request=services.MatchRequest(
        preset="offer", programme=cpp))
    assert found.tuning == tuning and found.weights == Weights(**tuning.weights)
    assert found.run.programme == cpp and found.run.parameters["tuning"] == tuning.pk
    plain = services.match_find(viewer=named_officer, place=kobe, request=services.MatchRequest(preset="offer"))
    assert plain.tuning is None and plain.weights == PRESETS["offer"]
    preset_only = services.match_find(viewer=named_officer, place=kobe, request=services.MatchRequest(
        preset="offer", programme=cpp, use_tuned=False))
    assert preset_only.tuning is None and preset_only.weights == PRESETS["offer"]
    other_preset = services.match_find(viewer=named_officer, place=kobe, request=services.MatchRequest(
        preset="mutual", programme=cpp))
    assert other_preset.tuning is None
    custom = services.match_find(viewer=named_officer, place=kobe, request=services.MatchRequest(
        preset="offer", programme=cpp, weights={"peer": 1}))
    assert custom.tuning is None


def test_the_same_decisions_give_the_same_weights(cpp, admin_user, django_capture_on_commit_callbacks):
    first = run_tuning(admin_user, cpp, capture=django_capture_on_commit_callbacks)
    second = run_tuning(admin_user, cpp, capture=django_capture_on_commit_callbacks)
    assert second.weights == first.weights and second.held_back_after == first.held_back_after
    assert second.in_use and not ProgrammeTuning.objects.get(pk=first.pk).in_use  # one in use per preset
    assert ProgrammeTuning.objects.filter(programme=cpp, in_use=True).count() == 1


def test_too_few_decisions_are_reported_and_nothing_changes(cpp, admin_user, django_capture_on_commit_callbacks):
    MatchFeedback.objects.filter(place__slug__in=["kobe", "toyama", "yokohama"]).delete()
    tuning = run_tuning(admin_user, cpp, capture=django_capture_on_commit_callbacks)
    assert tuning.status == "done" and not tuning.applied and not tuning.in_use
    assert tuning.decisions == 8 and "too few decisions" in tuning.reason
    assert tuning.held_back_before is None
    found = services.match_find(viewer=admin_user, place=Place.objects.get(slug="kobe"),
                                request=services.MatchRequest(preset="offer", programme=cpp))
    assert found.tuning is None and found.weights == PRESETS["offer"]


def test_worse_on_the_held_back_part_is_not_applied(cpp, admin_user, monkeypatch,
                                                    django_capture_on_commit_callbacks):
    """The engine's guard decides (its own tests make it refuse); the service stores the refusal with
    its figures and the weights in use stay as they were."""
    from dataclasses import replace

    from renkei.engine import tuning as engine_tuning

    earlier = run_tuning(admin_user, cpp, capture=django_capture_on_commit_callbacks)
    assert earlier.in_use
    real = engine_tuning.tune

    def refused(pairs, preset, **kw):
        result = real(pairs, preset, **kw)
        return replace(result, applied=False, held_back_before=0.8, held_back_after=0.6,
                       reason="not applied: the tuned weights rank the held-back decisions worse (0.600 against "
                              "the preset's 0.800)")

    monkeypatch.setattr(engine_tuning, "tune", refused)
    tuning = run_tuning(admin_user, cpp, preset="offer", capture=django_capture_on_commit_callbacks)
    assert tuning.status == "done" and not tuning.applied and not tuning.in_use
    assert tuning.held_back_after < tuning.held_back_before and "worse" in tuning.reason
    assert services.tuning_in_use(cpp, "offer") == earlier


def test_a_second_start_waits_for_the_first_and_bad_presets_name_the_field(cpp, admin_user):
    services.tuning_start(actor=admin_user, programme=cpp, preset="offer")  # queued: no commit in the test
    with pytest.raises(Conflict):
        services.tuning_start(actor=admin_user, programme=cpp, preset="mutual")
    with pytest.raises(ApplicationError) as caught:
        services.tuning_start(actor=admin_user, programme=cpp, preset="fastest\x00" * 20)
    assert "preset" in caught.value.errors


def test_a_tuning_deleted_before_its_task_ends_quietly(cpp, admin_user):
    tuning = services.tuning_start(actor=admin_user, programme=cpp, preset="offer", background=False)
    ProgrammeTuning.objects.filter(pk=tuning.pk).delete()
    assert services.tuning_run(tuning.pk) is None


def test_a_failure_is_recorded_on_the_tuning(cpp, admin_user, monkeypatch):
    from renkei.matching import decisions

    monkeypatch.setattr(decisions, "programme_decisions", lambda programme: 1 / 0)
    tuning = services.tuning_start(actor=admin_user, programme=cpp, preset="offer", background=False)
    done = services.tuning_run(tuning.pk)
    assert done.status == "failed" and "division by zero" in done.reason and not done.in_use


def test_returning_to_the_preset(cpp, named_officer, django_capture_on_commit_callbacks):
    tuning = run_tuning(named_officer, cpp, capture=django_capture_on_commit_callbacks)
    assert services.tuning_reset(actor=named_officer, programme=cpp, preset="mutual") == 0
    assert services.tuning_reset(actor=named_officer, programme=cpp, preset="offer") == 1
    tuning.refresh_from_db()
    assert not tuning.in_use and tuning.applied
    assert services.tuning_in_use(cpp, "offer") is None


# -- permissions per role --------------------------------------------------------------------------
@pytest.mark.parametrize("who, allowed", [
    ("admin_user", True), ("named_officer", True), ("officer", False), ("focal_point", False),
    ("reviewer", False), ("secretariat", False), ("no_role_user", False), ("anonymous", False)])
def test_who_may_tune(request, cpp, named_officer, who, allowed):
    user = request.getfixturevalue(who)
    if allowed:
        tuning = services.tuning_start(actor=user, programme=cpp, preset="offer")
        assert selectors.tuning_list(viewer=user, programme=cpp).get() == tuning
        assert selectors.tuning_get(viewer=user, pk=tuning.pk) == tuning
        assert services.tuning_reset(actor=user, programme=cpp) == 0
        return
    with pytest.raises(NotAllowed):
        services.tuning_start(actor=user, programme=cpp, preset="offer")
    with pytest.raises(NotAllowed):
        services.tuning_reset(actor=user, programme=cpp)
    with pytest.raises(NotAllowed):
        selectors.tuning_list(viewer=user, programme=cpp)
    tuning = services.tuning_start(actor=named_officer, programme=cpp, preset="offer", background=False)
    with pytest.raises(NotFound):
        selectors.tuning_get(viewer=user, pk=tuning.pk)
    assert not ProgrammeTuning.objects.exclude(pk=tuning.pk).exists()


def test_any_officer_may_tune_a_programme_that_names_none(cpp, officer):
    assert not cpp.officers.exists()
    assert services.tuning_start(actor=officer, programme=cpp, preset="offer").pk


# -- API -------------------------------------------------------------------------------------------
def test_api_tunes_lists_reads_and_resets(client, cpp, named_officer, django_capture_on_commit_callbacks):
    headers = auth(named_officer)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"/api/v1/match/programmes/{CPP}/tunings", {"preset": "offer"},
                              content_type="application/json", **headers)
    assert started.status_code == 202, started.content
    pk = started.json()["id"]
    one = client.get(f"/api/v1/match/tunings/{pk}", **headers).json()
    assert one["status"] == "done" and one["applied"] and one["in_use"] and one["decisions"] == 32
    assert one["held_back_after"] >= one["held_back_before"] and one["sources"]["feedback"] == 32
    page = client.get(f"/api/v1/match/programmes/{CPP}/tunings?page=1&page_size=5", **headers).json()
    assert page["count"] == 1 and page["results"][0]["id"] == pk and page["results"][0]["updated_at"]
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat().replace("+", "%2B")
    later = client.get(f"/api/v1/match/programmes/{CPP}/tunings?updated_since={tomorrow}", **headers).json()
    assert later["count"] == 0
    match = client.post("/api/v1/match", {"place": "kobe", "preset": "offer", "programme": CPP},
                        content_type="application/json", **headers).json()
    assert match["tuning"]["id"] == pk and match["weights"] == one["weights"] | match["weights"]
    assert match["weights"]["shared_needs"] > 0
    preset = client.post("/api/v1/match", {"place": "kobe", "preset": "offer", "programme": CPP, "use_tuned": False},
                         content_type="application/json", **headers).json()
    assert preset["tuning"] is None and preset["weights"]["shared_needs"] == 0
    reset = client.post(f"/api/v1/match/programmes/{CPP}/tunings/reset", {"preset": "offer"},
                        content_type="application/json", **headers)
    assert reset.status_code == 200 and reset.json() == {"returned": 1}
    again = client.post("/api/v1/match", {"place": "kobe", "preset": "offer", "programme": CPP},
                        content_type="application/json", **headers).json()
    assert again["tuning"] is None


def test_api_errors(client, cpp, named_officer, officer, focal_point):
    url = f"/api/v1/match/programmes/{CPP}/tunings"
    assert client.post(url, {"preset": "offer"}, content_type="application/json").status_code == 401
    assert client.get(url).status_code == 401
    for user in (officer, focal_point):
        refused = client.post(url, {"preset": "offer"}, content_type="application/json", **auth(user))
        assert refused.status_code == 403
        assert client.get(url, **auth(user)).status_code == 403
        assert client.post(f"{url}/reset", {}, content_type="application/json", **auth(user)).status_code == 403
    headers = auth(named_officer)
    bad = client.post(url, {"preset": "fastest"}, content_type="application/json", **headers)
    assert bad.status_code == 422 and "preset" in json.dumps(bad.json())
    missing = client.post("/api/v1/match/programmes/atlantis/tunings", {"preset": "offer"},
                          content_type="application/json", **headers)
    assert missing.status_code == 404
    tuning = services.tuning_start(actor=named_officer, programme=cpp, preset="offer", background=False)
    assert client.get(f"/api/v1/match/tunings/{tuning.pk}", **auth(officer)).status_code == 404
    conflict = client.post(url, {"preset": "offer"}, content_type="application/json", **headers)
    assert conflict.status_code == 409
    unknown = client.post("/api/v1/match", {"place": "kobe", "programme": "atlantis"},
                          content_type="application/json")
    assert unknown.status_code == 404 and "programme" in unknown.json()["error"]["fields"]
    long = client.post("/api/v1/match", {"place": "kobe", "programme": "x" * 200}, content_type="application/json")
    assert long.status_code == 422
    nul = client.post("/api/v1/match", {"place": "kobe", "programme": "a\x00b"}, content_type="application/json")
    assert nul.status_code in (400, 404, 422)
    assert client.get("/api/v1/match/tunings/99999999", **headers).status_code == 404
    assert client.get(f"/api/v1/match/tunings/{2**70}", **headers).status_code == 404
    assert client.get("/api/v1/match/tunings/-1", **headers).status_code == 404


def test_the_tuning_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/match/programmes/{slug}/tunings" in paths
    assert "/api/v1/match/tunings/{pk}" in paths
    assert "/api/v1/match/programmes/{slug}/tunings/reset" in paths


# -- command ---------------------------------------------------------------------------------------
def test_command_tunes_and_prints_the_figures(cpp, capsys):
    call_command("match", "tune", CPP, "--preset", "offer")
    out = capsys.readouterr().out
    assert "32 (18 yes, 14 no)" in out and "held back" in out and "APPLIED" in out
    call_command("match", "kobe", "--programme", CPP, "--preset", "offer", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["tuning"]["programme"] == CPP and data["results"]
    call_command("match", "kobe", "--programme", CPP, "--preset", "offer")
    assert "Weights tuned for" in capsys.readouterr().out
    call_command("match", "kobe", "--programme", CPP, "--preset", "offer", "--no-tuned", "--json")
    assert "tuning" not in json.loads(capsys.readouterr().out)
    call_command("match", "tune", CPP, "--preset", "offer", "--json")
    figures = json.loads(capsys.readouterr().out)
    assert figures["applied"] and figures["held_back_after"] >= figures["held_back_before"]
    call_command("match", "tune", CPP, "--reset")
    assert "back to the preset" in capsys.readouterr().out
    assert services.tuning_in_use(cpp, "offer") is None


def test_command_errors(cpp):
    with pytest.raises(CommandError, match="No such programme"):
        call_command("match", "tune", "atlantis")
    with pytest.raises(CommandError, match="No such programme"):
        call_command("match", "kobe", "--programme", "atlantis")
    with pytest.raises(CommandError, match="unexpected argument"):
        call_command("match", "kobe", "toyama")


def test_command_reports_too_few_decisions(cpp, capsys):
    MatchFeedback.objects.all().delete()
    call_command("match", "tune", CPP)
    out = capsys.readouterr().out
    assert "NOT APPLIED" in out and "too few decisions" in out


# -- pages -----------------------------------------------------------------------------------------
def test_officers_page_tunes_shows_and_returns_to_the_preset(client, cpp, named_officer,
                                                             django_capture_on_commit_callbacks):
    login(client, named_officer)
    assert f'href="/match/programmes/{CPP}/"' in client.get("/programmes/").content.decode()
    page = client.get(f"/match/programmes/{CPP}/")
    assert page.status_code == 200
    assert "32 decided pairs: 18 yes, 14 no." in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/match/programmes/{CPP}/tune/", {"preset": "offer"})
    assert done.status_code == 302
    tuning = ProgrammeTuning.objects.get()
    assert tuning.in_use
    body = client.get(f"/match/programmes/{CPP}/").content.decode()
    assert "Return to the preset" in body and "Applied" in body
    find = client.get(f"/places/kobe/partners/?preset=offer&programme={CPP}&top=10").content.decode()
    assert f'data-tuning="{tuning.pk}"' in find and "Use the preset&#x27;s own weights" in find
    plain = client.get(f"/places/kobe/partners/?preset=offer&programme={CPP}&top=10&preset_weights=on")
    assert "data-tuning" not in plain.content.decode()
    assert client.post(f"/match/programmes/{CPP}/reset/", {"preset": "offer"}).status_code == 302
    tuning.refresh_from_db()
    assert not tuning.in_use


def test_japanese_page(client, cpp, named_officer):
    login(client, named_officer)
    body = client.get(f"/match/programmes/{CPP}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "判断" in body


@pytest.mark.parametrize("who", ["officer", "focal_point", "reviewer", "no_role_user"])
def test_others_may_not_use_the_page(request, client, cpp, named_officer, who):
    login(client, request.getfixturevalue(who))
    assert client.get(f"/match/programmes/{CPP}/").status_code == 403
    assert client.post(f"/match/programmes/{CPP}/tune/", {"preset": "offer"}).status_code == 403
    assert client.post(f"/match/programmes/{CPP}/reset/", {}).status_code == 403
    assert not ProgrammeTuning.objects.exists()


def test_visitors_are_sent_to_sign_in(client, cpp):
    assert client.post(f"/match/programmes/{CPP}/tune/", {"preset": "offer"}).status_code == 302
    assert client.get(f"/match/programmes/{CPP}/").status_code in (302, 403)
    assert client.get("/match/programmes/atlantis/").status_code == 404
    assert not ProgrammeTuning.objects.exists()


def test_page_names_a_bad_preset(client, cpp, named_officer):
    login(client, named_officer)
    answer = client.post(f"/match/programmes/{CPP}/tune/", {"preset": "fastest"}, follow=True)
    assert "choose one of: either, expertise" in answer.content.decode()
    assert not ProgrammeTuning.objects.exists()


# -- admin -----------------------------------------------------------------------------------------
def test_admin_lists_tunings_and_returns_to_the_preset(staff_client, cpp, admin_user,
                                                       django_capture_on_commit_callbacks):
    tuning = run_tuning(admin_user, cpp, capture=django_capture_on_commit_callbacks)
    assert staff_client.get("/admin/matching/programmetuning/").status_code == 200
    assert staff_client.get(f"/admin/matching/programmetuning/{tuning.pk}/change/").status_code == 200
    assert staff_client.get("/admin/matching/programmetuning/add/").status_code == 403
    staff_client.post("/admin/matching/programmetuning/", {"action": "return_to_preset",
                                                           "_selected_action": [tuning.pk]})
    tuning.refresh_from_db()
    assert not tuning.in_use


def test_demo_answers_load_once(cpp):
    assert MatchFeedback.objects.count() == 32
    assert matching_demo_load() == 0
    assert MatchFeedback.objects.count() == 32
