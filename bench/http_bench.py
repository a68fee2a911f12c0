"""dangbo and Redmine side by side, both served over HTTP, timed interleaved by the same client.

``bash scripts/pg.sh run -- .venv/bin/python bench/http_bench.py`` as root, with Redmine installed
and seeded as the peer describes (``shared/peers/redmine``: ``setup.sh``, then ``seed.sh``);
``make bench`` runs it when Redmine is installed. Not part of ``make test``.

* **Data.** dangbo: the province of ``tasks_bench.py`` (the Redmine peer's ``seed.rb`` ported line
  by line, so task ids and trees are Redmine's issues) in ``dangbo_bench_tasks``, built if
  missing. Redmine: the peer's seed, checked (issue and project counts, the big issue).
* **Servers.** dangbo: gunicorn with production settings (``deploy/gunicorn.conf.py``: gthread,
  2 × cores + 1 workers, 2 threads), static files collected, its clock at the bench's "today"
  (``bench/gunicorn_bench.py``). Redmine: Debian's puma, single mode, 5 threads, production, as
  the peer's ``server.sh`` starts it. Both on loopback, both with the whole machine.
* **Client and rule.** ``curl``, one process and one new TCP connection per request, as the
  peer's ``bench.sh``: 3 warm-ups a page a side, then ``--runs`` timed requests, interleaved
  request by request (dangbo, Redmine, dangbo, …); median and nearest-rank p95 of
  ``time_total``.
* **Same pages.** The overdue list of district 1 and of the province (25 rows, sorted by
  deadline then id on both sides, "overdue" = due before 25/11/2026), the task with 30 tasks
  below it (the whole tree on both sides), the district's overview. A table says what each side
  showed (HTTP status, bytes, rows).
* **Who.** First as scoped users (dangbo's district and province secretaries; Redmine's
  ``bt_d01`` and ``bt_dbt``, managers of their projects), then as admin on both.
* **Throughput.** ``wrk`` (when installed) on the district overdue list: 10 and 50 connections,
  ``--duration`` seconds each, dangbo then Redmine; requests per second, p95, failures.

The load average is printed with every table: the ratios of one interleaved run are what to
compare on a noisy machine, not the milliseconds of different runs.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import _common as bench
import _redmine
import tasks_bench

DANGBO_PASSWORD = "Bench-" + secrets.token_urlsafe(12)
REDMINE_ADMIN = ("admin", "anchorAdmin123")  # set by the peer's setup.sh
REDMINE_USER_PASSWORD = "anchorUser123"  # noqa: S105 - the peer's seed.rb, on loopback
REDMINE = "http://127.0.0.1:3000"
BEFORE = "2026-11-24"  # overdue: due before the bench's today, 25/11/2026
ORDER = "sort=due_date,id"


@dataclass
class Side:
    name: str
    base: str
    jar: Path
    times: dict[str, list[float]] = field(default_factory=dict)
    seen: dict[str, str] = field(default_factory=dict)


def curl(*args: str) -> str:
    return subprocess.run(["curl", "-s", *args], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607


def timed(url: str, jar: Path) -> tuple[str, int, float]:
    """One request on a new connection: status, bytes, ms."""
    out = curl("-o", "/dev/null", "-b", str(jar), "-w", "%{http_code} %{size_download} %{time_total}", url)
    code, size, seconds = out.split()
    return code, int(size), float(seconds) * 1000


def login_dangbo(base: str, username: str, jar: Path) -> None:
    page = curl("-c", str(jar), "-b", str(jar), f"{base}/dang-nhap/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    code = curl("-c", str(jar), "-b", str(jar), "-o", "/dev/null", "-w", "%{http_code}",
                "-H", f"Referer: {base}/dang-nhap/", "--data-urlencode", f"csrfmiddlewaretoken={token}",
                "--data-urlencode", f"username={username}", "--data-urlencode", f"password={DANGBO_PASSWORD}",
                f"{base}/dang-nhap/")
    if code != "302":
        raise SystemExit(f"dangbo: {username} could not log in (HTTP {code})")


def login_redmine(username: str, password: str, jar: Path) -> None:
    page = curl("-c", str(jar), "-b", str(jar), f"{REDMINE}/login")
    token = re.search(r'name="authenticity_token" value="([^"]+)"', page).group(1)
    code = curl("-c", str(jar), "-b", str(jar), "-o", "/dev/null", "-w", "%{http_code}",
                "--data-urlencode", f"authenticity_token={token}", "--data-urlencode", f"username={username}",
                "--data-urlencode", f"password={password}", f"{REDMINE}/login")
    if code != "302":
        raise SystemExit(f"Redmine: {username} could not log in (HTTP {code})")


def rows(side: str, body: str) -> int:
    """Task rows a page shows: dangbo's table rows with a task link, Redmine's issue rows."""
    if side == "dangbo":
        return len(re.findall(r'<td data-label="[^"]*"><a href="/nhiem-vu/\d+/"', body))
    return len(re.findall(r'<tr[^>]*\bissue-\d+\b', body))  # list rows (id=) and subtask rows (class=)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_dangbo(var: Path) -> tuple[subprocess.Popen, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGBO_")}
    port = free_port()
    env.update(
        DJANGO_SETTINGS_MODULE="dangbo.settings", DANGBO_ENV="production",
        DANGBO_SECRET_KEY=secrets.token_urlsafe(60), DANGBO_ALLOWED_HOSTS="127.0.0.1",
        DANGBO_SSL_REDIRECT="0", DANGBO_DATABASE_URL=os.environ["DANGBO_BENCH_URL"],
        DANGBO_VAR_DIR=str(var), DANGBO_BIND=f"127.0.0.1:{port}", DANGBO_LOG_LEVEL="warning",
    )
    python = Path(sys.executable)
    subprocess.run([str(python), str(bench.ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],  # noqa: S603
                   env=env, check=True, cwd=bench.ROOT)
    log = (var / "gunicorn.log").open("w")
    proc = subprocess.Popen(  # noqa: S603
        [str(python.parent / "gunicorn"), "-c", str(bench.ROOT / "bench" / "gunicorn_bench.py")],
        env=env, cwd=bench.ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if curl("-o", "/dev/null", "-w", "%{http_code}", f"{base}/dang-nhap/") == "200":
                return proc, base
        except subprocess.CalledProcessError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise SystemExit(f"gunicorn did not come up; see {var / 'gunicorn.log'}")


def measure(pages: list[tuple[str, str, str, Path, Path]], runs: int, warmup: int = 3) -> list[tuple]:
    """``pages``: (label, dangbo URL, Redmine URL, dangbo jar, Redmine jar). Interleaved."""
    results = []
    for label, d_url, r_url, d_jar, r_jar in pages:
        load_before = os.getloadavg()[0]
        d_body = curl("-b", str(d_jar), d_url)
        r_body = curl("-b", str(r_jar), r_url)
        for _ in range(warmup):
            timed(d_url, d_jar)
            timed(r_url, r_jar)
        d_times, r_times, codes = [], [], set()
        for _ in range(runs):
            code, d_size, ms = timed(d_url, d_jar)
            d_times.append(ms)
            codes.add(f"d{code}")
            code, r_size, ms = timed(r_url, r_jar)
            r_times.append(ms)
            codes.add(f"r{code}")
        results.append((label, d_times, r_times, sorted(codes), d_size, r_size,
                        rows("dangbo", d_body), rows("redmine", r_body), load_before, os.getloadavg()[0]))
    return results


def print_latency(title: str, results: list[tuple]) -> None:
    print(f"\n{title} — load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    columns = [("page", "<30"), ("dangbo med", ">10"), ("p95", ">7"), ("Redmine med", ">11"), ("p95", ">7"),
               ("med ratio", ">9"), ("p95 ratio", ">9"), ("HTTP", ">14"), ("rows d/R", ">9"), ("KB d/R", ">11"),
               ("load", ">10")]
    out = []
    for label, d, r, codes, d_size, r_size, d_rows, r_rows, l0, l1 in results:
        dm, rm, dp, rp = statistics.median(d), statistics.median(r), bench.pct(d, 0.95), bench.pct(r, 0.95)
        out.append([label, dm, dp, rm, rp, f"{dm / rm:.2f}", f"{dp / rp:.2f}", ",".join(codes),
                    f"{d_rows}/{r_rows}", f"{d_size // 1024}/{r_size // 1024}", f"{l0:.1f}→{l1:.1f}"])
    bench.print_table(columns, out)


def throughput(label: str, url: str, jar: Path, connections: int, seconds: int) -> dict[str, str]:
    cookie = "; ".join(
        f"{parts[5]}={parts[6]}" for line in jar.read_text().splitlines()
        if (parts := line.split("\t")) and len(parts) >= 7 and (not line.startswith("#") or line.startswith("#HttpOnly_"))
    )
    load = os.getloadavg()[0]
    out = subprocess.run(  # noqa: S603
        [shutil.which("wrk") or "wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
         "-s", str(bench.ROOT / "bench" / "wrk_report.lua"), "-H", f"Cookie: {cookie}", url],
        capture_output=True, text=True, check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    return {"side": label, "connections": str(connections), "load": f"{load:.1f}",
            **dict(kv.split("=") for kv in line.split()[1:])}


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--runs", type=int, default=30, help="timed requests a page a side (default 30)")
    parser.add_argument("--duration", type=int, default=20, help="seconds of each throughput run (default 20)")
    parser.add_argument("--no-throughput", action="store_true", help="skip the wrk runs")
    args = parser.parse_args()
    url = os.environ.get("DANGBO_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("http_bench: run it on PostgreSQL (bash scripts/pg.sh run -- …), as Redmine runs on it")
    try:
        peer_check = _redmine.ready()
    except _redmine.Unavailable as reason:
        raise SystemExit(f"http_bench: Redmine cannot be measured here: {reason}") from None

    bench.open_database(args, database=tasks_bench.BENCH_DB, sqlite_file="unused.sqlite3")
    tasks_bench.build(fresh=args.fresh)
    from django.contrib.auth import get_user_model
    from django.db import connection

    from dangbo.assignments.models import Task
    from dangbo.orgs.models import Unit

    User = get_user_model()
    code = tasks_bench.CODE
    for username in (f"{code}-d01", f"{code}-dbt"):
        user = User.objects.get(username=username)
        user.set_password(DANGBO_PASSWORD)
        user.save(update_fields=["password"])
    admin, _ = User.objects.get_or_create(username=f"{code}-admin", defaults={"is_superuser": True, "is_staff": True})
    admin.is_superuser = admin.is_staff = True
    admin.set_password(DANGBO_PASSWORD)
    admin.save()
    district = Unit.objects.get(code=f"{code}-d01")
    province = Unit.objects.get(code=f"{code}-dbt")
    big = peer_check["big_issue_id"]
    below = Task.objects.filter(root_id=big).count() - 1
    if not Task.objects.filter(pk=big).exists():
        raise SystemExit(f"dangbo's bench has no task #{big}: build it again with --fresh")
    os.environ["DANGBO_BENCH_URL"] = _bench_url(connection)
    work = Path(tempfile.mkdtemp(prefix="http-bench-"))
    dangbo_proc = None
    try:
        dangbo_proc, base = start_dangbo(work)
        with _redmine.serving():
            jars = {name: work / f"{name}.jar" for name in ("d_d01", "d_dbt", "d_admin", "r_d01", "r_dbt", "r_admin")}
            login_dangbo(base, f"{code}-d01", jars["d_d01"])
            login_dangbo(base, f"{code}-dbt", jars["d_dbt"])
            login_dangbo(base, f"{code}-admin", jars["d_admin"])
            login_redmine("bt_d01", REDMINE_USER_PASSWORD, jars["r_d01"])
            login_redmine("bt_dbt", REDMINE_USER_PASSWORD, jars["r_dbt"])
            login_redmine(*REDMINE_ADMIN, jars["r_admin"])
            overdue = f"set_filter=1&status_id=o&due_date=%3C%3D{BEFORE}&{ORDER}&per_page=25"

            def pages(d_district: Path, d_province: Path, r_district: Path, r_province: Path):
                return [
                    ("overdue list, district (25)", f"{base}/nhiem-vu/?flag=overdue&unit={district.pk}",
                     f"{REDMINE}/projects/d01/issues?{overdue}", d_district, r_district),
                    ("overdue list, province (25)", f"{base}/nhiem-vu/?flag=overdue&unit={province.pk}",
                     f"{REDMINE}/projects/dbt/issues?{overdue}", d_province, r_province),
                    (f"task #{big} with {below} below", f"{base}/nhiem-vu/{big}/", f"{REDMINE}/issues/{big}",
                     d_district, r_district),
                    ("district overview", f"{base}/nhiem-vu/don-vi/{district.pk}/", f"{REDMINE}/projects/d01",
                     d_district, r_district),
                ]

            print(f"dangbo: gunicorn, production settings, {base}; Redmine: puma (peer's server.sh), {REDMINE}; "
                  f"curl, new connection a request, 3 warm-ups, {args.runs} timed, interleaved; p95 nearest-rank.")
            scoped = measure(pages(jars["d_d01"], jars["d_dbt"], jars["r_d01"], jars["r_dbt"]), args.runs)
            print_latency("As scoped users (dangbo: the unit's secretary; Redmine: the project's manager)", scoped)
            admins = measure(pages(jars["d_admin"], jars["d_admin"], jars["r_admin"], jars["r_admin"]), args.runs)
            print_latency("As admin on both", admins)
            if not args.no_throughput:
                if shutil.which("wrk") is None:
                    print("\nThroughput: not measured (wrk is not installed: apt-get install wrk).")
                else:
                    d_url = f"{base}/nhiem-vu/?flag=overdue&unit={district.pk}"
                    r_url = f"{REDMINE}/projects/d01/issues?{overdue}"
                    runs = []
                    for connections in (10, 50):
                        runs.append(throughput("dangbo", d_url, jars["d_d01"], connections, args.duration))
                        time.sleep(2)
                        runs.append(throughput("Redmine", r_url, jars["r_d01"], connections, args.duration))
                        time.sleep(2)
                    print(f"\nThroughput, district overdue list, scoped users, wrk -t2, {args.duration} s a run")
                    bench.print_table(
                        [("side", "<8"), ("conns", ">5"), ("req/s", ">7"), ("p50 ms", ">8"), ("p95 ms", ">8"),
                         ("non-2xx", ">7"), ("errors", ">6"), ("load", ">5")],
                        [[r["side"], r["connections"], r["rps"], r["p50_ms"], r["p95_ms"], r["non2xx"], r["errors"],
                          r["load"]] for r in runs],
                    )
                    for c in ("10", "50"):
                        d, r = (next(x for x in runs if x["side"] == s and x["connections"] == c) for s in ("dangbo", "Redmine"))
                        print(f"  {c} connections: dangbo serves {float(d['rps']) / float(r['rps']):.1f}× Redmine's requests/s")
    finally:
        if dangbo_proc is not None:
            dangbo_proc.terminate()
            try:
                dangbo_proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                dangbo_proc.kill()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"load_average": os.getloadavg()}))


def _bench_url(connection) -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


if __name__ == "__main__":
    main()
