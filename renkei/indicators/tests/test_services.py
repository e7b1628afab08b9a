"""Writes of the catalogue, of values with their revisions, and of peer groups, per role."""

import pytest

from renkei.accounts.models import Role
from renkei.accounts.tests.factories import UserFactory
from renkei.core.errors import ApplicationError, Conflict, NotAllowed
from renkei.core.models import AuditEntry
from renkei.indicators import services
from renkei.indicators.models import Indicator, PeerGroup, Revision, Value
from renkei.indicators.tests.conftest import record

pytestmark = pytest.mark.django_db


def test_the_shipped_catalogue_is_loaded(pm25):
    assert Indicator.objects.filter(frameworks__code="sdg11").count() == 15
    assert Indicator.objects.filter(frameworks__code="sendai").count() == 38
    sendai = Indicator.objects.get(code="A-2")
    assert sendai.name["ja"] and sendai.unit == "per_100000" and sendai.direction == "lower"
    assert set(sendai.disaggregations) == {"sex", "age", "disability"}
    assert pm25.direction == "lower" and pm25.name["ja"].startswith("都市部")
    assert {t.code for t in pm25.themes.all()} == {"air-quality"}
    assert {(c.framework.code, c.code) for c in pm25.classes.all()} == {("sdg11", "11.6"), ("iso37120", "environment")}
    assert not Indicator.objects.filter(custom=True).exists()


def test_loading_the_catalogue_again_changes_nothing(pm25):
    from renkei.indicators.catalogue import load_catalogue
    from renkei.indicators.models import Classification, Framework
    from renkei.places.models import Theme

    before = Indicator.objects.count()
    assert load_catalogue(Framework, Classification, Indicator, Theme) == 0
    assert Indicator.objects.count() == before


def custom(**extra):
    return {"code": "waste-per-person", "name": {"en": "Household waste per person", "ja": "一人当たりの家庭ごみ"},
            "unit": "tonnes_per_capita", "direction": "lower", "themes": ["solid-waste"],
            "frameworks": ["iso37120"], "classes": ["iso37120:solid-waste"], **extra}


def test_an_officer_adds_a_custom_indicator(officer):
    indicator = services.indicator_create(actor=officer, data=custom())
    assert indicator.custom and indicator.created_by == officer
    assert [t.code for t in indicator.themes.all()] == ["solid-waste"]
    assert AuditEntry.objects.filter(object_id=str(indicator.pk), action="create").exists()


@pytest.mark.parametrize("who", ["focal_point", "reviewer", "anonymous", "no_role_user"])
def test_others_may_not_add_indicators(request, who):
    with pytest.raises(NotAllowed):
        services.indicator_create(actor=request.getfixturevalue(who), data=custom())


@pytest.mark.parametrize(("change", "field"), [
    ({"code": "11.6.2"}, "code"), ({"code": "bad code!"}, "code"), ({"unit": "furlongs"}, "unit"),
    ({"themes": ["no-such-theme"]}, "themes"), ({"classes": ["iso37120:nothing"]}, "classes"),
    ({"name": {"en": "x\x00y"}}, "name.en"), ({"name": {"en": ""}}, "name.en"), ({"code": "x" * 41}, "code"),
    ({"disaggregations": ["income"]}, "disaggregations.0"),
])
def test_a_bad_indicator_is_refused_by_field(admin_user, change, field):
    with pytest.raises(ApplicationError) as caught:
        services.indicator_create(actor=admin_user, data=custom(**change))
    assert field in caught.value.errors
    assert not Indicator.objects.filter(custom=True).exists()


def test_an_update_writes_only_the_fields_given(officer, place):
    indicator = services.indicator_create(actor=officer, data=custom())
    services.indicator_update(actor=officer, indicator=indicator, data={"direction": "higher"})
    indicator.refresh_from_db()
    assert indicator.direction == "higher" and indicator.unit == "tonnes_per_capita" and indicator.version == 2
    assert indicator.name["ja"] == "一人当たりの家庭ごみ"


def test_a_unit_whose_range_excludes_stored_values_is_refused(officer, place):
    indicator = services.indicator_create(actor=officer, data=custom(unit="index"))
    record(place, indicator, 2020, -3)
    with pytest.raises(ApplicationError) as caught:
        services.indicator_update(actor=officer, indicator=indicator, data={"unit": "percent"})
    assert "unit" in caught.value.errors
    indicator.refresh_from_db()
    assert indicator.unit == "index"


