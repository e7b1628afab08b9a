"""Document links kept from an import: listed in the API, shown on the partnership's page, removed
by those who manage the partnership (page, API, admin), never by others."""

import pytest

from renkei.accounts.models import Role
from renkei.accounts.tests.factories import UserFactory
from renkei.iati.models import DocumentLink
from renkei.partnerships.models import Partnership
from renkei.programmes.models import Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def links(demo):
    p = Partnership.objects.get(slug="jica-kamaishi-banda-aceh")
    hidden = Partnership.objects.get(slug="kamakura-umea")
    Partnership.objects.filter(pk=hidden.pk).update(is_published=False)
    programme = Programme.objects.get(slug="eu-international-urban-cooperation")
    return {
        "shown": DocumentLink.objects.create(partnership=p, url="https://example.org/report.pdf",
                                             format="application/pdf", title={"en": "Annual report", "ja": "年次報告"},
                                             categories=["A07"], source="XM-EXAMPLE-1"),
        "hidden": DocumentLink.objects.create(partnership=hidden, url="https://example.org/secret.pdf",
                                              title={"en": "Internal"}, categories=["A07"]),
        "programme": DocumentLink.objects.create(programme=programme, url="https://example.org/iuc.html",
                                                 title={"en": "IUC"}, categories=["A01"]),
    }


def test_the_api_lists_the_links_of_what_the_caller_may_see(client, links, officer):
    page = client.get("/api/v1/iati/documents").json()
    assert {r["url"] for r in page["results"]} == {"https://example.org/report.pdf", "https://example.org/iuc.html"}
    first = next(r for r in page["results"] if r["partnership"])
    assert first["partnership"] == "jica-kamaishi-banda-aceh" and first["title"]["ja"] == "年次報告"
    assert first["id"] and first["updated_at"] and first["categories"] == ["A07"]
    client.force_login(officer)
    assert client.get("/api/v1/iati/documents").json()["count"] == 3
    only = client.get("/api/v1/iati/documents", {"programme": "eu-international-urban-cooperation"}).json()
    assert [r["url"] for r in only["results"]] == ["https://example.org/iuc.html"]
    assert client.get("/api/v1/iati/documents", {"partnership": "x" * 200}).status_code == 422


def test_removed_by_managers_only(client, links, officer, focal_point):
    shown = links["shown"]
    url = f"/api/v1/iati/documents/{shown.pk}"
    assert client.delete(url).status_code == 401
    client.force_login(focal_point)  # a focal point of no member place
    assert client.delete(url).status_code == 403
    client.force_login(UserFactory(roles=[Role.FOCAL_POINT]))
    assert client.delete(f"/api/v1/iati/documents/{links['hidden'].pk}").status_code == 404
    assert DocumentLink.objects.count() == 3
    client.force_login(officer)
    assert client.delete(url).status_code == 204
    assert not DocumentLink.objects.filter(pk=shown.pk).exists()


def test_the_partnership_page_shows_them_and_a_manager_removes_one(client, links, officer):
    page = client.get("/partnerships/jica-kamaishi-banda-aceh/").content.decode()
    assert 'href="https://example.org/report.pdf"' in page and "Annual report" in page
    assert "/iati/documents/" not in page  # visitors get no button
    client.force_login(officer)
    page = client.get("/partnerships/jica-kamaishi-banda-aceh/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "年次報告" in page
    action = f"/iati/documents/{links['shown'].pk}/delete/"
    assert action in page
    response = client.post(action)
    assert response.status_code == 302 and response["Location"].endswith("/partnerships/jica-kamaishi-banda-aceh/")
    assert not DocumentLink.objects.filter(pk=links["shown"].pk).exists()
    client.force_login(UserFactory(roles=[Role.FOCAL_POINT]))
    assert client.post(f"/iati/documents/{links['programme'].pk}/delete/").status_code == 403


def test_the_admin_shows_and_removes_them_through_the_service(staff_client, links):
    listing = staff_client.get("/admin/iati/documentlink/").content.decode()
    assert "https://example.org/report.pdf" in listing
    pk = links["shown"].pk
    assert staff_client.get(f"/admin/iati/documentlink/{pk}/change/").status_code == 200
    assert staff_client.get("/admin/iati/documentlink/add/").status_code == 403
    response = staff_client.post(f"/admin/iati/documentlink/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not DocumentLink.objects.filter(pk=pk).exists()
    from renkei.core.models import AuditEntry

    assert AuditEntry.objects.filter(action=AuditEntry.Action.DELETE, object_id=str(pk)).exists()
