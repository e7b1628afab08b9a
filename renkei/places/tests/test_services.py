import threading
from functools import partial

import pytest
from django.db import connection
from django.utils import translation

from renkei.accounts.permissions import SYSTEM
from renkei.core.errors import ApplicationError, Conflict, NotAllowed
from renkei.core.models import AuditEntry
from renkei.core.tests.threads import run_together
from renkei.places import services
from renkei.places.models import Need, Organisation, Place, Theme
from renkei.places.taxonomy import load_taxonomy
from renkei.places.tests.factories import PlaceFactory, theme

pytestmark = pytest.mark.django_db

GOOD = {"name": "Kamaishi", "name_ja": "釜石市", "country": "JP", "level": "city", "lat": 39.27, "lon": 141.88,
        "population": 31000, "hazards": ["earthquake", "tsunami"], "coastal": True}


def test_officer_creates_place_with_audit_entry(officer):
    place = services.place_create(actor=officer, data=GOOD)
    assert place.slug == "kamaishi"
    assert place.hazards == ["earthquake", "tsunami"]
    entry = AuditEntry.objects.get(object_id=str(place.pk))
    assert entry.actor == officer
    assert entry.action == "create"
    assert entry.changes["name_en"] == [None, "Kamaishi"]


def test_slug_of_a_japanese_only_name_falls_back_and_stays_unique(officer):
    first = services.place_create(actor=officer, data={"name": "釜石", "country": "JP"})
    second = services.place_create(actor=officer, data={"name": "釜石", "country": "JP", "level": "region"})
    assert first.slug == "place-jp"
    assert second.slug == "place-jp-2"


@pytest.mark.parametrize("role_fixture", ["focal_point", "reviewer", "secretariat", "knowledge_manager",
                                          "no_role_user", "anonymous"])
def test_only_officers_and_admins_create_places(request, role_fixture):
    actor = request.getfixturevalue(role_fixture)
    with pytest.raises(NotAllowed):
        services.place_create(actor=actor, data=GOOD)
    assert not Place.objects.filter(name_en="Kamaishi").exists()


