from django.db import migrations, models


def fill_readings(apps, schema_editor):
    """Places kept before readings existed get the one made from their Japanese name."""
    from renkei.places.reading import reading_of

    Place = apps.get_model("places", "Place")
    places = list(Place.objects.exclude(name_ja="").only("pk", "name_ja"))
    for place in places:
        place.name_ja_reading = reading_of(place.name_ja)
    Place.objects.bulk_update(places, ["name_ja_reading"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("places", "0005_taxonomy_city_themes"),
    ]

    operations = [
        migrations.AddField(
            model_name="place",
            name="name_ja_reading",
            field=models.CharField(blank=True, help_text="in kana, for the order of places in Japanese; made from the Japanese name when left empty", max_length=200, verbose_name="reading of the Japanese name"),
        ),
        migrations.RunPython(fill_readings, migrations.RunPython.noop),
    ]
