"""A soak: mixed traffic against the production server. ``.venv/bin/python bench/soak_bench.py``

PostgreSQL only. Runs in a database of its own, ``dangbo_bench_soak``, on the server
DANGBO_DATABASE_URL names, holding the demo data (``manage.py load_demo``; made when missing
or with ``--fresh``; kept between runs, since every check below counts from the run's start).
Serves it as production does (gunicorn with ``deploy/gunicorn.conf.py``: gthread, its workers
and threads, ``max_requests``, production settings, the real clock), as ``http_bench.py``
``start_dangbo`` does, on loopback.

``--users`` virtual users (threads, default 50), each with its own session, logged in through
the real form as one of the demo secretaries (bithu.phuong1, bithu.dongluong, bithu.chibo,
vanphong, in turn), loop for ``--minutes`` (default 10): think ``--think`` seconds (mean, default
1), then one of: the task list (overdue, due soon, all), a task page, the meeting list, the
member list of their unit, a progress report on an active task of theirs (POST, 10 %), a
roll-call answer of a member of a meeting of theirs (POST, htmx, 10 %). Each user writes to
tasks and members of its own (the write targets are shared out between the users), so the
last answer it got acknowledged is the one the database must hold.

At the end it checks: no 5xx (and prints every status seen); no lost write: every progress
report the clients got a 302 for is in ``assignments_progressreport`` (found by its text, unique
per request) and no report is there that the clients were not told about, and every roll-call
answer acknowledged ("saved") is the member's status in ``meetings_attendance``; the resident
memory (RSS) of each gunicorn worker, sampled every ``--sample`` seconds (a worker is replaced
after ``max_requests``: each process is a row). Prints one table of requests and one of memory;
exits non-zero if a check fails.
"""

from __future__ import annotations

import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import _common as bench

