from datetime import date

import pytest

from renkei.core.tests.files import damaged_pdf, pdf_with_text
from renkei.partnerships.models import Partnership

pytestmark = pytest.mark.django_db


def test_partnership_pages(client, demo, officer):
    html = client.get("/partnerships/").content.decode()
    assert "Kamakura — Umeå (IUC)" in html and "JICA — Kamaishi — Banda Aceh" in html
    html = client.get("/partnerships/toyama-world-bank-cpp/").content.decode()
    assert "2016-11-03" in html and "Memorandum of understanding" in html
    assert "Change status" not in html
    client.force_login(officer)
    html = client.get("/partnerships/jica-kamaishi-banda-aceh/").content.decode()
    assert "Change status" in html
    client.post("/partnerships/jica-kamaishi-banda-aceh/status/", {"to": "suspended", "reason": ""})
    assert Partnership.objects.get(slug="jica-kamaishi-banda-aceh").status == "active"
    client.post("/partnerships/jica-kamaishi-banda-aceh/status/", {"to": "suspended", "reason": "Pandemic"})
    assert Partnership.objects.get(slug="jica-kamaishi-banda-aceh").status == "suspended"


def test_status_control_offers_the_legal_next_steps_by_name_with_nothing_chosen(client, demo, officer):
    import re

    client.force_login(officer)
    html = client.get("/partnerships/jica-kamaishi-banda-aceh/").content.decode()  # active
    form = html[html.index('id="status-to"'):html.index("Change status")]
    options = re.findall(r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', form)
    assert options[0][0] == "" and "selected" in options[0][1] and "disabled" in options[0][1]
    assert [(value, label) for value, _attrs, label in options[1:]] == [
        ("suspended", "Suspended"), ("completed", "Completed"), ("closed", "Closed")]
    assert '<label for="status-reason">' in html and '<label for="status-to">' in html
    client.post("/partnerships/jica-kamaishi-banda-aceh/status/", {"to": "suspended", "reason": "Pandemic"})
    html = client.get("/partnerships/jica-kamaishi-banda-aceh/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    history = html[html.index('id="status"'):]
    assert "<strong>中断</strong>" in history, history[:600]
    assert "<strong>suspended</strong>" not in history and "→ <strong>active</strong>" not in history
    form = history[history.index('id="status-to"'):]
    assert ">Active<" not in form and '<option value="active">実施中</option>' in form
    refused = client.post("/partnerships/jica-kamaishi-banda-aceh/status/", {"to": "completed", "reason": "x"},
                          follow=True, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "cannot go from Suspended to Completed" in refused
    assert Partnership.objects.get(slug="jica-kamaishi-banda-aceh").status == "suspended"


def test_visitor_cannot_change_status(client, demo, focal_point):
    client.force_login(focal_point)
    assert client.post("/partnerships/kamakura-umea/status/", {"to": "closed", "reason": "x"}).status_code == 403


def test_focal_point_adds_plan_items_pilots_and_agreements(client, demo):
    from renkei.accounts.models import Role
    from renkei.accounts.tests.factories import UserFactory
    from renkei.places.models import Place

    p = Partnership.objects.get(slug="jica-kamaishi-banda-aceh")
    fp = UserFactory(roles=[Role.FOCAL_POINT], places=[Place.objects.get(slug="kamaishi")])
    client.force_login(fp)
    client.post("/partnerships/jica-kamaishi-banda-aceh/add/action/",
                {"objective": "Share recovery lessons", "action": "Study tour to Banda Aceh", "due_on": "2027-03-31"})
    assert p.objectives.get(text__en="Share recovery lessons").actions.get().due_on.isoformat() == "2027-03-31"
    pilots = p.pilots.count()
    client.post("/partnerships/jica-kamaishi-banda-aceh/add/pilot/", {"title": "Disaster memory exchange"})
    assert p.pilots.count() == pilots + 1
    response = client.post("/partnerships/jica-kamaishi-banda-aceh/add/agreement/",
                           {"kind": "loi", "signed_on": "yesterday"}, follow=True)
    assert "use a date like" in response.content.decode() and not p.agreements.exists()
    client.post("/partnerships/jica-kamaishi-banda-aceh/add/agreement/", {"kind": "loi", "signed_on": "2023-05-01"})
    assert p.agreements.get().kind == "loi"
    stranger = UserFactory(roles=[Role.FOCAL_POINT], places=[Place.objects.get(slug="essen")])
    client.force_login(stranger)
    assert client.post("/partnerships/jica-kamaishi-banda-aceh/add/pilot/", {"title": "x"}).status_code == 403


# --- the agreement form with its document, and the download -------------------------------------

PDF = pdf_with_text("The signed letter")


@pytest.fixture
def kamaishi_fp(demo):
    from renkei.accounts.models import Role
    from renkei.accounts.tests.factories import UserFactory
    from renkei.places.models import Place

    return UserFactory(username="kamaishi-fp", roles=[Role.FOCAL_POINT], places=[Place.objects.get(slug="kamaishi")])


@pytest.fixture
def essen_fp(demo):
    from renkei.accounts.models import Role
    from renkei.accounts.tests.factories import UserFactory
    from renkei.places.models import Place

    return UserFactory(username="essen-fp", roles=[Role.FOCAL_POINT], places=[Place.objects.get(slug="essen")])


def _upload(name="letter.pdf", content=PDF, content_type="application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def _files(settings):
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


URL = "/partnerships/jica-kamaishi-banda-aceh/add/agreement/"


def test_agreement_form_uploads_the_document_with_signatories_and_term(client, kamaishi_fp, settings):
    client.force_login(kamaishi_fp)
    html = client.get("/partnerships/jica-kamaishi-banda-aceh/").content.decode()
    assert 'enctype="multipart/form-data"' in html and 'name="document"' in html and 'name="signatories"' in html
    response = client.post(URL, {
        "kind": "loi", "signed_on": "2023-05-01", "signed_at": "Kamaishi", "term_years": "3",
        "signatories": "Takenori Noda | Mayor | Kamaishi City\nJICA representative | | JICA",
        "signed_by_both_heads": "on", "document": _upload()})
    assert response.status_code == 302 and response["Location"] == "/partnerships/jica-kamaishi-banda-aceh/"
    agreement = Partnership.objects.get(slug="jica-kamaishi-banda-aceh").agreements.get()
    assert agreement.term_years == 3 and agreement.signed_by_both_heads and agreement.signed_at == "Kamaishi"
    assert agreement.signatories[0] == {"name": "Takenori Noda", "title": "Mayor", "organisation": "Kamaishi City"}
    assert len(_files(settings)) == 1
    html = client.get("/partnerships/jica-kamaishi-banda-aceh/").content.decode()
    link = f"/partnerships/jica-kamaishi-banda-aceh/agreements/{agreement.pk}/document/"
    assert link in html and "Takenori Noda, Mayor" in html and "Term: 3 years" in html
    download = client.get(link)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;") and ".pdf" in download["Content-Disposition"]


@pytest.mark.parametrize(("upload", "message"), [
    (("letter.exe", b"MZ", "application/octet-stream"), "letter.exe: only PDF, Word (.docx), PNG, JPEG files"),
    (("letter.pdf", b"GIF89a", "application/pdf"), "letter.pdf is not really a PDF file."),
    (("big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), "application/pdf"), "big.pdf is larger than 10 MB."),
    (("letter.pdf", damaged_pdf(), "application/pdf"), "letter.pdf cannot be read as a PDF (damaged or incomplete?)."),
])
def test_a_bad_document_is_refused_on_its_field_and_nothing_is_saved(client, kamaishi_fp, settings, upload, message):
    client.force_login(kamaishi_fp)
    response = client.post(URL, {"kind": "mou", "signed_on": "2023-05-01", "signed_at": "Kamaishi",
                                 "document": _upload(*upload)})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Document: {message}" in html  # in the error summary, named
    assert 'value="Kamaishi"' in html  # what was typed stays
    assert not Partnership.objects.get(slug="jica-kamaishi-banda-aceh").agreements.exists()
    assert _files(settings) == []


def test_agreement_form_errors_name_the_field_or_the_line(client, kamaishi_fp):
    client.force_login(kamaishi_fp)
    html = client.post(URL, {"kind": "mou", "signed_on": "2023-05-01",
                             "signatories": "Mayor | Mayor\n| nobody"}).content.decode()
    assert "Signatories, one per line: line 2: a signatory needs a name" in html
    html = client.post(URL, {"kind": "mou", "signed_on": "2023-05-01", "term_years": "0"}).content.decode()
    assert "Term (years):" in html
    html = client.post(URL, {"kind": "mou", "signed_on": "2999-01-01"}).content.decode()
    assert "Signed on: An agreement cannot be signed in the future." in html
    assert not Partnership.objects.get(slug="jica-kamaishi-banda-aceh").agreements.exists()


def test_only_the_partnerships_managers_record_agreements(client, demo, essen_fp, reviewer, settings):
    data = {"kind": "mou", "signed_on": "2023-05-01"}
    anonymous = client.post(URL, {**data, "document": _upload()})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    for user in (essen_fp, reviewer):
        client.force_login(user)
        assert client.post(URL, {**data, "document": _upload()}).status_code == 403
        assert 'name="document"' not in client.get("/partnerships/jica-kamaishi-banda-aceh/").content.decode()
    assert not Partnership.objects.get(slug="jica-kamaishi-banda-aceh").agreements.exists()
    assert _files(settings) == []


def test_only_people_who_may_see_the_partnership_download_its_document(client, demo, kamaishi_fp, essen_fp,
                                                                       reviewer, officer, admin_user):
    from renkei.partnerships import services
    from renkei.programmes.services import Upload

    p = Partnership.objects.get(slug="jica-kamaishi-banda-aceh")
    agreement = services.agreement_add(actor=officer, partnership=p,
                                       data={"kind": "mou", "signed_on": date(2023, 5, 1)},
                                       document=Upload("mou.pdf", PDF))
    link = f"/partnerships/{p.slug}/agreements/{agreement.pk}/document/"
    assert client.get(link).status_code == 200  # published: visitors see the partnership and its documents
    Partnership.objects.filter(pk=p.pk).update(is_published=False)
    client.logout()
    assert client.get(link).status_code == 404
    for user, status in ((essen_fp, 404), (reviewer, 404), (kamaishi_fp, 200), (officer, 200), (admin_user, 200)):
        client.force_login(user)
        assert client.get(link).status_code == status, user.username
    client.force_login(officer)
    no_document = services.agreement_add(actor=officer, partnership=p,
                                         data={"kind": "loi", "signed_on": date(2023, 5, 2)})
    assert client.get(f"/partnerships/{p.slug}/agreements/{no_document.pk}/document/").status_code == 404
    other = Partnership.objects.get(slug="kamakura-umea")
    assert client.get(f"/partnerships/{other.slug}/agreements/{agreement.pk}/document/").status_code == 404
    agreement.document.storage.delete(agreement.document.name)  # lost on disk: a 404, never a 500
    assert client.get(link).status_code == 404


# --- the programme dashboard ----------------------------------------------------------------------

HEALTH = "/programmes/world-bank-city-partnership-program/partnerships/"


def test_programme_dashboard_lists_partnerships_with_their_health(client, demo, officer):
    # the demo's Toyama partnership has recent work; with none since the deep dive it is dormant
    Partnership.objects.filter(slug="toyama-world-bank-cpp").update(last_activity_on="2016-11-04")
    client.force_login(officer)
    html = client.get(HEALTH).content.decode()
    assert "Toyama — World Bank City Partnership Program" in html and "dormant" in html
    assert "no recorded activity" in html and "6 months" in html
    assert "Dormant only" in html and "Single focal point only" in html
    html = client.get(HEALTH, {"single": "1"}).content.decode()
    assert "No partnership of this programme matches the filters." in html
    html = client.get(HEALTH, {"dormant": "1", "single": "maybe"}).content.decode()
    assert "Toyama — World Bank City Partnership Program" in html  # a bad value is ignored
    assert 'href="/programmes/" aria-current="page"' in html  # it is a programme's page
    programmes = client.get("/programmes/").content.decode()
    assert HEALTH in programmes


def test_programme_dashboard_permissions(client, demo, officer, admin_user, focal_point, reviewer, secretariat):
    anonymous = client.get(HEALTH)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert HEALTH not in client.get("/programmes/").content.decode()
    for user in (focal_point, reviewer, secretariat):
        client.force_login(user)
        assert client.get(HEALTH).status_code == 403
        assert HEALTH not in client.get("/programmes/").content.decode()
    for user in (officer, admin_user):
        client.force_login(user)
        assert client.get(HEALTH).status_code == 200
    assert client.get("/programmes/nowhere/partnerships/").status_code == 404


def test_programme_dashboard_in_japanese(client, demo, officer):
    client.force_login(officer)
    client.post("/i18n/setlang/", {"language": "ja", "next": "/"})
    html = client.get(HEALTH).content.decode()
    assert "休止状態のみ" in html and "富山市 — 世界銀行シティ・パートナーシップ・プログラム" in html
