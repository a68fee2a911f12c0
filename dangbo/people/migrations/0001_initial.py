"""The people app begins empty; each area (members, admission, ratings, cadres) adds its tables."""

from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []
    operations: list[migrations.operations.base.Operation] = []
