from django.db import migrations


def forwards(apps, schema_editor):
    from renkei.indicators.catalogue import load_catalogue

    load_catalogue(apps.get_model("indicators", "Framework"), apps.get_model("indicators", "Classification"),
                   apps.get_model("indicators", "Indicator"), apps.get_model("places", "Theme"))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_values_and_peer_groups"), ("places", "0002_load_taxonomy")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
