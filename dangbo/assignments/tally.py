"""Per-unit task counts, so a dashboard reads one row per unit instead of one row per task.

``UnitTally`` holds, for each unit, the counts of its *own* tasks (those whose unit in charge
it is) as of one day: totals, overdue, behind, due soon, long-running, awaiting confirmation,
due by today, done, done on time, the progress sum, and tasks falling due / done in each of
the last 12 months. A dashboard adds the rows of a subtree up (a district: ~100 rows, a
province: ~1,000), whatever the number of tasks below it.

Every count depends on the day (overdue is "deadline before today"), so a row is valid for
its ``day`` only. Rows are kept right three ways:

* ``refresh(unit_ids)`` — every service that changes a task calls it in its own transaction,
  for the units whose tasks it changed. It locks those rows first and counts after the lock,
  so two writers on the same unit cannot leave a count that misses the other's change.
* ``read(unit, today)`` — a reader finds the rows of the subtree; the ones missing or of
  another day are counted again in one grouped query and stored *only if* the stored row is
  older (``ON CONFLICT … WHERE day < excluded.day``), so a reader's count, taken before a
  writer committed, never overwrites that writer's fresher row.
* ``warm(today)`` — the daily scan counts every stale row of the day at once, so the first
  dashboard of the morning is as fast as the rest.

``forget(unit)`` marks a subtree's rows stale when units move, merge or split.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from dangbo.core import dates
from dangbo.orgs.models import Unit

from .models import Task, UnitTally, due_soon_days

S = Task.Status
MONTHS = 12
COUNT_KEYS = ("total", "open", "overdue", "behind", "due_soon", "long_running", "awaiting",
              "due_total", "done", "on_time", "progress_sum")
#: Above this many stale units, count the whole subtree rather than list the units.
_LIST_LIMIT = 400


def zero() -> dict:
    return {**dict.fromkeys(COUNT_KEYS, 0), "due_months": [0] * MONTHS, "done_months": [0] * MONTHS}


def months(today: dt.date) -> list[dt.date]:
    """The first days of the last 12 months, the current one last."""
    return dates.months_ending(today, MONTHS)


def prefix_q(field: str, path: str) -> Q:
    """``field`` starts with ``path``. On SQLite the prefix is also written as a range
    (``LIKE`` there cannot use an index; paths are ``[0-9A-Z]`` and SQLite compares bytes, so
    ``path <= p < path + "~"`` holds exactly the paths starting with ``path``)."""
    q = Q(**{f"{field}__startswith": path})
    if connection.vendor == "sqlite":
        q &= Q(**{f"{field}__gte": path, f"{field}__lt": path + "~"})
    return q


def count(where: Q, today: dt.date) -> dict[str, dict]:
    """The counts of the tasks matching ``where``, by the exact path of their unit (one
    grouped query, read from the covering index ``task_unit_cover``)."""
    soon_end = today + dt.timedelta(days=due_soon_days())
    starts = months(today)
    ends = [*starts[1:], today + dt.timedelta(days=1)]
    by_month = {}
    for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
        by_month[f"due{i}"] = Count("pk", filter=Q(deadline__gte=start, deadline__lt=end))
        by_month[f"done{i}"] = Count("pk", filter=Q(done_on__gte=start, done_on__lt=end))
    grouped = (
        Task.objects.filter(where)
        .values("unit_path", "status")
        .annotate(
            n=Count("pk"),
            past_due=Count("pk", filter=Q(deadline__lt=today)),
            due_by_today=Count("pk", filter=Q(deadline__lte=today)),
            behind=Count("pk", filter=Q(deadline__gte=today, behind_from__lte=today)),
            due_soon=Count("pk", filter=Q(deadline__gte=today, deadline__lte=soon_end)),
            long_running=Count("pk", filter=Q(start__lte=dates.add_years(today, -2))),
            on_time=Count("pk", filter=Q(deadline__lte=today, done_on__lte=F("deadline"))),
            progress_sum=Sum("progress"),
            **by_month,
        )
        .order_by()
    )
    out: dict[str, dict] = {}
    for typed in grouped:
        row: dict = dict(typed)
        status = row["status"]
        if status == S.CANCELLED:
            continue
        c = out.setdefault(row["unit_path"], zero())
        c["total"] += row["n"]
        c["progress_sum"] += row["progress_sum"] or 0
        c["due_total"] += row["due_by_today"]
        for i in range(len(starts)):
            c["due_months"][i] += row[f"due{i}"]
        if status in Task.OPEN:
            c["open"] += row["n"]
            c["long_running"] += row["long_running"]
        if status in Task.ACTIVE:
            c["overdue"] += row["past_due"]
            c["behind"] += row["behind"]
            c["due_soon"] += row["due_soon"]
        elif status == S.AWAITING:
            c["awaiting"] += row["n"]
        elif status == S.DONE:
            c["done"] += row["due_by_today"]
            c["on_time"] += row["on_time"]
            for i in range(len(starts)):
                c["done_months"][i] += row[f"done{i}"]
    return out


def _count_units(units: list[tuple[int, str]], today: dt.date, subtree: str | None = None) -> dict[int, dict]:
    """Counts for ``units`` (id, path), each with zeros when it has no task."""
    if subtree is not None and len(units) > _LIST_LIMIT:
        found = count(prefix_q("unit_path", subtree), today)
    else:
        found = {}
        paths = [path for _pk, path in units]
        for start in range(0, len(paths), _LIST_LIMIT):
            found.update(count(Q(unit_path__in=paths[start : start + _LIST_LIMIT]), today))
    return {pk: found.get(path) or zero() for pk, path in units}


def _store_if_older(fresh: dict[int, dict], today: dt.date) -> None:
    """Upsert ``fresh`` rows, keeping any row already counted for ``today`` (or later)."""
    if not fresh:
        return
    table = connection.ops.quote_name(UnitTally._meta.db_table)
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    items = sorted(fresh.items())
    for start in range(0, len(items), 300):
        chunk = items[start : start + 300]
        values = ", ".join([f"(%s, %s, %s{cast})"] * len(chunk))
        params: list = []
        for pk, counts in chunk:
            params += [pk, today, json.dumps(counts)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (unit_id, day, counts) VALUES {values} "  # noqa: S608 - fixed names
                f"ON CONFLICT (unit_id) DO UPDATE SET day = excluded.day, counts = excluded.counts "
                f"WHERE {table}.day IS NULL OR {table}.day < excluded.day",
                params,
            )


def read(unit: Unit, today: dt.date) -> dict[str, dict]:
    """The counts of every unit in ``unit``'s subtree (itself included), by unit path."""
    rows = list(
        Unit.objects.filter(prefix_q("path", unit.path))
        .values_list("pk", "path", "task_tally__day", "task_tally__counts")
        .order_by()
    )
    stale = [(pk, path) for pk, path, day, _counts in rows if day != today]
    fresh = _count_units(stale, today, subtree=unit.path) if stale else {}
    if fresh:
        _store_if_older(fresh, today)
    return {path: fresh[pk] if pk in fresh else counts for pk, path, _day, counts in rows}


