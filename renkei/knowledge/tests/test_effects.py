"""A write's effects are the same whoever makes it: the web page's call, the API, the admin and
``renkei library import`` all go through the services, which announce the change once it is
committed, and the handlers registered in ``apps.py`` queue the reindexing or forget the files.
Updates of different fields made at the same time both survive."""

import io
import json
import threading

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.test import Client, TestCase

from renkei.accounts.services import api_token_create
from renkei.core import hooks
from renkei.core.errors import ApplicationError
from renkei.core.tests.files import pdf_with_text
from renkei.core.tests.threads import run_together
from renkei.core.uploads import Upload
from renkei.knowledge import events, handlers, services
from renkei.knowledge.models import IndexJob, Product, SearchDocument
from renkei.knowledge.tests.factories import committed, product

pytestmark = pytest.mark.django_db


def changed(recorded) -> list[int]:
    return [payload["product_id"] for event, payload in recorded if event == events.PRODUCT_CHANGED]


def test_the_handlers_are_registered():
    assert handlers.reindex_product in hooks.handlers(events.PRODUCT_CHANGED)
    assert handlers.forget_files in hooks.handlers(events.PRODUCT_FILES_REMOVED)
    assert handlers.rebuild_index in hooks.handlers(events.INDEX_REBUILD_REQUESTED)


# --- one test per entry point -------------------------------------------------------------------

def test_the_web_pages_call_reindexes(knowledge_manager):
    """As the library's edit page calls the service: a dict of the form's strings."""
    p = product(title="Water losses")
    form_data = {"kind": "case_study", "title": {"en": "Pressure zones in Testville"}, "summary": {}, "body": {},
                 "preconditions": {}, "video_url": "", "places": "", "organisations": [], "partnership": "",
                 "activity": "", "pilot": "", "published_on": "2016-11-03", "authors": "A. Tanaka; B. Sato",
                 "licence": "CC-BY-4.0", "visibility": "public", "suits_min_population": "50,000",
                 "suits_max_population": "", "cost_min_eur": "", "cost_max_eur": "", "themes": None, "editors": []}
    with hooks.recorded() as recorded, TestCase.captureOnCommitCallbacks(execute=True):
        services.product_update(actor=knowledge_manager, product=p, data=form_data, expected_version=p.version)
    assert changed(recorded) == [p.pk]
    assert "pressure zones" in SearchDocument.objects.get(product=p).title


def test_the_api_reindexes(knowledge_manager):
    p = product(title="Water losses")
    _token, raw = api_token_create(user=knowledge_manager, name="tests")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    with hooks.recorded() as recorded, TestCase.captureOnCommitCallbacks(execute=True):
        response = client.patch(f"/api/v1/knowledge/products/{p.slug}", {"title": {"en": "District metering"}},
                                content_type="application/json")
    assert response.status_code == 200, response.content
    assert changed(recorded) == [p.pk]
    assert "district metering" in SearchDocument.objects.get(product=p).title
    with hooks.recorded() as recorded:
        response = client.post("/api/v1/knowledge/products",
                               {"kind": "toolkit", "title": {"en": "Leak toolkit"}, "themes": ["water-supply"]},
                               content_type="application/json")
    assert response.status_code == 201, response.content
    assert changed(recorded) == [Product.objects.get(slug=response.json()["slug"]).pk]


@pytest.fixture
def staff(client):
    from renkei.accounts.models import Role
    from renkei.accounts.tests.factories import UserFactory

    user = UserFactory(username="boss", is_staff=True, is_superuser=True, roles=[Role.ADMINISTRATOR])
    client.force_login(user)
    return user