def test_only_custom_indicators_without_values_are_deleted(officer, pm25, place):
    with pytest.raises(Conflict):
        services.indicator_delete(actor=officer, indicator=pm25)
    indicator = services.indicator_create(actor=officer, data=custom())
    record(place, indicator, 2020, 1)
    with pytest.raises(Conflict):
        services.indicator_delete(actor=officer, indicator=indicator)
    Value.objects.all().delete()
    services.indicator_delete(actor=officer, indicator=indicator)
    assert not Indicator.objects.filter(code="waste-per-person").exists()


# --- values --------------------------------------------------------------------------------------------

def test_a_new_value_for_the_same_key_keeps_the_old_one_as_a_revision(officer, place, pm25):
    first = services.value_record(actor=officer, data={"place": "testville", "indicator": "11.6.2", "year": 2022,
                                                       "value": 14.5, "source": "Air monitoring 2022"})
    assert first.entered_by == officer and first.entered_at
    second = services.value_record(actor=officer, data={"place": "testville", "indicator": "11.6.2", "year": 2022,
                                                        "value": 13.9, "source": "Air monitoring 2022 (revised)",
                                                        "note": "one station corrected"})
    assert second.pk == first.pk and Value.objects.count() == 1
    second.refresh_from_db()
    assert second.value == 13.9 and second.note == "one station corrected"
    [old] = Revision.objects.filter(current=second)
    assert old.value == 14.5 and old.source == "Air monitoring 2022" and old.entered_by == officer
    same = services.value_record(actor=officer, data={"place": "testville", "indicator": "11.6.2", "year": 2022,
                                                      "value": 13.9, "source": "Air monitoring 2022 (revised)",
                                                      "note": "one station corrected"})
    assert same.pk == first.pk and Revision.objects.count() == 1


def test_periods_and_disaggregations_are_separate_keys(officer, place, transport):
    base = {"place": "testville", "indicator": "11.2.1", "year": 2023, "value": 60, "source": "Survey"}
    services.value_record(actor=officer, data=base)
    q2 = services.value_record(actor=officer, data={**base, "period": "q2"})
    span = services.value_record(actor=officer, data={**base, "period": "2023-04-01/2023-09-30"})
    women = services.value_record(actor=officer, data={**base, "disaggregation": "Sex:Female"})
    old = services.value_record(actor=officer, data={**base, "disaggregation": "age:65+"})
    assert (q2.period, span.period, women.disaggregation, old.disaggregation) == (
        "Q2", "04-01/09-30", "sex:female", "age:65+")
    assert Value.objects.count() == 5


@pytest.mark.parametrize(("change", "field"), [
    ({"indicator": "11.2.1", "value": 100.5}, "value"),  # a share above 100 %
    ({"indicator": "11.6.2", "value": -1}, "value"),
    ({"value": "nan"}, "value"), ({"value": "inf"}, "value"), ({"value": "many"}, "value"),
    ({"year": 1800}, "year"), ({"year": 10**12}, "year"),
    ({"source": ""}, "source"), ({"source": "x" * 501}, "source"), ({"source": "a\x00b"}, "source"),
    ({"note": "n\x00"}, "note"), ({"place": "nowhere"}, "place"), ({"indicator": "99.9.9"}, "indicator"),
    ({"period": "Q5"}, "period"), ({"period": "2021-01-01/2021-03-31"}, "period"),
    ({"period": "06-30/06-01"}, "period"), ({"period": "02-30/03-01"}, "period"),
    ({"indicator": "11.6.2", "disaggregation": "sex:female"}, "disaggregation"),
    ({"indicator": "11.2.1", "disaggregation": "sex:unknown"}, "disaggregation"),
    ({"indicator": "11.2.1", "disaggregation": "income:low"}, "disaggregation"),
    ({"extra": 1}, "extra"),
])
def test_bad_values_are_refused_by_field(officer, place, change, field):
    data = {"place": "testville", "indicator": "11.6.2", "year": 2022, "value": 10, "source": "x", **change}
    with pytest.raises(ApplicationError) as caught:
        services.value_record(actor=officer, data=data)
    assert field in caught.value.errors
    assert not Value.objects.exists()


