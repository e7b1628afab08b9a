"""Stage history: each person's moves between engagement stages. The data step seeds it from what is
kept: a person's stage changes recorded in the audit log (edits of ``stage``, with their date), and
otherwise the current stage, taken as the stage they joined at on ``since``; and it counts the
``moved`` tallies of the people who did not withdraw."""

import django.db.models.deletion
from collections import Counter, defaultdict

from django.db import migrations, models

BATCH = 5000


def seed(apps, schema_editor):
    Person = apps.get_model("connections", "ConnectedPerson")
    StageChange = apps.get_model("connections", "StageChange")
    Tally = apps.get_model("connections", "Tally")
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("core", "AuditEntry")
    history = defaultdict(list)  # person id → [(day, from, to)] from the audit log, oldest first
    content_type = ContentType.objects.filter(app_label="connections", model="connectedperson").first()
    if content_type is not None:
        for object_id, when, changes in (AuditEntry.objects.filter(content_type=content_type, action="update")
                                         .order_by("created_at", "id").values_list("object_id", "created_at",
                                                                                   "changes").iterator()):
            move = (changes or {}).get("stage") if isinstance(changes, dict) else None
            if (isinstance(move, list) and len(move) == 2 and all(isinstance(v, int) for v in move)
                    and move[0] != move[1] and object_id.isdigit()):
                history[int(object_id)].append((when.date(), move[0], move[1]))
    tallies = Counter()
    rows = []

    def flush():
        StageChange.objects.bulk_create(rows)
        rows.clear()

    for pk, place_id, since, stage, withdrawn_at in (Person.objects.order_by("pk").values_list(
            "pk", "place_id", "since", "stage", "withdrawn_at").iterator(chunk_size=BATCH)):
        moves = history.get(pk, [])
        made = [(since, None, moves[0][1] if moves else stage), *moves]
        for day, before, after in made:
            rows.append(StageChange(person_id=pk, on=max(day, since), from_stage=before, to_stage=after,
                                    source="seeded"))
            if withdrawn_at is None:
                tallies[(place_id, f"{max(day, since).year}:{before or 0}:{after}")] += 1
        if len(rows) >= BATCH:
            flush()
    flush()
    Tally.objects.filter(dimension="moved").delete()
    Tally.objects.bulk_create([Tally(place_id=place_id, dimension="moved", key=key, count=n)
                               for (place_id, key), n in tallies.items()], batch_size=BATCH)


def unseed(apps, schema_editor):
    apps.get_model("connections", "Tally").objects.filter(dimension="moved").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0004_updated_at'),
        ('connections', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='StageChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('on', models.DateField(verbose_name='date')),
                ('from_stage', models.PositiveSmallIntegerField(blank=True, choices=[(1, 'Visitor'), (2, 'Repeat visitor'), (3, 'Participant'), (4, 'Contributor'), (5, 'Repeat contributor')], null=True, verbose_name='from')),
                ('to_stage', models.PositiveSmallIntegerField(choices=[(1, 'Visitor'), (2, 'Repeat visitor'), (3, 'Participant'), (4, 'Contributor'), (5, 'Repeat contributor')], verbose_name='to')),
                ('source', models.CharField(choices=[('added', 'Added'), ('edit', 'Edited'), ('interaction', 'A contact'), ('import', 'Imported'), ('activity', 'A learning activity'), ('seeded', 'Recovered from earlier records')], max_length=16, verbose_name='through')),
                ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded')),
                ('activity', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='activities.activity', verbose_name='the activity')),
                ('interaction', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='connections.interaction', verbose_name='the contact')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='stage_changes', to='connections.connectedperson')),
            ],
            options={
                'verbose_name': 'stage change',
                'verbose_name_plural': 'stage changes',
                'ordering': ['on', 'id'],
                'indexes': [models.Index(fields=['person', 'on'], name='connection_stage_person')],
            },
        ),
        migrations.RunPython(seed, unseed),
    ]