def test_the_admin_reindexes_and_forgets_deleted_files(client, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p = product(title="Old title", files=[Upload("a.pdf", pdf_with_text("Pressure"))])
    data = {"slug": p.slug, "kind": p.kind, "status": p.status, "visibility": p.visibility,
            "title": '{"en": "Admin title"}', "summary": "{}", "body": "{}", "video_url": "",
            "published_on": "2016-11-03", "authors": "[]", "licence": p.licence, "preconditions": "{}",
            "suits_min_population": "", "suits_max_population": "", "cost_min_eur": "", "cost_max_eur": "",
            "files-TOTAL_FORMS": "1", "files-INITIAL_FORMS": "1", "files-0-id": str(p.files.get().pk),
            "files-0-product": str(p.pk)}
    with hooks.recorded() as recorded:
        response = committed(client.post, f"/admin/knowledge/product/{p.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert changed(recorded) == [p.pk]
    assert "admin title" in SearchDocument.objects.get(product=p).title
    p.refresh_from_db()
    assert p.version == 2

    stored = p.files.get().file.name
    with hooks.recorded() as recorded:
        response = committed(client.post, f"/admin/knowledge/product/{p.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    removed = [payload for event, payload in recorded if event == events.PRODUCT_FILES_REMOVED]
    assert removed == [{"product_id": p.pk, "names": [stored]}]
    assert not Product.objects.filter(pk=p.pk).exists() and not (tmp_path / stored).exists()


def test_a_product_added_in_the_admin_goes_through_the_service(client, staff):
    data = {"slug": "leaks", "kind": "toolkit", "status": "draft", "visibility": "public", "title": '{"en": "Leaks"}',
            "summary": "{}", "body": "{}", "video_url": "", "published_on": "", "authors": "[]",
            "licence": "CC-BY-4.0", "preconditions": "{}", "suits_min_population": "", "suits_max_population": "",
            "cost_min_eur": "", "cost_max_eur": "", "files-TOTAL_FORMS": "0", "files-INITIAL_FORMS": "0"}
    with hooks.recorded() as recorded:
        response = committed(client.post, "/admin/knowledge/product/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    p = Product.objects.get()
    assert p.slug == "leaks" and p.created_by == staff and changed(recorded) == [p.pk]
    bad = {**data, "kind": "video", "title": '{"xx": "Leaks"}'}
    response = client.post("/admin/knowledge/product/add/", bad)
    assert response.status_code == 200 and "is not a language code we know" in response.content.decode()
    assert Product.objects.count() == 1


def test_the_import_command_reindexes(tmp_path, anonymous):
    path = tmp_path / "products.jsonl"
    path.write_text(json.dumps({"slug": "imported", "kind": "case_study", "title": {"en": "Imported compact city"},
                                "status": "published"}) + "\n", encoding="utf-8")
    with hooks.recorded() as recorded, TestCase.captureOnCommitCallbacks(execute=True):
        call_command("library", "import", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    p = Product.objects.get(slug="imported")
    assert changed(recorded) == [p.pk]
    assert SearchDocument.objects.filter(product=p).exists()


def test_a_removed_file_is_forgotten_after_the_commit(knowledge_manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p = product(title="With a file", files=[Upload("a.pdf", pdf_with_text("Leaks"))])
    item = p.files.get()
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        services.file_remove(actor=knowledge_manager, item=item)
    assert (tmp_path / item.file.name).exists()  # not before the commit
    for callback in callbacks:
        callback()
    assert not (tmp_path / item.file.name).exists()


def test_an_index_rebuild_is_queued_after_the_commit(knowledge_manager):
    with hooks.recorded() as recorded:
        job = services.index_rebuild_enqueue(actor=knowledge_manager)
    assert recorded == [(events.INDEX_REBUILD_REQUESTED, {"job_id": job.pk})]
    assert IndexJob.objects.get().pk == job.pk


def test_a_refused_write_announces_nothing(officer):
    with hooks.recorded() as recorded, pytest.raises(ApplicationError):
        services.product_create(actor=officer, data={"kind": "poem", "title": {"en": "x"}})
    assert recorded == []


# --- concurrent edits ---------------------------------------------------------------------------

def test_interleaved_edits_of_different_fields_both_survive(officer, knowledge_manager):
    p = product(actor=officer, title="Water losses", status="draft")
    first, second = Product.objects.get(pk=p.pk), Product.objects.get(pk=p.pk)  # both read the same version
    services.product_update(actor=officer, product=first, data={"summary": {"en": "How Testville found leaks."}})
    services.product_update(actor=knowledge_manager, product=second, data={"cost_max_eur": "80000"})
    p.refresh_from_db()
    assert p.summary == {"en": "How Testville found leaks."} and p.cost_max_eur == 80000
    assert p.title == {"en": "Water losses"} and p.version == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite serialises every writer anyway")
def test_concurrent_edits_of_different_fields_both_survive():
    from renkei.accounts.models import Role
    from renkei.accounts.tests.factories import UserFactory

    assert connection.vendor == "postgresql"
    manager = UserFactory(roles=[Role.KNOWLEDGE_MANAGER])
    p = product(actor=manager, title="Water losses")
    start = threading.Barrier(2)
    failures = []

    def edit(data):
        try:
            stale = Product.objects.get(pk=p.pk)
            start.wait()
            services.product_update(actor=manager, product=stale, data=data)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            close_old_connections()

    run_together(edit, [({"summary": {"en": "Leaks found"}},), ({"authors": ["A. Tanaka"]},)])
    assert failures == []
    p.refresh_from_db()
    assert p.summary == {"en": "Leaks found"} and p.authors == ["A. Tanaka"] and p.version == 3


def test_interleaved_edits_of_a_request_both_survive(officer, place):
    from renkei.knowledge.models import KnowledgeRequest

    asked = services.request_create(actor=officer, place=place, title="Help with leaks", themes=["water-supply"])
    first, second = KnowledgeRequest.objects.get(pk=asked.pk), KnowledgeRequest.objects.get(pk=asked.pk)
    services.request_update(actor=officer, request=first, data={"description": {"en": "Our losses are 30 %."}},
                            expected_version=first.version)
    services.request_update(actor=officer, request=second, data={"themes": ["solid-waste"]})
    asked.refresh_from_db()
    assert asked.description == {"en": "Our losses are 30 %."} and asked.title == {"en": "Help with leaks"}
    assert [t.code for t in asked.themes.all()] == ["solid-waste"] and asked.version == 3
    with pytest.raises(ApplicationError) as caught:
        services.request_update(actor=officer, request=asked, data={"title": {"en": "Late"}}, expected_version=1)
    assert caught.value.code == "conflict"


def test_service_errors_are_in_the_readers_language(officer):
    from django.utils import translation

    with translation.override("ja"), pytest.raises(ApplicationError) as caught:
        services.product_create(actor=officer, data={"kind": "toolkit", "title": {}})
    assert caught.value.errors == {"title": ["少なくとも1つの言語で入力してください"]}
