from django.db import migrations


def forwards(apps, schema_editor):
    from renkei.places.taxonomy import load_taxonomy

    load_taxonomy(apps.get_model("places", "Theme"))


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
