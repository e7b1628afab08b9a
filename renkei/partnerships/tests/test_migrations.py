"""Migration 0005 moves the titles into one text per language and back, keeping every title."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("partnerships", "0004_move_activities")
AFTER = ("partnerships", "0005_partnership_title_json")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_titles_move_into_json_and_back():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        apps = _migrate([BEFORE])
        Partnership = apps.get_model("partnerships", "Partnership")
        Partnership.objects.create(slug="both", title_en="Kamakura — Umeå", title_ja="鎌倉市 — ウメオ市")
        Partnership.objects.create(slug="english", title_en="  Koriyama — Essen ", title_ja="")

        apps = _migrate([AFTER])
        Partnership = apps.get_model("partnerships", "Partnership")
        titles = dict(Partnership.objects.values_list("slug", "title"))
        assert titles == {"both": {"en": "Kamakura — Umeå", "ja": "鎌倉市 — ウメオ市"},
                          "english": {"en": "Koriyama — Essen"}}
        assert [p.slug for p in Partnership.objects.order_by("title__en")] == ["both", "english"]
        Partnership.objects.create(slug="japanese", title={"ja": "釜石市"})

        apps = _migrate([BEFORE])
        Partnership = apps.get_model("partnerships", "Partnership")
        rows = {p.slug: (p.title_en, p.title_ja) for p in Partnership.objects.all()}
        assert rows == {"both": ("Kamakura — Umeå", "鎌倉市 — ウメオ市"), "english": ("Koriyama — Essen", ""),
                        "japanese": ("釜石市", "釜石市")}
    finally:
        _migrate(leaves)
