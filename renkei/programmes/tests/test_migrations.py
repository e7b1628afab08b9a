"""Migration 0002 moves the ``_en``/``_ja`` column pairs into one JSON text per language, and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("programmes", "0001_initial")]
AFTER = [("programmes", "0002_texts_per_language")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_texts_move_into_json_and_back():
    from django.utils import timezone

    old = migrate(BEFORE)
    try:
        Programme = old.get_model("programmes", "Programme")
        Call = old.get_model("programmes", "Call")
        programme = Programme.objects.create(slug="cpp", title_en="City Partnership Program",
                                             title_ja="シティ・パートナーシップ・プログラム")
        Programme.objects.create(slug="plain", title_en="English only")
        call = Call.objects.create(programme=programme, slug="c", title_en="Call", title_ja="募集",
                                   opens_at=timezone.now(), closes_at=timezone.now())
        old.get_model("programmes", "Question").objects.create(call=call, text_en="Why?", text_ja="なぜ？")
        old.get_model("programmes", "Criterion").objects.create(call=call, name_en="Fit", weight=2)

        new = migrate(AFTER)
        Programme = new.get_model("programmes", "Programme")
        assert Programme.objects.get(slug="cpp").title == {"en": "City Partnership Program",
                                                           "ja": "シティ・パートナーシップ・プログラム"}
        assert Programme.objects.get(slug="plain").title == {"en": "English only"}
        assert new.get_model("programmes", "Call").objects.get().title == {"en": "Call", "ja": "募集"}
        assert new.get_model("programmes", "Question").objects.get().text == {"en": "Why?", "ja": "なぜ？"}
        assert new.get_model("programmes", "Criterion").objects.get().name == {"en": "Fit"}

        old = migrate(BEFORE)
        programme = old.get_model("programmes", "Programme").objects.get(slug="cpp")
        assert (programme.title_en, programme.title_ja) == ("City Partnership Program",
                                                            "シティ・パートナーシップ・プログラム")
        question = old.get_model("programmes", "Question").objects.get()
        assert (question.text_en, question.text_ja) == ("Why?", "なぜ？")
        criterion = old.get_model("programmes", "Criterion").objects.get()
        assert (criterion.name_en, criterion.name_ja) == ("Fit", "")
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
