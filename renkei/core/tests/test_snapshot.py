"""The demo kept by the test suite is written back as it was loaded, and only onto the state it was
loaded from."""

import pytest
from django.contrib.contenttypes.models import ContentType

from renkei.accounts.tests.factories import UserFactory
from renkei.core.models import AuditEntry
from renkei.core.tests import snapshot
from renkei.places.models import Place
from renkei.places.tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def rows():
    places = list(Place.objects.order_by("pk").values())
    audit = list(AuditEntry.objects.order_by("pk").values("pk", "content_type__model", "object_id"))
    return places, audit


@pytest.fixture
def loads(settings, tmp_path):
    """A load that writes two places, an audit entry pointing to a content type, and a file."""
    settings.MEDIA_ROOT = tmp_path / "media"
    calls = []

    def load():
        calls.append(1)
        first = PlaceFactory(slug="kept-one", name_en="Kept one")
        PlaceFactory(slug="kept-two", name_en="Kept two")
        AuditEntry.objects.create(action="create", content_type=ContentType.objects.get_for_model(Place),
                                  object_id=str(first.pk), object_repr="Kept one")
        (tmp_path / "media").mkdir(exist_ok=True)
        (tmp_path / "media" / "kept.txt").write_text("kept")

    return calls, load


def test_a_load_is_run_once_then_written_back_row_for_row(loads, settings, tmp_path):
    calls, load = loads
    snapshot.load_once("test: two places", load)
    loaded = rows()
    Place.objects.all().delete()
    AuditEntry.objects.all().delete()
    (tmp_path / "media" / "kept.txt").unlink()
    snapshot.load_once("test: two places", load)
    assert len(calls) == 1  # written back, not loaded again
    assert rows() == loaded and len(loaded[0]) == 2 and loaded[1][0]["content_type__model"] == "place"
    assert (tmp_path / "media" / "kept.txt").read_text() == "kept"
    Place.objects.create(slug="kept-three", name_en="Kept three", country="JP")  # new ids follow the kept ones
    assert Place.objects.count() == 3


def test_another_starting_state_is_loaded_again(loads):
    calls, load = loads
    snapshot.load_once("test: from another state", load)
    Place.objects.all().delete()
    AuditEntry.objects.all().delete()
    UserFactory(username="made-first")  # the state the load starts from differs
    snapshot.load_once("test: from another state", load)
    assert len(calls) == 2 and Place.objects.count() == 2
