from datetime import date, timedelta

import pytest
from django.utils import timezone

from renkei.accounts.models import Role
from renkei.accounts.tests.factories import UserFactory
from renkei.core.errors import ApplicationError, NotAllowed
from renkei.core.tests.files import JPEG, damaged_pdf, encrypted_pdf, office, pdf_with_text, png, zipped
from renkei.partnerships import services
from renkei.partnerships.models import Member, Partnership
from renkei.places.tests.factories import OrganisationFactory, PlaceFactory, theme
from renkei.programmes.services import Upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(officer):
    koriyama = PlaceFactory(slug="koriyama", name_en="Koriyama")
    essen = PlaceFactory(slug="essen", name_en="Essen", country="DE")
    fp = UserFactory(roles=[Role.FOCAL_POINT], places=[koriyama])
    p = services.partnership_create(actor=officer, data={
        "title": {"en": "Koriyama–Essen"}, "kind": "bilateral",
        "members": [{"place": koriyama, "focal_points": [fp]}, {"place": essen}],
        "themes": [theme("renewable-energy"), theme("energy-storage")]})
    return p, fp


def test_lifecycle_allows_only_legal_steps_and_logs_them(pair, officer):
    p, fp = pair
    with pytest.raises(ApplicationError) as caught:
        services.status_change(actor=officer, partnership=p, to="completed", reason="Done")
    assert "cannot go from Proposed to Completed" in caught.value.message
    with pytest.raises(ApplicationError):
        services.status_change(actor=officer, partnership=p, to="agreed", reason=" ")
    services.status_change(actor=fp, partnership=p, to="agreed", reason="Action plan drafted")
    services.status_change(actor=officer, partnership=p, to="active", reason="Pilot agreed")
    services.status_change(actor=officer, partnership=p, to="suspended", reason="Elections")
    services.status_change(actor=officer, partnership=p, to="active", reason="Resumed")
    assert [c.to_status for c in p.status_changes.all()] == ["agreed", "active", "suspended", "active"]
    assert p.status_changes.first().changed_by == fp


def test_strangers_cannot_change_a_partnership(pair):
    p, _fp = pair
    stranger = UserFactory(roles=[Role.FOCAL_POINT], places=[PlaceFactory()])
    with pytest.raises(NotAllowed):
        services.status_change(actor=stranger, partnership=p, to="agreed", reason="x")
    with pytest.raises(NotAllowed):
        services.pilot_add(actor=stranger, partnership=p, data={"title": {"en": "x"}})


def test_kinds_need_the_right_members(officer):
    a, b = PlaceFactory(), PlaceFactory()
    jica = OrganisationFactory(slug="jica")
    with pytest.raises(ApplicationError):
        services.partnership_create(actor=officer, data={"title": {"en": "x"}, "kind": "bilateral",
                                                         "members": [{"place": a}]})
    with pytest.raises(ApplicationError):
        services.partnership_create(actor=officer, data={"title": {"en": "x"}, "kind": "triangular",
                                                         "members": [{"place": a}, {"place": b}]})
    tri = services.partnership_create(actor=officer, data={
        "title": {"en": "JICA–Kamaishi–Banda Aceh"}, "kind": "triangular",
        "members": [{"organisation": jica, "role": Member.Role.FUNDING}, {"place": a}, {"place": b}]})
    assert tri.members.count() == 3
    assert not Partnership.objects.filter(title__en="x").exists()


def test_agreement_formal_conditions(pair, officer):
    p, _fp = pair
    with pytest.raises(ApplicationError):
        services.agreement_add(actor=officer, partnership=p, data={
            "kind": "mou", "signed_on": timezone.localdate() + timedelta(days=2)})
    mou = services.agreement_add(actor=officer, partnership=p, data={
        "kind": "mou", "signed_on": date(2018, 5, 1), "signatories": [{"name": "Mayor A", "title": "Mayor"}],
        "themes": [theme("renewable-energy"), theme("energy-storage")], "signed_by_both_heads": True})
    assert mou.formal_conditions == {"signed_by_both_heads": True, "more_than_one_field": True,
                                     "budget_approved_by_assembly": False}
    assert not mou.is_formal


