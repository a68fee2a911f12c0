"""SQL aggregates Django lacks, the same code path on PostgreSQL and SQLite.

``Median(expression)`` is the median of the non-null values of a group (the mean of the two
middle values for an even count, as ``statistics.median``), computed by the database:

* PostgreSQL: ``percentile_cont(0.5) WITHIN GROUP (ORDER BY expression)``;
* SQLite: ``dangbo_median(expression)``, an aggregate this module registers on every new
  SQLite connection (``connection_created``), written in Python but run inside the query, so
  that a caller never reads the rows to take their median.

``None`` when the group has no value. ``filter=Q(...)`` works as on any aggregate.
"""

from __future__ import annotations

import statistics

from django.db.backends.signals import connection_created
from django.db.models import Aggregate, FloatField

SQLITE_MEDIAN = "dangbo_median"


class Median(Aggregate):
    name = "Median"
    function = SQLITE_MEDIAN
    output_field = FloatField()
    allow_distinct = False

    def as_postgresql(self, compiler, connection, **extra_context):
        # On a copy's attributes, not as keywords: ``Aggregate.as_sql`` wraps the template in
        # ``FILTER (WHERE …)`` itself when a filter is given.
        clone = self.copy()
        clone.function = "percentile_cont"
        clone.template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
        return super(Median, clone).as_sql(compiler, connection, **extra_context)


class _SQLiteMedian:
    """The SQLite side of ``Median``: keeps the group's values, answers their median."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        return float(statistics.median(self.values)) if self.values else None


def _register_sqlite(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_MEDIAN, 1, _SQLiteMedian)


connection_created.connect(_register_sqlite, dispatch_uid="dangbo.core.aggregates.sqlite_median")
