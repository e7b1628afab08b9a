"""Products and requests point at the learning activities in their new app (same table)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('knowledge', '0006_spaced_scripts'),
        ('activities', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='product',
                    name='activity',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                            related_name='knowledge_products', to='activities.activity',
                                            verbose_name='from learning activity'),
                ),
                migrations.AlterField(
                    model_name='knowledgerequest',
                    name='activity',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                            related_name='knowledge_requests', to='activities.activity',
                                            verbose_name='became the activity'),
                ),
            ],
            database_operations=[],
        ),
    ]
