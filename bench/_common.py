"""What the benchmarks of ``bench/`` share (not a benchmark itself: ``run.sh`` runs ``*_bench.py``).

Every benchmark runs against the database kind DANGBO_DATABASE_URL names, but never in that
database: on PostgreSQL in a database of its own on the same server (created if missing), on
SQLite in a file of the temporary directory (or the ``--sqlite-path`` given). It times pages
through Django's test client as a logged-in user, counting the SQL queries of each request,
and prints one table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# --- The command line --------------------------------------------------------------------------


def parser(doc: str | None) -> argparse.ArgumentParser:
    """The command line every bench has: the first paragraph of its ``doc`` as description,
    ``--fresh`` and ``--sqlite-path``; the bench adds its own options."""
    out = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    out.add_argument("--fresh", action="store_true", help="build the data again")
    out.add_argument("--sqlite-path", help="SQLite file for the bench (default: in the temp dir)")
    return out


# --- The bench's own database ------------------------------------------------------------------


def bench_database_url(url: str, *, database: str, sqlite_file: str, sqlite_path: str | None) -> str:
    """The bench's own database, next to the one ``url`` names (never that one): the PostgreSQL
    database ``database`` on the same server, or the SQLite file ``sqlite_path`` (default
    ``sqlite_file`` in the temporary directory)."""
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        with psycopg.connect(url, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{database}"')
        return urlunsplit(parts._replace(path=f"/{database}"))
    path = sqlite_path or os.path.join(tempfile.gettempdir(), sqlite_file)
    return f"sqlite:///{os.path.abspath(path)}"


def open_database(args: argparse.Namespace, *, database: str, sqlite_file: str) -> None:
    """Point Django at the bench's own database (see ``bench_database_url``; ``args`` from
    ``parser``), set Django up and migrate that database."""
    source = os.environ.get("DANGBO_DATABASE_URL", "sqlite:///var/dangbo.sqlite3")
    os.environ["DANGBO_DATABASE_URL"] = bench_database_url(
        source, database=database, sqlite_file=sqlite_file, sqlite_path=args.sqlite_path
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
    os.environ.setdefault("DANGBO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)


def print_database() -> None:
    """Which database the figures come from (on stderr)."""
    from django.db import connection

    print(f"{connection.vendor}: {connection.settings_dict['NAME']}", file=sys.stderr)


def vendor() -> str:
    from django.db import connection

    return connection.vendor


def analyze(*tables: str, search_index: bool = False) -> None:
    """Fresh planner statistics after a bulk load: ``VACUUM ANALYZE`` of ``tables`` (or of the
    whole database) on PostgreSQL; on SQLite ``ANALYZE``, after merging the segments of the
    full-text search index when ``search_index``."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in tables or [""]:
                cursor.execute(f"VACUUM ANALYZE {table}".rstrip())
        elif connection.vendor == "sqlite":
            if search_index:
                cursor.execute("INSERT INTO core_searchentry_fts(core_searchentry_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")


# --- Units -------------------------------------------------------------------------------------


def unit_step(i: int) -> str:
    """The ``i``-th step of a unit's materialised path."""
    from dangbo.orgs.models import Unit

    out = ""
    for _ in range(Unit.steplen):
        i, rest = divmod(i, len(Unit.alphabet))
        out = Unit.alphabet[rest] + out
    return out


#: The two shapes the benches use: 10 districts × 9 wards × 10 cells (900 cells), and the
#: post-2025 shape of 10 cities × 10 wards × 12 cells (1,200 cells).
DISTRICTS = ((10, 9, 10), ("huyện", "district"))
CITIES = ((10, 10, 12), ("thành phố", "city"))


def create_province(
    prefix: str, shape: tuple[tuple[int, int, int], tuple[str, str]] = DISTRICTS,
) -> tuple[list[tuple[int, int]], dict[int, list[int]]]:
    """Writes a province-shaped tree, placed after the roots already there: 1 province → N
    districts (or cities) → wards → cells (``shape``), codes ``<prefix>-province``,
    ``<prefix>-district-D`` (``-city-D``), ``<prefix>-ward-D-W``, ``<prefix>-cell-D-W-C``.
    Returns its units' (pk, depth) and their pks by depth."""
    from dangbo.orgs.models import Unit

    Unit.objects.bulk_create(_province_units(prefix, shape), batch_size=500)
    rows = list(Unit.objects.filter(code__startswith=f"{prefix}-").values_list("pk", "depth"))
    by_depth: dict[int, list[int]] = {}
    for pk, depth in rows:
        by_depth.setdefault(depth, []).append(pk)
    return rows, by_depth


