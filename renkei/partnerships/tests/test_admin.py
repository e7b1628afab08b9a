"""The admin keeps the rules of the services: agreement documents of an accepted type."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from renkei.core.tests.files import damaged_pdf, pdf_with_text
from renkei.core.tests.forms import management
from renkei.partnerships.models import Partnership

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(demo, staff_client):
    return staff_client


def _partnership_form(p, document):
    data = {"slug": p.slug, "title_en": p.title["en"], "title_ja": p.title.get("ja", ""), "kind": p.kind,
            "programme": "", "application": "", "description": "{}", "starts_on": "", "ends_on": "",
            "last_activity_on": "", "is_published": "on"}
    members = list(p.members.all())
    data.update(management("members", len(members), len(members)))
    for n, m in enumerate(members):
        data.update({f"members-{n}-id": str(m.pk), f"members-{n}-partnership": str(p.pk),
                     f"members-{n}-place": str(m.place_id or ""),
                     f"members-{n}-organisation": str(m.organisation_id or ""), f"members-{n}-role": m.role})
    data.update(management("agreements", 1, 0))
    data.update({"agreements-0-kind": "mou", "agreements-0-signed_on": "2023-05-01", "agreements-0-signed_at": "",
                 "agreements-0-signatories": "[]", "agreements-0-term_years": "", "agreements-0-document": document})
    data.update(management("pilots", 0, 0))
    data.update(management("status_changes", p.status_changes.count(), p.status_changes.count()))
    for n, c in enumerate(p.status_changes.all()):
        data.update({f"status_changes-{n}-id": str(c.pk), f"status_changes-{n}-partnership": str(p.pk)})
    return data


def test_admin_checks_agreement_documents_like_the_partnership_page(staff):
    p = Partnership.objects.get(slug="jica-kamaishi-banda-aceh")
    url = f"/admin/partnerships/partnership/{p.pk}/change/"
    bad = staff.post(url, _partnership_form(p, SimpleUploadedFile("mou.exe", b"MZ")))
    assert bad.status_code == 200 and "mou.exe: only PDF, Word (.docx), PNG, JPEG files are accepted." in \
        bad.content.decode()
    assert not p.agreements.exists()
    corrupt = staff.post(url, _partnership_form(p, SimpleUploadedFile("mou.pdf", damaged_pdf())))
    assert corrupt.status_code == 200 and "mou.pdf cannot be read as a PDF (damaged or incomplete?)." in \
        corrupt.content.decode()
    assert not p.agreements.exists()
    signed = pdf_with_text("Memorandum of understanding", "signed")
    ok = staff.post(url, _partnership_form(p, SimpleUploadedFile("mou.pdf", signed)))
    assert ok.status_code == 302, ok.content.decode()[:3000]
    assert p.agreements.get().document.read() == signed


def test_an_admin_edit_goes_through_the_update_service(staff):
    import json

    from renkei.core import hooks
    from renkei.core.audit import audit_history
    from renkei.partnerships import events

    p = Partnership.objects.get(slug="jica-kamaishi-banda-aceh")
    url = f"/admin/partnerships/partnership/{p.pk}/change/"
    data = _partnership_form(p, "")
    data.update(management("agreements", 0, 0))
    data.update({"title_en": "JICA — Kamaishi — Banda Aceh (recovery)", "title_ja": "",  # the rest as stored
                 "description": json.dumps(p.description), "initial-description": json.dumps(p.description),
                 "starts_on": p.starts_on.isoformat(),
                 "last_activity_on": p.last_activity_on.isoformat(), "themes": [t.pk for t in p.themes.all()]})
    stale = Partnership.objects.get(pk=p.pk)
    Partnership.objects.filter(pk=p.pk).update(status="suspended")  # a status change meanwhile
    with hooks.recorded() as emitted:
        response = staff.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    p.refresh_from_db()
    assert p.title == {"en": "JICA — Kamaishi — Banda Aceh (recovery)"} and p.status == "suspended"
    assert p.version == stale.version + 1
    assert emitted == [(events.PARTNERSHIP_CHANGED, {"partnership_id": p.pk, "fields": ["title"]})]
    assert audit_history(p).first().changes["title"][1] == {"en": "JICA — Kamaishi — Banda Aceh (recovery)"}
    blank = staff.post(url, {**data, "title_en": " "})
    assert blank.status_code == 200 and "This field is required." in blank.content.decode()
    assert staff.get("/admin/partnerships/partnership/", {"q": "Banda"}).status_code == 200


def test_the_admin_names_every_partnership_model_in_japanese(staff):
    import re

    page = staff.get("/admin/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    names = re.findall(r'<a href="/admin/partnerships/[a-z]+/"[^>]*>([^<]+)</a>', page)
    assert names and "目標" in names
    assert not [name for name in names if re.fullmatch(r"[A-Za-z ]+", name.strip())], names
