"""How fast are the task pages at province scale? ``.venv/bin/python bench/tasks_bench.py``

Runs against the database kind DANGBO_DATABASE_URL names, but never in that database:

* PostgreSQL: a database ``dangbo_bench_tasks`` on the same server (created if missing);
* SQLite: a file in the temporary directory (``--sqlite-path`` to choose another).

It builds the province workload of ``BENCHMARKS.md`` — the same one the Redmine peer
(``shared/peers/redmine/seed.rb``) seeds: 1 province → 10 districts → 90 wards → 900 cells,
one secretary per unit; 150,000 tasks in 26,251 trees up to 4 levels, start and due dates
2020–2026, 30,388 overdue (3,156 of them in district 1), "today" fixed at 2026-11-25. The
generator is a line-by-line port of ``seed.rb`` driven by a Mersenne Twister seeded exactly
as Ruby's ``Random.new(42)``, so the tasks, their ids and their trees are Redmine's issues
(task 145023 is the district-1 tree with 30 sub-tasks). Then 600,000 progress reports.
Everything is written with bulk inserts.

Then it times, through the real views (test client, the permission policy applied, logged in
as a secretary, never as a superuser):

* the overdue list of district 1 (first 25) as the district secretary;
* the overdue list of the province (first 25) as the province secretary;
* the task with 30 sub-tasks as the district secretary;
* the dashboard of district 1 as the district secretary;
* ``scan_deadlines`` over the whole province (once, after clearing the day's marks and
  notifications, so it does the whole day's work);
* the drafting of a month's reports for every party unit, as the scan does on the day after a
  month ends (``draft_due_reports`` on 01/12/2026, rolled back).

Prints one table: page, median ms, p95 ms, SQL queries per request and target. These are
in-process figures (Django's test client, no HTTP): they tell where the time goes and keep the
targets, but they are never compared with Redmine, which is timed over HTTP — that comparison
is ``http_bench.py``'s, both served for real and interleaved. The data is kept between runs;
``--fresh`` builds it again.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from dataclasses import dataclass, field

import _common as bench

SEED = 42
N = 150_000
REPORTS = 600_000
BENCH_DB = "dangbo_bench_tasks"
TODAY = dt.date(2026, 11, 25)
MIN_DATE = dt.date(2020, 1, 1)
MAX_DATE = dt.date(2026, 12, 31)
BATCH = 5000
CODE = "tbench"

# --- The Redmine peer's generator, ported -------------------------------------------------

_MASK = 0xFFFFFFFF


class RubyRandom:
    """Ruby's ``Random.new(seed)`` (MT19937 seeded with ``init_genrand``): ``rand`` is the
    same 53-bit float as Python's, ``rand(n)`` masks the low bits and retries like Ruby's
    ``limited_rand``."""

    def __init__(self, seed: int) -> None:
        state = [seed & _MASK]
        for i in range(1, 624):
            state.append((1812433253 * (state[-1] ^ (state[-1] >> 30)) + i) & _MASK)
        self._r = random.Random()
        self._r.setstate((3, (*state, 624), None))

    def rand(self) -> float:
        return self._r.random()

    def below(self, n: int) -> int:
        limit = n - 1
        if limit <= 0:
            return 0
        mask = (1 << limit.bit_length()) - 1
        while True:
            value = self._r.getrandbits(32) & mask
            if value <= limit:
                return value

    def rint(self, a: int, b: int) -> int:
        return a + self.below(b - a + 1)

    def pick(self, items):
        return items[self.below(len(items))]

    def pick_w(self, pairs):
        t = self.rand() * sum(w for _v, w in pairs)
        for value, weight in pairs:
            t -= weight
            if t < 0:
                return value
        return pairs[-1][0]

    def rdate(self, a: dt.date, b: dt.date) -> dt.date:
        return a + dt.timedelta(days=self.below((b - a).days + 1))


@dataclass
class Project:
    index: int
    code: str
    level: int
    parent: Project | None
    children: list[Project] = field(default_factory=list)


@dataclass(eq=False)
class Node:
    id: int
    project: Project
    parent: Node | None
    depth: int
    root_id: int
    priority: int = 2
    subject: str = ""
    children: list[Node] = field(default_factory=list)
    status: int = 1
    start: dt.date = MIN_DATE
    due: dt.date = MIN_DATE
    done_ratio: int = 0
    closed_on: dt.date | None = None


NEW, IN_PROGRESS, CLOSED = 1, 2, 5
PRIORITIES = [(2, 60), (3, 25), (1, 10), (4, 5)]  # Redmine's ids are dangbo's priorities
TRACKERS = [(2, 70), (3, 20), (1, 10)]
CAT_W = [("closed", 39), ("overdue", 22), ("future", 39)]
CHILD_P = {1: 0.45, 2: 0.35, 3: 0.25}
CHILD_K = {1: (2, 6), 2: (2, 4), 3: (1, 3)}
TASKS = [
    "Triển khai Nghị quyết số %d-NQ/TU về phát triển kinh tế - xã hội",
    "Tổ chức học tập, quán triệt Chỉ thị số %d-CT/TW",
    "Báo cáo sơ kết 6 tháng thực hiện Kết luận số %d-KL/TU",
    "Kiểm tra, giám sát việc thực hiện nhiệm vụ đảng viên (đợt %d)",
    "Rà soát, phát triển đảng viên mới năm %d",
    "Chuẩn bị văn kiện Đại hội chi bộ nhiệm kỳ %d",
    "Sinh hoạt chuyên đề học tập và làm theo tư tưởng Hồ Chí Minh (kỳ %d)",
    "Đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên (mẫu %d)",
    "Thu, nộp đảng phí và báo cáo tài chính đảng (quý %d)",
    "Giải quyết đơn thư, kiến nghị của cử tri (hồ sơ %d)",
    "Công tác dân vận, xây dựng khu dân cư văn hóa (kế hoạch %d)",
    "Tổng kết công tác xây dựng Đảng (báo cáo %d)",
]
DESCS = [
    "Thực hiện theo kế hoạch của cấp ủy cấp trên; báo cáo kết quả đúng hạn.",
    "Phân công đồng chí phụ trách, phối hợp với các ban, ngành, đoàn thể liên quan.",
    "Tổng hợp số liệu, đánh giá ưu điểm, hạn chế và đề xuất giải pháp khắc phục.",
    "Đảm bảo đúng quy định của Điều lệ Đảng và hướng dẫn của Ban Tổ chức Trung ương.",
]
DISTRICTS = [
    "thành phố Trung Tâm", "huyện An Phú", "huyện Bình Minh", "huyện Cẩm Giàng", "huyện Đông Hưng",
    "thị xã Hòa Bình", "huyện Kim Sơn", "huyện Long Điền", "huyện Mỹ Lộc", "huyện Tân Yên",
]
WARD_NAMES = ["Bình An", "Hòa Lợi", "Phú Mỹ", "Tân Định", "Thạnh Xuân", "Quang Trung", "Hưng Long",
              "Vĩnh Phúc", "Đức Thắng"]


def projects_tree() -> list[Project]:
    """The 1,001 units in the order ``seed.rb`` creates its projects."""
    projects: list[Project] = []

    def make(code: str, level: int, parent: Project | None) -> Project:
        p = Project(len(projects), code, level, parent)
        if parent:
            parent.children.append(p)
        projects.append(p)
        return p

    root = make("dbt", 0, None)
    for d in range(10):
        dp = make(f"d{d + 1:02d}", 1, root)
        for w in range(9):
            wp = make(f"d{d + 1:02d}-p{w + 1}", 2, dp)
            for c in range(10):
                make(f"d{d + 1:02d}-p{w + 1}-cb{c + 1:02d}", 3, wp)
    return projects


def generate(projects: list[Project], n: int = N, seed: int = SEED) -> tuple[list[Node], int]:
    """``seed.rb``'s issues: the same draws in the same order. Returns (nodes, trees)."""
    rng = RubyRandom(seed)
    for _p in projects:  # seed.rb first draws each secretary's first and last name
        rng.below(36), rng.below(16)
    by_level: dict[int, list[Project]] = {}
    for p in projects:
        by_level.setdefault(p.level, []).append(p)
    issues: list[Node] = []

    def window(cat: str) -> tuple[dt.date, dt.date]:
        length = rng.rint(30, 240)
        if cat == "closed":
            w1 = rng.rdate(MIN_DATE + dt.timedelta(60), TODAY - dt.timedelta(1))
        elif cat == "overdue":
            if rng.rand() < 0.5:
                w1 = rng.rdate(max(TODAY - dt.timedelta(365), MIN_DATE + dt.timedelta(60)), TODAY - dt.timedelta(1))
            else:
                w1 = rng.rdate(MIN_DATE + dt.timedelta(60), TODAY - dt.timedelta(1))
        else:
            w1 = rng.rdate(TODAY + dt.timedelta(1), max(TODAY + dt.timedelta(1), MAX_DATE))
        return max(w1 - dt.timedelta(length), MIN_DATE), w1

    def leaf(node: Node, cat: str, w0: dt.date, w1: dt.date) -> None:
        day = dt.timedelta(1)
        if cat == "future" and rng.rand() < 0.75:
            due = rng.rdate(TODAY + day, max(TODAY + day, MAX_DATE))
        elif cat == "future":
            due = rng.rdate(min(w0 + 7 * day, TODAY - day), TODAY - day)
        else:
            due = rng.rdate(min(w0 + 7 * day, w1), w1)
        node.due = due
        node.start = max(due - dt.timedelta(rng.rint(7, 120)), min(w0, due - 7 * day), MIN_DATE)
        if cat == "closed":
            closed = True
        elif cat == "overdue":
            closed = not rng.rand() < 0.75
        elif due < TODAY:
            closed = not rng.rand() < 0.35
        else:
            closed = not rng.rand() < 0.9
        if closed:
            node.status, node.done_ratio = CLOSED, 100
            c = due + dt.timedelta(rng.rint(-20, 10))
            if c >= TODAY:
                c = TODAY - day
            rng.rint(7, 17), rng.rint(0, 59), rng.rint(0, 59)  # the time of day
            node.closed_on = c
        else:
            if due < TODAY:
                node.done_ratio = rng.pick([0, 0, 10, 20, 30, 40, 50, 60, 70, 80, 90])
            else:
                node.done_ratio = rng.pick([0, 0, 0, 10, 20, 30, 40, 50, 60, 70, 80])
            node.status = NEW if node.done_ratio == 0 else IN_PROGRESS
            node.closed_on = None

    def child_project(p: Project) -> Project:
        return rng.pick(p.children) if p.children and rng.rand() < 0.7 else p

    def build(project: Project, parent: Node | None, depth: int) -> Node | None:
        if len(issues) >= n:
            return None
        node_id = len(issues) + 1
        node = Node(node_id, project, parent, depth, parent.root_id if parent else node_id)
        rng.pick_w(TRACKERS)
        node.priority = rng.pick_w(PRIORITIES)
        template = rng.pick(TASKS)
        node.subject = template % rng.rint(1, 99)
        issues.append(node)
        if depth < 4 and rng.rand() < CHILD_P[depth]:
            for _ in range(rng.rint(*CHILD_K[depth])):
                child = build(child_project(project), node, depth + 1)
                if child:
                    node.children.append(child)
        return node

    def finish(node: Node, cat: str, w0: dt.date, w1: dt.date) -> None:
        if not node.children:
            leaf(node, cat, w0, w1)
            return
        for child in node.children:
            finish(child, cat, w0, w1)
        node.start = min(c.start for c in node.children)
        node.due = max(c.due for c in node.children)
        node.done_ratio = int(sum(c.done_ratio for c in node.children) / len(node.children) + 0.5)
        if all(c.status == CLOSED for c in node.children):
            node.status, node.done_ratio = CLOSED, 100
            node.closed_on = max(c.closed_on for c in node.children)  # type: ignore[type-var]
        else:
            node.status = NEW if node.done_ratio == 0 else IN_PROGRESS

    trees = 0
    while len(issues) < n:
        level = rng.pick_w([(0, 2), (1, 13), (2, 35), (3, 50)])
        project = rng.pick(by_level[level])
        cat = rng.pick_w(CAT_W)
        w0, w1 = window(cat)
        trees += 1
        root = build(project, None, 1)
        if root is not None:
            finish(root, cat, w0, w1)
    return issues, trees


