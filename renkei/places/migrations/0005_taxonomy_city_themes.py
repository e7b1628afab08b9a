"""Brings existing databases up to the taxonomy reviewed against real city texts: four new themes
(industrial restructuring, medical industry, education, SDG localisation) and more synonyms in
English and Japanese. Same loader as ``renkei load_taxonomy``: themes matched by code."""

from django.db import migrations


def forwards(apps, schema_editor):
    from renkei.places.taxonomy import load_taxonomy

    load_taxonomy(apps.get_model("places", "Theme"))


class Migration(migrations.Migration):
    dependencies = [("places", "0004_untagged_statements")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
