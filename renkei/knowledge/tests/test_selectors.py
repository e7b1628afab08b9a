"""Reads of the library: who sees which product (and that the search's in-memory mask says the same
as the database query), the recommendations on a place's page and the suggestions on a request."""

import numpy as np
import pytest
from django.utils import translation

from renkei.accounts.models import Role
from renkei.accounts.tests.factories import UserFactory
from renkei.core.errors import NotFound
from renkei.knowledge import permissions, selectors, services
from renkei.knowledge.models import Product
from renkei.knowledge.search.service import current_catalogue, visible_mask
from renkei.knowledge.tests.factories import committed, product
from renkei.places.tests.factories import ExpertiseFactory, NeedFactory, PlaceFactory, theme

pytestmark = pytest.mark.django_db

VIEWERS = ["anonymous", "no_role_user", "reviewer", "focal_point", "officer", "secretariat", "knowledge_manager",
           "admin_user", "co_author"]


@pytest.fixture
def co_author(db):
    """A reviewer named as co-author of one draft (an editor without an authoring role)."""
    return UserFactory(username="coauthor", roles=[Role.REVIEWER])


@pytest.fixture
def library(focal_point, co_author):
    """One product of each kind of visibility; slug → product."""
    made = [
        product(title="Public case", slug="public"),
        product(title="Members case", slug="members", visibility="members"),
        product(title="Internal case", slug="internal", visibility="internal"),
        product(title="Someone's draft", slug="draft", status="draft"),
        product(title="Members draft", slug="members-draft", status="draft", visibility="members"),
        product(actor=focal_point, title="Focal point's draft", slug="own-draft", status="draft"),
        product(actor=focal_point, title="Focal point's internal draft", slug="own-internal", status="draft",
                visibility="internal", editors=[co_author.username, "focal"]),
    ]
    return {p.slug: p for p in made}


def visible(viewer) -> set[str]:
    return set(selectors.visible_products(viewer).values_list("slug", flat=True))


EXPECTED = {
    "anonymous": {"public"},
    "no_role_user": {"public"},
    "reviewer": {"public", "members"},
    "secretariat": {"public", "members"},
    "officer": {"public", "members"},
    "focal_point": {"public", "members", "own-draft", "own-internal"},
    "co_author": {"public", "members", "own-internal"},
    "knowledge_manager": {"public", "members", "internal", "draft", "members-draft", "own-draft", "own-internal"},
    "admin_user": {"public", "members", "internal", "draft", "members-draft", "own-draft", "own-internal"},
}


@pytest.mark.parametrize("role", VIEWERS)
def test_visible_products_per_role(request, library, role):
    viewer = request.getfixturevalue(role)
    assert visible(viewer) == EXPECTED[role]


@pytest.mark.parametrize("role", VIEWERS)
def test_visible_products_agree_with_the_permission_rule_and_have_no_duplicates(request, library, role):
    viewer = request.getfixturevalue(role)
    qs = selectors.visible_products(viewer)
    assert qs.count() == len(set(qs.values_list("pk", flat=True)))
    assert visible(viewer) == {p.slug for p in Product.objects.all() if permissions.can_view(viewer, p)}


@pytest.mark.parametrize("role", VIEWERS)
def test_the_search_mask_agrees_with_the_database(request, library, role):
    viewer = request.getfixturevalue(role)
    cat = current_catalogue()
    assert cat.size == len(library)
    mask = visible_mask(cat, viewer)
    slugs = dict(Product.objects.values_list("pk", "slug"))
    assert {slugs[int(pk)] for pk in cat.ids[mask]} == visible(viewer) == EXPECTED[role]


def test_the_mask_follows_publication_and_new_editors(library, knowledge_manager, anonymous, officer):
    committed(services.product_set_status, actor=knowledge_manager, product=library["draft"], status="published")
    committed(services.product_set_status, actor=knowledge_manager, product=library["public"], status="draft")
    services.product_update(actor=knowledge_manager, product=library["internal"], data={"editors": ["officer"]})
    for viewer, expected in ((anonymous, {"draft"}), (officer, {"draft", "members", "internal"})):
        cat = current_catalogue()
        rows = np.flatnonzero(visible_mask(cat, viewer))
        slugs = dict(Product.objects.values_list("pk", "slug"))
        assert {slugs[int(cat.ids[r])] for r in rows} == visible(viewer) == expected


def test_an_invisible_product_is_not_found(library, anonymous, focal_point, knowledge_manager):
    with pytest.raises(NotFound):
        selectors.product_get(viewer=anonymous, slug="own-draft")
    with pytest.raises(NotFound):
        selectors.product_get(viewer=anonymous, slug="nowhere")
    assert selectors.product_get(viewer=focal_point, slug="own-draft").slug == "own-draft"
    assert selectors.product_get(viewer=knowledge_manager, slug="draft").slug == "draft"


