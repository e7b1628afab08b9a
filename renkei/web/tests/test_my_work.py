"""The start page of a signed-in user ("my work"): each role sees its own sections with their counts
and links, and not the sections of roles it does not hold; the page costs the same number of queries
whatever the data; the header names the user and the roles; GET /api/v1/me/work answers the same."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from renkei.accounts.models import Role
from renkei.accounts.services import api_token_create
from renkei.accounts.tests.factories import UserFactory
from renkei.partnerships.models import Action, Member, Milestone, Objective, Partnership
from renkei.places.models import Place
from renkei.programmes.models import Application, Call, Criterion, ReviewAssignment, Score
from renkei.web.work import my_work

pytestmark = pytest.mark.django_db

ROLES = ("focal_point", "programme_officer", "reviewer", "knowledge_manager", "evaluator", "network_secretariat",
         "administrator")


@pytest.fixture
def work_demo(partnerships_demo):
    """The demo places, programmes and partnerships with the demo's sample work (an open call with
    applications, the reviewer's seats, a milestone in Kamaishi's partnership)."""
    from renkei.demo.work import work_demo_load

    return work_demo_load  # called by the test once the users it needs exist (the demo reviewer gets seats)


@pytest.fixture
def kamaishi(partnerships_demo):
    return UserFactory(username="kamaishi", display_name="Kamaishi focal point", roles=[Role.FOCAL_POINT],
                       places=[Place.objects.get(slug="kamaishi")])


def sections_of(html: str) -> set[str]:
    return set(re.findall(r'data-role="([a-z_]+)"', html))


def count_of(html: str, key: str) -> int:
    match = re.search(rf'data-key="{re.escape(key)}">.*?<span class="work-count[^"]*">(\d+)</span>', html, re.S)
    assert match, f"no count for {key}"
    return int(match.group(1))


def home(client, user, language="en") -> str:
    client.force_login(user)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_a_visitor_gets_the_public_home_page(client, partnerships_demo):
    html = client.get("/").content.decode()
    assert 'class="hero"' in html and 'id="my-work"' not in html and "account-bar" not in html


def test_a_signed_in_user_without_a_role_gets_the_public_home_page_and_the_header_names_them(client, no_role_user):
    no_role_user.save()  # the factory saves the password only with roles; the session checks it
    html = home(client, no_role_user)
    assert 'class="hero"' in html and 'id="my-work"' not in html
    assert 'class="account-user"' in html and str(no_role_user) in html


def test_focal_point_sees_its_places_calls_partnerships_and_milestones(client, kamaishi, work_demo):
    work_demo()
    html = home(client, kamaishi)
    assert sections_of(html) == {"focal_point"}
    assert 'class="hero"' not in html
    assert count_of(html, "open_calls") == 1  # the sample open call; Kamaishi has not applied yet
    assert count_of(html, "partnerships") == 1
    assert count_of(html, "draft_applications") == 0
    assert 'href="/calls/cpp-sample-open-call/"' in html
    assert "Drill plan agreed by both cities" in html  # the next milestone of its partnership
    assert "Kamaishi" in html and "% complete" in html
    assert "Applications waiting for reviewers" not in html and "Drafts to publish" not in html


def test_focal_point_counts_follow_its_applications_and_stale_needs(client, kamaishi, work_demo):
    work_demo()
    place = Place.objects.get(slug="kamaishi")
    Application.objects.create(call=Call.objects.get(slug="cpp-sample-open-call"), place=place)
    need = place.needs.first()
    type(need).objects.filter(pk=need.pk).update(updated_at=timezone.now() - timedelta(days=400))
    html = home(client, kamaishi)
    assert count_of(html, "open_calls") == 0  # applied: nothing left to apply to
    assert count_of(html, "draft_applications") == 1
    assert 'href="/calls/cpp-sample-open-call/apply/kamaishi/"' in html
    assert count_of(html, "place:kamaishi") == 1 and "1 needs not updated for a year" in html


def test_focal_point_is_not_offered_calls_its_places_may_not_apply_to(client, kamaishi, work_demo):
    work_demo()
    programme = Call.objects.get(slug="cpp-sample-open-call").programme
    programme.eligible_countries = ["DE", "FI"]
    programme.save()
    assert count_of(home(client, kamaishi), "open_calls") == 0  # Kamaishi is in Japan
    programme.eligible_countries = ["JP"]
    programme.min_population = 1_000_000
    programme.save()
    assert count_of(home(client, kamaishi), "open_calls") == 0  # too small
    programme.min_population = None
    programme.save()
    assert count_of(home(client, kamaishi), "open_calls") == 1


def test_programme_officer_sees_calls_reviews_and_partnership_health(client, officer, reviewer, work_demo):
    work_demo()
    html = home(client, officer)
    assert sections_of(html) == {"programme_officer"}
    assert count_of(html, "calls_open") == 1 and count_of(html, "calls_decided") == 1
    assert count_of(html, "awaiting_reviewers") == 1  # toyama's sample application has no reviewer
    assert 'href="/calls/cpp-sample-open-call/committee/"' in html
    assert count_of(html, "divergent_scores") == 0
    from renkei.partnerships.selectors import programme_health

    health = programme_health(viewer=officer, slug="world-bank-city-partnership-program")
    assert count_of(html, "dormant_partnerships") == health.dormant  # the same rule as the dashboard
    assert count_of(html, "single_focal_point") == health.single_focal_point
    assert "My places" not in html and "Waiting for a conflict declaration" not in html


def test_divergent_scores_are_counted_for_the_officer(officer, reviewer, work_demo):
    work_demo()
    call = Call.objects.get(slug="cpp-sample-open-call")
    application = Application.objects.get(call=call, place__slug="kobe")
    other = UserFactory(roles=[Role.REVIEWER])
    for user, value in ((reviewer, 1), (other, 5)):
        seat, _ = ReviewAssignment.objects.update_or_create(application=application, reviewer=user,
                                                            defaults={"conflicted": False,
                                                                      "submitted_at": timezone.now()})
        for criterion in Criterion.objects.filter(call=call):  # the demo reviewer's begun scores are replaced
            Score.objects.update_or_create(assignment=seat, criterion=criterion, defaults={"value": value})
    officer_section = next(s for s in my_work(officer) if s.role == "programme_officer")
    assert {i.key: i.count for i in officer_section.items}["divergent_scores"] == 1


def test_reviewer_sees_its_seats_by_step(client, reviewer, work_demo):
    work_demo()
    html = home(client, reviewer)
    assert sections_of(html) == {"reviewer"}
    assert count_of(html, "awaiting_conflict") == 1 and count_of(html, "awaiting_scores") == 1
    assert count_of(html, "reviews_done") == 1  # the demo's Yokohama review, submitted
    seat = ReviewAssignment.objects.get(reviewer=reviewer, conflicted__isnull=True)
    assert f'href="/reviews/{seat.pk}/"' in html
    assert "Calls: Open" not in html


def test_knowledge_manager_sees_drafts_index_and_unanswered_requests(client, knowledge_manager, place):
    from renkei.knowledge.models import KnowledgeRequest
    from renkei.knowledge.tests.factories import product

    product(title="Draft toolkit", status="draft")
    product(title="Published guide")
    KnowledgeRequest.objects.create(place=place, title={"en": "Help with leaks"})
    html = home(client, knowledge_manager)
    assert sections_of(html) == {"knowledge_manager"}
    assert count_of(html, "drafts_to_publish") == 1
    assert count_of(html, "unanswered_requests") == 1
    assert count_of(html, "index_missing") == 0
    assert "My reviews" not in html


def test_secretariat_sees_its_networks_arrears_and_meetings(client, secretariat, partnerships_demo):
    from renkei.networks.demo import networks_demo_load

    networks_demo_load()
    html = home(client, secretariat)
    assert sections_of(html) == {"network_secretariat"}
    assert 'href="/networks/citynet/dues/"' in html and "next meeting" in html


def test_evaluator_sees_its_assigned_evaluations(client, partnerships_demo):
    from renkei.evaluation.demo import evaluation_demo_assign, evaluation_demo_load

    evaluator = UserFactory(username="evaluator", roles=[Role.EVALUATOR])
    evaluation_demo_load()
    evaluation_demo_assign()
    html = home(client, evaluator)
    assert sections_of(html) == {"evaluator"}
    assert count_of(html, "evaluations_open") == 1 and re.search(r'href="/evaluations/\d+/"', html)
    assert "/portfolio/" not in html  # the portfolio across programmes is the administrators'


def test_every_link_of_the_evaluators_work_opens_for_the_evaluator(client, partnerships_demo):
    """Nothing to do, then one submitted, then one published: each count links to a page the evaluator
    may open (the published count linked to the administrators' portfolio, which refused them)."""
    from renkei.evaluation.demo import evaluation_demo_assign, evaluation_demo_load
    from renkei.evaluation.models import Evaluation

    evaluator = UserFactory(username="evaluator", roles=[Role.EVALUATOR])
    evaluation_demo_load()
    evaluation_demo_assign()
    assigned = Evaluation.objects.get(evaluators=evaluator)

    def links() -> dict[str, str]:
        html = home(client, evaluator)
        found = dict(re.findall(r'data-key="(evaluations_\w+)">.*?<a href="([^"]+)"', html, re.S))
        assert set(found) == {"evaluations_open", "evaluations_submitted", "evaluations_published"}
        for url in found.values():
            assert client.get(url).status_code == 200, url
        return found

    assert links()["evaluations_published"] == "/evaluation/rubric/"
    Evaluation.objects.filter(pk=assigned.pk).update(status=Evaluation.Status.SUBMITTED)
    assert links()["evaluations_submitted"] == f"/evaluations/{assigned.pk}/"
    Evaluation.objects.filter(pk=assigned.pk).update(status=Evaluation.Status.PUBLISHED)
    found = links()
    assert found["evaluations_published"] == f"/evaluations/{assigned.pk}/"
    assert found["evaluations_open"] == found["evaluations_submitted"] == "/evaluation/rubric/"


def test_administrator_sees_every_section_plus_users_and_roles(client, admin_user, officer, reviewer, work_demo):
    work_demo()
    html = home(client, admin_user)
    assert sections_of(html) == set(ROLES) - {"focal_point"}  # acts for no place
    assert count_of(html, "users") == 3 and count_of(html, "role_reviewer") == 1
    assert count_of(html, "awaiting_reviewers") == 1


def test_the_header_names_the_user_and_roles_in_english_and_japanese(client, kamaishi):
    html = home(client, kamaishi)
    assert re.search(r'class="account-user"[^>]*>Kamaishi focal point<', html)
    assert '<span class="account-roles">City focal point</span>' in html
    html = home(client, kamaishi, "ja")
    assert "ログイン中" in html and '<span class="account-roles">都市担当窓口</span>' in html
    assert "わたしの仕事" in html


def _page_queries(client, user) -> int:
    client.force_login(user)
    client.get("/")  # sessions, caches and the per-process index warm up
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def _more_work(officer, reviewer, kamaishi, n: int) -> None:
    """n more of everything the start pages count."""
    from renkei.programmes.models import Programme

    programme = Programme.objects.get(slug="world-bank-city-partnership-program")
    now = timezone.now()
    places = list(Place.objects.exclude(slug="kamaishi").order_by("slug")[:n + 1])
    kamaishi_place = Place.objects.get(slug="kamaishi")
    for i in range(n):
        call = Call.objects.create(programme=programme, slug=f"more-{i}", title={"en": f"More {i}"},
                                   opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=10 + i),
                                   status=Call.Status.OPEN)
        for place in places:
            application = Application.objects.create(call=call, place=place, status=Application.Status.SUBMITTED)
            ReviewAssignment.objects.create(application=application, reviewer=reviewer)
        partnership = Partnership.objects.create(slug=f"more-p-{i}", title={"en": f"P {i}"}, programme=programme,
                                                 status=Partnership.Status.ACTIVE)
        member = Member.objects.create(partnership=partnership, place=kamaishi_place, role="1")
        member.focal_points.add(kamaishi)
        Member.objects.create(partnership=partnership, place=places[i], role="1")
        action = Action.objects.create(objective=Objective.objects.create(partnership=partnership, text={"en": "o"}),
                                       title={"en": "a"})
        Milestone.objects.create(action=action, title={"en": f"m {i}"}, due_on=timezone.localdate() + timedelta(i + 1))


