"""The whole country on generated data. ``.venv/bin/python bench/national_bench.py --scale 0.02``

PostgreSQL only. Writes, with COPY, the national shape after the 2025 reorganisation into a
database of its own, ``dangbo_bench_national``, on the server DANGBO_DATABASE_URL names
(dropped and made again on every build), then times what three users see:

* the tree: Trung ương → 34 provinces → ~3,300 communes and wards → ~52,000 grassroots party
  organisations (15–16 per commune) → ~260,000 cells (5 per grassroots organisation), a
  treebeard materialised path with the right path, depth and numchild;
* 5.6 M members (21–22 per cell): a person and a current membership of their cell each;
* 10 M tasks (3,031 per commune, in trees the province assigns to the commune, cascaded to its
  grassroots organisations and then to their cells: one tree of 31 tasks and 300 of 10), with
  ``root``/``tree_path``/``depth`` and the ``unit_path``/``assigning_path`` copies; a parent's
  progress is the plain mean of its children's; 40 M progress reports (4 per task);
* 11 monthly meetings per cell in 2026 (held, roll-call counts filled in) with one attendance
  row per member: ~3.1 M meetings and ~60 M attendance rows;
* 1 M documents (10 % registered by the provinces, 60 % by the communes, 30 % by the
  grassroots organisations; 70 % of the provinces' and communes' shared down) and their
  entries in the search index.

``--scale`` multiplies the number of communes (at least one per province) and the provinces'
own documents; every commune keeps its full size, so a commune secretary's pages are the
country's at any scale, a province secretary's are ``scale`` of a province's and the central
clerk's ``scale`` of the country's. 1.0 is the whole country.

The plain indexes, unique and foreign-key constraints of the big tables are dropped before the
load and made again after it (that is part of the load time), then VACUUM ANALYZE, then a few
invariants are checked (row counts, a task's ``tree_path``, units' ``numchild``).

Then, "today" fixed at 2026-11-25 as in ``tasks_bench.py``, through the real views (Django's
test client, the permission policy applied; median, p95 by nearest rank, SQL queries per
request): the overdue task list, the task with 30 sub-tasks, the unit dashboard, the member
list and the meeting list, as a commune secretary (MANAGE on commune 1 of province 1), a
province secretary (MANAGE on province 1) and a central clerk (ADMIN on Trung ương); the daily
``scan_deadlines`` (as ``tasks_bench.time_scan`` does); the 50 searches of
``search_bench.py`` as the same three; the database size and its biggest tables; and the time
``manage.py backup`` takes on it (``--no-backup`` to skip). ``--keep`` times the data already
there instead of building it again.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common as bench

BENCH_DB = "dangbo_bench_national"
SEED = 2025
TODAY = dt.date(2026, 11, 25)
PROVINCES = 34
COMMUNES = 3300
CELLS_PER_GRASSROOTS = 5
TREES_SMALL = 300  # per commune, 10 tasks each, plus one tree of 31
REPORTS_PER_TASK = 4
MEETINGS_PER_CELL = 11
DOCS_PER_COMMUNE = 180
DOCS_PER_GRASSROOTS_PER_COMMUNE = 92
DOCS_PER_PROVINCE = 3000  # at scale 1.0
CODE = "nat"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# The tables written with COPY: their plain indexes and constraints are made after the load.
BIG_TABLES = [
    "orgs_unit", "orgs_person", "orgs_membership", "assignments_task", "assignments_progressreport",
    "meetings_meeting", "meetings_attendance", "documents_document", "core_searchentry",
]

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
            "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Xuân", "Thu", "Hồng", "Công"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương", "Khánh",
         "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thảo",
         "Thắng", "Trang", "Trung", "Tuấn", "Vân", "Việt", "Yến", "Hiếu"]
PROVINCE_NAMES = [
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa",
    "Nghệ An", "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh",
    "Hưng Yên", "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai",
    "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Hồ Chí Minh", "Đồng Nai", "Tây Ninh", "Cần Thơ",
    "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
]
TASK_SUBJECTS = [
    "Triển khai nghị quyết về chuyển đổi số", "Rà soát, phát triển đảng viên mới",
    "Tổng kết công tác xây dựng Đảng", "Kiểm tra việc thực hiện quy chế dân chủ",
    "Tuyên truyền kỷ niệm ngày thành lập Đảng", "Thu, nộp đảng phí", "Xây dựng nông thôn mới",
    "Cải cách hành chính", "Bảo đảm an ninh trật tự", "Học tập và làm theo tư tưởng Hồ Chí Minh",
]


def step(i: int) -> str:
    out = ""
    for _ in range(4):
        i, rest = divmod(i, 36)
        out = ALPHABET[rest] + out
    return out


def ts(day: dt.date, hour: int = 9) -> str:
    return f"{day.isoformat()} {hour:02d}:00:00+00"


def n(value) -> str:
    return "\\N" if value is None else str(value)


# --- The shape ----------------------------------------------------------------------------------


class Shape:
    """Every unit of the country at ``scale`` (ids from 1, parents first) and who is where."""

    def __init__(self, scale: float) -> None:
        from dangbo.core.text import fold

        self.scale = scale
        n_communes = max(PROVINCES, round(COMMUNES * scale))
        per_province = [n_communes // PROVINCES + (1 if p < n_communes % PROVINCES else 0) for p in range(PROVINCES)]
        # unit rows: (id, path, depth, numchild, name, code, kind_code, parent id)
        self.units: list[tuple] = []
        self.provinces: list[int] = []
        self.communes: list[tuple[int, int, list[int]]] = []  # (commune id, province id, grassroots ids)
        self.cells: list[tuple[int, int, int]] = []  # (cell id, commune id, member count)
        self.cells_of: dict[int, list[int]] = {}  # grassroots id -> cell ids
        self.path: dict[int, str] = {}
        cache: dict[str, str] = {}

        def cached_fold(text: str) -> str:
            out = cache.get(text)
            if out is None:
                out = cache[text] = fold(text)
            return out

        self.fold = cached_fold
        uid = 1

        def add(path: str, numchild: int, name: str, code: str, kind: str) -> int:
            nonlocal uid
            self.units.append((uid, path, len(path) // 4, numchild, name, code, kind))
            self.path[uid] = path
            uid += 1
            return uid - 1

        root = add(step(1), PROVINCES, "Ban Chấp hành Trung ương", f"{CODE}-tw", "trung-uong")
        self.root = root
        c_index = 0
        for p in range(PROVINCES):
            ppath = step(1) + step(p + 1)
            pid = add(ppath, per_province[p], f"Đảng bộ tỉnh {PROVINCE_NAMES[p]}", f"{CODE}-p{p + 1}", "dang-bo-tinh")
            self.provinces.append(pid)
            for c in range(per_province[p]):
                c_index += 1
                grassroots_n = 15 if c_index % 4 == 0 else 16
                cpath = ppath + step(c + 1)
                kind = "phường" if c % 3 == 0 else "xã"
                cid = add(cpath, grassroots_n, f"Đảng bộ {kind} {c + 1} tỉnh {PROVINCE_NAMES[p]}",
                          f"{CODE}-p{p + 1}-c{c + 1}", "dang-bo-xa")
                grassroots = []
                for g in range(grassroots_n):
                    gpath = cpath + step(g + 1)
                    gid = add(gpath, CELLS_PER_GRASSROOTS, f"Đảng bộ cơ sở {g + 1} - {kind} {c + 1} ({PROVINCE_NAMES[p]})",
                              f"{CODE}-p{p + 1}-c{c + 1}-g{g + 1}", "dang-bo-co-so")
                    grassroots.append(gid)
                    cells = []
                    for k in range(CELLS_PER_GRASSROOTS):
                        kid = add(gpath + step(k + 1), 0, f"Chi bộ {k + 1} - cơ sở {g + 1} - {kind} {c + 1} ({PROVINCE_NAMES[p]})",
                                  f"{CODE}-p{p + 1}-c{c + 1}-g{g + 1}-k{k + 1}", "chi-bo")
                        cells.append(kid)
                        self.cells.append((kid, cid, 21 + (len(self.cells) % 2)))
                    self.cells_of[gid] = cells
                self.communes.append((cid, pid, grassroots))

    @property
    def members(self) -> int:
        return sum(m for _c, _co, m in self.cells)

    @property
    def tasks(self) -> int:
        return len(self.communes) * (31 + TREES_SMALL * 10)

    def province_docs(self, p_index: int) -> int:
        return round(DOCS_PER_PROVINCE * self.scale)


# --- Writing ------------------------------------------------------------------------------------


class Copy:
    """One ``COPY table (columns) FROM STDIN`` fed by text lines in big chunks."""

    def __init__(self, cursor, table: str, columns: str) -> None:
        self.cursor, self.table, self.columns = cursor, table, columns
        self.rows = 0

    def __enter__(self):
        self._ctx = self.cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN")
        self._copy = self._ctx.__enter__()
        self._buf: list[str] = []
        return self

    def row(self, *values) -> None:
        self._buf.append("\t".join(values))
        self.rows += 1
        if len(self._buf) >= 20000:
            self._flush()

    def _flush(self) -> None:
        if self._buf:
            self._copy.write("\n".join(self._buf) + "\n")
            self._buf = []

    def __exit__(self, *exc):
        if exc[0] is None:
            self._flush()
        return self._ctx.__exit__(*exc)


def names(rng: random.Random, fold) -> tuple[str, str, str]:
    gender = "f" if rng.random() < 0.4 else "m"
    middle = "Thị" if gender == "f" and rng.random() < 0.6 else rng.choice(MIDDLE)
    full = f"{rng.choice(SURNAMES)} {middle} {rng.choice(GIVEN)}"
    return full, fold(full), gender


def commune_tasks(shape: Shape, ci: int):
    """The tasks of the ``ci``-th commune, parents first: dicts with the task's fields (ids are
    positional: ``first`` + i), the same on every call."""
    cid, pid, grassroots = shape.communes[ci]
    rng = random.Random(SEED * 1000003 + ci)
    first = ci * (31 + TREES_SMALL * 10) + 1
    out: list[dict] = []

    def status() -> str:
        r = rng.random()
        return ("done" if r < 0.55 else "in_progress" if r < 0.80 else "assigned" if r < 0.92 else
                "awaiting" if r < 0.96 else "paused" if r < 0.98 else "cancelled")

    def task(parent: dict | None, unit: int, assigning: int, subject: str, start: dt.date, deadline: dt.date) -> dict:
        tid = first + len(out)
        st = status()
        t = {"id": tid, "parent": parent, "unit": unit, "assigning": assigning, "title": subject,
             "start": start, "deadline": deadline, "status": st, "children": [],
             "depth": parent["depth"] + 1 if parent else 1,
             "root": parent["root"] if parent else tid,
             "tree_path": f"{parent['tree_path'] if parent else '/'}{tid}/"}
        t["progress"] = 100 if st == "done" else rng.randrange(0, 91, 5)
        if parent:
            parent["children"].append(t)
        out.append(t)
        return t

    for tree in range(TREES_SMALL + 1):
        big = tree == 0
        subject = rng.choice(TASK_SUBJECTS)
        start = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(5 * 365 + 300))
        deadline = start + dt.timedelta(days=rng.randrange(60, 720))
        root = task(None, cid, pid, f"{subject} năm {start.year}", start, deadline)
        for g in rng.sample(grassroots, 10 if big else 3):
            cdead = start + (deadline - start) * rng.randrange(50, 101) // 100
            child = task(root, g, cid, f"{subject}: cụ thể hóa tại cơ sở", start, max(cdead, start))
            for k in rng.sample(shape.cells_of[g], 2):
                task(child, k, g, f"{subject}: triển khai tại chi bộ", start, child["deadline"])
    # A parent's progress: the mean of its children's (its own share is nil).
    for t in reversed(out):
        if t["children"]:
            t["progress"] = sum(c["progress"] for c in t["children"]) // len(t["children"])
            t["own"] = 0
            if t["status"] == "done" and t["progress"] < 100:
                t["status"] = "in_progress"
        else:
            t["own"] = t["progress"]
    return out


def behind_from(start: dt.date, deadline: dt.date, progress: int) -> dt.date | None:
    threshold = progress + 25  # assignments.models.BEHIND_MARGIN_DEFAULT
    if threshold >= 100:
        return None
    span = (deadline - start).days
    return start + dt.timedelta(days=(threshold * span) // 100 + 1)


def report_days(t: dict) -> list[dt.date]:
    end = min(t["deadline"], TODAY - dt.timedelta(days=1))
    span = max((end - t["start"]).days, 0)
    return [t["start"] + dt.timedelta(days=span * (i + 1) // (REPORTS_PER_TASK + 1)) for i in range(REPORTS_PER_TASK)]


def cell_meetings(shape: Shape, index: int):
    """The meetings of the ``index``-th cell: (meeting id, date, [(person id, status)])."""
    _cell, _commune, members = shape.cells[index]
    first_person = shape.first_person[index]
    rng = random.Random(SEED * 7919 + index)
    for month in range(1, MEETINGS_PER_CELL + 1):
        mid = index * MEETINGS_PER_CELL + month
        roll = []
        for p in range(members):
            r = rng.random()
            roll.append((first_person + p, "present" if r < 0.9 else "excused" if r < 0.97 else "unexcused"))
        yield mid, dt.date(2026, month, 5 + rng.randrange(10)), roll


def drop_indexes(cursor) -> list[str]:
    """Drops the plain indexes, unique and foreign-key constraints of ``BIG_TABLES``; returns
    the statements that make them again."""
    again: list[str] = []
    cursor.execute(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype FROM pg_constraint c "
        "WHERE c.contype IN ('f', 'u') AND c.conrelid::regclass::text = ANY(%s) ORDER BY c.contype DESC",
        [BIG_TABLES])
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
        [BIG_TABLES])
    indexes = cursor.fetchall()
    for table, name, _definition, _kind in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
        again.append(definition)
    # Unique constraints first (the foreign keys of other tables may need them), then foreign keys.
    again += [f'ALTER TABLE {t} ADD CONSTRAINT "{name}" {d}' for t, name, d, kind in constraints if kind == "u"]
    again += [f'ALTER TABLE {t} ADD CONSTRAINT "{name}" {d}' for t, name, d, kind in constraints if kind == "f"]
    return again


def fresh_database() -> str:
    """Drops and makes again ``BENCH_DB`` next to the database DANGBO_DATABASE_URL names."""
    import psycopg

    source = os.environ.get("DANGBO_DATABASE_URL", "")
    if not source.startswith(("postgres://", "postgresql://")):
        raise SystemExit("national_bench.py runs on PostgreSQL only: set DANGBO_DATABASE_URL=postgres://…")
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    return source


def build(scale: float) -> dict[str, float]:
    """Writes the country at ``scale``; returns the seconds of each phase."""
    from django.db import connection

    from dangbo.core import search
    from dangbo.orgs.models import Person, Role, Unit, unit_label

    phases: dict[str, float] = {}
    began = time.monotonic()
    if Unit.objects.exists():
        raise SystemExit(f"{BENCH_DB} already holds units: build it with --fresh")
    shape = Shape(scale)
    print(f"scale {scale}: {len(shape.units)} units, {len(shape.communes)} communes, {len(shape.cells)} cells, "
          f"{shape.members} members, {shape.tasks} tasks", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("SELECT code, id FROM orgs_unitkind")
        kinds = dict(cursor.fetchall())
        cursor.execute("SELECT abbr, id, name FROM documents_documenttype WHERE kind = 'party' ORDER BY id")
        doc_types = cursor.fetchall()
    fold = shape.fold
    now = ts(TODAY)
    tick = time.monotonic()

    def phase(name: str) -> None:
        nonlocal tick
        phases[name] = time.monotonic() - tick
        print(f"  {name}: {phases[name]:.1f} s", file=sys.stderr)
        tick = time.monotonic()

    with connection.cursor() as django_cursor:
        cur = django_cursor.cursor  # the psycopg cursor under Django's wrapper
        cur.execute("SET maintenance_work_mem = '512MB'")
        again = drop_indexes(cur)
        phase("drop indexes")
        # The label names the parent below the provinces, as Unit.save does (orgs.models.unit_label).
        named = {path: name for _uid, path, _depth, _numchild, name, _code, _kind in shape.units}
        with Copy(cur, "orgs_unit",
                  "id, path, depth, numchild, name, short_name, label, code, valid_from, search_name, kind_id") as c:
            for uid, path, depth, numchild, name, code, kind in shape.units:
                label = unit_label(name, named[path[: -Unit.steplen]] if depth > 2 else "")
                c.row(str(uid), path, str(depth), str(numchild), name, "", label, code, "2025-07-01", fold(name),
                      str(kinds[kind]))
        phase("units")
        # The three users and their people (ORM: a handful of rows).
        pairs = [("nat-commune", shape.communes[0][0], Role.MANAGE), ("nat-province", shape.provinces[0], Role.MANAGE),
                 ("nat-central", shape.root, Role.ADMIN)]
        users = {}
        for username, unit_id, role in pairs:
            user = bench.account(username, Unit.objects.get(pk=unit_id), role)
            users[username] = user.pk
        # People and memberships, cell by cell.
        rng = random.Random(SEED)
        shape.first_person = []
        pid = 1
        with Copy(cur, "orgs_person", "id, full_name, search_name, gender, birth_date, birth_year, ethnicity, hometown, "
                  "party_card_number, joined_on, official_on, status, phone, address") as c:
            for _cell, _commune, members in shape.cells:
                shape.first_person.append(pid)
                for _ in range(members):
                    full, folded, gender = names(rng, fold)
                    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(50 * 365))
                    joined = born + dt.timedelta(days=(18 + rng.randrange(30)) * 365)
                    joined = min(joined, dt.date(2025, 6, 1))
                    official = joined + dt.timedelta(days=365)
                    c.row(str(pid), full, folded, gender, born.isoformat(), str(born.year), "Kinh", "",
                          f"N{pid:09d}", joined.isoformat(),
                          official.isoformat() if official < TODAY else "\\N",
                          "official" if official < TODAY else "probation", "", "")
                    pid += 1
        phase(f"people ({pid - 1})")
        with Copy(cur, "orgs_membership", "id, start, person_id, unit_id") as c:
            for index, (cell, _commune, members) in enumerate(shape.cells):
                first = shape.first_person[index]
                for p in range(first, first + members):
                    c.row(str(p), "2025-07-01", str(p), str(cell))
        phase("memberships")
        # Tasks, then their reports (the same tasks, made again commune by commune).
        reporter = str(users["nat-commune"])
        with Copy(cur, "assignments_task",
                  "id, title, search_title, description, source_kind, assigning_path, unit_path, depth, tree_path, "
                  "start, deadline, priority, status, status_reason, progress, own_progress, cadence, behind_from, "
                  "last_report_at, submitted_on, done_on, version, created_at, updated_at, assigning_unit_id, "
                  "unit_id, parent_id, root_id") as c:
            for ci in range(len(shape.communes)):
                for t in commune_tasks(shape, ci):
                    st = t["status"]
                    active = st in ("assigned", "in_progress")
                    done_on = min(t["deadline"], TODAY) if st == "done" else None
                    title = t["title"]
                    c.row(str(t["id"]), title, fold(title), "", "", shape.path[t["assigning"]], shape.path[t["unit"]],
                          str(t["depth"]), t["tree_path"], t["start"].isoformat(), t["deadline"].isoformat(), "2", st, "",
                          str(t["progress"]), str(t["own"]), "",
                          n(behind_from(t["start"], t["deadline"], t["progress"]) if active else None),
                          ts(report_days(t)[-1]), n(done_on), n(done_on), "1", now, now,
                          str(t["assigning"]), str(t["unit"]),
                          n(t["parent"]["id"] if t["parent"] else None), str(t["root"]))
        phase(f"tasks ({c.rows})")
        with Copy(cur, "assignments_progressreport", "id, percent, text, period, reported_at, reporter_id, task_id, rolled_up") as c:
            rid = 1
            for ci in range(len(shape.communes)):
                for t in commune_tasks(shape, ci):
                    tid, rolled = str(t["id"]), "t" if t["children"] else "f"
                    for i, day in enumerate(report_days(t)):
                        percent = t["progress"] * (i + 1) // REPORTS_PER_TASK
                        c.row(str(rid), str(percent), "Đã triển khai, đang tổng hợp kết quả.", "", ts(day), reporter, tid, rolled)
                        rid += 1
        phase(f"progress reports ({c.rows})")
        with Copy(cur, "meetings_meeting",
                  "id, kind, title, date, month, place, agenda, minutes, conclusions, combined, status, expected_count, "
                  "present_count, excused_count, unexcused_count, grade, closed_at, created_at, unit_id") as c:
            for index in range(len(shape.cells)):
                cell = str(shape.cells[index][0])
                for mid, day, roll in cell_meetings(shape, index):
                    present = sum(1 for _p, s in roll if s == "present")
                    excused = sum(1 for _p, s in roll if s == "excused")
                    c.row(str(mid), "regular", f"Sinh hoạt chi bộ tháng {day.month}/{day.year}", day.isoformat(),
                          day.replace(day=1).isoformat(), "Hội trường", "", "", "", "f", "held", str(len(roll)),
                          str(present), str(excused), str(len(roll) - present - excused), "", ts(day, 11), ts(day, 8), cell)
        phase(f"meetings ({c.rows})")
        with Copy(cur, "meetings_attendance", "id, status, reason, person_id, meeting_id") as c:
            aid = 1
            for index in range(len(shape.cells)):
                for mid, _day, roll in cell_meetings(shape, index):
                    m = str(mid)
                    for person, status in roll:
                        c.row(str(aid), status, "", str(person), m)
                        aid += 1
        phase(f"attendance ({c.rows})")
        # Documents and their search entries.
        import search_bench as sb

        drng = random.Random(SEED + 1)
        sentences = [", ".join(drng.sample(sb.SENTENCE_PARTS, 3)).capitalize() + "." for _ in range(600)]
        fields = list(sb.FIELDS.items())
        docs: list[tuple] = []  # (unit, shared_down)
        for p_index, p in enumerate(shape.provinces):
            docs += [(p, drng.random() < 0.7) for _ in range(shape.province_docs(p_index))]
        for cid, _p, grassroots in shape.communes:
            docs += [(cid, drng.random() < 0.7) for _ in range(DOCS_PER_COMMUNE)]
            docs += [(drng.choice(grassroots), False) for _ in range(DOCS_PER_GRASSROOTS_PER_COMMUNE)]
        entries = []
        with Copy(cur, "documents_document",
                  "id, number, type_abbr, issuer_abbr, symbol, issuer_key, date, year, title, summary, full_text, "
                  "signer, term_code, numbering, status, shared_down, created_at, updated_at, unit_id, type_id") as c:
            for i, (unit, shared) in enumerate(docs, start=1):
                abbr, type_id, type_name = drng.choice(doc_types)
                _field_code, field_name = drng.choice(fields)
                title = f"{type_name} {drng.choice(sb.SUBJECTS)} {field_name}"
                picked = [drng.randrange(len(sentences)) for _ in range(13)]
                body = " ".join(sentences[k] for k in picked)
                day = dt.date(2015, 1, 1) + dt.timedelta(days=drng.randrange(11 * 365))
                number = f"{i:02d}"
                issuer = f"U{unit}"
                symbol = f"{number}-{abbr}/{issuer}"
                c.row(str(i), number, abbr, issuer, symbol, f"u{unit}", day.isoformat(), str(day.year), title, "", body,
                      "", "", f"y:{day.year}", "in_force", "t" if shared else "f", now, now, str(unit), str(type_id))
                entries.append((i, unit, title, symbol, body, day, shared, abbr, picked))
        phase(f"documents ({c.rows})")
        with Copy(cur, "core_searchentry", "id, kind, object_id, unit_id, title, number, body, date, url, facets, "
                  "number_key, number_text, title_text, body_text, shared_down") as c:
            import json

            # search.entry_for's fields; the body's words sentence by sentence (the same words:
            # sentences end with a full stop), which is what makes this minutes rather than hours.
            sentence_words = [" ".join(search.words(x)) for x in sentences]
            for i, unit, title, symbol, body, day, shared, abbr, picked in entries:
                e = search.entry_for(search.SearchDocument(
                    kind="document", object_id=i, unit_id=unit, title=title, number=symbol, body="", date=day,
                    url=f"/van-ban/{i}/", shared_down=shared,
                    facets={"type": abbr, "issuer": "", "issuing_unit": "", "term": "", "field": []}))
                body_text = " ".join(sentence_words[k] for k in picked)
                c.row(str(i), "document", str(i), str(unit), e.title, e.number, body, day.isoformat(), e.url,
                      json.dumps(e.facets, ensure_ascii=False), e.number_key, e.number_text, e.title_text, body_text,
                      "t" if shared else "f")
        del entries
        phase(f"search entries ({c.rows})")
        for table in BIG_TABLES:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608 - our table names
        for statement in again:
            cur.execute(statement)
        phase(f"indexes and constraints ({len(again)})")
    # The users' people, so the pages that show "me" have one.
    for username, uid in users.items():
        Person.objects.create(full_name=f"Cán bộ {username}", gender="m", user_id=uid)
    bench.analyze()
    phase("vacuum analyze")
    phases["total"] = time.monotonic() - began
    check(shape)
    return phases


def check(shape: Shape) -> None:
    """A few invariants of what was written."""
    from django.db.models import Count

    from dangbo.assignments.models import ProgressReport, Task
    from dangbo.meetings.models import Attendance, Meeting
    from dangbo.orgs.models import Membership, Unit

    problems = []
    expect = {
        "units": (Unit.objects.count(), len(shape.units)),
        "memberships": (Membership.objects.count(), shape.members),
        "tasks": (Task.objects.count(), shape.tasks),
        "reports": (ProgressReport.objects.count(), shape.tasks * REPORTS_PER_TASK),
        "meetings": (Meeting.objects.count(), len(shape.cells) * MEETINGS_PER_CELL),
        "attendance": (Attendance.objects.count(), shape.members * MEETINGS_PER_CELL),
    }
    for name, (got, want) in expect.items():
        if got != want:
            problems.append(f"{name}: {got} rows, expected {want}")
    # numchild is the number of children, for a sample of units of each depth.
    for depth in range(1, 6):
        for unit in Unit.objects.filter(depth=depth).order_by("?")[:5]:
            real = Unit.objects.filter(path__startswith=unit.path, depth=depth + 1).count()
            if unit.numchild != real or (Unit.objects.get_parent(unit) is None and depth > 1):
                problems.append(f"unit {unit.pk}: numchild {unit.numchild}, {real} children")
    # A cell-level task: tree_path is the root's, the parent's, then its own id; the unit paths.
    task = Task.objects.filter(depth=3).select_related("parent", "unit", "assigning_unit").order_by("?").first()
    if task is None:
        raise SystemExit("no task at depth 3")
    if task.tree_path != f"/{task.root_id}/{task.parent_id}/{task.pk}/" or task.parent.root_id != task.root_id:
        problems.append(f"task {task.pk}: tree_path {task.tree_path}")
    if task.unit_path != task.unit.path or task.assigning_path != task.assigning_unit.path:
        problems.append(f"task {task.pk}: unit paths")
    if not task.unit.path.startswith(task.assigning_unit.path) or task.assigning_unit_id != task.parent.unit_id:
        problems.append(f"task {task.pk}: assigned from {task.assigning_unit_id}, parent in {task.parent.unit_id}")
    meeting = Meeting.objects.annotate(n=Count("attendances")).order_by("?").first()
    if meeting is None:
        raise SystemExit("no meeting")
    if meeting.n != meeting.expected_count:
        problems.append(f"meeting {meeting.pk}: {meeting.n} attendance rows, expected_count {meeting.expected_count}")
    if problems:
        raise SystemExit("invariants broken:\n  " + "\n  ".join(problems))
    print("invariants: row counts, numchild of 25 units, a task's tree_path and paths, a meeting's roll: ok",
          file=sys.stderr)


# --- Timing ---------------------------------------------------------------------------------------


def who():
    from django.contrib.auth import get_user_model

    from dangbo.orgs.models import Unit

    User = get_user_model()
    commune = Unit.objects.get(code=f"{CODE}-p1-c1")
    province = Unit.objects.get(code=f"{CODE}-p1")
    root = Unit.objects.get(code=f"{CODE}-tw")
    return [("commune secretary", User.objects.get(username="nat-commune"), commune),
            ("province secretary", User.objects.get(username="nat-province"), province),
            ("central clerk", User.objects.get(username="nat-central"), root)]


def pages(unit):
    from dangbo.assignments.models import Task

    big = Task.objects.filter(unit_path__startswith=unit.path, depth=1).order_by("id").first()
    if big is None:
        raise SystemExit(f"no task in {unit}")
    return [
        ("overdue tasks (25)", f"/nhiem-vu/?flag=overdue&unit={unit.pk}"),
        (f"task {big.pk} (30 below)", f"/nhiem-vu/{big.pk}/"),
        ("unit dashboard", f"/nhiem-vu/don-vi/{unit.pk}/"),
        ("member list", f"/to-chuc/don-vi/{unit.pk}/dang-vien/"),
        ("meeting list", f"/sinh-hoat/?unit={unit.pk}"),
    ]


def time_page(user, url: str, runs: int) -> tuple[list[float], int, list[float], int]:
    """Two untimed requests, then ``runs`` timed: ms of each, most SQL queries, ms spent in
    SQL of each (Django's own timing of each query), size of the page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = bench.logged_in_client(user)
    for _ in range(2):
        client.get(url)
    times, sql_ms, most, size = [], [], 0, 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        most = max(most, len(captured.captured_queries))
        sql_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        size = len(response.content)
    return times, most, sql_ms, size


def time_searches(user) -> tuple[list[float], int]:
    """The 50 searches of ``search_bench.py`` as ``user``: once untimed (counting the SQL
    queries), once timed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from search_bench import QUERIES

    from dangbo.core.search import search_for_user

    most = 0
    for q in QUERIES:
        with CaptureQueriesContext(connection) as captured:
            search_for_user(user, q)
        most = max(most, len(captured.captured_queries))
    times = []
    for q in QUERIES:
        began = time.perf_counter()
        search_for_user(user, q).count  # noqa: B018 - the count is part of what a search costs
        times.append((time.perf_counter() - began) * 1000)
    return times, most


def time_scan_parts() -> list[tuple[str, float, object]]:
    """The daily scan's parts, one after the other, as ``scan_deadlines`` runs them (after the
    same reset as ``tasks_bench.time_scan``): which one the time goes to."""
    from django.utils import translation

    from dangbo.assignments import scan, tally
    from dangbo.assignments.models import Task, UnitTally
    from dangbo.core.models import Notification

    Task.objects.filter(reminded_on__isnull=False).update(reminded_on=None)
    UnitTally.objects.exclude(day=None).update(day=None)
    Notification.objects.filter(verb__startswith="task.").delete()
    out = []
    with translation.override("vi"):
        for label, run in [("deadlines (_scan)", lambda: scan._scan(TODAY)),
                           ("report cadence (_scan_reports)", lambda: scan._scan_reports(TODAY)),
                           ("dashboard tallies (tally.warm)", lambda: tally.warm(TODAY))]:
            began = time.perf_counter()
            result = run()
            out.append((label, time.perf_counter() - began, result))
    return out


def sizes() -> tuple[int, list[tuple[str, int]]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        total = cursor.fetchone()[0]
        cursor.execute(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relkind = 'r' "
            "AND relnamespace = 'public'::regnamespace ORDER BY 2 DESC LIMIT 8")
        return total, cursor.fetchall()


def time_backup() -> tuple[float, int]:
    from django.db import connection

    settings = connection.settings_dict
    url = os.environ["DANGBO_DATABASE_URL"]
    with tempfile.TemporaryDirectory(dir=os.environ.get("DANGBO_NATIONAL_TMP")) as tmp:
        archive = Path(tmp) / "national.tar"
        env = dict(os.environ, DANGBO_DATABASE_URL=url, DANGBO_VAR_DIR=tmp)
        began = time.monotonic()
        subprocess.run([sys.executable, str(bench.ROOT / "manage.py"), "backup", str(archive)],  # noqa: S603
                       env=env, check=True, cwd=bench.ROOT, stdout=subprocess.DEVNULL)
        seconds = time.monotonic() - began
        size = sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file())
    del settings
    return seconds, size


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--scale", type=float, default=0.02, help="1.0 is the whole country (default 0.02)")
    parser.add_argument("--runs", type=int, default=20, help="requests per page (default 20)")
    parser.add_argument("--keep", action="store_true", help="time the data already there, do not build")
    parser.add_argument("--no-backup", action="store_true", help="skip timing manage.py backup")
    parser.add_argument("--no-scan", action="store_true", help="skip the daily scan")
    parser.add_argument("--no-search", action="store_true", help="skip the 50 searches")
    parser.add_argument("--scan-parts", action="store_true",
                        help="with --keep: only time the daily scan's parts one by one")
    args = parser.parse_args()
    args.sqlite_path = None
    if not args.keep:
        fresh_database()
    bench.open_database(args, database=BENCH_DB, sqlite_file="unused")
    if bench.vendor() != "postgresql":
        raise SystemExit("national_bench.py runs on PostgreSQL only")
    phases = build(args.scale) if not args.keep else {}
    bench.print_database()
    import time_machine

    if args.scan_parts:
        with time_machine.travel(dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.UTC), tick=True):
            parts = time_scan_parts()
        print(f"\nthe daily scan's parts (load average {os.getloadavg()[0]:.2f}):")
        for label, seconds, result in parts:
            print(f"  {label:<32} {seconds:7.1f} s  {result}")
        return

    results: list[tuple] = []
    searches: list[tuple] = []
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.UTC), tick=True):
        people = who()
        for label, user, unit in people:
            for page, url in pages(unit):
                times, queries, sql_ms, size = time_page(user, url, args.runs)
                results.append((label, page, statistics.median(times), bench.pct(times, 0.95), queries,
                                statistics.median(sql_ms), f"{size / 1024:,.0f}"))
                print(f"  {label}, {page}: median {results[-1][2]:.1f} ms, p95 {results[-1][3]:.1f} ms",
                      file=sys.stderr, flush=True)
        scan = None
        if not args.no_scan:
            import tasks_bench

            scan = tasks_bench.time_scan()
            print(f"scan: {scan[1]}", file=sys.stderr)
        for label, user, _unit in [] if args.no_search else people:
            times, most = time_searches(user)
            searches.append((label, statistics.median(times), bench.pct(times, 0.95), max(times), most))
            print(f"  search as {label}: median {searches[-1][1]:.1f} ms", file=sys.stderr, flush=True)
    total, biggest = sizes()
    backup = None if args.no_backup else time_backup()

    from dangbo.orgs.models import Membership

    scale = "as built before (--keep)" if args.keep else args.scale
    print(f"\nnational shape at scale {scale}: {Membership.objects.count():,} members; "
          f"load average {os.getloadavg()[0]:.2f}")
    if phases:
        print("load: " + ", ".join(f"{k} {v:.0f} s" for k, v in phases.items()))
    bench.print_table([("who", "<19"), ("page", "<24"), ("median ms", ">10"), ("p95 ms", ">9"), ("SQL", ">5"),
                       ("SQL ms", ">7"), ("KiB", ">6")], results)
    if scan:
        print(f"\nscan_deadlines, whole country: {scan[0] / 1000:.1f} s  {scan[1]}")
    bench.print_table([("search as", "<19"), ("median ms", ">10"), ("p95 ms", ">9"), ("max ms", ">9"), ("SQL", ">5")],
                      searches)
    print(f"\ndatabase {total / 2**30:.2f} GiB; biggest tables (with indexes):")
    for name, size in biggest:
        print(f"  {name:<32} {size / 2**20:>9.0f} MiB")
    if backup:
        print(f"manage.py backup: {backup[0]:.0f} s, archive {backup[1] / 2**20:.0f} MiB")
    print("\nIn-process (test client, no HTTP); PostgreSQL from scripts/pg.sh runs with fsync off.")


if __name__ == "__main__":
    main()
