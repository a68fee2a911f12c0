"""Read replicas for real: a primary and a streaming standby (``scripts/pg.sh standby``), the app
configured with ``DANGBO_DATABASE_REPLICAS``, and a user who writes and reads it back.

The standby's replay is paused while the app writes, so a read that reached the replica would
miss the write for certain, not by the luck of replication lag. Runs in the PostgreSQL phase of
``make test``, which has PostgreSQL's server binaries.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
PG = ROOT / "scripts" / "pg.sh"

# Runs inside the app configured with a replica (a subprocess: settings are read once).
SCRIPT = r"""
import json, os, subprocess
import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.contrib.auth import get_user_model
from django.db import connections, router, transaction
from django.test import Client
from django.urls import reverse
from dangbo.core import db

out = {"aliases": sorted(connections.settings)}
User = get_user_model()
User.objects.create_user("nhanban", password="Mat-khau-rat-dai-2026")
db._pinned.set(False)  # the script's own write pinned it; what follows is a fresh reader

with connections["replica1"].cursor() as cursor:
    cursor.execute("SELECT pg_is_in_recovery()")
    out["replica_in_recovery"] = cursor.fetchone()[0]
out["plain_read"] = router.db_for_read(User)
with transaction.atomic():
    out["read_in_transaction"] = router.db_for_read(User)
    out["select_for_update"] = User.objects.select_for_update().filter(pk=1).db
out["migrate_on_replica"] = router.allow_migrate("replica1", "orgs")

# The standby stops replaying: from now on it cannot see a new write.
psql = [os.environ["PSQL"], "-X", "-q", "-h", os.environ["STANDBY_SOCK"], "-p", os.environ["STANDBY_PORT"],
        "-U", "postgres", "-d", "postgres", "-c"]
subprocess.run([*psql, "SELECT pg_wal_replay_pause()"], check=True)

writer = Client()
login = writer.post(reverse("login"), {"username": "nhanban", "password": "Mat-khau-rat-dai-2026"})
out["login"] = login.status_code
out["pin_cookie"] = db.PIN_COOKIE in login.cookies
out["writer_home"] = writer.get(reverse("core:home")).status_code  # pinned: reads its session back

stranger = Client()  # the same session, without the pin: reads the paused replica
stranger.cookies["sessionid"] = writer.cookies["sessionid"].value
out["replica_home_while_paused"] = stranger.get(reverse("core:home")).status_code

subprocess.run([*psql, "SELECT pg_wal_replay_resume()"], check=True)
import time
for _ in range(100):
    with connections["replica1"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_session")
        if cursor.fetchone()[0]:
            break
    time.sleep(0.05)
stranger.cookies["sessionid"] = writer.cookies["sessionid"].value  # the 302 above deleted it
out["replica_home_after_replay"] = stranger.get(reverse("core:home")).status_code
print("RESULT " + json.dumps(out))
"""


def pg(*args: str, check: bool = True) -> str:
    """``scripts/pg.sh ARGS…``; its output."""
    bash = shutil.which("bash") or "/bin/bash"
    return subprocess.run(  # noqa: S603 - our own script
        [bash, str(PG), *args], capture_output=True, text=True, check=check
    ).stdout.strip()


@pytest.mark.server
def test_reads_go_to_the_replica_and_a_writer_reads_its_own_write() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("runs once, in the PostgreSQL phase of the suite")
    if not pg("bindir", check=False):
        pytest.skip("PostgreSQL's server binaries are not installed here")
    # Not under tmp_path: the server runs as the `postgres` user when we are root, and pytest's
    # temporary directories are private to their owner.
    base = Path(tempfile.mkdtemp(prefix="dangbo-replica-"))
    base.chmod(0o755)
    primary, standby = base / "primary", base / "standby"
    bindir = pg("bindir")
    try:
        primary_url = pg("start", str(primary))
        standby_url = pg("standby", str(standby), str(primary))
        env = {k: v for k, v in os.environ.items() if not k.startswith("DANGBO_")}
        env.update(
            DJANGO_SETTINGS_MODULE="dangbo.settings",
            DANGBO_DATABASE_URL=primary_url,
            DANGBO_DATABASE_REPLICAS=standby_url,
            DANGBO_VAR_DIR=str(base / "var"),
            PSQL=f"{bindir}/psql",
            STANDBY_SOCK=str(standby / "sock"),
            STANDBY_PORT=standby_url.rsplit(":", 1)[1].split("/")[0],
        )
        migrate = subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput"],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
        )
        assert migrate.returncode == 0, migrate.stderr[-3000:]
        run = subprocess.run(  # noqa: S603
            [sys.executable, "-c", SCRIPT], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
        )
        assert run.returncode == 0, run.stderr[-3000:]
        result = json.loads(next(line for line in run.stdout.splitlines() if line.startswith("RESULT "))[7:])
    finally:
        pg("stop", str(standby), check=False)
        pg("stop", str(primary), check=False)
        shutil.rmtree(base, ignore_errors=True)

    assert result["aliases"] == ["default", "replica1"]
    assert result["replica_in_recovery"] is True
    assert result["plain_read"] == "replica1"
    assert result["read_in_transaction"] == "default"
    assert result["select_for_update"] == "default"
    assert result["migrate_on_replica"] is False
    assert result["login"] == 302
    assert result["pin_cookie"] is True
    # The writer reads its own session back at once, from the primary …
    assert result["writer_home"] == 200
    # … while a reader without the pin reaches the paused replica, where the session is not yet,
    # and is sent to the login page; once replay resumes the replica has it.
    assert result["replica_home_while_paused"] == 302
    assert result["replica_home_after_replay"] == 200
