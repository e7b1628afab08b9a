"""The seeds' story told through /api/v1/ alone, with the demo roles' API tokens: a programme officer
opens a call, Kamaishi's focal point applies, reviewers declare conflicts and score, the officer
decides, the selected application becomes a partnership with members and focal points, an agreement
with its signed document, an action plan, a pilot, a learning activity with its agenda and
participants, and a knowledge request answered. No page of the web UI is requested."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from renkei.accounts.models import Role, User
from renkei.accounts.services import api_token_create, user_create
from renkei.core.tests.files import pdf_with_text
from renkei.places.models import Place

pytestmark = pytest.mark.django_db

API = "/api/v1"


class Api:
    """One demo role's API client: JSON in, JSON out, every request recorded."""

    def __init__(self, user: User, log: list[str]):
        raw = api_token_create(user=user, name="story")[1]
        self.client = Client(headers={"Authorization": f"Bearer {raw}"}, enforce_csrf_checks=True)
        self.user, self.log = user, log

    def _call(self, method: str, path: str, data=None, status: int = 200, **extra):
        self.log.append(f"{API}{path}")
        kwargs = {"content_type": "application/json"} if data is not None and method != "post_form" else {}
        call = getattr(self.client, "post" if method == "post_form" else method)
        response = call(f"{API}{path}", data, **kwargs, **extra) if data is not None else call(f"{API}{path}", **extra)
        assert response.status_code == status, (method, path, response.content[:2000])
        return response.json() if response.content else None

    def get(self, path, status=200, **params):
        self.log.append(f"{API}{path}")
        response = self.client.get(f"{API}{path}", params)
        assert response.status_code == status, (path, response.content[:2000])
        return response.json()

    def post(self, path, data=None, status=200):
        return self._call("post", path, {} if data is None else data, status)

    def patch(self, path, data, status=200, **headers):
        return self._call("patch", path, data, status, **headers)

    def delete(self, path, status=204):
        return self._call("delete", path, None, status)

    def form(self, path, data, status=201):
        return self._call("post_form", path, data, status)


@pytest.fixture
def story(activities_demo):
    """The demo data and the demo accounts, with a second reviewer and Banda Aceh's focal point."""
    from renkei.demo.accounts import demo_users

    demo_users()
    user_create(username="reviewer2", password="x" * 12, roles=[Role.REVIEWER])
    user_create(username="banda-aceh", password="x" * 12, roles=[Role.FOCAL_POINT],
                places=[Place.objects.get(slug="banda-aceh")])
    log: list[str] = []
    return {name: Api(User.objects.get(username=name), log)
            for name in ("officer", "kamaishi", "reviewer", "reviewer2", "banda-aceh", "admin")} | {"log": log}