def _add(branch: dict, counts: dict) -> None:
    for name in COUNT_KEYS:
        branch[name] += counts.get(name) or 0
    for name in ("due_months", "done_months"):
        for i, n in enumerate((counts.get(name) or ())[:MONTHS]):
            branch[name][i] += n or 0


def _branch(key: str) -> dict:
    return {**zero(), "branch": key}


def fold(per_unit: dict[str, dict], unit: Unit) -> dict[str, dict]:
    """Add per-unit counts (``read``) up by the unit directly below ``unit`` they fall under
    (the unit's own tasks under its own path), months included."""
    length = len(unit.path) + Unit.steplen
    out: dict[str, dict] = {}
    for path, counts in per_unit.items():
        if counts:
            key = path[:length]
            _add(out.get(key) or out.setdefault(key, _branch(key)), counts)
    return out


def branches(unit: Unit, today: dt.date) -> dict[str, dict]:
    """The counts of ``unit``'s subtree added up by the unit directly below it (``fold``'s
    answer), added up by PostgreSQL (or SQLite): one grouped query over the subtree's rows,
    so a dashboard gets ~35 rows for the whole country rather than one per unit.

    That query also counts the units whose row is not of ``today`` (or missing). When there
    are some, those are counted again first, as ``read`` does, and added to the sums of the
    others (a row another reader or writer stored meanwhile is not counted twice: those units
    are left out of the second sum). When most of the subtree is stale (a day the scan did not
    run), ``read`` and ``fold`` do it, since the counting is then the cost. One query when the
    rows are of today."""
    length = len(unit.path) + Unit.steplen
    rows = _grouped_sums(unit.path, length, today)
    stale: list[tuple[int, str]] = []
    fresh: dict[int, dict] = {}
    if any(row["stale"] for row in rows):
        stale = list(
            Unit.objects.filter(prefix_q("path", unit.path)).exclude(task_tally__day=today)
            .values_list("pk", "path").order_by()
        )
        if len(stale) > _LIST_LIMIT:
            return fold(read(unit, today), unit)
        fresh = _count_units(stale, today)
        _store_if_older(fresh, today)
        rows = _grouped_sums(unit.path, length, today, leave_out=[pk for pk, _path in stale])
    out: dict[str, dict] = {}
    for row in rows:
        branch = out[row["key"]] = _branch(row["key"])
        _add(branch, {
            **{name: row[name] or 0 for name in COUNT_KEYS},
            "due_months": [row[f"due{i}"] or 0 for i in range(MONTHS)],
            "done_months": [row[f"done{i}"] or 0 for i in range(MONTHS)],
        })
    for pk, path in stale:
        key = path[:length]
        _add(out.get(key) or out.setdefault(key, _branch(key)), fresh[pk])
    return out


