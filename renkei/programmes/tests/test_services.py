from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from renkei.accounts.models import Role
from renkei.accounts.tests.factories import UserFactory
from renkei.core.errors import ApplicationError, Conflict, NotAllowed
from renkei.core.tests.files import pdf_with_text
from renkei.places.tests.factories import ExpertiseFactory, PlaceFactory, theme
from renkei.programmes import services
from renkei.programmes.models import Answer, Application, Call

pytestmark = pytest.mark.django_db
PDF = pdf_with_text("Letter of support")


@pytest.fixture
def setup(officer):
    now = timezone.now()
    programme = services.programme_create(actor=officer, data={
        "title": {"en": "City Partnership Program", "ja": "シティ・パートナーシップ・プログラム"},
        "eligible_countries": ["JP"], "eligible_levels": ["city"]})
    call = services.call_create(
        actor=officer, programme=programme,
        data={"title": {"en": "Call for expressions of interest 2016"}, "opens_at": now - timedelta(days=1),
              "closes_at": now + timedelta(days=10), "places_to_select": 1,
              "questions": [{"text": {"en": "What can your city offer?"}},
                            {"text": {"en": "Size"}, "kind": "choice", "choices": ["small", "large"]},
                            {"text": {"en": "Supporting document"}, "kind": "file", "required": False}],
              "criteria": [{"name": {"en": "Relevance"}, "weight": 2}, {"name": {"en": "Capacity"}, "weight": 1}]},
    )
    services.call_transition(actor=officer, call=call, to="open")
    toyama = PlaceFactory(slug="toyama", name_en="Toyama")
    kobe = PlaceFactory(slug="kobe", name_en="Kobe")
    toyama_fp = UserFactory(username="toyama-fp", email="intl@toyama.example.jp", roles=[Role.FOCAL_POINT],
                            places=[toyama])
    kobe_fp = UserFactory(username="kobe-fp", email="intl@kobe.example.jp", roles=[Role.FOCAL_POINT], places=[kobe])
    r1 = UserFactory(username="r1", roles=[Role.REVIEWER])
    r2 = UserFactory(username="r2", roles=[Role.REVIEWER])
    return {"programme": programme, "call": call, "toyama": toyama, "kobe": kobe, "toyama_fp": toyama_fp,
            "kobe_fp": kobe_fp, "r1": r1, "r2": r2}


def answers(call, text="Compact city experience", choice="small", file=None):
    q = list(call.questions.all())
    out = {q[0].pk: text, q[1].pk: choice}
    if file is not None:
        out[q[2].pk] = file
    return out