def test_health_flags(pair, officer):
    p, _fp = pair
    services.status_change(actor=officer, partnership=p, to="agreed", reason="ok")
    today = timezone.localdate()
    assert services.health(p, today).single_focal_point
    assert not services.health(p, today).dormant
    assert services.health(p, today + timedelta(days=400)).dormant
    second = UserFactory()
    p.members.first().focal_points.add(second)
    assert not services.health(p, today).single_focal_point


def test_action_plan_and_pilot(pair, officer):
    p, fp = pair
    action = services.action_add(actor=fp, partnership=p, data={
        "objective": "Store renewable energy", "action": "Study battery storage", "due_on": date(2019, 3, 31)})
    assert action.objective.partnership == p
    pilot = services.pilot_add(actor=fp, partnership=p, data={"title": {"en": "Hydrogen storage pilot"}})
    assert pilot.status == "planned"
    with pytest.raises(ApplicationError):
        services.action_add(actor=fp, partnership=p, data={"objective": "", "action": "x"})


def test_selected_application_becomes_a_partnership_in_one_step(officer):
    from renkei.programmes import services as programme_services

    wb = OrganisationFactory(slug="world-bank", org_type="40")
    programme = programme_services.programme_create(actor=officer, data={"title_en": "CPP"})
    programme.owners.add(wb)
    now = timezone.now()
    call = programme_services.call_create(actor=officer, programme=programme, data={
        "title_en": "Call", "opens_at": now - timedelta(days=2), "closes_at": now + timedelta(days=2)},
        criteria=[{"name_en": "Fit"}])
    programme_services.call_transition(actor=officer, call=call, to="open")
    toyama = PlaceFactory(slug="toyama", name_en="Toyama")
    fp = UserFactory(roles=[Role.FOCAL_POINT], places=[toyama])
    application = programme_services.application_save(actor=fp, call=call, place=toyama, answers={}, submit=True)
    with pytest.raises(ApplicationError):
        services.partnership_from_application(actor=officer, application=application)
    programme_services.call_transition(actor=officer, call=call, to="closed")
    programme_services.application_decide(actor=officer, application=application, selected=True, reason="Fit")
    partnership = services.partnership_from_application(actor=officer, application=application)
    assert partnership.status == "agreed" and partnership.programme == programme
    assert {str(m) for m in partnership.members.all()} == {"Toyama", str(wb)}
    with pytest.raises(ApplicationError):
        services.partnership_from_application(actor=officer, application=application)


def test_demo_partnerships():
    from renkei.partnerships.demo import partnerships_demo_load
    from renkei.places.demo import demo_load
    from renkei.programmes.demo import programmes_demo_load

    demo_load()
    programmes_demo_load()
    assert partnerships_demo_load() > 5  # five partnerships with their history, plans and pilots
    assert partnerships_demo_load() == 0
    toyama = Partnership.objects.get(slug="toyama-world-bank-cpp")
    assert toyama.agreements.get().signed_on == date(2016, 11, 3)
    assert toyama.application.place.slug == "toyama"
    triangle = Partnership.objects.get(slug="jica-kamaishi-banda-aceh")
    assert triangle.kind == "triangular" and triangle.members.count() == 3
    assert Partnership.objects.get(slug="kamakura-umea").pilots.get().title["en"].startswith("Umecons")


# --- agreements with their document ---------------------------------------------------------------

PDF = pdf_with_text("Memorandum of understanding", "signed")