def test_admin_creates_places(admin_user):
    assert services.place_create(actor=admin_user, data=GOOD).pk


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "country": "JP"}, "name"),
        ({"name": "X", "country": "Atlantis"}, "country"),
        ({"name": "X", "country": "JP", "lat": 95, "lon": 10}, "lat"),
        ({"name": "X", "country": "JP", "lat": 10}, "lon"),
        ({"name": "X", "country": "JP", "hazards": ["meteor"]}, "hazards"),
        ({"name": "X", "country": "JP", "income_group": "RICH"}, "income_group"),
        ({"name": "X", "country": "JP", "timezone": "Mars/Olympus"}, "timezone"),
        ({"name": "X", "country": "JP", "website": "ftp://x"}, "website"),
        ({"name": "X", "country": "JP", "population": -5}, "population"),
        ({"name": "X", "country": "JP", "share_65_plus": 120}, "share_65_plus"),
        ({"name": "X", "country": "JP", "level": "galaxy"}, "level"),
        ({"name": "X", "country": "JP", "parent": "nowhere"}, "parent"),
        ({"name": "X", "country": "JP", "colour": "red"}, "colour"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(officer, data, field):
    with pytest.raises(ApplicationError) as caught:
        services.place_create(actor=officer, data=data)
    assert field in caught.value.errors
    assert Place.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_duplicate_name_in_same_country_is_refused(officer):
    services.place_create(actor=officer, data=GOOD)
    with pytest.raises(ApplicationError) as caught:
        services.place_create(actor=officer, data={**GOOD, "slug": "kamaishi-2"})
    assert "name" in caught.value.errors


def test_focal_point_edits_own_place_only(focal_point, place, other_place):
    updated = services.place_update(actor=focal_point, place=place, data={"population": 31500})
    assert updated.population == 31500
    assert updated.version == 2
    with pytest.raises(NotAllowed):
        services.place_update(actor=focal_point, place=other_place, data={"population": 1})
    other_place.refresh_from_db()
    assert other_place.population != 1


def test_focal_point_cannot_unpublish(focal_point, place):
    services.place_update(actor=focal_point, place=place, data={"published": False, "population": 5})
    place.refresh_from_db()
    assert place.is_published is True
    assert place.population == 5


def test_update_records_only_real_changes(officer, place):
    services.place_update(actor=officer, place=place, data={"population": place.population})
    assert AuditEntry.objects.count() == 0
    services.place_update(actor=officer, place=place, data={"name_ja": "新しい名前"})
    entry = AuditEntry.objects.get()  # the reading follows the new name
    assert entry.changes == {"name_ja": ["テスト市", "新しい名前"], "name_ja_reading": ["てすとし", "あたらしいなまえ"]}


def test_place_cannot_be_its_own_ancestor(officer):
    country = PlaceFactory(slug="japan", name_en="Japan", level="country")
    region = PlaceFactory(slug="iwate", name_en="Iwate", level="region", parent=country)
    with pytest.raises(ApplicationError) as caught:
        services.place_update(actor=officer, place=country, data={"parent": "iwate"})
    assert "parent" in caught.value.errors
    region.refresh_from_db()
    assert region.parent == country


def test_only_admin_deletes(officer, admin_user, place):
    with pytest.raises(NotAllowed):
        services.place_delete(actor=officer, place=place)
    services.place_delete(actor=admin_user, place=place)
    assert not Place.objects.filter(pk=place.pk).exists()
    assert AuditEntry.objects.filter(action="delete").count() == 1


def test_needs_and_expertise_validate_scale_theme_and_description(focal_point, place):
    code = theme().code
    need = services.need_create(actor=focal_point, place=place,
                                data={"theme": code, "priority": 5, "description": {"ja": "支援が必要です"}})
    assert need.priority == 5 and need.description == {"ja": "支援が必要です"}
    for data, field in [
        ({"theme": code, "priority": 6, "description": "x"}, "priority"),
        ({"theme": code, "priority": "high", "description": "x"}, "priority"),
        ({"theme": "no-such-theme", "priority": 3, "description": "x"}, "theme"),
        ({"theme": code, "priority": 3, "description": {"en": "  "}}, "description"),
        ({"theme": code, "priority": 3, "description": "x", "evidence": ["not a url"]}, "evidence"),
    ]:
        with pytest.raises(ApplicationError) as caught:
            services.need_create(actor=focal_point, place=place, data=data)
        assert field in caught.value.errors
    assert Need.objects.count() == 1


def test_focal_point_cannot_add_needs_elsewhere(focal_point, other_place):
    with pytest.raises(NotAllowed):
        services.need_create(actor=focal_point, place=other_place, data={"theme": theme().code, "description": "x"})


def test_statement_update_and_delete(focal_point, place):
    exp = services.expertise_create(actor=focal_point, place=place,
                                    data={"theme": theme().code, "maturity": 2, "description": "We know"})
    services.statement_update(actor=focal_point, obj=exp, data={"maturity": 4})
    exp.refresh_from_db()
    assert exp.maturity == 4 and exp.version == 2
    services.statement_delete(actor=focal_point, obj=exp)
    assert not place.expertise.exists()


def test_organisation_rules(secretariat, focal_point, officer):
    org = services.organisation_create(actor=secretariat, data={"name_en": "Cities Network", "org_type": "21"})
    assert org.slug == "cities-network"
    with pytest.raises(NotAllowed):
        services.organisation_create(actor=focal_point, data={"name_en": "X", "org_type": "21"})
    with pytest.raises(ApplicationError) as caught:
        services.organisation_create(actor=officer, data={"name_en": "X", "org_type": "99"})
    assert "org_type" in caught.value.errors
    with pytest.raises(NotAllowed):
        services.organisation_delete(actor=officer, organisation=org)


def test_system_actor_is_not_recorded_as_a_user(db):
    place = services.place_create(actor=SYSTEM, data={"name": "Obuse", "country": "JP"})
    assert AuditEntry.objects.get(object_id=str(place.pk)).actor is None


def test_service_errors_are_in_the_readers_language(officer, focal_point, other_place):
    with translation.override("ja"):
        with pytest.raises(ApplicationError) as caught:
            services.place_create(actor=officer, data={"name": "X", "country": "Atlantis", "lat": 10, "lon": 10})
        with pytest.raises(NotAllowed) as refused:
            services.need_create(actor=focal_point, place=other_place, data={"theme": theme().code, "description": "x"})
    assert caught.value.errors["country"] == ["'Atlantis' は ISO 3166-1 の国ではありません"]
    assert refused.value.message == "この地域を編集する権限がありません。"
    with pytest.raises(ApplicationError) as english:
        services.place_create(actor=officer, data={"name": "X", "country": "Atlantis"})
    assert english.value.errors["country"] == ["'Atlantis' is not an ISO 3166-1 country"]


def test_typed_input_and_a_dict_are_the_same_to_the_service(officer):
    from renkei.places.inputs import PlaceIn

    typed = services.place_create(actor=officer, data=PlaceIn(name="Obuse", country="jpn", population="11,000"))
    assert (typed.country, typed.population, typed.slug) == ("JP", 11000, "obuse")
    with pytest.raises(ApplicationError) as caught:
        services.place_create(actor=officer, data={"name": "Obuse", "country": "JP", "population": "many"})
    assert caught.value.errors == {"population": ["must be a number"]}


# --- concurrent writers -----------------------------------------------------------------------

def test_two_writers_of_one_need_keep_both_changes(focal_point, officer, place):
    """Each writer changes only the field it gave, on the row as stored: neither undoes the other."""
    need = services.need_create(actor=focal_point, place=place,
                                data={"theme": theme().code, "priority": 2, "description": {"en": "Old"}})
    first, second = Need.objects.get(pk=need.pk), Need.objects.get(pk=need.pk)  # both read version 1
    services.statement_update(actor=focal_point, obj=first, data={"priority": 5})
    services.statement_update(actor=officer, obj=second, data={"description": {"en": "New", "ja": "新しい"}})
    need.refresh_from_db()
    assert (need.priority, need.description, need.version) == (5, {"en": "New", "ja": "新しい"}, 3)


@pytest.mark.parametrize("kind", ["place", "need"])
def test_a_stale_expected_version_is_a_conflict(focal_point, place, kind):
    """A write expecting version 1 saves (the row is now at 2); another still expecting 1 is refused and
    changes nothing."""
    if kind == "place":
        obj, field, update = place, "population", partial(services.place_update, place=place)
    else:
        obj = services.need_create(actor=focal_point, place=place, data={"theme": theme().code, "description": "x"})
        field, update = "priority", partial(services.statement_update, obj=obj)
    update(actor=focal_point, data={field: 4}, expected_version=1)
    with pytest.raises(Conflict):
        update(actor=focal_point, data={field: 1}, expected_version=1)
    obj.refresh_from_db()
    assert getattr(obj, field) == 4


def test_two_writers_of_one_organisation_keep_both_changes(officer, secretariat):
    org = services.organisation_create(actor=officer, data={"name_en": "Cities Network", "org_type": "21"})
    stale = Organisation.objects.get(pk=org.pk)
    services.organisation_update(actor=officer, organisation=org, data={"acronym": "CN"})
    services.organisation_update(actor=secretariat, organisation=stale, data={"website": "https://cn.example.org"})
    org.refresh_from_db()
    assert (org.acronym, org.website, org.version) == ("CN", "https://cn.example.org", 3)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_in_separate_transactions_keep_both_changes():
    """Two threads, each with its own connection, edit the same need at the same time (PostgreSQL:
    the second waits for the first's row lock, then applies its field to the row as committed)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the interleaved test above covers it")
    load_taxonomy(Theme)  # transactional tests flush the tables, data migrations included
    place = PlaceFactory(slug="concurrent")
    need = services.need_create(actor=SYSTEM, place=place,
                                data={"theme": theme().code, "priority": 2, "description": {"en": "Old"}})
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def write(data):
        try:
            stale = Need.objects.get(pk=need.pk)
            start.wait()
            services.statement_update(actor=SYSTEM, obj=stale, data=data)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            failures.append(exc)
        finally:
            connection.close()

    run_together(write, [({"priority": 5},), ({"description": {"en": "New"}},)], timeout=30)
    assert failures == []
    need.refresh_from_db()
    assert (need.priority, need.description, need.version) == (5, {"en": "New"}, 3)
