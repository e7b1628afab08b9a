"""Every write that changes what matching reads emits PROFILE_CHANGED with the place, once it commits."""

import pytest
from django.test import TestCase

from renkei.accounts.permissions import SYSTEM
from renkei.core import hooks
from renkei.core.errors import ApplicationError
from renkei.places import services
from renkei.places.events import PROFILE_CHANGED
from renkei.places.profiles import profiles_import
from renkei.places.tests.factories import NeedFactory, OrganisationFactory, theme

pytestmark = pytest.mark.django_db


def changed(events) -> list[int]:
    return [payload["place_id"] for event, payload in events if event == PROFILE_CHANGED]


def test_place_writes_emit_the_profile_change(officer, admin_user):
    with hooks.recorded() as events:
        place = services.place_create(actor=officer, data={"name": "Obuse", "country": "JP"})
        place_id = place.pk
        services.place_update(actor=officer, place=place, data={"population": 11000})
        services.place_update(actor=officer, place=place, data={"population": 11000})  # no change, no event
        services.place_delete(actor=admin_user, place=place)
    assert changed(events) == [place_id] * 3


def test_statement_writes_emit_the_profile_change(focal_point, place):
    with hooks.recorded() as events:
        need = services.need_create(actor=focal_point, place=place, data={"theme": theme().code, "description": "x"})
        services.statement_update(actor=focal_point, obj=need, data={"priority": 5})
        services.statement_delete(actor=focal_point, obj=need)
        expertise = services.expertise_create(actor=focal_point, place=place,
                                              data={"theme": theme().code, "description": "y"})
    assert changed(events) == [place.pk] * 4 and expertise.place == place


def test_a_refused_write_emits_nothing(focal_point, place):
    with hooks.recorded() as events, pytest.raises(ApplicationError):
        services.need_create(actor=focal_point, place=place, data={"theme": theme().code, "priority": 9})
    assert events == []


def test_organisation_writes_are_not_profile_changes(officer):
    with hooks.recorded() as events:
        services.organisation_update(actor=officer, organisation=OrganisationFactory(), data={"acronym": "X"})
    assert events == []


def test_a_profile_import_emits_for_its_place():
    line = '{"id": "ext-1", "name": "Kamaishi", "country": "JP", "needs": ["ごみの分別を進めたい"]}\n'
    with hooks.recorded() as events:
        report = profiles_import(source=line.encode(), actor=SYSTEM, semantic=False)
    assert report.ok
    assert set(changed(events)) == {services.resolve_place_ref("ext-1").pk}


def test_handlers_run_after_commit_only(focal_point, place):
    seen = []

    def handler(place_id: int) -> None:
        seen.append(place_id)

    hooks.register(PROFILE_CHANGED, handler)
    try:
        need = NeedFactory(place=place, theme=theme())
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.statement_update(actor=focal_point, obj=need, data={"priority": 1})
            assert seen == []  # not before the commit
        assert seen == [place.pk]
    finally:
        hooks._handlers[PROFILE_CHANGED].remove(handler)