def test_products_of_a_place_are_only_the_visible_ones(place, anonymous, knowledge_manager):
    product(title="About Testville", slug="about", places=[place.slug], published_on="2020-01-01")
    product(title="Newer about Testville", slug="newer", places=[place.slug], published_on="2022-01-01")
    product(title="Draft about Testville", slug="draft", places=[place.slug], status="draft")
    product(title="Elsewhere", slug="elsewhere")
    assert [p.slug for p in selectors.products_of_place(viewer=anonymous, place=place)] == ["newer", "about"]
    assert {p.slug for p in selectors.products_of_place(viewer=knowledge_manager, place=place)} == {
        "about", "newer", "draft"}


def test_index_status_counts_what_is_missing(knowledge_manager):
    product(title="Indexed")
    services.product_create(actor=knowledge_manager, data={"kind": "toolkit", "title": {"en": "Not yet indexed"}})
    status = selectors.index_status()
    assert (status["products"], status["indexed"], status["missing"], status["running"]) == (2, 1, 1, False)
    assert status["stale"] == 0


def test_index_status_counts_products_embedded_by_another_encoder(knowledge_manager):
    from renkei.knowledge.models import SearchDocument

    kept, other = product(title="Kept"), product(title="Other encoder")
    SearchDocument.objects.filter(product=other).update(model="some-older-encoder")
    status = selectors.index_status()
    assert (status["indexed"], status["missing"], status["stale"]) == (2, 0, 1)
    assert SearchDocument.objects.get(product=kept).model != "some-older-encoder"


# --- recommendations ----------------------------------------------------------------------------

@pytest.fixture
def cities(place):
    """Testville needs help with its water supply; Helpton is good at it, Hidden-on-Sea too but is
    not published; Funville knows only tourism."""
    NeedFactory(place=place, theme=theme("water-supply"), priority=5)
    ExpertiseFactory(place=place, theme=theme("water-supply"), maturity=3)
    helpton = PlaceFactory(slug="helpton", name_en="Helpton")
    ExpertiseFactory(place=helpton, theme=theme("water-supply"), maturity=5)
    hidden = PlaceFactory(slug="hidden-on-sea", name_en="Hidden-on-Sea", is_published=False)
    ExpertiseFactory(place=hidden, theme=theme("water-supply"), maturity=5)
    funville = PlaceFactory(slug="funville", name_en="Funville", population=3_000_000, country="FR")
    ExpertiseFactory(place=funville, theme=theme("tourism"), maturity=5)
    return {"testville": place, "helpton": helpton, "hidden": hidden, "funville": funville}


@pytest.fixture
def shelf(cities):
    return {
        "helpton": product(title="Helpton's leak detection", slug="helpton-leaks", places=["helpton"],
                           themes=["water-supply"]),
        "helpton-draft": product(title="Helpton's draft", slug="helpton-draft", places=["helpton"],
                                 themes=["water-supply"], status="draft"),
        "hidden": product(title="Hidden-on-Sea's pipes", slug="hidden-pipes", places=["hidden-on-sea"],
                          themes=["water-supply"]),
        "own": product(title="Testville's own report", slug="own", places=["testville"], themes=["water-supply"]),
        "funville": product(title="Funville festivals", slug="funville-fun", places=["funville"],
                            themes=["tourism"]),
    }


def test_cities_like_yours_used_these(shelf, cities, anonymous):
    recs = selectors.used_by_cities_like(viewer=anonymous, place=cities["testville"])
    slugs = [r.product.slug for r in recs]
    assert slugs[0] == "helpton-leaks"
    assert recs[0].because == [cities["helpton"]] and recs[0].score > 0
    assert "own" not in slugs  # the place's own products are on its page already
    assert "helpton-draft" not in slugs  # visitors see no drafts
    assert "hidden-pipes" not in slugs  # nor anything because of an unpublished place
    assert all(cities["hidden"] not in r.because and cities["testville"] not in r.because for r in recs)
    assert [r.score for r in recs] == sorted((r.score for r in recs), reverse=True)


def test_products_on_a_needed_theme_come_before_others_of_the_same_match(cities, anonymous):
    product(title="Helpton's festivals", slug="helpton-fun", places=["helpton"], themes=["tourism"])
    product(title="Helpton's leak detection", slug="helpton-leaks", places=["helpton"], themes=["water-supply"])
    recs = {r.product.slug: r for r in selectors.used_by_cities_like(viewer=anonymous, place=cities["testville"])}
    assert round(recs["helpton-leaks"].score - recs["helpton-fun"].score, 4) == 0.25
    order = [r.product.slug for r in selectors.used_by_cities_like(viewer=anonymous, place=cities["testville"])]
    assert order.index("helpton-leaks") < order.index("helpton-fun")


