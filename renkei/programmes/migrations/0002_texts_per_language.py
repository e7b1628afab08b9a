"""Programme and call titles, questions and criteria become one JSON text per language
(``{"en": …, "ja": …}``, ADR 0002) instead of ``_en``/``_ja`` column pairs; the data is copied
both ways, so the migration can be reversed."""

from django.db import migrations, models

#: model → (JSON field, the column pair it replaces, the old columns' length)
FIELDS = {
    "programme": ("title", 255),
    "call": ("title", 255),
    "question": ("text", 500),
    "criterion": ("name", 200),
}


def to_json(apps, schema_editor):
    for model_name, (field, _length) in FIELDS.items():
        model = apps.get_model("programmes", model_name)
        rows = []
        for row in model.objects.only("pk", f"{field}_en", f"{field}_ja").iterator():
            texts = {lang: (getattr(row, f"{field}_{lang}") or "").strip() for lang in ("en", "ja")}
            setattr(row, field, {lang: text for lang, text in texts.items() if text})
            rows.append(row)
        model.objects.bulk_update(rows, [field], batch_size=500)


def to_columns(apps, schema_editor):
    for model_name, (field, length) in FIELDS.items():
        model = apps.get_model("programmes", model_name)
        rows = []
        for row in model.objects.only("pk", field).iterator():
            texts = getattr(row, field) or {}
            english = texts.get("en") or next((t for t in texts.values() if t), "")
            setattr(row, f"{field}_en", str(english)[:length])
            setattr(row, f"{field}_ja", str(texts.get("ja") or "")[:length])
            rows.append(row)
        model.objects.bulk_update(rows, [f"{field}_en", f"{field}_ja"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("programmes", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="programme", name="title",
            field=models.JSONField(default=dict, help_text="text per language", verbose_name="title"),
        ),
        migrations.AddField(
            model_name="call", name="title",
            field=models.JSONField(default=dict, help_text="text per language", verbose_name="title"),
        ),
        migrations.AddField(
            model_name="question", name="text",
            field=models.JSONField(default=dict, help_text="text per language", verbose_name="question"),
        ),
        migrations.AddField(
            model_name="criterion", name="name",
            field=models.JSONField(default=dict, help_text="text per language", verbose_name="criterion"),
        ),
        # the old columns get defaults so that reversing (re-adding them) works on filled tables
        migrations.AlterField(
            model_name="programme", name="title_en",
            field=models.CharField(default="", max_length=255, verbose_name="title (English)"),
        ),
        migrations.AlterField(
            model_name="call", name="title_en",
            field=models.CharField(default="", max_length=255, verbose_name="title (English)"),
        ),
        migrations.AlterField(
            model_name="question", name="text_en",
            field=models.CharField(default="", max_length=500, verbose_name="question (English)"),
        ),
        migrations.AlterField(
            model_name="criterion", name="name_en",
            field=models.CharField(default="", max_length=200, verbose_name="criterion (English)"),
        ),
        migrations.RunPython(to_json, to_columns),
        migrations.RemoveField(model_name="programme", name="title_en"),
        migrations.RemoveField(model_name="programme", name="title_ja"),
        migrations.RemoveField(model_name="call", name="title_en"),
        migrations.RemoveField(model_name="call", name="title_ja"),
        migrations.RemoveField(model_name="question", name="text_en"),
        migrations.RemoveField(model_name="question", name="text_ja"),
        migrations.RemoveField(model_name="criterion", name="name_en"),
        migrations.RemoveField(model_name="criterion", name="name_ja"),
        migrations.AlterModelOptions(
            name="programme",
            options={"ordering": ["-starts_on", "title__en"], "verbose_name": "programme",
                     "verbose_name_plural": "programmes"},
        ),
        migrations.AlterModelOptions(
            name="call",
            options={"ordering": ["-opens_at", "title__en"], "verbose_name": "call for expressions of interest",
                     "verbose_name_plural": "calls for expressions of interest"},
        ),
    ]
