"""The learning activities now belong to the ``activities`` app (``activities.0001_initial``):
forget them here without touching their tables."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('partnerships', '0003_session'),
        ('activities', '0001_initial'),
        ('knowledge', '0007_activity_moved'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='Speaker'),
                migrations.DeleteModel(name='Participant'),
                migrations.DeleteModel(name='Session'),
                migrations.DeleteModel(name='Activity'),
            ],
            database_operations=[],
        ),
    ]
