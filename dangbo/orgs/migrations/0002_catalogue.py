from django.db import migrations


def forwards(apps, schema_editor):
    from dangbo.orgs.catalogue import install

    install(apps)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