def test_who_may_enter_values(place, other_place, focal_point, officer, admin_user, reviewer, anonymous,
                              no_role_user, pm25):
    data = {"indicator": "11.6.2", "year": 2022, "value": 10, "source": "x"}
    services.value_record(actor=focal_point, data={**data, "place": place.slug})
    services.value_record(actor=officer, data={**data, "place": other_place.slug})
    services.value_record(actor=admin_user, data={**data, "place": other_place.slug, "year": 2021})
    for actor in (focal_point,):  # a focal point, for a place they do not represent
        with pytest.raises(NotAllowed):
            services.value_record(actor=actor, data={**data, "place": other_place.slug})
    for actor in (reviewer, anonymous, no_role_user):
        with pytest.raises(NotAllowed):
            services.value_record(actor=actor, data={**data, "place": place.slug})
    assert Value.objects.count() == 3


def test_a_value_is_deleted_by_those_who_may_enter_it(place, other_place, focal_point, pm25):
    mine, theirs = record(place, pm25, 2022, 10), record(other_place, pm25, 2022, 10)
    with pytest.raises(NotAllowed):
        services.value_delete(actor=focal_point, value=theirs)
    services.value_delete(actor=focal_point, value=mine)
    assert list(Value.objects.all()) == [theirs]


# --- peer groups -----------------------------------------------------------------------------------------

def test_peer_groups_of_every_kind(officer, place, other_place):
    by_filter = services.peer_group_create(actor=officer, data={
        "name": {"en": "Japanese towns"}, "kind": "filter",
        "criteria": {"countries": ["jp"], "min_population": 1000, "levels": ["city"]}})
    assert by_filter.slug == "japanese-towns" and by_filter.owner == officer
    assert by_filter.criteria == {"countries": ["jp"], "min_population": 1000, "levels": ["city"]}
    by_hand = services.peer_group_create(actor=officer, data={
        "name": {"en": "Two"}, "kind": "list", "places": ["testville", "otherton"], "shared": True})
    assert {p.slug for p in by_hand.places.all()} == {"testville", "otherton"}
    services.peer_group_update(actor=officer, group=by_hand, data={"places": ["otherton"]})
    assert [p.slug for p in by_hand.places.all()] == ["otherton"]
    similar = services.peer_group_create(actor=officer, data={
        "name": {"en": "Like Testville"}, "kind": "similar", "criteria": {"place": "testville", "top": 10}})
    assert similar.criteria == {"place": "testville", "top": 10}


@pytest.mark.parametrize(("data", "field"), [
    ({"kind": "list", "places": []}, "places"), ({"kind": "list", "places": ["nowhere"]}, "places"),
    ({"kind": "cohort"}, "criteria.programme"), ({"kind": "cohort", "criteria": {"programme": "x"}},
                                                 "criteria.programme"),
    ({"kind": "similar"}, "criteria.place"), ({"kind": "filter", "criteria": {"countries": ["XX"]}},
                                              "criteria.countries.0"),
    ({"kind": "filter", "criteria": {"min_population": 10, "max_population": 5}}, "criteria.max_population"),
    ({"kind": "filter", "criteria": {"top": 0}}, "criteria.top"), ({"kind": "other"}, "kind"),
])
def test_bad_peer_groups_are_refused(officer, place, data, field):
    with pytest.raises(ApplicationError) as caught:
        services.peer_group_create(actor=officer, data={"name": {"en": "G"}, **data})
    assert field in caught.value.errors
    assert not PeerGroup.objects.exists()


def test_only_the_owner_or_an_administrator_changes_a_peer_group(officer, admin_user, focal_point, anonymous):
    group = services.peer_group_create(actor=officer, data={"name": {"en": "Mine"}, "kind": "filter"})
    other = UserFactory(username="other-officer", roles=[Role.PROGRAMME_OFFICER])
    for actor in (other, focal_point):
        with pytest.raises(NotAllowed):
            services.peer_group_update(actor=actor, group=group, data={"shared": True})
    with pytest.raises(NotAllowed):
        services.peer_group_create(actor=anonymous, data={"name": {"en": "X"}, "kind": "filter"})
    services.peer_group_update(actor=admin_user, group=group, data={"shared": True})
    group.refresh_from_db()
    assert group.shared and group.version == 2
    services.peer_group_delete(actor=officer, group=group)
    assert not PeerGroup.objects.exists()
