"""Stage history (each move between engagement stages, with when, from, to and through what), the
``moved`` tallies kept in step with it, the dashboard's moves per year (exact for the place's managers,
protected for everyone else), and the migration step that seeds the history from existing rows."""

import importlib
from datetime import date

import pytest
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType

from renkei.accounts.permissions import SYSTEM
from renkei.accounts.services import api_token_create
from renkei.connections import selectors, services
from renkei.connections.models import ConnectedPerson, StageChange, Tally
from renkei.core.errors import ApplicationError, NotAllowed
from renkei.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def moved(place):
    return {t.key: t.count for t in Tally.objects.filter(place=place, dimension="moved") if t.count}


def assert_in_step(place):
    kept = {(t.dimension, t.key): t.count for t in Tally.objects.filter(place=place) if t.count}
    services.tally_rebuild(place=place)
    assert kept == {(t.dimension, t.key): t.count for t in Tally.objects.filter(place=place) if t.count}


def test_adding_editing_and_a_contact_record_each_stage_change(place, focal_point, add):
    person = add(stage=1, since=date(2019, 4, 1))
    assert [(c.from_stage, c.to_stage, c.source, c.on) for c in person.stage_changes.all()] == [
        (None, 1, "added", date(2019, 4, 1))]
    services.person_update(actor=focal_point, person=person, data={"stage": 2})
    contact = services.interaction_record(actor=focal_point, person=person,
                                          data={"kind": "donation", "on": "2024-06-01", "stage": 4})
    services.interaction_record(actor=focal_point, person=person, data={"kind": "visit", "on": "2024-07-01"})
    services.person_update(actor=focal_point, person=person, data={"notes": "no stage here"})
    changes = list(person.stage_changes.all())  # by date: the edit (today) comes last
    assert [(c.from_stage, c.to_stage, c.source) for c in changes] == [
        (None, 1, "added"), (2, 4, "interaction"), (1, 2, "edit")]
    by_source = {c.source: c for c in changes}
    assert by_source["interaction"].interaction == contact and by_source["interaction"].on == date(2024, 6, 1)
    person.refresh_from_db()
    assert person.stage == 4
    today = date.today().year
    assert moved(place) == {"2019:0:1": 1, f"{today}:1:2": 1, "2024:2:4": 1}
    entries = [e.changes["stage"] for e in AuditEntry.objects.filter(object_id=str(person.pk)).order_by("id")
               if "stage" in e.changes]
    assert entries == [[1, 2], [2, 4]]
    assert_in_step(place)


def test_a_bad_stage_on_a_contact_writes_nothing(place, focal_point, add):
    person = add(stage=1)
    for bad in (0, 6, "x"):
        with pytest.raises(ApplicationError) as caught:
            services.interaction_record(actor=focal_point, person=person,
                                        data={"kind": "visit", "on": "2024-01-01", "stage": bad})
        assert "stage" in caught.value.errors
    assert person.interaction_set.count() == 0 and person.stage_changes.count() == 1


def test_withdrawal_and_erasure_take_the_moves_out_of_the_counts(place, focal_point, add):
    keep, leave, erase = add(stage=1), add(stage=1), add(stage=2)
    for person in (keep, leave, erase):
        services.interaction_record(actor=focal_point, person=person, data={"kind": "visit", "on": "2023-05-01",
                                                                            "stage": 3})
    assert moved(place)["2023:1:3"] == 2 and moved(place)["2023:2:3"] == 1
    services.consent_withdraw(actor=focal_point, person=leave)
    assert moved(place)["2023:1:3"] == 1
    assert_in_step(place)
    services.person_erase(actor=focal_point, person=erase)
    assert "2023:2:3" not in moved(place)
    assert not StageChange.objects.filter(person_id=erase.pk).exists()
    services.person_erase(actor=focal_point, person=leave)  # withdrawn first: nothing counted twice
    assert moved(place) == {"2020:0:1": 1, "2023:1:3": 1}
    assert_in_step(place)


def test_imports_and_activity_participants_join_with_their_stage(place, focal_point, consent):
    csv = ("name,kind,since,country,stage,consent_purpose,consent_given_on,consent_source\n"
           "A,volunteer,2018-02-01,JP,2,keep,2018-02-01,form\nB,volunteer,2021-02-01,ID,5,keep,2021-02-01,form\n")
    assert services.people_import(actor=focal_point, place=place, source=csv.encode()).created == 2
    assert sorted((c.from_stage, c.to_stage, c.source, c.on.year) for c in StageChange.objects.all()) == [
        (None, 2, "import", 2018), (None, 5, "import", 2021)]
    assert moved(place) == {"2018:0:2": 1, "2021:0:5": 1}
    assert_in_step(place)


