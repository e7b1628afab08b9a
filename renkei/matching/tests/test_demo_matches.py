"""The demo's promises, with the real multilingual encoder."""

import pytest

from renkei.matching import services
from renkei.matching.fetch import forget_index
from renkei.places import services as place_services
from renkei.places.demo import demo_load
from renkei.places.models import Place
from renkei.places.profiles import Tagger

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.RENKEI_EMBEDDER = "usem"
    forget_index()
    demo_load()
    yield
    forget_index()


def test_kamaishi_mutual_matches_include_banda_aceh_about_tsunami_recovery(demo, officer):
    kamaishi = Place.objects.get(slug="kamaishi")
    found = services.match_find(viewer=officer, place=kamaishi,
                                request=services.MatchRequest(preset="mutual", top=5))
    match = next(m for m in found.results if m.place.slug == "banda-aceh")
    assert any("tsunami" in line.lower() for line in match.reasons("en"))
    assert any("津波" in line for line in match.reasons("ja"))


def test_toyama_is_top_expertise_match_for_compact_city_with_public_transport(demo, officer):
    text = "compact city with public transport"
    asker = place_services.place_create(actor=officer, data={"name": "Asker", "country": "PH", "population": 400000,
                                                             "lat": 14.6, "lon": 121.0})
    for theme_id, _confidence in Tagger.from_database(semantic=True)(text):
        place_services.need_create(actor=officer, place=asker, data={"theme": theme_id, "priority": 5,
                                                                     "description": {"en": text}})
    found = services.match_find(viewer=officer, place=asker,
                                request=services.MatchRequest(preset="expertise", top=3))
    assert found.results[0].place.slug == "toyama"
    assert any("compact city" in line for line in found.results[0].reasons("en"))
