"""Writes of learning activities: who may, and what is refused, naming the field."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from renkei.activities import selectors, services
from renkei.activities.models import Activity, Participant, Session, Speaker
from renkei.core.errors import ApplicationError, NotAllowed

pytestmark = pytest.mark.django_db


TOKYO = ZoneInfo("Asia/Tokyo")


def test_activity_rules(officer, focal_point, anonymous):
    start = datetime(2026, 1, 10, 9, tzinfo=ZoneInfo("Asia/Tokyo"))
    tour = {"kind": "study_tour", "title": {"en": "Tour"}, "starts_at": start}
    with pytest.raises(ApplicationError) as caught:
        services.activity_create(actor=officer, data={**tour, "ends_at": start - timedelta(hours=1)})
    assert "ends_at" in caught.value.errors
    with pytest.raises(ApplicationError) as caught:
        services.activity_create(actor=officer, data={**tour, "kind": "party", "ends_at": start + timedelta(hours=1)})
    assert caught.value.errors["kind"] == ["unknown type of activity"]
    with pytest.raises(ApplicationError) as caught:
        services.activity_create(actor=officer, data={**tour, "title": {"en": " "}, "ends_at": start + timedelta(1)})
    assert caught.value.errors["title"] == ["is required (in at least one language)"]
    with pytest.raises(NotAllowed):
        services.activity_create(actor=anonymous, data={**tour, "ends_at": start + timedelta(hours=1)})
    tour = services.activity_create(actor=focal_point, data={**tour, "ends_at": start + timedelta(days=2)})
    a = Participant.objects.create(activity=tour, name="Officer A")
    b = Participant.objects.create(activity=tour, name="Officer B")
    services.assessment_record(actor=officer, participant=a,
                               data={"before_score": 2, "after_score": 4, "adopted_later": "Bus lanes"})
    services.assessment_record(actor=officer, participant=b, data={"before_score": 3, "after_score": 4})
    assert selectors.learning_gain(tour) == 1.5
    with pytest.raises(ApplicationError):
        services.assessment_record(actor=officer, participant=a, data={"before_score": 0, "after_score": 4})


def test_only_those_who_run_an_activity_record_its_participants(demo, officer, secretariat):
    from renkei.accounts.models import Role
    from renkei.accounts.tests.factories import UserFactory
    from renkei.places.models import Place

    session = Activity.objects.get(slug="wuf11-jica-kamaishi-session")  # of the JICA–Kamaishi–Banda Aceh triangle
    member = UserFactory(roles=[Role.FOCAL_POINT], places=[Place.objects.get(slug="kamaishi")])
    outsider = UserFactory(roles=[Role.FOCAL_POINT], places=[Place.objects.get(slug="essen")])
    recorded = services.participant_add(actor=member, activity=session,
                                        data={"name": " Kamaishi officer ", "before_score": 2, "after_score": 4})
    assert (recorded.name, recorded.before_score, recorded.after_score) == ("Kamaishi officer", 2, 4)
    services.participant_add(actor=officer, activity=session, data={"name": "JICA officer"})
    for stranger in (outsider, secretariat):
        with pytest.raises(NotAllowed):
            services.participant_add(actor=stranger, activity=session, data={"name": "Someone"})
        with pytest.raises(NotAllowed):
            services.assessment_record(actor=stranger, participant=recorded, data={"before_score": 1, "after_score": 5})
    with pytest.raises(ApplicationError) as error:
        services.participant_add(actor=officer, activity=session, data={"name": "Scored badly", "before_score": 6})
    assert "before_score" in error.value.errors
    with pytest.raises(ApplicationError) as error:
        services.participant_add(actor=officer, activity=session, data={"name": "  "})
    assert "name" in error.value.errors
    assert sorted(session.participants.values_list("name", flat=True)) == ["JICA officer", "Kamaishi officer"]


def _add(actor, activity, **overrides):
    speakers = overrides.pop("speakers", ())
    fields = {"title": {"en": "Bus rapid transit"}, "starts_at": datetime(2016, 11, 2, 9, 0, tzinfo=TOKYO),
              "ends_at": datetime(2016, 11, 2, 10, 30, tzinfo=TOKYO), "room": "Hall A"}
    fields.update(overrides)
    return services.session_add(actor=actor, activity=activity, data=fields, speakers=speakers)


@pytest.mark.parametrize("who", ["admin_user", "officer", "toyama_focal_point"])
def test_officers_and_the_partnerships_focal_points_add_sessions(request, deep_dive, who):
    actor = request.getfixturevalue(who)
    session = _add(actor, deep_dive, speakers=services.speakers_from_lines("Masashi Mori | moderator"))
    assert session.activity == deep_dive and session.starts_at.astimezone(TOKYO).hour == 9
    speaker = session.speakers.get()
    assert (speaker.contact.name, speaker.role, speaker.activity) == ("Masashi Mori", "moderator", deep_dive)


@pytest.mark.parametrize("who", ["focal_point", "reviewer", "secretariat", "anonymous"])
def test_others_cannot_add_sessions_to_a_partnerships_activity(request, deep_dive, who):
    with pytest.raises(NotAllowed):
        _add(request.getfixturevalue(who), deep_dive)
    assert deep_dive.sessions.count() == 5


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"starts_at": datetime(2016, 10, 29, 9, 0, tzinfo=TOKYO)}, "starts_at", "must be within the activity"),
    ({"ends_at": datetime(2016, 11, 4, 18, 0, tzinfo=TOKYO)}, "ends_at", "must be within the activity"),
    ({"starts_at": datetime(2016, 11, 5, 9, 0, tzinfo=TOKYO), "ends_at": datetime(2016, 11, 5, 10, 0, tzinfo=TOKYO)},
     "starts_at", "2016-10-30 09:00 – 2016-11-04 17:00 (Asia/Tokyo)"),
    ({"ends_at": datetime(2016, 11, 2, 8, 0, tzinfo=TOKYO)}, "ends_at", "must end after it starts"),
    ({"ends_at": datetime(2016, 11, 2, 9, 0, tzinfo=TOKYO)}, "ends_at", "must end after it starts"),
    ({"starts_at": datetime(2016, 11, 2, 9, 0)}, "starts_at", "time zone"),
    ({"ends_at": None}, "ends_at", "is required"),
    ({"title": {"en": "  "}}, "title", "is required"),
    ({"room": "x" * 101}, "room", "at most 100"),
])
def test_bad_sessions_are_refused_and_name_the_field(deep_dive, officer, overrides, field, message):
    with pytest.raises(ApplicationError) as caught:
        _add(officer, deep_dive, **overrides)
    assert message in " ".join(caught.value.errors[field])
    assert deep_dive.sessions.count() == 5


def test_a_session_just_inside_the_edges_is_fine(deep_dive, officer):
    session = _add(officer, deep_dive, starts_at=deep_dive.starts_at, ends_at=deep_dive.ends_at)
    assert session.pk


def test_the_database_refuses_a_session_ending_before_it_starts(deep_dive):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(activity=deep_dive, title={"en": "Backwards"}, starts_at=deep_dive.ends_at,
                               ends_at=deep_dive.starts_at)


def test_speaker_lines_name_the_bad_line(demo):
    speakers = services.speakers_from_lines("Masashi Mori\n\nYasusuke Tsukagoshi | Moderator")
    assert [(s["contact"].name, s["role"]) for s in speakers] == [("Masashi Mori", "speaker"),
                                                                   ("Yasusuke Tsukagoshi", "moderator")]
    with pytest.raises(ApplicationError) as caught:
        services.speakers_from_lines("Masashi Mori\nNobody Known | speaker\nMasashi Mori\nReiko Fujihara | chair")
    assert caught.value.errors["speakers"] == [
        "line 2: no contact is called “Nobody Known”; add them as a contact first",
        "line 3: Masashi Mori is listed twice",
        "line 4: the role must be moderator or speaker, not “chair”"]


def test_roles_may_be_typed_in_japanese(demo):
    from django.utils import translation

    with translation.override("ja"):
        label = str(Speaker.Role.MODERATOR.label)
    assert services.speakers_from_lines(f"Masashi Mori | {label}")[0]["role"] == "moderator"


def test_a_new_activity_keeps_its_partnership_from_looking_dormant(officer):
    from renkei.partnerships.services import partnership_create
    from renkei.places.tests.factories import PlaceFactory

    p = partnership_create(actor=officer, data={"title": {"en": "A–B"}, "kind": "bilateral",
                                                "members": [{"place": PlaceFactory()}, {"place": PlaceFactory()}]})
    p.last_activity_on = date(2020, 1, 1)
    p.save()
    services.activity_create(actor=officer, data={
        "kind": "workshop", "title": {"en": "Workshop"}, "partnership": p.slug,
        "starts_at": datetime(2026, 3, 1, 23, 30, tzinfo=TOKYO), "ends_at": datetime(2026, 3, 2, 1, 0, tzinfo=TOKYO)})
    p.refresh_from_db()
    assert p.last_activity_on == date(2026, 3, 1)  # the day in the activity's own time zone


def test_an_assessment_writes_only_what_it_is_given(demo, officer):
    session = Activity.objects.get(slug="wuf11-jica-kamaishi-session")
    recorded = services.participant_add(actor=officer, activity=session, data={
        "name": "Kamaishi officer", "before_score": 2, "after_score": 3, "adopted_later": "Open data portal"})
    Participant.objects.filter(pk=recorded.pk).update(adopted_later="Edited meanwhile")  # another editor
    stale = Participant.objects.get(pk=recorded.pk)
    stale.adopted_later = "stale copy"
    saved = services.assessment_record(actor=officer, participant=stale, data={"after_score": 5})
    recorded.refresh_from_db()
    assert (recorded.before_score, recorded.after_score, recorded.adopted_later) == (2, 5, "Edited meanwhile")
    assert saved.adopted_later == "Edited meanwhile"
    with pytest.raises(ApplicationError) as caught:
        services.assessment_record(actor=officer, participant=recorded, data={"after_score": 6, "mood": "good"})
    assert set(caught.value.errors) == {"after_score", "mood"}


def test_refusals_are_in_the_readers_language(officer):
    from django.utils import translation

    start = datetime(2026, 1, 10, 9, tzinfo=TOKYO)
    with translation.override("ja"), pytest.raises(ApplicationError) as caught:
        services.activity_create(actor=officer, data={"kind": "party", "title": {"ja": "視察"}, "starts_at": start,
                                                      "ends_at": start + timedelta(hours=1)})
    assert caught.value.errors["kind"] == ["不明な活動の種類です"]


def test_a_title_in_japanese_only_is_enough(officer):
    start = datetime(2026, 1, 10, 9, tzinfo=TOKYO)
    tour = services.activity_create(actor=officer, data={
        "kind": "study_tour", "title": {"ja": "富山視察"}, "starts_at": start, "ends_at": start + timedelta(days=1)})
    assert tour.title == {"ja": "富山視察"} and tour.title_text == "富山視察" and tour.slug.startswith("activity")
    from renkei.core.models import AuditEntry

    assert AuditEntry.objects.filter(object_id=str(tour.pk), content_type__app_label="activities").exists()
