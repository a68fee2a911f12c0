"""``Task.search_title``: the folded title the task list's text filter searches, filled for
the tasks already there (the services keep it from now on)."""

from django.db import migrations, models

from dangbo.core.text import fold

BATCH = 2000


def fill(apps, schema_editor) -> None:
    Task = apps.get_model("assignments", "Task")
    last = 0
    while True:
        tasks = list(Task.objects.filter(pk__gt=last).order_by("pk").only("pk", "title")[:BATCH])
        if not tasks:
            return
        for task in tasks:
            task.search_title = fold(task.title)
        Task.objects.bulk_update(tasks, ["search_title"])
        last = tasks[-1].pk


class Migration(migrations.Migration):
    dependencies = [("assignments", "0003_unit_tally")]

    operations = [
        migrations.AddField(
            model_name="task",
            name="search_title",
            field=models.CharField(blank=True, default="", editable=False, max_length=500),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
