import pytest

from renkei.core.errors import NotFound
from renkei.places import selectors
from renkei.places.models import Theme
from renkei.places.selectors import PlaceFilters
from renkei.places.tests.factories import ContactFactory, ExpertiseFactory, NeedFactory, PlaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden(db):
    return PlaceFactory(slug="hidden", name_en="Hidden Town", is_published=False)


def test_anonymous_sees_published_only(anonymous, place, hidden):
    slugs = set(selectors.place_list(viewer=anonymous).values_list("slug", flat=True))
    assert "testville" in slugs and "hidden" not in slugs
    with pytest.raises(NotFound):
        selectors.place_get(viewer=anonymous, slug="hidden")


def test_officer_and_representing_focal_point_see_unpublished(officer, hidden, db):
    from renkei.accounts.models import Role
    from renkei.accounts.tests.factories import UserFactory

    assert selectors.place_get(viewer=officer, slug="hidden") == hidden
    own = UserFactory(roles=[Role.FOCAL_POINT], places=[hidden])
    assert selectors.place_get(viewer=own, slug="hidden") == hidden
    stranger = UserFactory(roles=[Role.FOCAL_POINT])
    with pytest.raises(NotFound):
        selectors.place_get(viewer=stranger, slug="hidden")


def test_filters(anonymous):
    big = PlaceFactory(name_en="Yokohama", name_ja="横浜市", population=3_700_000)
    small = PlaceFactory(name_en="Obuse", population=11_000, country="JP")
    de = PlaceFactory(name_en="Essen", country="DE", population=580_000)
    region = PlaceFactory(name_en="Iwate", level="region", population=1_100_000)

    def names(**kw):
        return {p.name_en for p in selectors.place_list(viewer=anonymous, filters=PlaceFilters(**kw))}

    assert names(q="横浜") == {"Yokohama"}
    assert names(country="de") == {"Essen"}
    assert names(level="region") == {"Iwate"}
    assert names(min_population=500_000, max_population=2_000_000) == {"Essen", "Iwate"}
    assert names(max_population=20_000) == {"Obuse"}
    assert {big, small, de, region} <= set(selectors.place_list(viewer=anonymous))


def test_theme_filter_includes_descendants(anonymous):
    child = Theme.objects.filter(parent__isnull=False).select_related("parent").first()
    parent_code = child.parent.code
    needer = PlaceFactory(name_en="Needer")
    NeedFactory(place=needer, theme=child)
    offerer = PlaceFactory(name_en="Offerer")
    ExpertiseFactory(place=offerer, theme=child)
    PlaceFactory(name_en="Neither")
    found = {p.name_en for p in selectors.place_list(viewer=anonymous, filters=PlaceFilters(theme=parent_code))}
    assert found == {"Needer", "Offerer"}


def test_contacts_hide_private_data_from_the_public(anonymous, no_role_user, reviewer, place):
    ContactFactory(place=place, name="Consenting", email="c@city.jp", public_consent=True)
    ContactFactory(place=place, name="Private", email="p@city.jp", public_consent=False)
    for viewer in (anonymous, no_role_user):
        public = selectors.contacts_for(viewer=viewer, place=place)
        assert [c.name for c in public] == ["Consenting"]
        assert public[0].email is None and public[0].phone is None
    staff = selectors.contacts_for(viewer=reviewer, place=place)
    assert [c.name for c in staff] == ["Consenting", "Private"]
    assert staff[0].email == "c@city.jp"


def test_place_get_by_ref(anonymous):
    kamaishi = PlaceFactory(slug="kamaishi", name_en="Kamaishi", name_ja="釜石市", external_id="ext-1")
    for ref in ("kamaishi", "ext-1", "KAMAISHI", "釜石市"):
        assert selectors.place_get_by_ref(viewer=anonymous, ref=ref) == kamaishi


def test_theme_tree_covers_every_theme():
    tree = selectors.theme_tree()
    assert sum(1 + len(descendants) for _root, descendants in tree) == Theme.objects.count()
