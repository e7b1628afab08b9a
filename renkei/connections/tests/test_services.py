"""Writes of the connected population: consent first, withdrawal and erasure, retention, participants
in one step, the CSV import (all or nothing), and the tallies always equal to a recount."""

from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from renkei.accounts.permissions import SYSTEM
from renkei.connections import selectors, services
from renkei.connections.models import ConnectedPerson, Consent, Interaction, Tally
from renkei.core.errors import ApplicationError, NotAllowed
from renkei.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def tallies(place):
    return {(t.dimension, t.key): t.count for t in Tally.objects.filter(place=place) if t.count}


def assert_in_step(place):
    kept = tallies(place)
    services.tally_rebuild(place=place)
    assert kept == tallies(place)


def test_a_person_needs_a_consent(place, focal_point, person_data):
    del person_data["consent"]
    with pytest.raises(ApplicationError) as caught:
        services.person_create(actor=focal_point, place=place, data=person_data)
    assert "consent" in caught.value.errors
    assert not ConnectedPerson.objects.exists()


def test_the_focal_point_adds_a_person_with_consent(place, focal_point, person_data):
    person = services.person_create(actor=focal_point, place=place, data=person_data)
    assert person.consents.get().source == "signed form at the study tour"
    assert tallies(place) == {("joined", "volunteer:2020"): 1, ("where", "JP-13"): 1, ("stage", "2"): 1,
                              ("contact", "none"): 1, ("moved", "2020:0:2"): 1}
    entry = AuditEntry.objects.get(object_id=str(person.pk))
    assert "Sample Person" not in str(entry.changes) and "Sample Person" not in entry.object_repr


@pytest.mark.parametrize("who", ["officer", "other_focal", "no_role_user", "anonymous", "reviewer", "secretariat"])
def test_only_the_places_focal_points_and_administrators_write(request, who, place, other_place, person_data):
    from renkei.accounts.models import Role
    from renkei.accounts.tests.factories import UserFactory

    actor = (UserFactory(username="of", roles=[Role.FOCAL_POINT], places=[other_place]) if who == "other_focal"
             else request.getfixturevalue(who))
    with pytest.raises(NotAllowed):
        services.person_create(actor=actor, place=place, data=person_data)


def test_an_administrator_may(place, admin_user, person_data):
    assert services.person_create(actor=admin_user, place=place, data=person_data).pk


@pytest.mark.parametrize(("field", "value"), [
    ("name", ""), ("name", "x" * 201), ("name", "a\x00b"), ("kind", "alien"), ("since", "2999-01-01"),
    ("country", "XX"), ("prefecture", "48"), ("stage", 6), ("email", "not-an-address"), ("activity", "nope"),
])
def test_bad_fields_are_named(place, focal_point, person_data, field, value):
    person_data[field] = value
    with pytest.raises(ApplicationError) as caught:
        services.person_create(actor=focal_point, place=place, data=person_data)
    assert field in caught.value.errors
    assert not ConnectedPerson.objects.exists() and not Tally.objects.exists()


def test_a_prefecture_only_in_japan(place, focal_point, person_data):
    person_data["country"] = "ID"
    with pytest.raises(ApplicationError):
        services.person_create(actor=focal_point, place=place, data=person_data)


