from django.db import migrations, models


def fill_sort_keys(apps, schema_editor):
    """Places kept before the sort key existed get the one made from their reading."""
    from renkei.places.reading import sort_key

    Place = apps.get_model("places", "Place")
    places = list(Place.objects.exclude(name_ja_reading="").only("pk", "name_ja_reading"))
    for place in places:
        place.name_ja_sort = sort_key(place.name_ja_reading)
    Place.objects.bulk_update(places, ["name_ja_sort"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("places", "0006_place_name_ja_reading"),
    ]

    operations = [
        migrations.AddField(
            model_name="place",
            name="name_ja_sort",
            field=models.CharField(blank=True, editable=False, help_text="the reading in gojūon order, kept from the reading when the place is saved", max_length=401, verbose_name="sort key of the reading"),
        ),
        migrations.RunPython(fill_sort_keys, migrations.RunPython.noop),
    ]