def test_officers_see_recommendations_through_unpublished_places(shelf, cities, officer, knowledge_manager):
    slugs = [r.product.slug for r in selectors.used_by_cities_like(viewer=officer, place=cities["testville"])]
    assert "hidden-pipes" in slugs and "own" not in slugs and "helpton-draft" not in slugs
    slugs = [r.product.slug for r in selectors.used_by_cities_like(viewer=knowledge_manager,
                                                                   place=cities["testville"])]
    assert "helpton-draft" in slugs


def test_no_recommendation_without_any_product(cities, anonymous):
    assert selectors.used_by_cities_like(viewer=anonymous, place=cities["testville"]) == []


@pytest.fixture
def need(cities, focal_point):
    return services.request_create(actor=focal_point, place=cities["testville"],
                                   title={"en": "We need help reducing non-revenue water"}, themes=["water-supply"])


def test_places_with_the_expertise_are_suggested_never_the_asking_one(need, cities, anonymous):
    suggestions = selectors.places_for_request(viewer=anonymous, request=need)
    places = [s.place for s in suggestions]
    assert places[0] == cities["helpton"]
    assert cities["testville"] not in places  # it has the expertise too, but it is asking
    assert cities["hidden"] not in places  # unpublished: not for visitors
    assert suggestions[0].score > 0 and suggestions[0].reasons == [
        f"{theme('water-supply').name_en} (5/5)"]
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)


def test_officers_are_suggested_unpublished_places_and_reasons_follow_the_language(need, cities, officer):
    with translation.override("ja"):
        suggestions = selectors.places_for_request(viewer=officer, request=need)
    places = [s.place for s in suggestions]
    assert cities["hidden"] in places and cities["helpton"] in places and cities["testville"] not in places
    assert suggestions[0].reasons == [f"{theme('water-supply').name_ja} (5/5)"]


def test_a_request_without_themes_gets_no_place(cities, officer, anonymous):
    item = services.request_create(actor=officer, place=cities["testville"], title="Zzyzx qwrtp")
    item.themes.clear()
    assert selectors.places_for_request(viewer=anonymous, request=item) == []


def test_products_for_a_request_are_the_visible_ones_on_its_themes_first(need, anonymous, knowledge_manager):
    product(title="Non-revenue water: a toolkit", slug="nrw", kind="toolkit", themes=["water-supply"])
    product(title="Non-revenue water draft", slug="nrw-draft", status="draft", themes=["water-supply"])
    product(title="Festival planning", slug="festivals", themes=["tourism"])
    items = selectors.products_for_request(viewer=anonymous, request=need)
    assert [i.product.slug for i in items] == ["nrw"] and items[0].on_theme and items[0].similarity > 0
    curated = {i.product.slug for i in selectors.products_for_request(viewer=knowledge_manager, request=need)}
    assert curated == {"nrw", "nrw-draft"}


# --- requests -----------------------------------------------------------------------------------

def test_requests_of_unpublished_places_are_for_those_who_act_for_them(cities, officer, anonymous, focal_point):
    hidden = cities["hidden"]
    asked = services.request_create(actor=officer, place=hidden, title="Hidden need")
    shown = services.request_create(actor=officer, place=cities["testville"], title="Shown need")
    assert list(selectors.request_list(viewer=anonymous)) == [shown]
    assert list(selectors.request_list(viewer=focal_point)) == [shown]
    assert set(selectors.request_list(viewer=officer)) == {asked, shown}
    hidden_fp = UserFactory(roles=[Role.FOCAL_POINT], places=[hidden])
    assert set(selectors.request_list(viewer=hidden_fp)) == {asked, shown}
    with pytest.raises(NotFound):
        selectors.request_get(viewer=anonymous, pk=asked.pk)
    assert selectors.request_get(viewer=hidden_fp, pk=asked.pk) == asked


def test_requests_filter_by_status_and_place(cities, officer, anonymous):
    a = services.request_create(actor=officer, place=cities["testville"], title="One")
    b = services.request_create(actor=officer, place=cities["helpton"], title="Two")
    services.request_close(actor=officer, request=b)
    assert list(selectors.request_list(viewer=anonymous, status="open")) == [a]
    assert list(selectors.request_list(viewer=anonymous, status="closed")) == [b]
    assert list(selectors.request_list(viewer=anonymous, place="helpton")) == [b]