# --- The database ----------------------------------------------------------------------------


def build(*, fresh: bool) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from dangbo.assignments.models import ProgressReport, Task
    from dangbo.core.models import Notification
    from dangbo.core.text import fold
    from dangbo.orgs.models import Grant, Person, Position, Role, Unit, UnitKind

    existing = Unit.objects.filter(code=f"{CODE}-dbt").first()
    if existing is not None and not fresh and Task.objects.filter(pk=N).exists():
        return
    began = time.monotonic()
    User = get_user_model()
    with transaction.atomic():
        if existing is not None or Task.objects.exists():
            # The bench's own database: whatever tasks are there are the bench's.
            Notification.objects.all().delete()
            ProgressReport.objects.all().delete()
            Task.objects.update(parent=None, root=None)
            Task.objects.all().delete()
            Grant.objects.filter(unit__code__startswith=f"{CODE}-").delete()
            Position.objects.filter(unit__code__startswith=f"{CODE}-").delete()
            Person.objects.filter(party_card_number__startswith="TB").delete()
            User.objects.filter(username__startswith=f"{CODE}-").delete()
            Unit.objects.filter(code__startswith=f"{CODE}-").delete()
        projects = projects_tree()
        kinds = {k.code: k for k in UnitKind.objects.all()}
        kind_of = {0: "dang-bo-tinh", 1: "dang-bo-huyen", 2: "dang-bo-xa", 3: "chi-bo"}
        root_step = Unit.objects.filter(depth=1).count() + 1
        paths: dict[int, str] = {}
        units = []
        for p in projects:
            if p.parent is None:
                path = bench.unit_step(root_step)
            else:
                path = paths[p.parent.index] + bench.unit_step(p.parent.children.index(p) + 1)
            paths[p.index] = path
            name = _unit_name(p)
            units.append(Unit(
                path=path, depth=len(path) // Unit.steplen, numchild=len(p.children), name=name,
                search_name=fold(name), kind=kinds[kind_of[p.level]], code=f"{CODE}-{p.code}",
                valid_from=dt.date(2015, 1, 1),
            ))
        Unit.objects.bulk_create(units, batch_size=BATCH)
        unit_of = {u.code: u for u in Unit.objects.filter(code__startswith=f"{CODE}-")}
        unit_ids = [unit_of[f"{CODE}-{p.code}"].pk for p in projects]
        # One secretary per unit: an account, a person, a position (the head) and a grant.
        User.objects.bulk_create(
            [User(username=f"{CODE}-{p.code}", is_active=True) for p in projects], batch_size=BATCH
        )
        users = {u.username: u.pk for u in User.objects.filter(username__startswith=f"{CODE}-")}
        user_ids = [users[f"{CODE}-{p.code}"] for p in projects]
        Person.objects.bulk_create([
            Person(full_name=f"Bí thư {p.code}", search_name=f"bi thu {p.code}", gender="m",
                   party_card_number=f"TB{i:06d}", user_id=user_ids[i])
            for i, p in enumerate(projects)
        ], batch_size=BATCH)
        person_ids = dict(Person.objects.filter(party_card_number__startswith="TB").values_list(
            "party_card_number", "pk"))
        Position.objects.bulk_create([
            Position(person_id=person_ids[f"TB{i:06d}"], unit_id=unit_ids[i], title="Bí thư",
                     start=dt.date(2020, 1, 1), role=Role.MANAGE, sort_order=1)
            for i in range(len(projects))
        ], batch_size=BATCH)
        Grant.objects.bulk_create([
            Grant(user_id=user_ids[i], unit_id=unit_ids[i], role=Role.MANAGE, start=dt.date(2020, 1, 1))
            for i in range(len(projects))
        ], batch_size=BATCH)

        nodes, trees = generate(projects)
        now = timezone.now()
        tree_path: dict[int, str] = {}
        rows = []
        for node in nodes:
            p = node.project
            tree_path[node.id] = (tree_path[node.parent.id] if node.parent else "/") + f"{node.id}/"
            assigning = node.parent.project if node.parent else (p.parent or p)
            status = (Task.Status.DONE if node.status == CLOSED else
                      Task.Status.ASSIGNED if node.status == NEW else Task.Status.IN_PROGRESS)
            task = Task(
                id=node.id, title=node.subject, description=DESCS[node.id % len(DESCS)],
                unit_id=unit_ids[p.index], unit_path=paths[p.index],
                assigning_unit_id=unit_ids[assigning.index], assigning_path=paths[assigning.index],
                parent_id=node.parent.id if node.parent else None, root_id=node.root_id,
                depth=node.depth, tree_path=tree_path[node.id], start=node.start, deadline=node.due,
                priority=node.priority, status=status, progress=node.done_ratio,
                own_progress=node.done_ratio if not node.children else 0,
                done_on=node.closed_on, submitted_on=node.closed_on,
                created_by_id=user_ids[assigning.index], created_at=now, updated_at=now,
            )
            if task.is_active:
                task.behind_from = task.compute_behind_from()
            rows.append(task)
        for start in range(0, len(rows), BATCH):
            # Parents come before their children, so every batch's foreign keys exist.
            Task.objects.bulk_create(rows[start : start + BATCH])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT setval(pg_get_serial_sequence('assignments_task', 'id'), %s)", [len(rows)])
        # 600,000 progress reports (a separate generator: the tasks stay Redmine's).
        rng = random.Random(SEED)
        reports = []
        for _i in range(REPORTS):
            node = nodes[rng.randrange(len(nodes))]
            end = min(node.due, TODAY - dt.timedelta(1))
            day = node.start + dt.timedelta(rng.randint(0, max((end - node.start).days, 0)))
            reports.append(ProgressReport(
                task_id=node.id, reporter_id=user_ids[node.project.index],
                percent=rng.randint(0, node.done_ratio), text="Đã triển khai, đang tổng hợp kết quả.",
                reported_at=dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC),
            ))
            if len(reports) == 50_000:
                ProgressReport.objects.bulk_create(reports, batch_size=BATCH)
                reports = []
        ProgressReport.objects.bulk_create(reports, batch_size=BATCH)
    bench.analyze()
    print(f"built {len(units)} units, {len(rows)} tasks in {trees} trees, {REPORTS} reports "
          f"in {time.monotonic() - began:.0f} s", file=sys.stderr)