def test_an_update_writes_only_the_fields_given_and_moves_the_tallies(place, focal_point, add):
    person = add(email="a@example.org", notes="likes rugby")
    services.person_update(actor=focal_point, person=person, data={"country": "ID"})
    person.refresh_from_db()
    assert (person.country, person.prefecture, person.email, person.notes) == ("ID", "", "a@example.org",
                                                                             "likes rugby")
    assert tallies(place)[("where", "ID")] == 1 and ("where", "JP-13") not in tallies(place)
    services.person_update(actor=focal_point, person=person, data={"notes": "secret note"})
    assert "secret note" not in str(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert_in_step(place)


def test_interactions_count_and_move_the_last_contact(place, focal_point, add):
    person = add()
    services.interaction_record(actor=focal_point, person=person, data={"kind": "visit", "on": "2025-08-01"})
    services.interaction_record(actor=focal_point, person=person, data={"kind": "donation", "on": "2024-01-01"})
    person.refresh_from_db()
    assert (person.interactions, person.last_contact_on) == (2, date(2025, 8, 1))
    assert tallies(place)[("contact", "2025-08")] == 1
    with pytest.raises(ApplicationError):
        services.interaction_record(actor=focal_point, person=person, data={"kind": "visit", "on": "2019-01-01"})
    assert_in_step(place)


def test_withdrawal_stops_all_use_at_once(place, focal_point, add):
    people = add(6)
    assert selectors.dashboard(viewer=None, place=place).total == 6
    services.consent_withdraw(actor=focal_point, person=people[0])
    assert people[0] not in selectors.people_list(viewer=focal_point, place=place)
    assert list(selectors.withdrawn_list(viewer=focal_point, place=place)) == [people[0]]
    assert selectors.dashboard(viewer=focal_point, place=place).total == 5
    assert not Consent.objects.filter(person=people[0], withdrawn_at__isnull=True).exists()
    with pytest.raises(ApplicationError):
        services.person_update(actor=focal_point, person=people[0], data={"stage": 3})
    services.consent_withdraw(actor=focal_point, person=people[0])  # twice changes nothing
    assert_in_step(place)


def test_export_holds_everything_kept(place, focal_point, add):
    person = add(name="Erin Sample", email="erin@example.org")
    services.interaction_record(actor=focal_point, person=person, data={"kind": "visit", "on": "2025-01-05"})
    data = services.person_export(actor=focal_point, person=person)
    assert data["name"] == "Erin Sample" and data["consents"][0]["purpose"] and data["interaction_log"][0]["on"]
    import json

    json.dumps(data)


def test_erasure_leaves_no_data_in_the_audit_log(place, focal_point, add):
    person = add(name="Zoe Unique-Name", email="zoe@example.org")
    services.person_update(actor=focal_point, person=person, data={"name": "Zoe Renamed", "country": "ID"})
    services.interaction_record(actor=focal_point, person=person, data={"kind": "visit", "on": "2025-01-05"})
    pk = person.pk
    services.person_erase(actor=focal_point, person=person)
    assert not ConnectedPerson.objects.filter(pk=pk).exists()
    assert not Consent.objects.filter(person_id=pk).exists() and not Interaction.objects.filter(person_id=pk).exists()
    entries = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(ConnectedPerson),
                                        object_id=str(pk))
    assert entries.filter(action="delete", changes={"erased": [None, "request"]}).exists()
    text = str(list(entries.values("object_repr", "changes")))
    for trace in ("Zoe", "zoe@", "ID", "volunteer"):
        assert trace not in text
    assert tallies(place) == {}


def test_erasure_of_a_withdrawn_person_does_not_count_them_twice(place, focal_point, add):
    people = add(6)
    services.consent_withdraw(actor=focal_point, person=people[0])
    services.person_erase(actor=focal_point, person=people[0])
    assert_in_step(place)
    assert sum(n for (d, _k), n in tallies(place).items() if d == "stage") == 5


def test_retention_erases_people_without_contact_for_n_years(place, focal_point, add):
    today = timezone.localdate()
    old = add(since=date(2010, 1, 1), last_contact_on=date(2012, 1, 1))
    never = add(since=date(2011, 1, 1))
    recent = add(since=date(2010, 1, 1), last_contact_on=today - timedelta(days=30))
    assert services.retention_apply(place=place) == 0  # no rule: nobody
    services.retention_set(actor=focal_point, place=place, data={"years": 5})
    assert services.retention_apply(place=place) == 2
    assert list(ConnectedPerson.objects.all()) == [recent]
    assert not ConnectedPerson.objects.filter(pk__in=[old.pk, never.pk]).exists()
    assert AuditEntry.objects.filter(changes={"erased": [None, "retention"]}).count() == 2
    assert_in_step(place)
    with pytest.raises(ApplicationError):
        services.retention_set(actor=focal_point, place=place, data={"years": 0})
    assert services.retention_set(actor=focal_point, place=place, data={"years": None}) is None


def test_the_retention_task_runs_every_places_rule(place, focal_point, add):
    from renkei.connections.tasks import apply_retention

    add(since=date(2010, 1, 1), last_contact_on=date(2012, 1, 1))
    services.retention_set(actor=focal_point, place=place, data={"years": 3})
    assert apply_retention.call() == 1


CSV_HEAD = "name,kind,since,country,prefecture,stage,last_contact_on,reference,consent_purpose,consent_given_on," \
           "consent_source\n"


def test_csv_import_writes_every_line(place, focal_point):
    rows = "".join(f"Sample {i},hometown_tax_donor,2019-0{1 + i % 9}-01,JP,0{1 + i % 9},2,2025-01-01,R{i},"
                   f"Newsletter,2019-01-01,web form\n" for i in range(12))
    seen = []
    report = services.people_import(actor=focal_point, place=place, source=(CSV_HEAD + rows).encode(),
                                    progress=lambda items, total, what: (seen.append(what), items)[1])
    assert (report.rows, report.created, report.errors) == (12, 12, [])
    assert ConnectedPerson.objects.filter(place=place).count() == 12 == Consent.objects.count()
    assert seen
    assert_in_step(place)


