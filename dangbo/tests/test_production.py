"""Production mode for real: collectstatic with hashed, compressed names, and a smoke test of
``scripts/serve.sh production`` (gunicorn, the worker, the scheduler) on the test database.

The smoke test needs a database the server's processes can share with the test: PostgreSQL
(``make test`` runs it there); on SQLite (an in-memory test database) it is skipped.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse

from dangbo.conftest import PASSWORD, build_cast
from dangbo.core import nav

ROOT = Path(settings.BASE_DIR)
HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")


def production_env(var_dir: Path, **overrides: str) -> dict[str, str]:
    """The environment of a production process: none of the test run's own DANGBO_*."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DANGBO_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="dangbo.settings",
        DANGBO_ENV="production",
        DANGBO_SECRET_KEY=secrets.token_urlsafe(60),
        DANGBO_ALLOWED_HOSTS="127.0.0.1",
        DANGBO_VAR_DIR=str(var_dir),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(overrides)
    return env


def collectstatic(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_collectstatic_passes_in_production_mode(tmp_path: Path) -> None:
    """Hashed names in a manifest, compressed copies, and no file naming a missing source map."""
    result = collectstatic(production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    static = tmp_path / "static"
    manifest = json.loads((static / "staticfiles.json").read_text())["paths"]
    chart = manifest["dangbo/vendor/chart-4.6.1.umd.min.js"]
    assert HASHED.search(chart), chart
    assert (static / chart).is_file()
    assert (static / f"{chart}.gz").is_file()
    # Only hashed names are kept: a page can only name a file through {% static %}.
    assert not (static / "dangbo/vendor/chart-4.6.1.umd.min.js").exists()
    for name in manifest.values():
        if name.endswith((".js", ".css")):
            text = (static / name).read_text(errors="replace")
            for ref in re.findall(r"^(?://|/\*)# sourceMappingURL=([^\s*]+)", text, re.M):
                assert (static / name).parent.joinpath(ref).is_file(), f"{name} names {ref}"


# --- The smoke test ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects: every status is seen."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def request(
        self, path: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(req, timeout=30) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read()


def wait_healthy(client: Browser, proc: subprocess.Popen[bytes], log: Path) -> dict:
    deadline = time.monotonic() + 45
    last: object = None
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"serve.sh ended early:\n{log.read_text()}"
        try:
            status, _, body = client.request("/healthz")
            last = (status, body[:500])
            if status == 200:
                return json.loads(body)
        except OSError as exc:
            last = exc
        time.sleep(0.5)
    raise AssertionError(f"/healthz never healthy: {last}\n{log.read_text()}")


@pytest.mark.server
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_production_server_serves_the_main_pages(tmp_path: Path) -> None:
    """gunicorn + worker + scheduler in production mode: healthy, a real login, the main
    pages without a 500, static files under hashed names, and a graceful stop."""
    if connection.vendor != "postgresql":
        pytest.skip("the server's processes cannot share SQLite's in-memory test database")
    cast = build_cast()
    # The server hashes with the production hashers, not the tests' fast one.
    cast.clerk.password = PBKDF2PasswordHasher().encode(PASSWORD, "smoke" + secrets.token_hex(4))
    cast.clerk.save(update_fields=["password"])

    db = connection.settings_dict
    url = "postgres://{}:{}@{}:{}/{}".format(
        urllib.parse.quote(db["USER"]),
        urllib.parse.quote(db["PASSWORD"]),
        db["HOST"],
        db["PORT"],
        db["NAME"],
    )
    port = free_port()
    env = production_env(
        tmp_path,
        DANGBO_DATABASE_URL=url,
        DANGBO_DB_CONN_MAX_AGE="0",
        DANGBO_SSL_REDIRECT="0",  # plain HTTP on loopback: settings refuse it on other hosts
        DANGBO_WEB_WORKERS="2",
        DANGBO_AXES_ENABLED="1",
        BIN=str(Path(sys.executable).parent),
        HOST="127.0.0.1",
        PORT=str(port),
    )
    collected = collectstatic(env)
    assert collected.returncode == 0, collected.stdout + collected.stderr

    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603 - our own script
            [shutil.which("bash") or "/bin/bash", str(ROOT / "scripts" / "serve.sh"), "production"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        client = Browser(f"http://127.0.0.1:{port}")
        health = wait_healthy(client, proc, log)
        assert health["checks"]["worker"]["ok"] and health["checks"]["scheduler"]["ok"], health
        # The master built the URL tables, catalogues and templates before forking (core.warm).
        assert "warmed up before forking the workers" in log.read_text(), log.read_text()[-3000:]

        # Not logged in: the home page sends to the login form, served without TLS redirect.
        status, headers, _ = client.request("/")
        assert status == 302 and "/dang-nhap/" in headers["Location"], (status, headers)

        # Log in through the real form (CSRF token, django-axes, the production hasher).
        status, _, page = client.request(reverse("login"))
        assert status == 200
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page[:2000]
        status, headers, body = client.request(
            reverse("login"),
            {
                "username": "clerk",
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1).decode(),
            },
        )
        assert status == 302, (status, body[:2000])
        assert headers["Location"] == reverse("core:home")

        pages = {reverse(link.url_name) for link in nav.links(nav.MAIN) + nav.links(nav.HOME)}
        pages |= {
            reverse("core:search") + "?q=ph%C6%B0%E1%BB%9Dng",
            reverse("orgs:unit_detail", args=[cast.ward1.pk]),
            "/api/v1/units",
            "/api/v1/docs",  # its scripts are django-ninja's static files
        }
        bodies = {}
        for path in sorted(pages):
            status, headers, body = client.request(path)
            if status == 302 and headers.get("Location", "").startswith("/"):
                # A section that opens on the user's own page (Reports → the unit's page).
                status, headers, body = client.request(headers["Location"])
            assert status == 200, (path, status, body[:2000], log.read_text()[-3000:])
            bodies[path] = body.decode()
        home = bodies[reverse("core:home")]
        assert "Nguyễn Thị Vân" in home or "clerk" in home

        # Static files: named by their hash, served by WhiteNoise, compressed on request.
        static_refs = {
            ref
            for body in bodies.values()
            for ref in re.findall(r'(?:src|href)="(/static/[^"]+)"', body)
        }
        assert any(ref.startswith("/static/ninja/") for ref in static_refs), static_refs
        assert any(ref.endswith(".js") for ref in static_refs), static_refs
        assert any(ref.endswith(".css") for ref in static_refs), static_refs
        for ref in sorted(static_refs):
            assert HASHED.search(ref), ref
            status, headers, body = client.request(ref, headers={"Accept-Encoding": "gzip"})
            assert status == 200, (ref, status)
            assert body, ref
            assert "immutable" in headers.get("Cache-Control", ""), (ref, headers)
        status, headers, _ = client.request(
            next(ref for ref in sorted(static_refs) if ref.endswith(".js")),
            headers={"Accept-Encoding": "gzip"},
        )
        assert headers.get("Content-Encoding") == "gzip", headers

        # Graceful stop: SIGTERM to serve.sh stops all three and it exits cleanly.
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0, log.read_text()
        with pytest.raises(ProcessLookupError):
            os.killpg(proc.pid, 0)  # nothing of its process group is left
        assert "stopped" in log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        try:  # whatever of its process group outlived it
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
