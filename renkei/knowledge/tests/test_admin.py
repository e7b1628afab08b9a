"""Back-office editing of the library in the Django admin."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from renkei.core.models import AuditEntry
from renkei.knowledge.models import Product, ProductFile, SearchDocument
from renkei.knowledge.search.service import search
from renkei.knowledge.tests.factories import committed, product

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(staff_client, superuser):
    return superuser


def _form(p: Product, **changes) -> dict:
    data = {
        "slug": p.slug, "kind": p.kind, "status": p.status, "visibility": p.visibility,
        "title": '{"en": "Compact city lessons from Toyama"}', "summary": "{}", "body": "{}", "video_url": "",
        "published_on": "2016-11-03", "authors": "[]", "licence": p.licence, "preconditions": "{}",
        "suits_min_population": "", "suits_max_population": "", "cost_min_eur": "", "cost_max_eur": "",
        "files-TOTAL_FORMS": "0", "files-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("path", ["/admin/knowledge/product/", "/admin/knowledge/product/add/",
                                  "/admin/knowledge/knowledgerequest/", "/admin/knowledge/indexjob/",
                                  "/admin/knowledge/searchdocument/"])
def test_admin_pages_open(client, staff, path):
    product(title="Something to list")
    assert client.get(path).status_code == 200


def test_an_admin_edit_is_audited_and_reindexed(client, staff, anonymous):
    p = product(title="Old title")
    response = committed(client.post, f"/admin/knowledge/product/{p.pk}/change/", _form(p))
    assert response.status_code == 302, response.content.decode()[:3000]
    p.refresh_from_db()
    assert p.title == {"en": "Compact city lessons from Toyama"} and p.languages == "en"
    assert AuditEntry.objects.filter(object_id=str(p.pk), action="update").exists()
    assert "compact city lessons" in SearchDocument.objects.get(product=p).title
    assert [h.product.pk for h in search(viewer=anonymous, query="toyama", mode="fulltext").hits] == [p.pk]


def test_a_file_added_in_the_admin_is_checked(client, staff):
    p = product(title="With a file")
    data = _form(p, **{"files-TOTAL_FORMS": "1", "files-0-file": SimpleUploadedFile("report.pdf", b"not a pdf")})
    response = client.post(f"/admin/knowledge/product/{p.pk}/change/", data)
    assert response.status_code == 200
    assert "is not really a PDF file" in response.content.decode()
    assert not ProductFile.objects.exists()