def _files(settings) -> list[str]:
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_agreement_with_its_document_signatories_and_term(pair, settings):
    p, fp = pair
    mou = services.agreement_add(
        actor=fp, partnership=p, data={
            "kind": "mou", "signed_on": date(2018, 5, 1), "term_years": 3,
            "signatories": services.signatories_from_lines("Mayor A | Mayor | Koriyama\nMayor B | | Essen")},
        document=Upload("MoU signed.pdf", PDF))
    assert mou.term_years == 3
    assert mou.signatories == [{"name": "Mayor A", "title": "Mayor", "organisation": "Koriyama"},
                               {"name": "Mayor B", "title": "", "organisation": "Essen"}]
    assert mou.document.read() == PDF and services.agreement_document_name(mou).endswith(".pdf")
    assert _files(settings) == [mou.document.name]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("minutes.xlsx", b"PK\x03\x04", "only PDF, Word (.docx), PNG, JPEG files are accepted"),
    ("virus.exe", b"MZ", "only PDF"),
    ("mou.pdf", b"MZ not a pdf", "not really a PDF"),
    ("scan.png", b"\xff\xd8\xff", "not really a PNG"),
    ("mou.docx", b"%PDF", "not really a DOCX"),
    ("huge.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), "larger than 10 MB"),
    ("mou.pdf", damaged_pdf(), "mou.pdf cannot be read as a PDF (damaged or incomplete?)."),
    ("mou.pdf", b"%PDF-1.7 signed", "mou.pdf cannot be read as a PDF (damaged or incomplete?)."),
    ("mou.pdf", encrypted_pdf(), "mou.pdf is protected by a password"),
    ("mou.docx", zipped({"readme.txt": b"hello"}), "not really a DOCX"),
])
def test_a_bad_document_saves_neither_the_agreement_nor_the_file(pair, officer, settings, name, content, message):
    p, _fp = pair
    with pytest.raises(ApplicationError) as caught:
        services.agreement_add(actor=officer, partnership=p, data={"kind": "mou", "signed_on": date(2018, 5, 1)},
                               document=Upload(name, content))
    assert message in caught.value.errors["document"][0]
    assert not p.agreements.exists() and _files(settings) == []


@pytest.mark.parametrize(("name", "content"), [
    ("mou.docx", office("docx")), ("scan.jpg", JPEG), ("scan.PNG", png())])
def test_word_and_images_are_accepted(pair, officer, name, content):
    p, _fp = pair
    assert services.agreement_add(actor=officer, partnership=p, data={"kind": "loi", "signed_on": date(2018, 5, 1)},
                                  document=Upload(name, content)).document


def test_agreement_errors_name_their_fields(pair, officer):
    p, _fp = pair
    with pytest.raises(ApplicationError) as caught:
        services.agreement_add(actor=officer, partnership=p, data={
            "kind": "treaty", "signed_on": None, "term_years": 0, "signatories": [{"name": " "}]})
    assert set(caught.value.errors) == {"kind", "signed_on", "term_years", "signatories"}
    assert not p.agreements.exists()


def test_signatory_lines_name_the_bad_line():
    with pytest.raises(ApplicationError) as caught:
        services.signatories_from_lines("Mayor A | Mayor\n | Deputy\nA | b | c | d\n" + "x" * 201)
    assert caught.value.errors["signatories"] == [
        "line 2: a signatory needs a name", "line 3: use Name | title | organisation",
        "line 4: each part must be at most 200 characters"]
    assert services.signatories_from_lines("\n  \n") == []


def test_strangers_cannot_add_agreements(pair, reviewer, anonymous, settings):
    p, _fp = pair
    stranger = UserFactory(roles=[Role.FOCAL_POINT], places=[PlaceFactory()])
    for actor in (stranger, reviewer, anonymous):
        with pytest.raises(NotAllowed):
            services.agreement_add(actor=actor, partnership=p, data={"kind": "mou", "signed_on": date(2018, 5, 1)},
                                   document=Upload("mou.pdf", PDF))
    assert not p.agreements.exists() and _files(settings) == []


def test_health_counts_focal_points_with_or_without_prefetching(pair, officer):
    p, fp = pair
    services.status_change(actor=officer, partnership=p, to="agreed", reason="ok")
    assert services.health(p).focal_points == 1
    prefetched = Partnership.objects.prefetch_related("members__focal_points").get(pk=p.pk)
    assert services.health(prefetched) == services.health(p)


# --- edits: only the given fields, on the row as it is now; events after the commit -----------------

def test_two_interleaved_edits_of_different_fields_both_survive(pair, officer):
    p, fp = pair
    first, second = Partnership.objects.get(pk=p.pk), Partnership.objects.get(pk=p.pk)  # both read before either writes
    services.partnership_update(actor=officer, partnership=first,
                                data={"title": {"en": "Koriyama–Essen energy", "ja": "郡山市–エッセン市"}})
    services.partnership_update(actor=fp, partnership=second, data={"starts_on": "2017-01-01"})
    services.status_change(actor=officer, partnership=second, to="agreed", reason="Plan signed")
    stored = Partnership.objects.get(pk=p.pk)
    assert stored.title == {"en": "Koriyama–Essen energy", "ja": "郡山市–エッセン市"}
    assert stored.starts_on == date(2017, 1, 1) and stored.status == "agreed"
    assert stored.version == p.version + 3
    assert second.status == "agreed" and second.starts_on == date(2017, 1, 1)  # the caller's copy follows