def test_the_managers_see_every_move_and_the_public_only_protected_moves(place, focal_point, anonymous, add):
    people = add(12, stage=1, since=date(2020, 1, 1))
    for person in people[:7]:
        services.interaction_record(actor=SYSTEM, person=person, data={"kind": "visit", "on": "2022-03-01",
                                                                         "stage": 2})
    for person in people[7:10]:
        services.interaction_record(actor=SYSTEM, person=person, data={"kind": "visit", "on": "2023-03-01",
                                                                         "stage": 2})
    for person in people[:2]:
        services.interaction_record(actor=SYSTEM, person=person, data={"kind": "event", "on": "2023-04-01",
                                                                         "stage": 4})
    exact = selectors.dashboard(viewer=focal_point, place=place)
    assert exact.movement_years == [2020, 2021, 2022, 2023]
    rows = {(m.from_stage, m.to_stage): (m.counts, m.total) for m in exact.movement}
    assert rows == {(0, 1): ([12, 0, 0, 0], 12), (1, 2): ([0, 0, 7, 3], 10), (2, 4): ([0, 0, 0, 2], 2)}
    public = selectors.dashboard(viewer=anonymous, place=place)
    shown = {(m.from_stage, m.to_stage): (m.counts, m.total) for m in public.movement}
    assert (0, 1) not in shown  # the stage people joined at is for the managers only
    assert public.movement_years == [2022, 2023]
    assert shown[(2, 4)] == ([None, None], None)  # 2 in all: withheld with its total
    counts, total = shown[(1, 2)]
    assert total == 10 and 3 not in counts and 7 not in counts  # 3 withheld, and 7 with it (10 − 7 = 3)
    assert all(n is None or n == 0 or n >= 5 for m in public.movement for n in m.counts)


def test_the_dashboard_pages_and_api_show_the_moves(client, place, focal_point, add):
    people = add(6, stage=1, since=date(2020, 1, 1))
    for person in people:
        services.interaction_record(actor=SYSTEM, person=person, data={"kind": "visit", "on": "2021-03-01",
                                                                         "stage": 2})
    page = client.get(f"/places/{place.slug}/connections/")
    assert b"data-movement" in page.content and "Visitor → Repeat visitor".encode() in page.content
    assert b"Joined as" not in page.content
    api = client.get(f"/api/v1/places/{place.slug}/connections").json()
    assert api["movement"] == [{"from_stage": 1, "to_stage": 2, "label": "Visitor → Repeat visitor",
                                "counts": [6], "total": 6}]
    token = api_token_create(user=focal_point, name="t")[1]
    exact = client.get(f"/api/v1/places/{place.slug}/connections", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert {(m["from_stage"], m["to_stage"]) for m in exact["movement"]} == {(0, 1), (1, 2)}
    client.force_login(focal_point)
    person_page = client.get(f"/connections/people/{people[0].pk}/")
    assert b'id="stages"' in person_page.content and b"joined as" in person_page.content
    done = client.post(f"/connections/people/{people[0].pk}/", {"interaction": "1", "kind": "event",
                                                               "on": "2022-01-05", "note": "", "stage": "3"})
    assert done.status_code == 302
    assert people[0].stage_changes.filter(from_stage=2, to_stage=3, source="interaction").exists()
    bad = client.post(f"/connections/people/{people[0].pk}/", {"interaction": "1", "kind": "event",
                                                              "on": "2022-01-05", "stage": "9"})
    assert bad.status_code == 200 and b"stage" in bad.content
    assert ConnectedPerson.objects.get(pk=people[0].pk).stage == 3
    exported = client.get(f"/connections/people/{people[0].pk}/export.json").json()
    assert [(c["from"], c["to"]) for c in exported["stage_history"]] == [(None, 1), (1, 2), (2, 3)]


def test_only_the_managers_record_stage_changes(place, officer, add):
    person = add(stage=1)
    with pytest.raises(NotAllowed):
        services.interaction_record(actor=officer, person=person, data={"kind": "visit", "on": "2024-01-01",
                                                                          "stage": 2})
    assert person.stage_changes.count() == 1


def test_the_migration_seeds_the_history_from_existing_rows(place, other_place, focal_point, add):
    edited, plain, gone = add(stage=1, since=date(2018, 1, 1)), add(stage=3, since=date(2019, 1, 1)), add(stage=2)
    services.person_update(actor=focal_point, person=edited, data={"stage": 4})
    services.consent_withdraw(actor=focal_point, person=gone)
    StageChange.objects.all().delete()
    Tally.objects.filter(dimension="moved").delete()
    seed = importlib.import_module("renkei.connections.migrations.0002_stage_history").seed
    seed(django_apps, None)
    history = {p.pk: [(c.from_stage, c.to_stage, c.source) for c in StageChange.objects.filter(person=p)]
               for p in (edited, plain, gone)}
    assert history[edited.pk] == [(None, 1, "seeded"), (1, 4, "seeded")]
    assert history[plain.pk] == [(None, 3, "seeded")]
    assert history[gone.pk] == [(None, 2, "seeded")]
    year = date.today().year
    assert moved(place) == {"2018:0:1": 1, f"{year}:1:4": 1, "2019:0:3": 1}  # the withdrawn one is not counted
    assert ContentType.objects.get_for_model(ConnectedPerson)
    assert_in_step(place)
