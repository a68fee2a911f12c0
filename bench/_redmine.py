"""The Redmine peer's figures for ``tasks_bench.py``: stored, or measured live on this machine.

The peer (``shared/peers/redmine``, see its ``RESULTS.md``) installs Debian's Redmine on
PostgreSQL 15 and times four HTML pages with ``bench.sh``, which writes a ``summary.tsv``.
``stored`` reads the ``summary.tsv`` kept in the peer's folder. ``live`` measures them now:

1. checks that Redmine is installed (``/usr/share/redmine``), that we run as root (the peer's
   ``server.sh`` starts Redmine as www-data through ``su``) and that the peer's seed is in
   Redmine's database (same number of issues and projects as its ``seed_facts.json``, the big
   issue there);
2. copies the peer's folder to a temporary directory (the peer's folder is read-only and
   ``bench.sh`` reads the admin's API key from its own folder) and writes the key of this
   machine's Redmine there;
3. starts PostgreSQL's cluster 15/main if it is down, then Redmine's server;
4. runs ``bench.sh`` (``RUNS`` requests a page, its SQL count off) into that directory;
5. stops the server and the cluster again (each only if it started it) and reads the
   medians of the HTML pages from the new ``summary.tsv``.

Nothing of Redmine is in this project: it runs the peer's own scripts from ``shared/``.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from _common import ROOT

PEER = ROOT.parent / "shared" / "peers" / "redmine"
REDMINE = Path("/usr/share/redmine")
DATABASE_YML = Path("/etc/redmine/default/database.yml")
CLUSTER = ("15", "main")
PAGES = ("a_district_overdue_html", "b_root_overdue_html", "c_issue_with_subtasks_html",
         "d_district_overview_html")
SEED_HELP = ("as root, in a writable copy of shared/peers/redmine: "
             "bash setup.sh; ./server.sh stop; N=150000 SEED=42 ./seed.sh")


class Unavailable(Exception):
    """Redmine cannot be measured here; the message says why and what to do."""


@dataclass
class Figures:
    medians: dict[str, float]  # summary.tsv row name → median ms
    live: bool
    source: str  # where they come from, for the legend


def figures(path: Path | None, *, live: bool, runs: int) -> Figures | None:
    """Live figures when asked and possible, otherwise the stored ones (``None``: none found)."""
    note = ""
    if live:
        try:
            return measure(runs)
        except Unavailable as reason:
            print(f"Redmine live: not measured: {reason}", file=sys.stderr)
            note = f"; the live run was not possible: {reason}"
    found = stored(path)
    if found is not None:
        found.source += note
    return found


def stored(path: Path | None) -> Figures | None:
    if path is None or not path.is_file():
        return None
    return Figures(read_summary(path), live=False, source=f"stored, read from {path} (not measured in this run)")


def read_summary(path: Path) -> dict[str, float]:
    with path.open(encoding="utf-8") as f:
        return {row["name"]: float(row["median_ms"]) for row in csv.DictReader(f, delimiter="\t")}


def measure(runs: int) -> Figures:
    if not REDMINE.is_dir():
        raise Unavailable(f"Redmine is not installed here (no {REDMINE}); to install it, {SEED_HELP}")
    if os.geteuid() != 0:
        raise Unavailable("run as root: the peer's server.sh starts Redmine as www-data through su")
    for tool in ("pg_lsclusters", "pg_ctlcluster", "runuser", "psql", "curl"):
        if shutil.which(tool) is None:
            raise Unavailable(f"{tool} is missing; {SEED_HELP}")
    work = Path(tempfile.mkdtemp(prefix="redmine-bench-"))
    peer = work / "peer"
    shutil.copytree(PEER, peer)
    for p in [peer, *peer.rglob("*")]:  # the copy keeps the read-only modes
        p.chmod(p.stat().st_mode | 0o200)
    results = work / "results"
    try:
        return _bench(peer, results, runs)
    except Unavailable:
        if not results.exists():  # nothing measured: leave nothing behind
            shutil.rmtree(work, ignore_errors=True)
        raise


def _bench(peer: Path, results: Path, runs: int) -> Figures:
    started_cluster = started_server = False
    try:
        if not _cluster_online():
            _run(["pg_ctlcluster", *CLUSTER, "start"], "start PostgreSQL's cluster 15/main")
            started_cluster = True
        (peer / "admin_api_key.txt").write_text(_check_seed(peer) + "\n", encoding="utf-8")
        if not _run(["./server.sh", "status"], "ask for Redmine's server", cwd=peer).startswith("running"):
            started_server = True
            _run(["./server.sh", "start"], "start Redmine's server", cwd=peer, timeout=180)
        print(f"Redmine live: bench.sh, {runs} requests a page, into {results}", file=sys.stderr)
        env = {**os.environ, "RUNS": str(runs), "SQLCOUNT": "0", "OUTDIR": str(results)}
        _run(["./bench.sh"], "run the peer's bench.sh", cwd=peer, env=env, timeout=1800, echo=True)
    finally:
        if started_server:
            _run(["./server.sh", "stop"], "stop Redmine's server", cwd=peer, check=False)
        if started_cluster:
            _run(["pg_ctlcluster", *CLUSTER, "stop"], "stop PostgreSQL's cluster 15/main", check=False)
        shutil.rmtree(peer, ignore_errors=True)
    summary = results / "summary.tsv"
    if not summary.is_file():
        raise Unavailable(f"bench.sh wrote no {summary}")
    with summary.open(encoding="utf-8") as f:
        rows = {row["name"]: row for row in csv.DictReader(f, delimiter="\t")}
    for name in PAGES:
        if name not in rows:
            raise Unavailable(f"{summary} has no row {name}")
        if rows[name]["code"] != "200":
            raise Unavailable(f"Redmine answered HTTP {rows[name]['code']} for {name} (see {results})")
    source = (f"live, measured in this run by the peer's bench.sh ({runs} requests a page after 3 "
              f"warm-ups, curl against Redmine on this machine, as its admin; raw files in {results})")
    return Figures({name: float(rows[name]["median_ms"]) for name in PAGES}, live=True, source=source)


def _check_seed(peer: Path) -> str:
    """Whether Redmine's database holds the peer's seed; returns the admin's API key."""
    import json

    facts = json.loads((peer / "seed_facts.json").read_text(encoding="utf-8"))
    big = int(facts["big_issue_id"])
    sql = ("SELECT (SELECT count(*) FROM issues), (SELECT count(*) FROM projects), "  # noqa: S608 (an int)
           f"(SELECT count(*) FROM issues WHERE id = {big}), "
           "(SELECT t.value FROM tokens t JOIN users u ON u.id = t.user_id "
           " WHERE u.login = 'admin' AND t.action = 'api' ORDER BY t.id DESC LIMIT 1)")
    out = _run(["runuser", "-u", "postgres", "--", "psql", "-XAt", "-F", "\t", "-d", _database(), "-c", sql],
               "read Redmine's database").strip()
    issues, projects, has_big, key = [*out.split("\t"), "", "", ""][:4]
    if issues != str(facts["n"]) or projects != str(facts["projects"]) or has_big != "1":
        raise Unavailable(
            f"Redmine's database holds {issues} issues and {projects} projects, not the seed's "
            f"{facts['n']} and {facts['projects']} (with issue #{big}): the peer's seed is not there; {SEED_HELP}"
        )
    if not key:
        raise Unavailable(f"Redmine's admin has no API key: setup.sh has not finished; {SEED_HELP}")
    return key


