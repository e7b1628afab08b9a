"""The content types of the moved models follow them to ``activities``, so that the audit log,
the admin's history and permissions keep pointing at the same rows."""

from django.db import migrations

MODELS = ("activity", "session", "speaker", "participant")


def _move(apps, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("core", "AuditEntry")
    LogEntry = apps.get_model("admin", "LogEntry")
    for model in MODELS:
        old = ContentType.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.filter(app_label=target, model=model).first()
        if new is None:
            old.app_label = target
            old.save(update_fields=["app_label"])
            continue
        # both exist (the target was created by an earlier run): keep the target, move what points at the old
        AuditEntry.objects.filter(content_type=old).update(content_type=new)
        LogEntry.objects.filter(content_type=old).update(content_type=new)
        old.delete()
    ContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    _move(apps, "partnerships", "activities")


def backwards(apps, schema_editor):
    _move(apps, "activities", "partnerships")


class Migration(migrations.Migration):

    dependencies = [
        ("activities", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