def _province_units(prefix: str, shape: tuple[tuple[int, int, int], tuple[str, str]]) -> list[Any]:
    """``create_province``'s units, unsaved, parents first."""
    from dangbo.core.text import fold
    from dangbo.orgs.models import Unit, UnitKind

    (uppers, wards, cells), (word, code) = shape
    kinds = {k.code: k for k in UnitKind.objects.all()}
    root_step = Unit.objects.filter(depth=1).count() + 1
    units: list[Unit] = []

    def unit(path: str, name: str, kind: str, code: str, numchild: int) -> None:
        units.append(Unit(path=path, depth=len(path) // Unit.steplen, numchild=numchild, name=name,
                          search_name=fold(name), kind=kinds[kind], code=code, valid_from=dt.date(2010, 1, 1)))

    unit(unit_step(root_step), "Đảng bộ tỉnh Bench", "dang-bo-tinh", f"{prefix}-province", uppers)
    for d in range(1, uppers + 1):
        dpath = unit_step(root_step) + unit_step(d)
        unit(dpath, f"Đảng bộ {word} {d}", "dang-bo-huyen", f"{prefix}-{code}-{d}", wards)
        for w in range(1, wards + 1):
            wpath = dpath + unit_step(w)
            unit(wpath, f"Đảng bộ phường {w} {word} {d}", "dang-bo-xa", f"{prefix}-ward-{d}-{w}", cells)
            for c in range(1, cells + 1):
                unit(wpath + unit_step(c), f"Chi bộ khu phố {c} phường {w} {word} {d}", "chi-bo",
                     f"{prefix}-cell-{d}-{w}-{c}", 0)
    return units


def account(username: str, unit, role: str, *, start: dt.date = dt.date(2010, 1, 1)):
    """The account ``username`` with one grant only: ``role`` on ``unit`` from ``start``."""
    from django.contrib.auth import get_user_model

    from dangbo.orgs.models import Grant

    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username)
    Grant.objects.filter(user=user).delete()
    Grant.objects.create(user=user, unit=unit, role=role, start=start)
    return User.objects.get(pk=user.pk)


# --- Timing ------------------------------------------------------------------------------------


def pct(values: Iterable[float], q: float) -> float:
    """The nearest-rank ``q`` quantile (``pct(times, 0.95)`` is the p95): the ⌈q·n⌉-th smallest,
    the rule of the Redmine peer's ``bench.sh`` (of 30 requests, the 29th)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered) - 1e-9) - 1)]


@dataclass
class Timing:
    """What ``time_urls`` measured: ms and SQL queries of every timed request."""

    times: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    body: bytes = b""

    @property
    def last_queries(self) -> int:
        return self.queries[-1] if self.queries else 0

    @property
    def most_queries(self) -> int:
        return max(self.queries, default=0)


def logged_in_client(user):
    """A test client logged in as ``user``, asking for Vietnamese pages."""
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(user, backend="dangbo.orgs.auth.AccountBackend")
    return client


def time_get(client, url: str) -> tuple[float, int, Any]:
    """One GET: its ms, its SQL queries and the response; anything but 200 stops the bench."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        response = client.get(url)
        ms = (time.perf_counter() - began) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return ms, len(captured.captured_queries), response


def time_urls(user, urls: Sequence[str], runs: int, *, warmup: int = 1) -> Timing:
    """``warmup`` untimed rounds over ``urls``, then ``runs`` timed rounds, as ``user``."""
    client = logged_in_client(user)
    for _ in range(warmup):
        for url in urls:
            client.get(url)
    timing = Timing()
    for _ in range(runs):
        for url in urls:
            ms, queries, response = time_get(client, url)
            timing.times.append(ms)
            timing.queries.append(queries)
            timing.body = response.content
    return timing


# --- Output ------------------------------------------------------------------------------------


def print_table(columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[object]]) -> None:
    """A blank line, then the table: ``columns`` are (title, alignment and width, e.g. ``">9"``);
    a float cell prints with one decimal, ``None`` as blank, anything else as it is (format it
    first for another precision). A row may stop before the last columns."""
    print()
    print(_line(columns, [title for title, _spec in columns]))
    for row in rows:
        print(_line(columns, row))


def _line(columns: Sequence[tuple[str, str]], cells: Sequence[object]) -> str:
    out = []
    for (_title, spec), cell in zip(columns, cells, strict=False):
        if cell is None:
            cell = ""
        out.append(f"{cell:{spec}.1f}" if isinstance(cell, float) else f"{cell:{spec}}")
    return " ".join(out).rstrip()
