"""Install the starting catalogues: document types, outside issuers, fields."""

from django.db import migrations


def install(apps, schema_editor):
    from dangbo.documents import catalogue

    catalogue.install(apps)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
