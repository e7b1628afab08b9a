"""The per-process matching index follows changes of places, needs and expertise in place: the
next match sees them without a full rebuild, and gives what a fresh build gives."""

import pytest

from renkei.matching import fetch, services
from renkei.matching.fetch import current_index, forget_index, index_place_changed
from renkei.places.models import Need, Place, Theme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hashing_embedder")]


@pytest.fixture
def no_rebuild(monkeypatch):
    """Fails the test if the index is built again."""
    current_index()  # the first build

    def build(*args, **kwargs):
        raise AssertionError("the matching index was built again")

    monkeypatch.setattr(fetch, "build_index", build)
    return monkeypatch


def ranking(viewer, place, preset="mutual", top=20):
    found = services.match_find(viewer=viewer, place=place, save=False,
                                request=services.MatchRequest(preset=preset, top=top, levels=("city", "region")))
    return [(m.place.slug, m.score, dict(m.components), m.reasons("en")) for m in found.results]


def fresh(viewer, place, preset="mutual"):
    forget_index()
    return ranking(viewer, place, preset)


def test_a_changed_need_reaches_the_next_match_without_a_rebuild(kamaishi, officer, no_rebuild):
    before = ranking(officer, kamaishi, "expertise")
    need = Need.objects.filter(place=kamaishi).order_by("-priority", "id").first()
    need.theme = Theme.objects.get(code="solid-waste")
    need.priority = 5
    need.save()
    after = ranking(officer, kamaishi, "expertise")
    assert after != before
    assert any(s.theme_id == need.theme_id and s.weight == 5 for s in current_index().profile(kamaishi.pk).needs)
    no_rebuild.undo()
    assert after == fresh(officer, kamaishi, "expertise")


def test_a_deleted_need_and_a_new_place_are_applied(kamaishi, officer, no_rebuild):
    toyama = Place.objects.get(slug="toyama")
    count = Need.objects.filter(place=toyama).count()
    Need.objects.filter(place=toyama).first().delete()
    newcomer = Place.objects.create(slug="newtown", name_en="Newtown", country="FI", latitude=60, longitude=24,
                                    population=40000)
    newcomer.expertise.create(theme=Theme.objects.get(code="declining-birthrate"), maturity=5,
                              description={"en": "We did it"})
    after = ranking(officer, kamaishi)
    index = current_index()
    assert len(index.profile(toyama.pk).needs) == count - 1 and newcomer.pk in index
    no_rebuild.undo()
    assert after == fresh(officer, kamaishi)


def test_a_removed_place_is_no_longer_suggested(kamaishi, officer, no_rebuild):
    first = ranking(officer, kamaishi)[0][0]
    gone = Place.objects.get(slug=first)
    gone_id = gone.pk
    gone.delete()
    after = ranking(officer, kamaishi)
    assert first not in [slug for slug, *_rest in after] and gone_id not in current_index()
    no_rebuild.undo()
    assert after == fresh(officer, kamaishi)


def test_an_announced_change_is_applied_even_when_no_timestamp_moved(kamaishi, officer, no_rebuild):
    toyama = Place.objects.get(slug="toyama")
    Place.objects.filter(pk=toyama.pk).update(population=12345)  # a bulk update leaves updated_at alone
    assert current_index().profile(toyama.pk).population != 12345
    index_place_changed(toyama.pk)
    assert current_index().profile(toyama.pk).population == 12345
    after = ranking(officer, kamaishi, "peer")
    no_rebuild.undo()
    assert after == fresh(officer, kamaishi, "peer")


def test_a_change_of_the_taxonomy_rebuilds_the_index(kamaishi, officer, monkeypatch):
    built = current_index()
    calls = []
    real = fetch.build_index

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(fetch, "build_index", counting)
    theme = Theme.objects.get(code="compact-city")
    theme.name_en = "Compact cities"
    theme.save()
    assert current_index() is not built and calls == [1]


def test_many_changes_rebuild_the_index(kamaishi, officer, monkeypatch):
    built = current_index()
    monkeypatch.setattr(fetch, "MAX_CHANGES_APPLIED", 3)
    for place in Place.objects.order_by("id")[:5]:
        place.save()
    assert current_index() is not built