def test_a_call_becomes_a_partnership_with_a_plan_and_an_activity_through_the_api(story):
    officer, kamaishi, reviewer, reviewer2, banda = (story[n] for n in ("officer", "kamaishi", "reviewer",
                                                                         "reviewer2", "banda-aceh"))
    started = timezone.now()

    # --- the officer creates the programme (with its eligibility rules) and a draft call -------------
    programme = officer.post("/programmes", {
        "title": {"en": "City revitalisation through triangular cooperation", "ja": "三角協力による地域活性化"},
        "eligible_countries": ["JP"], "eligible_levels": ["city"], "max_population": 500_000,
        "owners": ["jica"], "themes": [], "starts_on": "2022-04-01"}, status=201)
    assert programme["owners"] == ["jica"] and programme["eligible_countries"] == ["JP"] and programme["id"]
    tag = officer.client.get(f"{API}/programmes/{programme['slug']}")["ETag"]
    programme = officer.patch(f"/programmes/{programme['slug']}", {"ends_on": "2025-03-31"}, HTTP_IF_MATCH=tag)
    assert programme["ends_on"] == "2025-03-31" and programme["version"] == 2
    officer.patch(f"/programmes/{programme['slug']}", {"ends_on": "2026-03-31"}, status=412, HTTP_IF_MATCH=tag)

    now = timezone.now()
    call = officer.post(f"/programmes/{programme['slug']}/calls", {
        "title": {"en": "Partner cities for the Banda Aceh revitalisation project"},
        "opens_at": (now - timedelta(hours=1)).isoformat(), "closes_at": (now + timedelta(days=30)).isoformat(),
        "timezone": "Asia/Tokyo",
        "questions": [{"text": {"en": "What has your city learnt from its reconstruction since 2011?"}}],
        "criteria": [{"name": {"en": "Relevant experience"}, "weight": 2}]}, status=201)
    assert call["status"] == "draft" and len(call["questions"]) == 1
    question = officer.post(f"/calls/{call['slug']}/questions", {
        "kind": "choice", "text": {"en": "Can your staff travel for a study tour?"}, "choices": ["yes", "no"]},
        status=201)
    criterion = officer.post(f"/calls/{call['slug']}/criteria", {"name": {"en": "Commitment of the mayor"}},
                             status=201)
    officer.patch(f"/calls/{call['slug']}/criteria/{criterion['id']}", {"weight": 1.5})
    officer.patch(f"/calls/{call['slug']}", {"places_to_select": 1})
    call = officer.post(f"/calls/{call['slug']}/status", {"to": "open"})
    assert call["status"] == "open"
    officer.post(f"/calls/{call['slug']}/questions", {"text": {"en": "Too late"}}, status=422)

    # --- Kamaishi's focal point applies -------------------------------------------------------------
    assert kamaishi.get(f"/calls/{call['slug']}", place="kamaishi")["eligibility"] == []
    first_question = call["questions"][0]["id"]
    application = kamaishi.post(f"/calls/{call['slug']}/applications", {
        "place": "kamaishi", "answers": {str(first_question): "The Open City strategy and the Kamaishi Ohashi "
                                                              "school's disaster education.",
                                         str(question["id"]): "yes"},
        "submit": True})
    assert application["status"] == "submitted" and len(application["answers"]) == 2

    # --- reviewers: one declares a conflict, the other scores ---------------------------------------
    for name in ("reviewer", "reviewer2"):
        officer.post(f"/applications/{application['id']}/reviewers", {"reviewer": name})
    seat = reviewer.get("/assignments")["results"][0]
    assert seat["application"] == application["id"] and seat["conflicted"] is None
    reviewer.post(f"/assignments/{seat['id']}/conflict", {"conflicted": False})
    criteria = [c["id"] for c in officer.get(f"/calls/{call['slug']}")["criteria"]]
    reviewer.post(f"/assignments/{seat['id']}/scores",
                  {"scores": {str(c): {"value": 5 - n, "comment": "Clear"} for n, c in enumerate(criteria)}})
    other = reviewer2.get("/assignments")["results"][0]
    reviewer2.post(f"/assignments/{other['id']}/conflict", {"conflicted": True, "note": "I advised Kamaishi."})
    reviewer2.post(f"/assignments/{other['id']}/scores", {"scores": {str(criteria[0]): {"value": 1}}}, status=403)
    assert reviewer.get(f"/assignments/{seat['id']}")["submitted_at"] is not None
    assert len(officer.get("/assignments", call=call["slug"])["results"]) == 2

    # --- the officer closes the call, reads the ranking and decides ---------------------------------
    officer.post(f"/calls/{call['slug']}/status", {"to": "closed"})
    ranking = officer.get(f"/calls/{call['slug']}/ranking")["results"]
    assert ranking[0]["application"] == application["id"] and ranking[0]["rank"] == 1
    officer.post(f"/applications/{application['id']}/decision",
                 {"selected": True, "reason": "Long reconstruction experience and a committed city hall."})
    assert officer.post(f"/calls/{call['slug']}/status", {"to": "decided"})["status"] == "decided"

    # --- the application becomes a partnership; members, focal points, status steps ------------------
    partnership = officer.post(f"/applications/{application['id']}/partnership", status=201)
    slug = partnership["slug"]
    assert partnership["status"] == "agreed" and partnership["application"] == application["id"]
    assert {(m["organisation"], m["place"], m["role"]) for m in partnership["members"]} == {
        ("jica", None, "2"), (None, "kamaishi", "4")}
    banda_member = officer.post(f"/partnerships/{slug}/members", {
        "place": "banda-aceh", "role": "4", "focal_points": [banda.user.pk]}, status=201)
    kamaishi_member = next(m for m in partnership["members"] if m["place"] == "kamaishi")
    officer.patch(f"/partnerships/{slug}/members/{kamaishi_member['id']}", {"focal_points": [kamaishi.user.pk]})
    officer.post(f"/partnerships/{slug}/members", {"place": "banda-aceh"}, status=422)  # already a member
    partnership = officer.patch(f"/partnerships/{slug}", {
        "kind": "triangular", "title": {"en": "JICA — Kamaishi — Banda Aceh revitalisation",
                                        "ja": "JICA — 釜石市 — バンダアチェ市 地域活性化"}})
    assert partnership["kind"] == "triangular"
    assert [m["focal_points"] for m in partnership["members"] if m["id"] == banda_member["id"]] == [[banda.user.pk]]
    partnership = kamaishi.post(f"/partnerships/{slug}/status", {"to": "active", "reason": "The MoU is signed."})
    assert partnership["status"] == "active"

    # --- the agreement, with its signed document, as a multipart form ---------------------------------
    signed = pdf_with_text("Memorandum of understanding", "Kamaishi City and Banda Aceh City")
    agreement = kamaishi.form(f"/partnerships/{slug}/agreements", {
        "kind": "mou", "signed_on": timezone.localdate().isoformat(), "signed_at": "Kamaishi",
        "signatories": "Takenori Noda | Mayor | Kamaishi City", "term_years": "3",
        "document": SimpleUploadedFile("mou.pdf", signed, content_type="application/pdf")})
    download = kamaishi.client.get(agreement["document"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == signed

    # --- the action plan: objectives → actions → milestones; a pilot ---------------------------------
    objective = kamaishi.post(f"/partnerships/{slug}/objectives", {
        "text": {"en": "Revitalise Banda Aceh's waterfront economy", "ja": "バンダアチェ市の水辺経済の活性化"}},
        status=201)
    action = kamaishi.post(f"/partnerships/{slug}/objectives/{objective['id']}/actions", {
        "title": {"en": "Study tour to Kamaishi's fish market"}, "owner": "kamaishi", "due_on": "2026-10-31",
        "budget_eur": "12000.00"}, status=201)
    milestone = kamaishi.post(f"/partnerships/{slug}/actions/{action['id']}/milestones", {
        "title": {"en": "Delegation named"}, "due_on": "2026-06-30"}, status=201)
    kamaishi.patch(f"/partnerships/{slug}/milestones/{milestone['id']}",
                   {"done_on": timezone.localdate().isoformat()})
    kamaishi.patch(f"/partnerships/{slug}/actions/{action['id']}", {"status": "in_progress"})
    plan = kamaishi.get(f"/partnerships/{slug}/objectives")["results"]
    assert plan[0]["actions"][0]["status"] == "in_progress"
    assert plan[0]["actions"][0]["milestones"][0]["done_on"] == timezone.localdate().isoformat()
    pilot = banda.post(f"/partnerships/{slug}/pilots", {"title": {"en": "Night market on the waterfront"},
                                                        "location": "banda-aceh"}, status=201)
    assert banda.patch(f"/partnerships/{slug}/pilots/{pilot['id']}", {"status": "running"})["status"] == "running"

    # --- a learning activity with its agenda, a speaker, participants and their self-assessments -----
    activity = kamaishi.post("/activities", {
        "kind": "study_tour", "title": {"en": "Banda Aceh delegation in Kamaishi", "ja": "バンダアチェ市視察団"},
        "starts_at": "2026-09-07T09:00", "ends_at": "2026-09-09T17:00", "timezone": "Asia/Tokyo",
        "venue": "Kamaishi City Hall", "partnership": slug}, status=201)
    assert activity["starts_at"] == "2026-09-07T00:00:00Z" and activity["partnership"] == slug
    session = kamaishi.post(f"/activities/{activity['slug']}/sessions", {
        "title": {"en": "Reconstruction since 2011"}, "starts_at": "2026-09-07T10:00",
        "ends_at": "2026-09-07T11:30", "room": "Council chamber"}, status=201)
    speaker = kamaishi.post(f"/activities/{activity['slug']}/speakers",
                            {"name": "Atsutoshi Hirabayashi", "role": "moderator", "session": session["id"]},
                            status=201)
    assert speaker["session"] == session["id"]
    kamaishi.patch(f"/activities/{activity['slug']}/sessions/{session['id']}", {"room": "Hall B"})
    participants = [kamaishi.post(f"/activities/{activity['slug']}/participants", {"name": name}, status=201)
                    for name in ("Cut Nurul", "Teuku Rizal")]
    for n, participant in enumerate(participants):
        kamaishi.patch(f"/activities/{activity['slug']}/participants/{participant['id']}",
                       {"attended": True, "before_score": 2, "after_score": 4 + n})
    assessed = kamaishi.get(f"/activities/{activity['slug']}/participants")["results"]
    assert [(p["attended"], p["before_score"], p["after_score"]) for p in assessed] == [(True, 2, 4), (True, 2, 5)]
    agenda = kamaishi.get(f"/activities/{activity['slug']}")["sessions"]
    assert agenda[0]["room"] == "Hall B" and agenda[0]["speakers"][0]["name"] == "Atsutoshi Hirabayashi"

    # --- a knowledge request, answered ---------------------------------------------------------------
    request = banda.post("/knowledge/requests", {
        "place": "banda-aceh", "title": {"en": "How did Kamaishi bring visitors back to its fish market?"},
        "themes": []}, status=201)
    answer = kamaishi.post(f"/knowledge/requests/{request['id']}/answers", {
        "place": "kamaishi", "text": "Through the Open City strategy and a regular seafood fair."}, status=201)
    request = banda.get(f"/knowledge/requests/{request['id']}")
    assert request["status"] == "answered" and request["answers"][0]["id"] == answer["id"]

    # --- a client syncs what changed since the story began --------------------------------------------
    changed = officer.get("/partnerships", updated_since=started.isoformat())["results"]
    assert [p["slug"] for p in changed] == [slug]
    assert officer.get("/programmes", updated_since=started.isoformat())["count"] == 1
    assert officer.get(f"/partnerships/{slug}/actions", updated_since=timezone.now().isoformat())["count"] == 0

    assert len(story["log"]) > 50 and all(path.startswith(f"{API}/") for path in story["log"])
