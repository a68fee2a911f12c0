"""The Redmine peer, served on this machine for ``http_bench.py``.

The peer (``shared/peers/redmine``, see its ``RESULTS.md``) installs Debian's Redmine on
PostgreSQL 15 (``setup.sh``) and seeds the province workload (``seed.sh``). ``ready`` checks
that Redmine is installed, that we run as root (the peer's ``server.sh`` starts Redmine as
www-data through ``su``) and that the peer's seed is in Redmine's database (the issue and
project counts of its ``seed_facts.json``, the big issue). ``serving`` starts PostgreSQL's cluster
15/main and Redmine's server (the peer's ``server.sh``, run from a writable copy of its folder)
for a block, and stops again whatever it started.

Nothing of Redmine is in this project: it runs the peer's own scripts from ``shared/``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from _common import ROOT

PEER = ROOT.parent / "shared" / "peers" / "redmine"
REDMINE = Path("/usr/share/redmine")
DATABASE_YML = Path("/etc/redmine/default/database.yml")
CLUSTER = ("15", "main")
SEED_HELP = ("as root, in a writable copy of shared/peers/redmine: "
             "bash setup.sh; ./server.sh stop; N=150000 SEED=42 ./seed.sh")


class Unavailable(Exception):
    """Redmine cannot be measured here; the message says why and what to do."""


def ready() -> dict:
    """Whether Redmine can be measured here; the peer's seed facts (``big_issue_id``…) if so."""
    if not REDMINE.is_dir():
        raise Unavailable(f"Redmine is not installed here (no {REDMINE}); to install it, {SEED_HELP}")
    if os.geteuid() != 0:
        raise Unavailable("run as root: the peer's server.sh starts Redmine as www-data through su")
    for tool in ("pg_lsclusters", "pg_ctlcluster", "runuser", "psql", "curl"):
        if shutil.which(tool) is None:
            raise Unavailable(f"{tool} is missing; {SEED_HELP}")
    with _cluster():
        _check_seed(PEER)
    return json.loads((PEER / "seed_facts.json").read_text(encoding="utf-8"))


@contextlib.contextmanager
def _cluster() -> Iterator[None]:
    """PostgreSQL's cluster 15/main up for the block (stopped again if it was down)."""
    started = False
    if not _cluster_online():
        _run(["pg_ctlcluster", *CLUSTER, "start"], "start PostgreSQL's cluster 15/main")
        started = True
    try:
        yield
    finally:
        if started:
            _run(["pg_ctlcluster", *CLUSTER, "stop"], "stop PostgreSQL's cluster 15/main", check=False)


@contextlib.contextmanager
def serving() -> Iterator[None]:
    """Redmine served on 127.0.0.1:3000 for the block, by the peer's own ``server.sh`` run from
    a writable copy of its folder; whatever this started is stopped again."""
    work = Path(tempfile.mkdtemp(prefix="redmine-bench-"))
    peer = work / "peer"
    shutil.copytree(PEER, peer)
    for p in [peer, *peer.rglob("*")]:  # the copy keeps the read-only modes
        p.chmod(p.stat().st_mode | 0o200)
    started = False
    try:
        with _cluster():
            if not _run(["./server.sh", "status"], "ask for Redmine's server", cwd=peer).startswith("running"):
                started = True
                _run(["./server.sh", "start"], "start Redmine's server", cwd=peer, timeout=180)
            try:
                yield
            finally:
                if started:
                    _run(["./server.sh", "stop"], "stop Redmine's server", cwd=peer, check=False)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _check_seed(peer: Path) -> str:
    """Whether Redmine's database holds the peer's seed; returns the admin's API key."""
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
