"""The search documents' text columns get a space where CJK and Latin script meet
(``analysis.spaced_scripts``), as newly indexed products have them, so a Latin word written into
Japanese text (本市はSDGs未来都市) is a word both databases' full-text indexes find. Only the
documents whose text changes are written; the indexes follow (SQLite's triggers, PostgreSQL's
generated tsvector)."""

from django.db import migrations

COLUMNS = ("title", "summary", "body", "files")
BATCH = 500


def forwards(apps, schema_editor):
    from renkei.knowledge.search.analysis import spaced_scripts

    documents = apps.get_model("knowledge", "SearchDocument")
    changed = []
    for row in documents.objects.only("product_id", *COLUMNS).order_by("product_id").iterator(chunk_size=BATCH):
        spaced = {c: spaced_scripts(getattr(row, c)) for c in COLUMNS}
        if any(spaced[c] != getattr(row, c) for c in COLUMNS):
            for c in COLUMNS:
                setattr(row, c, spaced[c])
            changed.append(row)
        if len(changed) >= BATCH:
            documents.objects.bulk_update(changed, COLUMNS)
            changed = []
    if changed:
        documents.objects.bulk_update(changed, COLUMNS)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0005_compact_search_rows")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
