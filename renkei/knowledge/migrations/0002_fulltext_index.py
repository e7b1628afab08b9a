"""The database's own full-text index over SearchDocument, different on each backend.

SQLite: FTS5 tables with the trigram tokenizer (substring matching, so Japanese needs no word
segmenter), external-content over knowledge_searchdocument and knowledge_searchterm and kept in
step by triggers (so Django's flush and every ORM write keep them right).
PostgreSQL: a generated, weighted tsvector column with a GIN index, and pg_trgm over the
vocabulary for typo tolerance.

A later migration that alters knowledge_searchdocument on SQLite makes Django rebuild the table,
which drops these triggers: such a migration must run this one's SQLite statements again, and
`renkei reindex` then rebuilds the index.
"""

from django.db import migrations

DOC_COLUMNS = ["title", "summary", "body", "files", "grams_head", "grams_body"]


def _values(prefix: str) -> str:
    return ", ".join(f"{prefix}.{c}" for c in DOC_COLUMNS)


SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE knowledge_fts USING fts5("
    + ", ".join(DOC_COLUMNS)
    + ", content='knowledge_searchdocument', content_rowid='product_id', tokenize='trigram')",
    f"""CREATE TRIGGER knowledge_fts_ai AFTER INSERT ON knowledge_searchdocument BEGIN
        INSERT INTO knowledge_fts(rowid, {", ".join(DOC_COLUMNS)}) VALUES (new.product_id, {_values("new")});
    END""",
    f"""CREATE TRIGGER knowledge_fts_ad AFTER DELETE ON knowledge_searchdocument BEGIN
        INSERT INTO knowledge_fts(knowledge_fts, rowid, {", ".join(DOC_COLUMNS)})
        VALUES ('delete', old.product_id, {_values("old")});
    END""",
    f"""CREATE TRIGGER knowledge_fts_au AFTER UPDATE ON knowledge_searchdocument BEGIN
        INSERT INTO knowledge_fts(knowledge_fts, rowid, {", ".join(DOC_COLUMNS)})
        VALUES ('delete', old.product_id, {_values("old")});
        INSERT INTO knowledge_fts(rowid, {", ".join(DOC_COLUMNS)}) VALUES (new.product_id, {_values("new")});
    END""",
    "CREATE VIRTUAL TABLE knowledge_vocab USING fts5(term, content='knowledge_searchterm', content_rowid='id', "
    "tokenize='trigram')",
    """CREATE TRIGGER knowledge_vocab_ai AFTER INSERT ON knowledge_searchterm BEGIN
        INSERT INTO knowledge_vocab(rowid, term) VALUES (new.id, new.term);
    END""",
    """CREATE TRIGGER knowledge_vocab_ad AFTER DELETE ON knowledge_searchterm BEGIN
        INSERT INTO knowledge_vocab(knowledge_vocab, rowid, term) VALUES ('delete', old.id, old.term);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS knowledge_vocab_ad",
    "DROP TRIGGER IF EXISTS knowledge_vocab_ai",
    "DROP TABLE IF EXISTS knowledge_vocab",
    "DROP TRIGGER IF EXISTS knowledge_fts_au",
    "DROP TRIGGER IF EXISTS knowledge_fts_ad",
    "DROP TRIGGER IF EXISTS knowledge_fts_ai",
    "DROP TABLE IF EXISTS knowledge_fts",
]


def _tsv(column: str, weight: str) -> str:
    return f"setweight(to_tsvector('simple'::regconfig, coalesce({column}, '')), '{weight}')"


POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE knowledge_searchdocument ADD COLUMN document tsvector GENERATED ALWAYS AS ("
    + " || ".join([_tsv("title", "A"), _tsv("summary", "B"), _tsv("grams_head", "B"), _tsv("body", "C"),
                   _tsv("grams_body", "C"), _tsv("files", "D")])
    + ") STORED",
    "CREATE INDEX knowledge_searchdocument_document ON knowledge_searchdocument USING gin (document)",
    "CREATE INDEX knowledge_searchterm_trgm ON knowledge_searchterm USING gin (term gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_searchterm_trgm",
    "DROP INDEX IF EXISTS knowledge_searchdocument_document",
    "ALTER TABLE knowledge_searchdocument DROP COLUMN IF EXISTS document",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(
                f"The knowledge library's search needs SQLite or PostgreSQL, not {schema_editor.connection.vendor}.")
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        migrations.RunPython(_run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
                             _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD})),
    ]