def test_a_call_end_to_end(setup, officer):
    s = setup
    call = s["call"]
    a_toyama = services.application_save(actor=s["toyama_fp"], call=call, place=s["toyama"], submit=True,
                                         answers=answers(call, file=services.Upload("plan.pdf", PDF)))
    a_kobe = services.application_save(actor=s["kobe_fp"], call=call, place=s["kobe"], submit=True,
                                       answers=answers(call, "Seismic risk management"))
    assert a_toyama.status == a_kobe.status == "submitted"
    assert Answer.objects.get(application=a_toyama, question__kind="file").file.name.endswith("plan.pdf")
    for application in (a_toyama, a_kobe):
        services.review_assign(actor=officer, application=application, reviewer=s["r1"])
        services.review_assign(actor=officer, application=application, reviewer=s["r2"])
    crit = list(call.criteria.all())
    # r1 scores both; r2 is conflicted on Kobe, scores Toyama
    for application, values in ((a_toyama, (5, 4)), (a_kobe, (3, 3))):
        seat = application.assignments.get(reviewer=s["r1"])
        services.conflict_declare(actor=s["r1"], assignment=seat, conflicted=False)
        services.scores_submit(actor=s["r1"], assignment=seat,
                               scores={crit[0].pk: (values[0], "ok"), crit[1].pk: (values[1], "")})
    conflicted = a_kobe.assignments.get(reviewer=s["r2"])
    services.conflict_declare(actor=s["r2"], assignment=conflicted, conflicted=True, note="Former employer")
    with pytest.raises(NotAllowed):
        services.scores_submit(actor=s["r2"], assignment=conflicted, scores={crit[0].pk: (1, ""),
                                                                             crit[1].pk: (1, "")})
    seat = a_toyama.assignments.get(reviewer=s["r2"])
    services.conflict_declare(actor=s["r2"], assignment=seat, conflicted=False)
    services.scores_submit(actor=s["r2"], assignment=seat, scores={crit[0].pk: (2, ""), crit[1].pk: (2, "")})
    services.call_transition(actor=officer, call=call, to="closed")
    ranking = services.committee_ranking(actor=officer, call=call)
    assert [r.application.place.slug for r in ranking] == ["toyama", "kobe"]
    first = ranking[0]
    assert first.reviewer_totals == (4.667, 2.0) and first.weighted_total == 3.333
    assert first.divergent and first.reviews == 2
    assert ranking[1].reviews == 1  # the conflicted reviewer's seat does not count
    with pytest.raises(ApplicationError):
        services.call_transition(actor=officer, call=call, to="decided")  # undecided applications remain
    services.application_decide(actor=officer, application=a_toyama, selected=True, reason="Strongest fit")
    with pytest.raises(Conflict):
        services.application_decide(actor=officer, application=a_kobe, selected=True, reason="Also good")
    services.application_decide(actor=officer, application=a_kobe, selected=False, reason="One place only")
    with pytest.raises(ApplicationError):
        services.call_transition(actor=officer, call=call, to="draft")
    services.call_transition(actor=officer, call=call, to="decided")
    services.notify_applicants(call.pk)
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == ["[Renkei] Call for expressions of interest 2016: Not selected",
                        "[Renkei] Call for expressions of interest 2016: Selected"]
    assert mail.outbox[0].to in (["intl@toyama.example.jp"], ["intl@kobe.example.jp"])


def test_applying_after_the_deadline_is_refused(setup):
    s = setup
    call = s["call"]
    later = call.closes_at + timedelta(minutes=1)
    with pytest.raises(ApplicationError) as caught:
        services.application_save(actor=s["toyama_fp"], call=call, place=s["toyama"], answers=answers(call),
                                  now=later)
    assert "not accepting" in caught.value.message and "call" in caught.value.errors
    assert not Application.objects.exists()


def test_editing_after_the_deadline_and_withdrawing_late_are_refused(setup):
    s = setup
    call = s["call"]
    application = services.application_save(actor=s["toyama_fp"], call=call, place=s["toyama"],
                                            answers=answers(call))
    late = call.closes_at + timedelta(seconds=1)
    with pytest.raises(ApplicationError):
        services.application_save(actor=s["toyama_fp"], call=call, place=s["toyama"], answers=answers(call, "x"),
                                  now=late)
    with pytest.raises(ApplicationError):
        services.application_withdraw(actor=s["toyama_fp"], application=application, now=late)
    assert services.application_withdraw(actor=s["toyama_fp"], application=application).status == "withdrawn"


def test_ineligible_place_is_told_why(setup):
    s = setup
    essen = PlaceFactory(slug="essen", name_en="Essen", country="DE")
    fp = UserFactory(roles=[Role.FOCAL_POINT], places=[essen])
    with pytest.raises(ApplicationError) as caught:
        services.application_save(actor=fp, call=s["call"], place=essen, answers=answers(s["call"]))
    assert "JP" in caught.value.errors["eligibility"][0]


def test_required_expertise_for_eligibility(setup):
    s = setup
    s["programme"].required_themes.add(theme("compact-city"))
    assert services.eligibility(s["programme"], s["toyama"])
    ExpertiseFactory(place=s["toyama"], theme=theme("compact-city"))
    assert services.eligibility(s["programme"], s["toyama"]) == []


