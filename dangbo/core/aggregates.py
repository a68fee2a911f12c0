"""SQL aggregates Django lacks, the same code path on PostgreSQL and SQLite.

``Median(expression)`` is the median of the non-null values of a group (the mean of the two
middle values for an even count, as ``statistics.median``), computed by the database:

* PostgreSQL: ``percentile_cont(0.5) WITHIN GROUP (ORDER BY expression)``;
* SQLite: ``dangbo_median(expression)``, an aggregate this module registers on every new
  SQLite connection (``connection_created``), written in Python but run inside the query, so
  that a caller never reads the rows to take their median.

``None`` when the group has no value. ``filter=Q(...)`` works as on any aggregate.

``grouped_with_total(queryset, keys, aggregates)``: the groups of ``queryset.values(**keys)
.annotate(**aggregates)`` and the same aggregates over all of them, in one pass on PostgreSQL
(``GROUP BY ROLLUP``: a median of the whole is not a sum of its parts' medians) and in two
elsewhere.
"""

from __future__ import annotations

import statistics
from typing import Any

from django.db import connections
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


def grouped_with_total(
    queryset, keys: dict[str, Any], aggregates: dict[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """``(groups, total)``: each group's row (its ``keys`` and ``aggregates``) and the
    ``aggregates`` over every row of ``queryset``. The keys must never be NULL (the whole's row
    is the one whose keys are all NULL)."""
    grouped = queryset.values(**keys).annotate(**aggregates).order_by()
    if connections[grouped.db].vendor != "postgresql":
        return list(grouped), queryset.aggregate(**aggregates)
    sql, params = grouped.query.get_compiler(grouped.db).as_sql()
    head, found, group_by = sql.rpartition(" GROUP BY ")
    if not found or " " in group_by.replace(", ", ","):  # anything after the GROUP BY list
        raise ValueError("grouped_with_total: no plain GROUP BY to roll up")
    with connections[grouped.db].cursor() as cursor:
        cursor.execute(f"{head} GROUP BY ROLLUP ({group_by})", params)
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    groups = [row for row in rows if any(row[key] is not None for key in keys)]
    total = next((row for row in rows if all(row[key] is None for key in keys)), None)
    return groups, {name: (total or {}).get(name) for name in aggregates}
