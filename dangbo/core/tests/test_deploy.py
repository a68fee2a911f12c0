"""Production settings: Django's deployment checks pass, and a missing secret stops start-up."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

MANAGE = Path(settings.BASE_DIR) / "manage.py"


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    # Nothing of the test run's own set-up: no DANGBO_* and no DJANGO_ALLOW_ASYNC_UNSAFE
    # (the browser tests set it, and check --deploy rightly refuses it).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DANGBO_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="dangbo.settings",
        DANGBO_ENV="production",
        DANGBO_SECRET_KEY=secrets.token_urlsafe(60),
        DANGBO_ALLOWED_HOSTS="example.org",
        DANGBO_VAR_DIR=str(tmp_path),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = run(
        [str(MANAGE), "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["DANGBO_SECRET_KEY"]
    result = run(["-c", "import django; django.setup()"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DANGBO_SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key(tmp_path: Path) -> None:
    result = run(
        ["-c", "import django; django.setup()"],
        production_env(tmp_path, DANGBO_SECRET_KEY="short-and-guessable"),
    )
    assert result.returncode != 0
    assert "DANGBO_SECRET_KEY" in result.stderr


def test_production_turns_debug_off_and_secures_cookies(tmp_path: Path) -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)"
    )
    result = run(["-c", code], production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True"]


def test_plain_http_is_refused_in_production_beyond_loopback(tmp_path: Path) -> None:
    """DANGBO_SSL_REDIRECT=0 (the smoke test's plain HTTP) only for 127.0.0.1/::1/localhost."""
    result = run(
        ["-c", "import django; django.setup()"],
        production_env(tmp_path, DANGBO_SSL_REDIRECT="0"),  # example.org
    )
    assert result.returncode != 0
    assert "DANGBO_SSL_REDIRECT" in result.stderr


def test_plain_http_on_loopback_drops_the_redirect_and_secure_cookies(tmp_path: Path) -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"
    )
    env = production_env(tmp_path, DANGBO_SSL_REDIRECT="0", DANGBO_ALLOWED_HOSTS="127.0.0.1,localhost")
    result = run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "False", "0"]