def _database() -> str:
    """The database dbconfig-common made for Redmine (``redmine_default`` with the peer's answers)."""
    if DATABASE_YML.is_file():
        for line in DATABASE_YML.read_text(encoding="utf-8").splitlines():
            name, _, value = line.strip().partition(":")
            if name == "database" and value.strip():
                return value.strip()
    return "redmine_default"


def _cluster_online() -> bool:
    for line in _run(["pg_lsclusters", "-h"], "list PostgreSQL's clusters").splitlines():
        fields = line.split()  # version, cluster, port, status, owner, data directory, log file
        if len(fields) >= 4 and tuple(fields[:2]) == CLUSTER:
            return fields[3].startswith("online")
    raise Unavailable(f"PostgreSQL has no cluster {'/'.join(CLUSTER)}; {SEED_HELP}")


def _run(cmd: list[str], what: str, *, cwd: Path | None = None, env: dict[str, str] | None = None,
         timeout: float = 120, check: bool = True, echo: bool = False) -> str:
    """Run ``cmd``; its output goes to stderr when ``echo``. A failure raises ``Unavailable``
    (``check``) or is reported on stderr."""
    try:
        done = subprocess.run(cmd, cwd=cwd, env=env, timeout=timeout, text=True,  # noqa: S603 (this module's lists)
                              stdout=sys.stderr if echo else subprocess.PIPE, stderr=subprocess.PIPE)
    except (OSError, subprocess.TimeoutExpired) as error:
        message = f"could not {what}: {error}"
    else:
        if done.returncode == 0:
            return done.stdout or ""
        detail = (done.stderr or done.stdout or "").strip().splitlines()[-3:]
        message = f"could not {what} (exit {done.returncode}): {' / '.join(detail)}"
    if check:
        raise Unavailable(message)
    print(f"Redmine live: {message}", file=sys.stderr)
    return ""
