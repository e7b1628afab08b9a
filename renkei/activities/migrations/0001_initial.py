"""The learning activities move out of ``partnerships``: their tables stay as they are; only
Django's record of which app owns them changes (``partnerships.0004_move_activities`` drops them
from ``partnerships``' state)."""

import django.db.models.deletion
from django.db import migrations, models

KINDS = [('study_tour', 'Study tour'), ('deep_dive', 'Technical deep dive'), ('workshop', 'Peer-to-peer workshop'),
         ('training', 'Training'), ('conference', 'Conference session'), ('webinar', 'Webinar'),
         ('site_visit', 'Site visit'), ('staff_exchange', 'Staff exchange')]


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('partnerships', '0003_session'),
        ('places', '0002_load_taxonomy'),
        ('programmes', '0001_initial'),
    ]

    state_operations = [
        migrations.CreateModel(
            name='Activity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('slug', models.SlugField(max_length=120, unique=True, verbose_name='URL name')),
                ('kind', models.CharField(choices=KINDS, max_length=20, verbose_name='type')),
                ('title_en', models.CharField(max_length=255, verbose_name='title (English)')),
                ('title_ja', models.CharField(blank=True, max_length=255, verbose_name='title (Japanese)')),
                ('description', models.JSONField(blank=True, default=dict, verbose_name='description')),
                ('starts_at', models.DateTimeField(verbose_name='starts')),
                ('ends_at', models.DateTimeField(verbose_name='ends')),
                ('timezone', models.CharField(default='Asia/Tokyo', max_length=64, verbose_name='time zone')),
                ('venue', models.CharField(blank=True, max_length=255, verbose_name='venue')),
                ('room', models.CharField(blank=True, max_length=100, verbose_name='room')),
                ('online_url', models.URLField(blank=True, verbose_name='online link')),
                ('follow_up', models.JSONField(blank=True, default=dict, verbose_name='what was adopted later')),
                ('is_published', models.BooleanField(default=True, verbose_name='published')),
                ('organiser', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                related_name='activities', to='places.organisation')),
                ('partnership', models.ForeignKey(blank=True, null=True,
                                                  on_delete=django.db.models.deletion.SET_NULL,
                                                  related_name='activities', to='partnerships.partnership')),
                ('programme', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                related_name='activities', to='programmes.programme')),
            ],
            options={
                'verbose_name': 'learning activity',
                'verbose_name_plural': 'learning activities',
                'ordering': ['starts_at'],
                'db_table': 'partnerships_activity',
            },
        ),
        migrations.CreateModel(
            name='Participant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('attended', models.BooleanField(blank=True, null=True)),
                ('before_score', models.PositiveSmallIntegerField(blank=True, null=True,
                                                                  verbose_name='self-assessment before (1–5)')),
                ('after_score', models.PositiveSmallIntegerField(blank=True, null=True,
                                                                 verbose_name='self-assessment after (1–5)')),
                ('adopted_later', models.TextField(blank=True, verbose_name='what they adopted later')),
                ('activity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                               related_name='participants', to='activities.activity')),
                ('place', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                            related_name='+', to='places.place')),
            ],
            options={
                'db_table': 'partnerships_participant',
            },
        ),
        migrations.CreateModel(
            name='Session',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('title_en', models.CharField(max_length=255, verbose_name='title (English)')),
                ('title_ja', models.CharField(blank=True, max_length=255, verbose_name='title (Japanese)')),
                ('starts_at', models.DateTimeField(verbose_name='starts')),
                ('ends_at', models.DateTimeField(verbose_name='ends')),
                ('room', models.CharField(blank=True, max_length=100, verbose_name='room')),
                ('activity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sessions',
                                               to='activities.activity', verbose_name='learning activity')),
            ],
            options={
                'verbose_name': 'session',
                'verbose_name_plural': 'sessions',
                'ordering': ['starts_at', 'id'],
                'db_table': 'partnerships_session',
                'constraints': [models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))),
                                                       name='session_ends_after_it_starts')],
            },
        ),
        migrations.CreateModel(
            name='Speaker',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('moderator', 'Moderator'), ('speaker', 'Speaker')],
                                          default='speaker', max_length=16)),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('activity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='speakers',
                                               to='activities.activity')),
                ('contact', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='talks',
                                              to='places.contact')),
                ('session', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                                              related_name='speakers', to='activities.session',
                                              verbose_name='session')),
            ],
            options={
                'ordering': ['position', 'id'],
                'db_table': 'partnerships_speaker',
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[]),
    ]
