"""``manage.py backup`` / ``manage.py restore``: back up, change the data, restore into an empty
database (a missing SQLite file, a new PostgreSQL database), and find the data as it was."""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
import subprocess
import sys
import tarfile
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from dangbo.orgs.models import Unit

MANAGE = Path(settings.BASE_DIR) / "manage.py"
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def checksums(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def snapshot(conn: Any, tables: list[str]) -> dict[str, Any]:
    """Row counts of every table and a sample of rows, read through a plain DB-API connection."""
    cur = conn.cursor()
    counts = {}
    for table in tables:
        cur.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - our own table names
        counts[table] = cur.fetchone()[0]
    cur.execute("SELECT id, name, path FROM orgs_unit ORDER BY id")
    units = [tuple(row) for row in cur.fetchall()]
    cur.execute("SELECT username, password, is_active FROM auth_user ORDER BY username")
    users = [(u, p, bool(a)) for u, p, a in cur.fetchall()]
    return {"counts": counts, "units": units, "users": users}


def run_manage(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(MANAGE), *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture
def restore_target(tmp_path: Path):
    """Settings of an empty database and var/ to restore into, and a DB-API opener for it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGBO_")}
    env["DANGBO_VAR_DIR"] = str(tmp_path / "restored-var")
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        env["DANGBO_DATABASE_URL"] = f"sqlite:///{path}"
        yield env, lambda: sqlite3.connect(path)
        return
    import psycopg

    name = f"{db['NAME']}_restore"
    with connection.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    env["DANGBO_DATABASE_URL"] = "postgres://{}:{}@{}:{}/{}".format(
        urllib.parse.quote(db["USER"]),
        urllib.parse.quote(db["PASSWORD"]),
        db["HOST"],
        db["PORT"],
        name,
    )
    opened: list[Any] = []

    def open_restored():
        conn = psycopg.connect(
            dbname=name, user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]
        )
        opened.append(conn)
        return conn

    yield env, open_restored
    for conn in opened:
        conn.close()
    with connection.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_backup_restore_gives_back_the_data_and_files(cast, settings, tmp_path, restore_target):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    (media / "documents" / "2026").mkdir(parents=True)
    (media / "documents" / "2026" / "nghi-quyet-01.pdf").write_bytes(
        b"%PDF-1.4 " + os.urandom(4096)
    )
    (media / "evidence" / "bao-cao-quý-1.docx").parent.mkdir(parents=True)
    (media / "evidence" / "bao-cao-quý-1.docx").write_bytes(os.urandom(2048))
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    before = snapshot(connection.connection, tables)
    files_before = checksums(media)
    assert before["counts"]["orgs_unit"] >= 6 and before["counts"]["auth_user"] >= 5

    out = io.StringIO()
    archive = tmp_path / "backups" / "dangbo.tar"
    call_command("backup", str(archive), stdout=out)
    assert str(archive) in out.getvalue()
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names
    assert "media/documents/2026/nghi-quyet-01.pdf" in names

    # Change things after the backup: the restore must not see any of it.
    Unit.objects.filter(pk=cast.ward1.pk).update(name="Đổi tên sau sao lưu")
    cast.member.delete()
    (media / "documents" / "2026" / "nghi-quyet-01.pdf").write_bytes(b"overwritten")
    assert snapshot(connection.connection, tables) != before

    env, open_restored = restore_target
    result = run_manage(["restore", str(archive)], env)
    assert result.returncode == 0, result.stdout + result.stderr

    restored = open_restored()
    assert snapshot(restored, tables) == before
    assert checksums(Path(env["DANGBO_VAR_DIR"]) / "media") == files_before

    # Restoring again into what is no longer empty is refused, and changes nothing.
    again = run_manage(["restore", str(archive)], env)
    assert again.returncode != 0
    target = env["DANGBO_DATABASE_URL"].removeprefix("sqlite:///").rsplit("/", 1)[-1]
    assert "CommandError" in again.stderr and target in again.stderr, again.stderr
    assert snapshot(open_restored(), tables) == before


def test_backup_without_a_path_goes_under_var_backups(settings, tmp_path, db):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    out = io.StringIO()
    call_command("backup", stdout=out)
    written = list((tmp_path / "backups").glob("dangbo-*.tar"))
    assert len(written) == 1
    assert str(written[0]) in out.getvalue()
    assert written[0].stat().st_mode & 0o077 == 0  # readable by its owner only


def test_a_damaged_archive_is_refused_before_anything_is_written(tmp_path, restore_target, db):
    settings_media = tmp_path / "media"
    settings_media.mkdir()
    archive = tmp_path / "dangbo.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    # Flip bytes inside the database dump (past the tar header).
    with tarfile.open(archive) as tar:
        dump = next(m for m in tar.getmembers() if m.name.startswith("database."))
    data = bytearray(archive.read_bytes())
    data[dump.offset_data + 100] ^= 0xFF
    archive.write_bytes(bytes(data))

    env, open_restored = restore_target
    result = run_manage(["restore", str(archive)], env)
    assert result.returncode != 0
    assert "database." in result.stderr, result.stderr
    if connection.vendor == "sqlite":
        assert not Path(env["DANGBO_DATABASE_URL"].removeprefix("sqlite:///")).exists()
    else:
        cur = open_restored().cursor()
        cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
        assert cur.fetchone()[0] == 0
