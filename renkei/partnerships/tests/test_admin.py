"""The admin keeps the rules of the services: agreement documents of an accepted type."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from renkei.accounts.models import Role
from renkei.accounts.tests.factories import UserFactory
from renkei.partnerships.demo import partnerships_demo_load
from renkei.partnerships.models import Partnership
from renkei.places.demo import demo_load
from renkei.programmes.demo import programmes_demo_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    demo_load()
    programmes_demo_load()
    partnerships_demo_load()
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True, roles=[Role.ADMINISTRATOR]))
    return client


def _management(prefix, total=0, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def _partnership_form(p, document):
    data = {"slug": p.slug, "title_en": p.title_en, "title_ja": p.title_ja, "kind": p.kind, "programme": "",
            "application": "", "description": "{}", "starts_on": "", "ends_on": "", "last_activity_on": "",
            "is_published": "on"}
    members = list(p.members.all())
    data.update(_management("members", len(members), len(members)))
    for n, m in enumerate(members):
        data.update({f"members-{n}-id": str(m.pk), f"members-{n}-partnership": str(p.pk),
                     f"members-{n}-place": str(m.place_id or ""),
                     f"members-{n}-organisation": str(m.organisation_id or ""), f"members-{n}-role": m.role})
    data.update(_management("agreements", 1, 0))
    data.update({"agreements-0-kind": "mou", "agreements-0-signed_on": "2023-05-01", "agreements-0-signed_at": "",
                 "agreements-0-signatories": "[]", "agreements-0-term_years": "", "agreements-0-document": document})
    data.update(_management("pilots", 0, 0))
    data.update(_management("status_changes", p.status_changes.count(), p.status_changes.count()))
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
    ok = staff.post(url, _partnership_form(p, SimpleUploadedFile("mou.pdf", b"%PDF-1.4 signed")))
    assert ok.status_code == 302, ok.content.decode()[:3000]
    assert p.agreements.get().document.read() == b"%PDF-1.4 signed"
