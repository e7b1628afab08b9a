"""PostgreSQL: keep the rows of knowledge_searchdocument small (toast_tuple_target = 128), so the
text columns go to the TOAST table beside the vector and the tsvector.

The searches read these rows by the thousand (a GIN match still visits each matching row, and the
newest matches are found by walking the rows in id order), but never their text: with the title,
summary, grams and body inline the table was 148 MB for 100,000 products, larger than a default
shared_buffers, and a common word's matches were read from the operating system one page at a
time. Packed, the same rows take 21 MB. Applies to rows written from now on: `renkei reindex` (or
VACUUM FULL knowledge_searchdocument) rewrites the existing ones. SQLite: nothing to do.
"""

from django.db import migrations


def _run(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0004_word_index")]

    operations = [
        migrations.RunPython(_run("ALTER TABLE knowledge_searchdocument SET (toast_tuple_target = 128)"),
                             _run("ALTER TABLE knowledge_searchdocument RESET (toast_tuple_target)")),
    ]