def test_a_bad_line_writes_nothing_and_is_named(place, focal_point):
    rows = ("Good,volunteer,2019-01-01,JP,13,1,,A1,News,2019-01-01,form\n"
            "Bad,alien,2019-01-01,JP,13,1,,A2,News,2019-01-01,form\n"
            "Worse,volunteer,2019-01-01,XX,,1,,A1,,2019-01-01,form\n")
    report = services.people_import(actor=focal_point, place=place, source=(CSV_HEAD + rows).encode())
    found = {(e.line, e.field) for e in report.errors}
    assert {(3, "kind"), (4, "country"), (4, "consent_purpose")} <= found
    assert not ConnectedPerson.objects.exists() and not Tally.objects.exists()


@pytest.mark.parametrize(("source", "field"), [
    (b"\xff\xfe", "file"), (b"", "file"), (b"name,colour\nx,red\n", "colour"),
    (CSV_HEAD.encode() + b"A\x00,volunteer\n", "line"),
])
def test_unusable_files_are_refused_whole(place, focal_point, source, field):
    report = services.people_import(actor=focal_point, place=place, source=source)
    assert report.fatal and field in {e.field for e in report.errors}
    assert not ConnectedPerson.objects.exists()


def test_a_dry_run_writes_nothing(place, focal_point):
    rows = "Good,volunteer,2019-01-01,JP,13,1,,A1,News,2019-01-01,form\n"
    report = services.people_import(actor=focal_point, place=place, source=(CSV_HEAD + rows).encode(), dry_run=True)
    assert report.rows == 1 and not report.errors and not ConnectedPerson.objects.exists()


def test_a_reference_already_imported_is_refused(place, focal_point):
    rows = "Good,volunteer,2019-01-01,JP,13,1,,A1,News,2019-01-01,form\n"
    services.people_import(actor=focal_point, place=place, source=(CSV_HEAD + rows).encode())
    report = services.people_import(actor=focal_point, place=place, source=(CSV_HEAD + rows).encode())
    assert [(e.line, e.field) for e in report.errors] == [(2, "reference")]


def test_import_needs_the_right(place, officer):
    with pytest.raises(NotAllowed):
        services.people_import(actor=officer, place=place, source=CSV_HEAD.encode())


def test_system_may_do_anything(place, add):
    assert add().pk and services.person_erase(actor=SYSTEM, person=ConnectedPerson.objects.get()) is None


@pytest.fixture
def activity(place, other_place):
    from renkei.activities.models import Activity, Participant

    now = timezone.now()
    activity = Activity.objects.create(slug="tour", kind="study_tour", title={"en": "Tour"},
                                       starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=2))
    for name in ("Ana", "Budi", "Citra"):
        Participant.objects.create(activity=activity, name=name, place=other_place)
    return activity


def test_participants_join_in_one_step_with_consent(place, focal_point, activity, consent):
    ids = list(activity.participants.values_list("pk", flat=True))
    made = services.participants_connect(actor=focal_point, activity=activity, data={
        "place": place.slug, "participants": ids[:2], "kind": "study_tour_alumnus", "consent": consent})
    assert sorted(p.name for p in made) == ["Ana", "Budi"]
    assert all(p.activity == activity and p.consents.count() == 1 and p.stage == 3 for p in made)
    again = services.participants_connect(actor=focal_point, activity=activity, data={
        "place": place.slug, "participants": ids, "kind": "study_tour_alumnus", "consent": consent})
    assert [p.name for p in again] == ["Citra"]  # the others are already connected
    assert_in_step(place)


def test_participants_need_a_consent_and_the_right(place, other_place, focal_point, activity, consent):
    from renkei.accounts.models import Role
    from renkei.accounts.tests.factories import UserFactory

    ids = list(activity.participants.values_list("pk", flat=True))
    with pytest.raises(ApplicationError) as caught:
        services.participants_connect(actor=focal_point, activity=activity,
                                      data={"place": place.slug, "participants": ids})
    assert "consent" in caught.value.errors
    stranger = UserFactory(username="st", roles=[Role.FOCAL_POINT], places=[other_place])
    with pytest.raises(NotAllowed):
        services.participants_connect(actor=stranger, activity=activity, data={
            "place": place.slug, "participants": ids, "consent": consent})
    with pytest.raises(ApplicationError) as caught:
        services.participants_connect(actor=focal_point, activity=activity, data={
            "place": place.slug, "participants": [999999], "consent": consent})
    assert "participants" in caught.value.errors
    assert not ConnectedPerson.objects.exists()