@pytest.mark.parametrize(("name", "content", "message"), [
    ("virus.exe", b"MZ", "only PDF"),
    ("fake.pdf", b"not a pdf", "not really a PDF"),
    ("huge.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), "larger than 10 MB"),
    ("cut.pdf", b"%PDF-1.4 minimal", "cut.pdf cannot be read as a PDF (damaged or incomplete?)."),
])
def test_bad_files_are_refused_and_nothing_is_saved(setup, name, content, message):
    s = setup
    call = s["call"]
    with pytest.raises(ApplicationError) as caught:
        services.application_save(actor=s["toyama_fp"], call=call, place=s["toyama"],
                                  answers=answers(call, file=services.Upload(name, content)))
    assert message in caught.value.message
    assert not Application.objects.exists() and not Answer.objects.exists()


def test_submit_needs_required_answers_and_valid_choices(setup):
    s = setup
    call = s["call"]
    with pytest.raises(ApplicationError) as caught:
        services.application_save(actor=s["toyama_fp"], call=call, place=s["toyama"], submit=True,
                                  answers=answers(call, text=""))
    assert any("is required" in v[0] for v in caught.value.errors.values())
    with pytest.raises(ApplicationError):
        services.application_save(actor=s["toyama_fp"], call=call, place=s["toyama"],
                                  answers=answers(call, choice="gigantic"))


def test_permissions(setup, officer):
    s = setup
    call = s["call"]
    with pytest.raises(NotAllowed):  # a focal point applies only for its own place
        services.application_save(actor=s["kobe_fp"], call=call, place=s["toyama"], answers=answers(call))
    other_officer = UserFactory(roles=[Role.PROGRAMME_OFFICER])
    with pytest.raises(NotAllowed):  # officers not on the programme
        services.call_transition(actor=other_officer, call=call, to="closed")
    with pytest.raises(NotAllowed):
        services.committee_ranking(actor=s["r1"], call=call)
    application = services.application_save(actor=s["toyama_fp"], call=call, place=s["toyama"], submit=True,
                                            answers=answers(call))
    with pytest.raises(ApplicationError):  # only reviewers can be assigned
        services.review_assign(actor=officer, application=application, reviewer=s["kobe_fp"])
    seat = services.review_assign(actor=officer, application=application, reviewer=s["r1"])
    with pytest.raises(NotAllowed):  # another reviewer cannot use r1's seat
        services.conflict_declare(actor=s["r2"], assignment=seat, conflicted=False)
    with pytest.raises(ApplicationError):  # scores need a declaration first
        services.scores_submit(actor=s["r1"], assignment=seat, scores={})


def test_illegal_status_changes(setup, officer):
    call = setup["call"]
    with pytest.raises(ApplicationError) as caught:
        services.call_transition(actor=officer, call=call, to="decided")
    assert "cannot go from open to decided" in caught.value.message
    call.refresh_from_db()
    assert call.status == Call.Status.OPEN


def test_scores_must_be_1_to_5(setup, officer):
    s = setup
    call = s["call"]
    application = services.application_save(actor=s["toyama_fp"], call=call, place=s["toyama"], submit=True,
                                            answers=answers(call))
    seat = services.review_assign(actor=officer, application=application, reviewer=s["r1"])
    services.conflict_declare(actor=s["r1"], assignment=seat, conflicted=False)
    crit = list(call.criteria.all())
    with pytest.raises(ApplicationError) as caught:
        services.scores_submit(actor=s["r1"], assignment=seat, scores={crit[0].pk: (6, ""), crit[1].pk: ("x", "")})
    assert set(caught.value.errors) == {f"c{crit[0].pk}", f"c{crit[1].pk}"}


def test_demo_programmes_are_idempotent_and_match_the_seeds():
    from renkei.places.demo import demo_load
    from renkei.programmes.demo import programmes_demo_load
    from renkei.programmes.models import Programme

    demo_load()
    assert programmes_demo_load() > 0
    assert programmes_demo_load() == 0
    call = Call.objects.get(slug="cpp-2016-call")
    assert call.status == "decided"
    assert sorted(call.applications.filter(status="selected").values_list("place__slug", flat=True)) == [
        "kitakyushu", "kobe", "toyama", "yokohama"]
    assert Programme.objects.get(slug="world-bank-city-partnership-program").owners.filter(slug="tdlc").exists()
