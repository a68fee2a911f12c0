from django.db import migrations


def install(apps, schema_editor):
    from dangbo.meetings import catalogue

    catalogue.install(apps)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