def _unit_name(p: Project) -> str:
    if p.level == 0:
        return "Đảng bộ tỉnh Bench"
    d = int(p.code[1:3]) - 1
    if p.level == 1:
        return f"Đảng bộ {DISTRICTS[d]}"
    w = int(p.code.split("-p")[1].split("-")[0]) - 1
    kind = "phường" if d in (0, 5) else "xã"
    if p.level == 2:
        return f"Đảng bộ {kind} {WARD_NAMES[w]} ({DISTRICTS[d]})"
    c = int(p.code.rsplit("cb", 1)[1])
    place = f"khu phố {c}" if kind == "phường" else f"ấp {c}"
    return f"Chi bộ {place} - {kind} {WARD_NAMES[w]} ({DISTRICTS[d]})"


# --- Timing --------------------------------------------------------------------------------------

# page → (target ms, target queries, Redmine summary.tsv row)
PAGES = {
    "overdue list, district (25)": (35, 12, "a_district_overdue_html"),
    "overdue list, province (25)": (45, 12, "b_root_overdue_html"),
    "task with 30 sub-tasks": (50, 12, "c_issue_with_subtasks_html"),
    "district dashboard": (40, 15, "d_district_overview_html"),
}


def pages_to_time():
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from dangbo.assignments.models import Task
    from dangbo.orgs.models import Unit

    User = get_user_model()
    district = Unit.objects.get(code=f"{CODE}-d01")
    province = Unit.objects.get(code=f"{CODE}-dbt")
    d_user = User.objects.get(username=f"{CODE}-d01")
    p_user = User.objects.get(username=f"{CODE}-dbt")
    # Redmine's issue #145023: the district-1 tree root with the most descendants.
    big = (Task.objects.filter(unit=district, depth=1).annotate(n=Count("tree_members"))
           .order_by("-n", "id").first())
    if big is None:
        raise SystemExit("no task tree in district 1: build the data again with --fresh")
    return [
        ("overdue list, district (25)", d_user, f"/nhiem-vu/?flag=overdue&unit={district.pk}"),
        ("overdue list, province (25)", p_user, f"/nhiem-vu/?flag=overdue&unit={province.pk}"),
        ("task with 30 sub-tasks", d_user, f"/nhiem-vu/{big.pk}/"),
        ("district dashboard", d_user, f"/nhiem-vu/don-vi/{district.pk}/"),
    ], big