_SUM_NAMES = (*COUNT_KEYS, *(f"{kind}{i}" for i in range(MONTHS) for kind in ("due", "done")))


def _sum_columns(vendor: str) -> str:
    """The grouped sums' SELECT list, in ``_SUM_NAMES``' order (fixed names only)."""
    def number(key: str, index: int | None = None) -> str:
        if vendor == "postgresql":
            value = f"t.counts ->> '{key}'" if index is None else f"t.counts -> '{key}' ->> {index}"
            return f"SUM(({value})::bigint)"
        path = f"$.{key}" if index is None else f"$.{key}[{index}]"
        return f"SUM(CAST(json_extract(t.counts, '{path}') AS INTEGER))"

    sums = [number(key) for key in COUNT_KEYS]
    sums += [number(f"{kind}_months", i) for i in range(MONTHS) for kind in ("due", "done")]
    return ", ".join(sums)


_SUMS_SQL: dict[str, str] = {}


def _grouped_sums(path: str, length: int, today: dt.date, leave_out: Sequence[int] = ()) -> list[dict]:
    """The tally rows of the subtree at ``path`` (but the units ``leave_out``) summed by the
    first ``length`` characters of their unit's path, with ``stale``: how many of the group's
    units have no row of ``today``. One grouped query, its SQL written once (the ORM spent more
    time building the 40 sums than the database spent adding them)."""
    vendor = connection.vendor
    if vendor not in _SUMS_SQL:
        where = "u.path LIKE %s" + (" AND u.path >= %s AND u.path < %s" if vendor == "sqlite" else "")
        _SUMS_SQL[vendor] = (
            f"SELECT SUBSTR(u.path, 1, %s), SUM(CASE WHEN t.day = %s THEN 0 ELSE 1 END), "  # noqa: S608 - fixed names
            f"{_sum_columns(vendor)} "
            f"FROM {Unit._meta.db_table} u LEFT JOIN {UnitTally._meta.db_table} t ON t.unit_id = u.id "
            f"WHERE {where}"
        )
    sql = _SUMS_SQL[vendor]
    params: list = [length, today.isoformat(), path + "%"] + ([path, path + "~"] if vendor == "sqlite" else [])
    if leave_out:
        sql += f" AND u.id NOT IN ({', '.join(['%s'] * len(leave_out))})"
        params += list(leave_out)
    with connection.cursor() as cursor:
        cursor.execute(sql + " GROUP BY 1", params)
        return [
            {"key": key, "stale": stale, **dict(zip(_SUM_NAMES, sums, strict=True))}
            for key, stale, *sums in cursor.fetchall()
        ]


def warm(today: dt.date) -> int:
    """Count every unit whose row is not of ``today`` (the daily scan calls it); returns how
    many rows were counted."""
    stale = list(
        Unit.objects.exclude(task_tally__day=today).values_list("pk", "path").order_by("path")
    )
    if not stale:
        return 0
    fresh = _count_units(stale, today, subtree="" if len(stale) > _LIST_LIMIT else None)
    _store_if_older(fresh, today)
    return len(fresh)


@transaction.atomic
def refresh(unit_ids: Iterable[int], today: dt.date | None = None) -> None:
    """Count the tasks of ``unit_ids`` again, now, inside the caller's transaction (services
    call it after changing tasks). The rows are locked before counting, so a second writer
    waits for the first to commit and then counts both changes."""
    ids = sorted(set(unit_ids))
    if not ids:
        return
    today = today or timezone.localdate()
    UnitTally.objects.bulk_create([UnitTally(unit_id=pk) for pk in ids], ignore_conflicts=True)
    list(UnitTally.objects.select_for_update().filter(unit_id__in=ids).order_by("unit_id").values_list("pk"))
    units = list(Unit.objects.filter(pk__in=ids).values_list("pk", "path"))
    fresh = _count_units(units, today)
    UnitTally.objects.bulk_create(
        [UnitTally(unit_id=pk, day=today, counts=counts) for pk, counts in fresh.items()],
        update_conflicts=True, unique_fields=["unit"], update_fields=["day", "counts"],
    )


def forget(unit: Unit) -> int:
    """Mark the rows of ``unit``'s subtree stale (its paths changed)."""
    return UnitTally.objects.filter(unit__in=Unit.objects.filter(prefix_q("path", unit.path))).update(day=None)
