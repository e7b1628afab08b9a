"""The demo kept by the test suite is written back as it was loaded, and only onto the state it was
loaded from."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from renkei.core.models import AuditEntry
from renkei.core.tests import snapshot

pytestmark = pytest.mark.django_db


def rows():
    return list(AuditEntry.objects.order_by("pk").values("pk", "content_type__app_label", "content_type__model",
                                                         "object_id", "object_repr", "changes", "created_at"))


@pytest.fixture
def loads(settings, tmp_path):
    """A load that writes two audit entries, each pointing to a content type, and a file."""
    settings.MEDIA_ROOT = tmp_path / "media"
    calls = []

    def load():
        calls.append(1)
        for model, name in (("contenttype", "Kept one"), ("auditentry", "Kept two")):
            AuditEntry.objects.create(action="create", content_type=ContentType.objects.get(model=model),
                                      object_id="1", object_repr=name, changes={"name": [None, name]})
        (tmp_path / "media").mkdir(exist_ok=True)
        (tmp_path / "media" / "kept.txt").write_text("kept")

    return calls, load


def test_a_load_is_run_once_then_written_back_row_for_row(loads, tmp_path):
    calls, load = loads
    snapshot.load_once("test: two entries", load)
    loaded = rows()
    AuditEntry.objects.all().delete()
    (tmp_path / "media" / "kept.txt").unlink()
    snapshot.load_once("test: two entries", load)
    assert len(calls) == 1  # written back, not loaded again
    assert rows() == loaded and [entry["content_type__model"] for entry in loaded] == ["contenttype", "auditentry"]
    assert (tmp_path / "media" / "kept.txt").read_text() == "kept"
    AuditEntry.objects.create(action="delete", content_type=ContentType.objects.get(model="contenttype"),
                              object_id="2", object_repr="Made after")  # new ids follow the kept ones
    assert AuditEntry.objects.count() == 3


def test_another_starting_state_is_loaded_again(loads):
    calls, load = loads
    snapshot.load_once("test: from another state", load)
    AuditEntry.objects.all().delete()
    get_user_model().objects.create(username="made-first")  # the state the load starts from differs
    snapshot.load_once("test: from another state", load)
    assert len(calls) == 2 and AuditEntry.objects.count() == 2
