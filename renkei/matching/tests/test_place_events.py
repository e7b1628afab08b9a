"""A changed profile queues its embedding, whichever way it was changed: the API, the admin, an
import from the command line, or the service as the web page calls it. The places services emit
``PROFILE_CHANGED`` after commit; matching's handler (registered in ``MatchingConfig.ready``)
queues ``refresh_place_embeddings``."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client, TestCase

from renkei.accounts.models import Role
from renkei.accounts.services import api_token_create
from renkei.accounts.tests.factories import UserFactory
from renkei.core import hooks
from renkei.matching import tasks
from renkei.matching.models import TextEmbedding
from renkei.places import services
from renkei.places.events import PROFILE_CHANGED
from renkei.places.models import Need, Place
from renkei.places.tests.factories import NeedFactory, theme

pytestmark = pytest.mark.django_db


class Recorder:
    """Stands in for the task: records which places were queued, then queues them for real."""

    def __init__(self, task) -> None:
        self.task = task
        self.place_ids: list[int] = []

    def enqueue(self, place_id: int):
        self.place_ids.append(place_id)
        return self.task.enqueue(place_id)


@pytest.fixture
def queued(monkeypatch) -> Recorder:
    recorder = Recorder(tasks.refresh_place_embeddings)
    monkeypatch.setattr(tasks, "refresh_place_embeddings", recorder)
    return recorder


def committed(call, *args, **kwargs):
    """Run a request or a command, then what it left for after the commit, as production would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return call(*args, **kwargs)


def test_matching_listens_to_profile_changes():
    assert any(handler.__module__ == "renkei.matching.apps" for handler in hooks.handlers(PROFILE_CHANGED))


def test_editing_a_need_through_the_api_queues_its_embedding(queued, officer, place, settings):
    settings.RENKEI_EMBEDDER = "hashing"
    assert not TextEmbedding.objects.exists()
    need = NeedFactory(place=place, theme=theme(), description={"en": "Old text"})
    _token, raw = api_token_create(user=officer, name="tests")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    response = committed(client.patch, f"/api/v1/needs/{need.pk}", json.dumps({"description": {"en": "Sort waste"}}),
                         content_type="application/json")
    assert response.status_code == 200, response.content
    assert queued.place_ids == [place.pk]
    # the task ran (immediately, in tests): the new text is embedded before anyone asks for a match
    assert TextEmbedding.objects.exists()


def test_a_rejected_api_edit_queues_nothing(queued, officer, place):
    need = NeedFactory(place=place, theme=theme(), description={"en": "Old text"})
    _token, raw = api_token_create(user=officer, name="tests")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    response = committed(client.patch, f"/api/v1/needs/{need.pk}", json.dumps({"priority": 9}),
                         content_type="application/json")
    assert response.status_code == 422
    assert queued.place_ids == []


def test_editing_a_need_in_the_admin_queues_its_embedding(queued, client, place):
    staff = UserFactory(username="boss", is_staff=True, is_superuser=True, roles=[Role.ADMINISTRATOR])
    client.force_login(staff)
    need = NeedFactory(place=place, theme=theme(), priority=2, description={"en": "Old text"})
    response = committed(client.post, f"/admin/places/need/{need.pk}/change/", {
        "theme": need.theme.pk, "priority": "5", "description": '{"en": "Old text"}', "evidence": "[]",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    need.refresh_from_db()
    assert (need.priority, need.version) == (5, 2)
    assert queued.place_ids == [place.pk]


def test_importing_profiles_from_the_command_line_queues_their_embeddings(queued, tmp_path):
    path = tmp_path / "profiles.jsonl"
    path.write_text(json.dumps({"id": "ext-1", "name": "Kamaishi", "country": "JP", "level": "city",
                                "needs": ["ごみの分別を進めたい"]}, ensure_ascii=False) + "\n", encoding="utf-8")
    committed(call_command, "import", "profiles", str(path), "--synonyms-only", stdout=io.StringIO(),
              stderr=io.StringIO())
    place = Place.objects.get(external_id="ext-1")
    assert place.needs.exists()
    assert set(queued.place_ids) == {place.pk}


def test_the_service_as_the_web_page_calls_it_queues_the_embedding(queued, focal_point, place):
    need = NeedFactory(place=place, theme=theme(), priority=2, description={"en": "Old text"})
    form_data = {"theme": need.theme.code, "priority": 4, "description": {"en": "New text"}, "evidence": ""}
    committed(services.statement_update, actor=focal_point, obj=need, data=form_data)
    assert queued.place_ids == [place.pk]
    committed(services.statement_delete, actor=focal_point, obj=Need.objects.get(pk=need.pk))
    assert queued.place_ids == [place.pk, place.pk]