BENCH_DB = "dangbo_bench_soak"
ACCOUNTS = ["bithu.phuong1", "bithu.dongluong", "bithu.chibo", "vanphong"]
PASSWORD = "dangbo-demo"  # noqa: S105 - the demo accounts' published password
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def database(fresh: bool) -> str:
    """The soak's database URL, with the demo data in it."""
    import psycopg

    source = os.environ.get("DANGBO_DATABASE_URL", "")
    if not source.startswith(("postgres://", "postgresql://")):
        raise SystemExit("soak_bench.py runs on PostgreSQL only: set DANGBO_DATABASE_URL=postgres://…")
    with psycopg.connect(source, autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    url = bench.bench_database_url(source, database=BENCH_DB, sqlite_file="", sqlite_path=None)
    with psycopg.connect(url) as conn:
        ready = conn.execute("SELECT to_regclass('auth_user') IS NOT NULL").fetchone()[0]
        demo = ready and conn.execute("SELECT count(*) FROM auth_user WHERE username = 'vanphong'").fetchone()[0]
    if not demo:
        env = dict(os.environ, DANGBO_DATABASE_URL=url)
        for command in (["migrate", "-v0"], ["load_demo"]):
            print(f"manage.py {' '.join(command)}…", file=sys.stderr)
            subprocess.run([sys.executable, str(bench.ROOT / "manage.py"), *command],  # noqa: S603
                           env=env, check=True, cwd=bench.ROOT, stdout=subprocess.DEVNULL)
    return url


def targets(url: str, users: int) -> dict[int, dict]:
    """What each virtual user reads and writes: its account, its unit, the tasks it may report
    on and the (meeting, person) roll-call rows it may answer — write targets shared out so
    that no two users write the same row."""
    os.environ["DANGBO_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.utils import timezone

    from dangbo.assignments.models import Task
    from dangbo.core import policy
    from dangbo.meetings.models import Attendance, Meeting
    from dangbo.orgs.models import Grant

    today = timezone.localdate()
    User = get_user_model()
    plan: dict[str, dict] = {}
    for username in ACCOUNTS:
        user = User.objects.get(username=username)
        grant = Grant.objects.filter(user=user).current().select_related("unit").order_by("unit__depth").first()
        if grant is None:
            raise SystemExit(f"{username} has no grant in the demo data")
        unit = grant.unit
        tasks = [t for t in Task.objects.filter(unit_path__startswith=unit.path, status__in=Task.ACTIVE)
                 .annotate(n=Count("children")).filter(n=0).order_by("id")[:400]
                 if policy.may(user, "contribute", t)]
        meetings = [m for m in Meeting.objects.filter(unit__path__startswith=unit.path, date__lte=today,
                                                      closed_at__isnull=True).order_by("-date", "id")[:30]
                    if policy.may(user, "change", m)]
        rows = list(Attendance.objects.filter(meeting__in=meetings).order_by("meeting_id", "person_id")
                    .values_list("meeting_id", "person_id"))
        plan[username] = {"unit": unit.pk, "tasks": [t.pk for t in tasks], "rows": rows, "read_tasks": [t.pk for t in tasks[:50]]}
        print(f"{username}: unit {unit.pk}, {len(tasks)} tasks to report on, {len(meetings)} meetings, "
              f"{len(rows)} roll-call rows", file=sys.stderr)
    out = {}
    for i in range(users):
        username = ACCOUNTS[i % len(ACCOUNTS)]
        p = plan[username]
        peers = [j for j in range(users) if ACCOUNTS[j % len(ACCOUNTS)] == username]
        k, of = peers.index(i), len(peers)
        out[i] = {"username": username, "unit": p["unit"], "read_tasks": p["read_tasks"] or p["tasks"],
                  "tasks": p["tasks"][k::of], "rows": p["rows"][k::of]}
    return out


def start_server(url: str, var: Path, max_requests: int | None = None) -> tuple[subprocess.Popen, str]:
    """gunicorn with deploy/gunicorn.conf.py on a free loopback port (as http_bench.start_dangbo,
    with the real clock)."""
    import requests
    from http_bench import free_port

    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGBO_")}
    port = free_port()
    env.update(
        DJANGO_SETTINGS_MODULE="dangbo.settings", DANGBO_ENV="production",
        DANGBO_SECRET_KEY=secrets.token_urlsafe(60), DANGBO_ALLOWED_HOSTS="127.0.0.1",
        DANGBO_SSL_REDIRECT="0", DANGBO_DATABASE_URL=url,
        DANGBO_VAR_DIR=str(var), DANGBO_BIND=f"127.0.0.1:{port}", DANGBO_LOG_LEVEL="warning",
    )
    python = Path(sys.executable)
    subprocess.run([str(python), str(bench.ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],  # noqa: S603
                   env=env, check=True, cwd=bench.ROOT)
    log = (var / "gunicorn.log").open("w")
    proc = subprocess.Popen(  # noqa: S603
        [str(python.parent / "gunicorn"), "-c", str(bench.ROOT / "deploy" / "gunicorn.conf.py"), "--access-logfile", "/dev/null",
         *([] if max_requests is None else ["--max-requests", str(max_requests)])],
        env=env, cwd=bench.ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if requests.get(f"{base}/dang-nhap/", timeout=5).status_code == 200:
                return proc, base
        except requests.RequestException:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise SystemExit(f"gunicorn did not come up; see {var / 'gunicorn.log'}")


class Tally:
    """What the clients saw, shared by the threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.codes: dict[str, Counter] = defaultdict(Counter)
        self.reports_acked: set[str] = set()
        self.reports_sent = 0
        self.roll_acked: dict[tuple[int, int], str] = {}
        self.roll_sent = 0
        self.errors: list[str] = []

    def record(self, action: str, code: int, ms: float) -> None:
        with self.lock:
            self.times[action].append(ms)
            self.codes[action][code] += 1


def virtual_user(i: int, plan: dict, base: str, run: str, until: float, think: float, tally: Tally,
                 close: bool = False) -> None:
    import requests

    rng = random.Random(i)
    s = requests.Session()
    s.headers["Accept-Language"] = "vi"
    if close:  # a new connection per request, as nginx opens them to gunicorn (deploy/nginx-dangbo.conf)
        s.headers["Connection"] = "close"
    page = s.get(f"{base}/dang-nhap/", timeout=60).text
    r = s.post(f"{base}/dang-nhap/", data={"csrfmiddlewaretoken": TOKEN.search(page).group(1),
               "username": plan["username"], "password": PASSWORD},
               headers={"Referer": f"{base}/dang-nhap/"}, allow_redirects=False, timeout=60)
    if r.status_code != 302:
        with tally.lock:
            tally.errors.append(f"user {i}: login HTTP {r.status_code}")
        return
    token = TOKEN.search(s.get(f"{base}/", timeout=60).text).group(1)
    unit = plan["unit"]
    reads = [
        ("task list", 25, lambda: f"/nhiem-vu/?flag={rng.choice(['overdue', 'due_soon', ''])}&unit={unit}"),
        ("task page", 25, lambda: f"/nhiem-vu/{rng.choice(plan['read_tasks'])}/"),
        ("meeting list", 15, lambda: f"/sinh-hoat/?unit={unit}"),
        ("member list", 10, lambda: f"/to-chuc/don-vi/{unit}/dang-vien/"),
        ("home", 5, lambda: "/"),
    ]
    actions = [(name, w) for name, w, _u in reads] + [("report progress", 10), ("roll-call", 10)]
    urls = {name: u for name, _w, u in reads}
    seq = 0
    while time.monotonic() < until:
        time.sleep(rng.expovariate(1 / think) if think > 0 else 0)
        action = rng.choices([a for a, _w in actions], weights=[w for _a, w in actions])[0]
        if (action == "report progress" and not plan["tasks"]) or (action == "roll-call" and not plan["rows"]):
            action = "task page"
        seq += 1
        began = time.perf_counter()
        try:
            if action == "report progress":
                task = rng.choice(plan["tasks"])
                text = f"soak {run} u{i} n{seq}"
                with tally.lock:
                    tally.reports_sent += 1
                r = s.post(f"{base}/nhiem-vu/{task}/bao-cao/", data={"csrfmiddlewaretoken": token,
                           "percent": rng.randrange(0, 101, 5), "text": text},
                           headers={"Referer": f"{base}/nhiem-vu/{task}/"}, allow_redirects=False, timeout=120)
                if r.status_code == 302:
                    with tally.lock:
                        tally.reports_acked.add(text)
            elif action == "roll-call":
                meeting, person = rng.choice(plan["rows"])
                status = rng.choice(["present", "unexcused"])
                with tally.lock:
                    tally.roll_sent += 1
                r = s.post(f"{base}/sinh-hoat/{meeting}/diem-danh/{person}/",
                           data={f"status-{person}": status, f"reason-{person}": ""},
                           headers={"X-CSRFToken": token, "HX-Request": "true",
                                    "Referer": f"{base}/sinh-hoat/{meeting}/diem-danh/"}, timeout=120)
                if r.status_code == 200 and 'class="saved"' in r.text:
                    with tally.lock:
                        tally.roll_acked[meeting, person] = status
            else:
                r = s.get(base + urls[action](), timeout=120)
            tally.record(action, r.status_code, (time.perf_counter() - began) * 1000)
        except requests.RequestException as error:
            tally.record(action, 0, (time.perf_counter() - began) * 1000)
            with tally.lock:
                tally.errors.append(f"user {i} {action}: {error}")


def workers(master: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def check_writes(run: str, tally: Tally) -> list[str]:
    """The acknowledged writes against the rows; returns the problems."""
    from dangbo.assignments.models import ProgressReport
    from dangbo.meetings.models import Attendance

    problems = []
    stored = set(ProgressReport.objects.filter(text__startswith=f"soak {run} ").values_list("text", flat=True))
    lost = tally.reports_acked - stored
    unacked = stored - tally.reports_acked
    if lost:
        problems.append(f"{len(lost)} acknowledged progress reports are not in the database")
    if unacked:
        problems.append(f"{len(unacked)} progress reports in the database were not acknowledged (timeouts?)")
    wrong = 0
    for (meeting, person), status in tally.roll_acked.items():
        got = Attendance.objects.filter(meeting_id=meeting, person_id=person).values_list("status", flat=True).first()
        wrong += got != status
    if wrong:
        problems.append(f"{wrong} acknowledged roll-call answers are not what the database holds")
    return problems


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--users", type=int, default=50, help="virtual users (default 50)")
    parser.add_argument("--minutes", type=float, default=10, help="how long (default 10)")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between a user's requests (default 1)")
    parser.add_argument("--max-requests", type=int, default=None,
                        help="override deploy/gunicorn.conf.py's max_requests (0: never replace a worker)")
    parser.add_argument("--close", action="store_true",
                        help="a new connection per request (no keep-alive), as behind nginx")
    parser.add_argument("--sample", type=float, default=10, help="seconds between memory samples (default 10)")
    args = parser.parse_args()
    url = database(args.fresh)
    plan = targets(url, args.users)
    run = uuid.uuid4().hex[:8]
    tally = Tally()
    samples: dict[int, list[tuple[float, float]]] = defaultdict(list)
    load = []
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = start_server(url, Path(tmp), args.max_requests)
        try:
            began = time.monotonic()
            until = began + args.minutes * 60
            threads = [threading.Thread(target=virtual_user, args=(i, plan[i], base, run, until, args.think, tally, args.close),
                                        daemon=True) for i in range(args.users)]
            for t in threads:
                t.start()
            while any(t.is_alive() for t in threads):
                for pid in workers(proc.pid):
                    mib = rss_mib(pid)
                    if mib is not None:
                        samples[pid].append((time.monotonic() - began, mib))
                load.append(os.getloadavg()[0])
                time.sleep(args.sample)
            elapsed = time.monotonic() - began
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)
        log = (Path(tmp) / "gunicorn.log").read_text()
    tracebacks = log.count("Traceback")
    problems = check_writes(run, tally)
    fives = sum(n for codes in tally.codes.values() for code, n in codes.items() if code >= 500 or code == 0)
    if fives:
        problems.append(f"{fives} responses were 5xx or no response")
    if tally.errors:
        problems.append(f"{len(tally.errors)} client errors, first: {tally.errors[0]}")
    if tracebacks:
        problems.append(f"{tracebacks} tracebacks in the server log")

    total = sum(len(v) for v in tally.times.values())
    recycling = "deploy/gunicorn.conf.py's" if args.max_requests is None else args.max_requests
    print(f"\nsoak: {args.users} users, {elapsed / 60:.1f} min, think {args.think} s, max_requests {recycling}, "
          f"{'new connection per request, ' if args.close else ''}{total} requests "
          f"({total / elapsed:.1f}/s); load average during the run: median {statistics.median(load):.2f}, "
          f"max {max(load):.2f}")
    rows = []
    for action in sorted(tally.times):
        times = tally.times[action]
        codes = " ".join(f"{c}×{n}" for c, n in sorted(tally.codes[action].items()))
        rows.append((action, len(times), statistics.median(times), bench.pct(times, 0.95), max(times), codes))
    bench.print_table([("action", "<16"), ("requests", ">9"), ("median ms", ">10"), ("p95 ms", ">9"), ("max ms", ">9"),
                       ("status codes", "<30")], rows)
    print(f"\nwrites: progress reports sent {tally.reports_sent}, acknowledged {len(tally.reports_acked)}; "
          f"roll-call answers sent {tally.roll_sent}, acknowledged (distinct rows) {len(tally.roll_acked)}")
    mem = []
    for pid, series in sorted(samples.items(), key=lambda kv: kv[1][0][0]):
        values = [m for _t, m in series]
        settled = [m for t, m in series if t >= series[0][0] + 60] or values
        mem.append((pid, f"{series[0][0]:.0f}–{series[-1][0]:.0f} s", len(values), values[0], settled[0], values[-1],
                    max(values)))
    bench.print_table([("worker pid", ">10"), ("alive (sampled)", "<16"), ("samples", ">8"), ("first MiB", ">10"),
                       ("after 1 min", ">12"), ("last MiB", ">9"), ("max MiB", ">8")], mem)
    growth = [(r[5] - r[4]) / r[4] for r in mem if r[2] >= 12]
    if growth:
        print(f"\nRSS growth from a worker's first minute to its last sample: at most {max(growth) * 100:.1f} % "
              f"(workers sampled ≥ 12 times); gunicorn replaces a worker after max_requests (deploy/gunicorn.conf.py)")
    print("\n" + ("OK: no 5xx, no lost write" if not problems else "FAILED:\n  " + "\n  ".join(problems)))
    if problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