def test_the_start_pages_cost_the_same_queries_whatever_the_data(client, admin_user, officer, reviewer, kamaishi,
                                                                 work_demo):
    work_demo()
    before = {u.username: _page_queries(client, u) for u in (admin_user, officer, reviewer, kamaishi)}
    _more_work(officer, reviewer, kamaishi, 6)
    after = {u.username: _page_queries(client, u) for u in (admin_user, officer, reviewer, kamaishi)}
    assert after == before
    assert max(after.values()) <= 60, after


# --- the API ----------------------------------------------------------------------------------------

def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')[1]}"}


def test_the_api_answers_the_same_sections_and_counts(client, officer, reviewer, work_demo):
    work_demo()
    response = client.get("/api/v1/me/work", **bearer(reviewer))
    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {"username": "reviewer", "name": str(reviewer), "roles": ["reviewer"],
                            "role_names": ["Reviewer"]}
    assert [s["role"] for s in body["sections"]] == ["reviewer"]
    items = {i["key"]: i for i in body["sections"][0]["items"]}
    assert items["awaiting_conflict"]["count"] == 1 and items["awaiting_conflict"]["url"].startswith("/reviews/")
    assert items["awaiting_conflict"]["attention"] is True and items["reviews_done"]["count"] == 1
    officer_body = client.get("/api/v1/me/work", **bearer(officer)).json()
    assert [s["role"] for s in officer_body["sections"]] == ["programme_officer"]


def test_the_api_speaks_the_readers_language(client, kamaishi):
    body = client.get("/api/v1/me/work", HTTP_ACCEPT_LANGUAGE="ja", **bearer(kamaishi)).json()
    assert body["user"]["role_names"] == ["都市担当窓口"]
    assert body["sections"][0]["title"] == "わたしの地域"


def test_the_api_needs_a_signed_in_user(client):
    response = client.get("/api/v1/me/work")
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"
    bad = client.get("/api/v1/me/work", HTTP_AUTHORIZATION="Bearer rk_nonsense")
    assert bad.status_code == 401


def test_the_api_works_with_the_browser_session(client, reviewer):
    client.force_login(reviewer)
    assert client.get("/api/v1/me/work").json()["user"]["username"] == "reviewer"


def test_the_endpoint_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/me/work"]["get"]
    assert operation["operationId"] == "me_work" and operation.get("security")
    assert "MyWorkOut" in document["components"]["schemas"]
