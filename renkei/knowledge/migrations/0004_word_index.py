"""SQLite: a second FTS5 table over the same documents, tokenised into words (unicode61), for
queries in Latin script.

The trigram table of migration 0002 finds any substring, which Japanese needs, but a Latin word
made of common trigrams ("residents", "city") makes it walk long position lists, and its bm25
counts every such trigram phrase over the whole table first: at 100,000 products a common English
word took 30–60 ms before any ranking. A word index answers the same query from one short list
per word (and word prefixes). Kept in step by triggers like the trigram table; filled from the
existing documents here ('rebuild'). PostgreSQL's tsvector is already made of words: nothing to do.

As for 0002: a later migration that makes Django rebuild knowledge_searchdocument on SQLite drops
these triggers too, and must create them again.
"""

from django.db import migrations

WORD_COLUMNS = ["title", "summary", "body", "files"]
_COLUMNS = ", ".join(WORD_COLUMNS)


def _values(prefix: str) -> str:
    return ", ".join(f"{prefix}.{c}" for c in WORD_COLUMNS)


SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE knowledge_words USING fts5({_COLUMNS}, content='knowledge_searchdocument', "
    "content_rowid='product_id', tokenize='unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER knowledge_words_ai AFTER INSERT ON knowledge_searchdocument BEGIN
        INSERT INTO knowledge_words(rowid, {_COLUMNS}) VALUES (new.product_id, {_values("new")});
    END""",
    f"""CREATE TRIGGER knowledge_words_ad AFTER DELETE ON knowledge_searchdocument BEGIN
        INSERT INTO knowledge_words(knowledge_words, rowid, {_COLUMNS})
        VALUES ('delete', old.product_id, {_values("old")});
    END""",
    f"""CREATE TRIGGER knowledge_words_au AFTER UPDATE ON knowledge_searchdocument BEGIN
        INSERT INTO knowledge_words(knowledge_words, rowid, {_COLUMNS})
        VALUES ('delete', old.product_id, {_values("old")});
        INSERT INTO knowledge_words(rowid, {_COLUMNS}) VALUES (new.product_id, {_values("new")});
    END""",
    "INSERT INTO knowledge_words(knowledge_words) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS knowledge_words_au",
    "DROP TRIGGER IF EXISTS knowledge_words_ad",
    "DROP TRIGGER IF EXISTS knowledge_words_ai",
    "DROP TABLE IF EXISTS knowledge_words",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_search_change_check")]

    operations = [migrations.RunPython(_run(SQLITE_FORWARD), _run(SQLITE_BACKWARD))]
