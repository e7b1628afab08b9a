"""Titles of activities and sessions become one text per language, ``{"en": …, "ja": …}``
(ADR 0002), like the library's. Reversible: the columns come back from the English and Japanese."""

from django.db import migrations, models

MODELS = ("Activity", "Session")


def to_json(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("activities", name)
        for row in model.objects.only("pk", "title_en", "title_ja").iterator():
            title = {k: v.strip() for k, v in (("en", row.title_en or ""), ("ja", row.title_ja or "")) if v.strip()}
            model.objects.filter(pk=row.pk).update(title=title)


def to_columns(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("activities", name)
        for row in model.objects.only("pk", "title").iterator():
            title = row.title if isinstance(row.title, dict) else {}
            english = (title.get("en") or title.get("ja") or next(iter(title.values()), "") or "")[:255]
            model.objects.filter(pk=row.pk).update(title_en=english, title_ja=(title.get("ja") or "")[:255])


class Migration(migrations.Migration):

    dependencies = [
        ("activities", "0002_content_types"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="title",
            field=models.JSONField(default=dict, help_text="text per language", verbose_name="title"),
        ),
        migrations.AddField(
            model_name="session",
            name="title",
            field=models.JSONField(default=dict, help_text="text per language", verbose_name="title"),
        ),
        migrations.RunPython(to_json, to_columns),
        # state only: on the way back the English column comes back with "" in every row before
        # ``to_columns`` fills it
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(model_name=name, name="title_en",
                                  field=models.CharField(default="", max_length=255, verbose_name="title (English)"))
            for name in ("activity", "session")
        ]),
        migrations.RemoveField(model_name="activity", name="title_en"),
        migrations.RemoveField(model_name="activity", name="title_ja"),
        migrations.RemoveField(model_name="session", name="title_en"),
        migrations.RemoveField(model_name="session", name="title_ja"),
    ]
