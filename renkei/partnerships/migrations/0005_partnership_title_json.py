"""A partnership's title becomes one text per language, ``{"en": …, "ja": …}`` (ADR 0002), like every
other free text. The titles are copied both ways, so the migration can be undone."""

from django.db import migrations, models


def columns_to_json(apps, schema_editor):
    Partnership = apps.get_model("partnerships", "Partnership")
    for p in Partnership.objects.only("pk", "title_en", "title_ja").iterator():
        title = {key: text.strip() for key, text in (("en", p.title_en), ("ja", p.title_ja)) if text and text.strip()}
        Partnership.objects.filter(pk=p.pk).update(title=title)


def json_to_columns(apps, schema_editor):
    Partnership = apps.get_model("partnerships", "Partnership")
    for p in Partnership.objects.only("pk", "title").iterator():
        title = p.title if isinstance(p.title, dict) else {}
        english = title.get("en") or title.get("ja") or next((t for t in title.values() if t), "")
        Partnership.objects.filter(pk=p.pk).update(title_en=english[:255], title_ja=(title.get("ja") or "")[:255])


class Migration(migrations.Migration):

    dependencies = [
        ("partnerships", "0004_move_activities"),
    ]

    operations = [
        migrations.AddField(
            model_name="partnership",
            name="title",
            field=models.JSONField(default=dict, help_text="text per language", verbose_name="title"),
        ),
        # a default, so that undoing the removal below can add the column back to a table with rows
        migrations.AlterField(
            model_name="partnership",
            name="title_en",
            field=models.CharField(default="", max_length=255, verbose_name="title (English)"),
        ),
        migrations.RunPython(columns_to_json, json_to_columns),
        migrations.AlterModelOptions(
            name="partnership",
            options={"ordering": ["title__en", "id"], "verbose_name": "partnership",
                     "verbose_name_plural": "partnerships"},
        ),
        migrations.RemoveField(model_name="partnership", name="title_en"),
        migrations.RemoveField(model_name="partnership", name="title_ja"),
    ]
