"""Moving the learning activities into their own app touches no data: a database built before the
move keeps its activities, sessions, speakers, participants, the library's links to them and the
audit log's entries about them; titles become per language; and the way back restores the columns."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("activities", None)]  # unapplies what depends on it: knowledge.0007, partnerships.0004


def _migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    executor = MigrationExecutor(connection)  # the state of what is applied now
    return executor.loader.project_state(list(executor.loader.applied_migrations), at_end=True).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_activities_survive_the_move_both_ways():
    old = _migrate(BEFORE)
    try:
        assert old.get_model("partnerships", "Activity")._meta.db_table == "partnerships_activity"
        ContentType = old.get_model("contenttypes", "ContentType")
        place = old.get_model("places", "Place").objects.create(slug="kobe", name_en="Kobe", country="JP")
        contact = old.get_model("places", "Contact").objects.create(name="Masashi Mori", place_id=place.pk)
        activity = old.get_model("partnerships", "Activity").objects.create(
            slug="tour", kind="study_tour", title_en="Study tour", title_ja="視察",
            starts_at=datetime(2026, 5, 1, 0, tzinfo=UTC), ends_at=datetime(2026, 5, 2, 0, tzinfo=UTC))
        session = old.get_model("partnerships", "Session").objects.create(
            activity_id=activity.pk, title_en="Light rail", starts_at=activity.starts_at, ends_at=activity.ends_at)
        old.get_model("partnerships", "Speaker").objects.create(activity_id=activity.pk, session_id=session.pk,
                                                                contact_id=contact.pk, role="moderator")
        old.get_model("partnerships", "Participant").objects.create(activity_id=activity.pk, name="Officer A",
                                                                    before_score=2, after_score=4)
        old.get_model("knowledge", "Product").objects.create(slug="note", kind="knowledge_note",
                                                             title={"en": "Note"}, activity_id=activity.pk)
        kind, _ = ContentType.objects.get_or_create(app_label="partnerships", model="activity")
        old.get_model("core", "AuditEntry").objects.create(action="create", content_type_id=kind.pk,
                                                           object_id=str(activity.pk), object_repr="Study tour")

        new = _migrate(_latest())
        from renkei.activities.models import Activity, Participant, Session, Speaker
        from renkei.core.audit import audit_history

        moved = Activity.objects.get(slug="tour")
        assert moved.pk == activity.pk and moved.title == {"en": "Study tour", "ja": "視察"}
        assert Session.objects.get(activity=moved).title == {"en": "Light rail"}
        assert Speaker.objects.get(activity=moved).contact.name == "Masashi Mori"
        assert Participant.objects.get(activity=moved).after_score == 4
        assert new.get_model("knowledge", "Product").objects.get(slug="note").activity_id == moved.pk
        entry = audit_history(moved).get()
        assert entry.content_type.app_label == "activities" and entry.content_type.get_object_for_this_type(
            pk=moved.pk) == moved
        assert not new.get_model("contenttypes", "ContentType").objects.filter(
            app_label="partnerships", model__in=["activity", "session", "speaker", "participant"]).exists()

        back = _migrate(BEFORE)
        again = back.get_model("partnerships", "Activity").objects.get(slug="tour")
        assert (again.title_en, again.title_ja) == ("Study tour", "視察")
        assert back.get_model("partnerships", "Session").objects.get(activity_id=again.pk).title_en == "Light rail"
        entry = back.get_model("core", "AuditEntry").objects.get(object_id=str(again.pk))
        assert back.get_model("contenttypes", "ContentType").objects.get(
            pk=entry.content_type_id).app_label == "partnerships"
    finally:
        _migrate(_latest())