def time_first_dashboard(user, url: str, runs: int = 5) -> list[float]:
    """The dashboard as the first reader of a day finds it: every unit's tally stale, so the
    page counts the district's tasks itself (the daily scan normally does this first)."""
    from dangbo.assignments.models import UnitTally

    times = []
    for _ in range(runs):
        UnitTally.objects.update(day=None)
        times += bench.time_urls(user, [url], 1, warmup=0).times
    return times


def time_scan() -> tuple[float, dict]:
    from dangbo.assignments.models import Task, UnitTally
    from dangbo.assignments.scan import scan_deadlines
    from dangbo.core.models import Notification

    # Only the rows a scan marked are set back (at national scale a blanket UPDATE of 10 M
    # task rows would take longer than the scan it prepares).
    Task.objects.filter(reminded_on__isnull=False).update(reminded_on=None)
    UnitTally.objects.exclude(day=None).update(day=None)  # the scan also counts the day's tallies
    Notification.objects.filter(verb__startswith="task.").delete()
    began = time.perf_counter()
    summary = scan_deadlines(today=TODAY)
    return (time.perf_counter() - began) * 1000, summary


#: The day after a month ends: the scan drafts the month's report of every party unit.
MONTH_START = dt.date(2026, 12, 1)


def time_drafts() -> tuple[float, int, int]:
    """``draft_due_reports`` on ``MONTH_START`` (the province's 1,001 party units), rolled back
    so the data stays as it was: (ms, reports drafted, SQL queries)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from dangbo.reports.scan import draft_due_reports

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        drafted = draft_due_reports(MONTH_START)
        ms = (time.perf_counter() - began) * 1000
        transaction.set_rollback(True)
    return ms, drafted, len(queries.captured_queries)


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--runs", type=int, default=30, help="requests per page (default 30)")
    parser.add_argument("--no-scan", action="store_true", help="skip the deadline scan")
    parser.add_argument("--check", action="store_true",
                        help="only print the generated workload's counts (no database)")
    args = parser.parse_args()

    if args.check:
        nodes, trees = generate(projects_tree())
        depths = [sum(1 for x in nodes if x.depth == d) for d in (1, 2, 3, 4)]
        overdue = [x for x in nodes if x.status != CLOSED and x.due < TODAY]
        d01 = sum(1 for x in overdue if x.project.code.startswith("d01"))
        print(f"tasks {len(nodes)}, trees {trees}, by depth {depths}, overdue {len(overdue)} "
              f"(district 1: {d01})")
        return

    bench.open_database(args, database=BENCH_DB, sqlite_file="dangbo_tasks_bench.sqlite3")
    import time_machine

    build(fresh=args.fresh)
    bench.print_database()
    results: list[tuple] = []
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.UTC), tick=True):
        pages, big = pages_to_time()
        for label, user, url in pages:
            timing = bench.time_urls(user, [url], args.runs, warmup=3)
            times = timing.times
            if label.startswith("task with"):
                label = f"task with {big.children.count()} children, {big.tree_members.count() - 1} below"
                target = PAGES["task with 30 sub-tasks"]
            else:
                target = PAGES[label]
            results.append((label, statistics.median(times), bench.pct(times, 0.95), timing.last_queries, target))
            if label == "district dashboard":
                cold = time_first_dashboard(user, url)
                results.append(("district dashboard, first of the day", statistics.median(cold),
                                max(cold), None, (None, None, "")))
        if not args.no_scan:
            ms, summary = time_scan()
            print(f"scan: {summary}", file=sys.stderr)
            results.append(("scan_deadlines, province", ms, ms, None, (10_000, None, "")))  # issue 16
    if not args.no_scan:
        with time_machine.travel(dt.datetime.combine(MONTH_START, dt.time(9), tzinfo=dt.UTC), tick=True):
            ms, drafted, queries = time_drafts()
        results.append((f"month's reports drafted ({drafted:,})", ms, ms, queries, (5_000, None, "")))
    columns = [("backend", "<11"), ("page", "<38"), ("median ms", ">10"), ("p95 ms", ">9"), ("SQL", ">5"),
               ("target", ">14")]
    rows = []
    for label, median, p95, queries, (t_ms, t_q, _key) in results:
        target_text = "—" if t_ms is None else f"≤{t_ms} ms" + (f", ≤{t_q} q" if t_q else "")
        row: list[object] = [bench.vendor(), label, median, p95, queries, target_text]
        rows.append(row)
    bench.print_table(columns, rows)
    print("\nIn-process (test client, no HTTP): compare with Redmine only through http_bench.py.")


if __name__ == "__main__":
    main()
