"""Ratings gain a capacity (member, leader of a unit, organisation) and the post a leader
held; 366-QĐ/TW gains the leaders' gates and rater levels (catalogue.install)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def organisations(apps, schema_editor):
    apps.get_model("people", "Rating").objects.filter(person__isnull=True).update(capacity="organisation")


def install_rules(apps, schema_editor):
    from dangbo.people.ratings import catalogue

    catalogue.install(apps)


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0004_merge_0003_person_contact_0003_unit_label'),
        ('people', '0005_merge_0002_ratings_0004_merge_20261207_1610'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='rating',
            name='rating_person_year_level',
        ),
        migrations.AddField(
            model_name='rating',
            name='capacity',
            field=models.CharField(choices=[('member', 'Party member'), ('leader', 'Leader or manager'), ('organisation', 'Party organisation')], default='member', max_length=12, verbose_name='capacity'),
        ),
        migrations.AddField(
            model_name='rating',
            name='post_title',
            field=models.CharField(blank=True, help_text='For a leader: the post held in the unit in the year.', max_length=120, verbose_name='post'),
        ),
        migrations.AlterField(
            model_name='rating',
            name='unit',
            field=models.ForeignKey(help_text="The member's cell in the year, the unit a leader leads, or the organisation itself.", on_delete=django.db.models.deletion.PROTECT, related_name='ratings', to='orgs.unit', verbose_name='unit'),
        ),
        migrations.RunPython(organisations, migrations.RunPython.noop),
        migrations.RunPython(install_rules, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='rating',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('capacity', 'organisation'), ('person__isnull', True)), models.Q(('capacity__in', ['member', 'leader']), ('person__isnull', False)), _connector='OR'), name='rating_capacity_subject'),
        ),
        migrations.AddConstraint(
            model_name='rating',
            constraint=models.UniqueConstraint(condition=models.Q(('capacity', 'member'), ('person__isnull', False)), fields=('person', 'year', 'level'), name='rating_member_year_level'),
        ),
        migrations.AddConstraint(
            model_name='rating',
            constraint=models.UniqueConstraint(condition=models.Q(('capacity', 'leader')), fields=('person', 'unit', 'year', 'level'), name='rating_leader_unit_year_level'),
        ),
    ]
