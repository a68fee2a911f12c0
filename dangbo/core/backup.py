"""Backups that restore: one archive with the database and the uploaded files.

``manage.py backup [PATH]`` calls :func:`backup_create`; ``manage.py restore ARCHIVE`` calls
:func:`backup_restore`. The archive is an uncompressed tar (its database dump and most
uploads are compressed already) holding:

- ``manifest.json``: format, when, the database's vendor, the migrations applied, and the
  SHA-256 and size of every other member;
- ``database.pgdump`` (``pg_dump --format=custom``, a consistent snapshot while the site runs)
  or ``database.sqlite3`` (SQLite's online backup API, consistent too);
- ``media/…``: every file under ``MEDIA_ROOT``.

A restore checks every checksum before it writes anything, and writes only into an empty
target: a PostgreSQL database without tables (``pg_restore`` in one transaction) or an SQLite
file that does not exist yet, and a ``MEDIA_ROOT`` without files. ``pg_dump``/``pg_restore``
are found on ``PATH`` or in ``DANGBO_PG_BIN``; their major version must not be older than the
server's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.pgdump"
SQLITE_DUMP = "database.sqlite3"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or the restore cannot go on; the message says why."""


@dataclass(frozen=True)
class Restored:
    archive: Path
    vendor: str
    tables: int
    files: int


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def default_path(now: dt.datetime | None = None) -> Path:
    """``VAR_DIR/backups/dangbo-YYYYMMDD-HHMMSS.tar``, in local time."""
    moment = timezone.localtime(now or timezone.now())
    return Path(settings.VAR_DIR) / "backups" / f"dangbo-{moment:%Y%m%d-%H%M%S}.tar"


def _vendor() -> str:
    if connection.vendor not in {"postgresql", "sqlite"}:
        raise BackupError(
            _("Backups support PostgreSQL and SQLite only, not %(vendor)s.")
            % {"vendor": connection.vendor}
        )
    return connection.vendor


def _pg_tool(name: str) -> str:
    folder = os.environ.get("DANGBO_PG_BIN")
    found = str(Path(folder) / name) if folder else shutil.which(name)
    if not found or not Path(found).exists():
        raise BackupError(
            _("%(tool)s not found: install postgresql-client or set DANGBO_PG_BIN.")
            % {"tool": name}
        )
    return found


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    for key, value in {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": db.get("NAME"),
        "PGSSLMODE": (db.get("OPTIONS") or {}).get("sslmode"),
    }.items():
        if value:
            env[key] = str(value)
    return env


def _run(args: list[str]) -> None:
    result = subprocess.run(  # noqa: S603 - pg_dump/pg_restore with our own arguments
        args, env=_pg_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name}: {result.stderr.strip() or result.returncode}")


def _dump_database(vendor: str, target: Path) -> None:
    if vendor == "postgresql":
        _run(
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
            ]
        )
        return
    connection.ensure_connection()
    source = connection.connection
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()


def _media_files() -> Iterator[tuple[Path, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, "media/" + path.relative_to(root).as_posix()


def _migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def backup_create(path: Path | None = None) -> Path:
    """Write the archive at ``path`` (default: :func:`default_path`) and return where."""
    vendor = _vendor()
    target = Path(path) if path else default_path()
    if target.is_dir():
        target = target / default_path().name
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dangbo-backup-", dir=target.parent) as tmp:
        dump = Path(tmp) / (PG_DUMP if vendor == "postgresql" else SQLITE_DUMP)
        _dump_database(vendor, dump)
        members: list[tuple[Path, str]] = [(dump, dump.name), *_media_files()]
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": vendor, "file": dump.name},
            "migrations": _migrations(),
            "files": {name: {"sha256": sha256(p), "size": p.stat().st_size} for p, name in members},
        }
        (Path(tmp) / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
        partial = Path(tmp) / "archive.tar"
        with tarfile.open(partial, "w") as tar:
            tar.add(Path(tmp) / MANIFEST, arcname=MANIFEST)
            for p, name in members:
                tar.add(p, arcname=name)
        partial.chmod(0o600)  # everything is in it: passwords' hashes, personal data
        os.replace(partial, target)
    return target


def _read_archive(archive: Path, into: Path) -> dict[str, Any]:
    """Extract ``archive`` into ``into`` and check it against its manifest."""
    if not archive.is_file():
        raise BackupError(_("No such archive: %(path)s") % {"path": archive})
    try:
        with tarfile.open(archive, "r") as tar:
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(_("Not a dangbo backup archive: %(error)s") % {"error": exc}) from exc
    try:
        manifest = json.loads((into / MANIFEST).read_text())
        files = manifest["files"]
        vendor = manifest["database"]["vendor"]
    except (OSError, ValueError, KeyError) as exc:
        raise BackupError(_("The archive has no readable manifest.")) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("Unknown archive format: %(format)s") % {"format": manifest.get("format")}
        )
    for name, meta in files.items():
        path = into / name
        if not path.is_file() or sha256(path) != meta["sha256"]:
            raise BackupError(
                _("Checksum mismatch for %(name)s: the archive is damaged.") % {"name": name}
            )
    if vendor not in {"postgresql", "sqlite"}:
        raise BackupError(_("Unknown database in the archive: %(vendor)s") % {"vendor": vendor})
    return manifest


def _media_is_empty() -> bool:
    root = Path(settings.MEDIA_ROOT)
    return not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def backup_restore(archive: Path) -> Restored:
    """Restore ``archive`` into the configured database, which must be empty, and into an
    empty ``MEDIA_ROOT``. Nothing is written unless every check passes first."""
    vendor = _vendor()
    with tempfile.TemporaryDirectory(prefix="dangbo-restore-") as tmp:
        work = Path(tmp)
        manifest = _read_archive(Path(archive), work)
        if manifest["database"]["vendor"] != vendor:
            raise BackupError(
                _("The archive holds a %(archive)s database; this site uses %(site)s.")
                % {"archive": manifest["database"]["vendor"], "site": vendor}
            )
        if vendor == "sqlite":
            target = Path(connection.settings_dict["NAME"])
            if str(target).startswith(":memory:") or "mode=memory" in str(target):
                raise BackupError(_("Cannot restore into an in-memory SQLite database."))
            if target.exists():
                raise BackupError(
                    _("Restore into a missing file: %(path)s exists.") % {"path": target}
                )
        elif connection.introspection.table_names():
            raise BackupError(
                _("Restore into an empty database: %(name)s has tables.")
                % {"name": connection.settings_dict["NAME"]}
            )
        if not _media_is_empty():
            raise BackupError(
                _("Restore into an empty media folder: %(path)s has files.")
                % {"path": settings.MEDIA_ROOT}
            )

        dump = work / manifest["database"]["file"]
        if vendor == "postgresql":
            connection.close()
            _run(
                [
                    _pg_tool("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    "--dbname",
                    connection.settings_dict["NAME"],
                    str(dump),
                ]
            )
        else:
            connection.close()
            target.parent.mkdir(parents=True, exist_ok=True)
            source = sqlite3.connect(dump)
            destination = sqlite3.connect(target)
            try:
                source.backup(destination)
            finally:
                source.close()
                destination.close()

        media = Path(settings.MEDIA_ROOT)
        names = [name for name in manifest["files"] if name.startswith("media/")]
        for name in names:
            destination_path = media / name.removeprefix("media/")
            destination_path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / name, destination_path)
    return Restored(
        archive=Path(archive),
        vendor=vendor,
        tables=len(connection.introspection.table_names()),
        files=len(names),
    )