def test_an_edit_against_a_stale_version_is_a_conflict(pair, officer):
    from renkei.core.errors import Conflict

    p, _fp = pair
    services.partnership_update(actor=officer, partnership=p, data={"is_published": False},
                                expected_version=p.version)
    with pytest.raises(Conflict):
        services.partnership_update(actor=officer, partnership=p, data={"is_published": True},
                                    expected_version=p.version - 1)
    assert not Partnership.objects.get(pk=p.pk).is_published


def test_edits_are_checked_and_audited(pair, officer):
    from renkei.core.audit import audit_history

    p, fp = pair
    stranger = UserFactory(roles=[Role.FOCAL_POINT], places=[PlaceFactory()])
    with pytest.raises(NotAllowed):
        services.partnership_update(actor=stranger, partnership=p, data={"is_published": False})
    with pytest.raises(ApplicationError) as caught:
        services.partnership_update(actor=officer, partnership=p, data={
            "title": {"en": " ", "fr": "x"}, "kind": "friendship", "themes": ["no-such-theme"], "programme": "nowhere"})
    assert set(caught.value.errors) == {"title.en", "title.fr", "kind"}
    with pytest.raises(ApplicationError) as caught:
        services.partnership_update(actor=officer, partnership=p, data={"themes": ["no-such-theme"],
                                                                         "programme": "nowhere"})
    assert set(caught.value.errors) == {"themes", "programme"}
    services.partnership_update(actor=fp, partnership=p, data={"themes": ["renewable-energy"]})
    assert [t.code for t in Partnership.objects.get(pk=p.pk).themes.all()] == ["renewable-energy"]
    assert audit_history(p).first().changes == {"themes": [["energy-storage", "renewable-energy"],
                                                           ["renewable-energy"]]}


def test_writes_emit_their_events_after_commit(pair, officer):
    from renkei.core import hooks
    from renkei.partnerships import events

    p, fp = pair
    with hooks.recorded() as emitted:
        services.status_change(actor=officer, partnership=p, to="agreed", reason="ok")
        services.partnership_update(actor=officer, partnership=p, data={"starts_on": date(2017, 1, 1)})
        agreement = services.agreement_add(actor=fp, partnership=p, data={"kind": "mou", "signed_on": date(2018, 5, 1)})
        services.pilot_add(actor=fp, partnership=p, data={"title": {"ja": "蓄電の実証"}})
        with pytest.raises(ApplicationError):
            services.status_change(actor=officer, partnership=p, to="proposed", reason="back")
    assert emitted == [
        (events.STATUS_CHANGED, {"partnership_id": p.pk, "from_status": "proposed", "to_status": "agreed"}),
        (events.PARTNERSHIP_CHANGED, {"partnership_id": p.pk, "fields": ["starts_on"]}),
        (events.AGREEMENT_ADDED, {"partnership_id": p.pk, "agreement_id": agreement.pk}),
        (events.PLAN_CHANGED, {"partnership_id": p.pk}),
    ]


def test_inputs_name_every_bad_field_in_the_readers_language(officer):
    from django.utils import translation

    with pytest.raises(ApplicationError) as caught:
        services.partnership_create(actor=officer, data={"title": {"ja": "名前だけ"}, "kind": "alliance",
                                                         "members": [{"place": "nowhere"}, {}], "colour": "red"})
    assert caught.value.errors == {"title.en": ["is required"], "kind": ["choose one of: 'bilateral', 'triangular' "
                                                                         "or 'network'"],
                                   "colour": ["is not a known field"]}
    with pytest.raises(ApplicationError) as caught:
        services.partnership_create(actor=officer, data={"title": {"en": "x"}, "kind": "bilateral",
                                                         "members": [{"place": "nowhere"}, {}]})
    assert caught.value.errors == {"members.0.place": ["no place has this URL name"],
                                   "members.1": ["name either a place or an organisation"]}
    with translation.override("ja"), pytest.raises(ApplicationError) as caught:
        services.partnership_create(actor=officer, data={"title": {"en": "x"}, "kind": "bilateral",
                                                         "members": [{"place": "nowhere"}, {}]})
    assert caught.value.errors["members.0.place"] == ["このURL名の地域はありません"]
