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
    # the ids first, then each batch read and written: SQLite does not isolate a read in progress
    # from writes to the same table on its connection
    ids = list(documents.objects.order_by("product_id").values_list("product_id", flat=True))
    for start in range(0, len(ids), BATCH):
        changed = []
        for row in documents.objects.filter(product_id__in=ids[start : start + BATCH]).only("product_id", *COLUMNS):
            spaced = {c: spaced_scripts(getattr(row, c)) for c in COLUMNS}
            if any(spaced[c] != getattr(row, c) for c in COLUMNS):
                for c in COLUMNS:
                    setattr(row, c, spaced[c])
                changed.append(row)
        if changed:
            documents.objects.bulk_update(changed, COLUMNS)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0005_compact_search_rows")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
