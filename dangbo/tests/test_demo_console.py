"""``make demo`` runs like production for the user and its console tells the truth: Django's
debug page off (the Vietnamese error pages), digests to files under var/, the logs in a file
so that the address and the accounts are the last lines, refusals logged without a
traceback, counts in words."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.test import override_settings
from django.utils import translation

from dangbo.core.logfilters import ClientErrorsInOneLine
from dangbo.orgs.management.commands.load_demo import count_line

SERVE = (Path(settings.BASE_DIR) / "scripts" / "serve.sh").read_text(encoding="utf-8")


def test_the_demo_runs_with_debug_off_and_its_mail_in_files():
    demo = SERVE.split("if [[ $MODE == demo ]]; then", 1)[1].split("\nfi\n", 1)[0]
    assert "DANGBO_DEBUG=${DANGBO_DEBUG:-0}" in demo
    assert "filebased.EmailBackend" in demo and "var/mail" in demo
    assert settings.WHITENOISE_USE_FINDERS  # the static files are served with DEBUG off too


def test_the_address_and_the_accounts_come_last():
    demo = SERVE.split("\nelse\n", 1)[1]
    assert demo.index("runserver") < demo.index("is running") < demo.index("demo accounts")
    assert "var/mail" in SERVE and "var/log" in SERVE
    assert "PORT=" in demo  # how to change the port


def test_the_error_pages_are_vietnamese_with_debug_off(client, db):
    with override_settings(DEBUG=False):
        response = client.get("/khong-co-trang-nay/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found at" not in html and "<html lang=\"vi\"" in html


def test_a_refusal_is_logged_in_one_line_and_a_fault_with_its_traceback():
    keep = ClientErrorsInOneLine()
    try:
        raise PermissionError("refused")
    except PermissionError:
        import sys

        info = sys.exc_info()
    refused = logging.LogRecord("django.request", logging.WARNING, "", 0, "Forbidden: /x/", (), info)
    refused.status_code = 403
    assert keep.filter(refused) and refused.exc_info is None
    fault = logging.LogRecord("django.request", logging.ERROR, "", 0, "Server error: /x/", (), info)
    fault.status_code = 500
    assert keep.filter(fault) and fault.exc_info is info
    assert any(
        isinstance(f, ClientErrorsInOneLine)
        for h in logging.getLogger().handlers
        for f in h.filters
    )


def test_the_demo_counts_read_as_words_without_their_own_timing():
    with translation.override("vi"):
        line = count_line({"meetings": 120, "attendance": 3400, "seconds": 51.1})
    assert "seconds" not in line and "51" not in line
    assert line.startswith("120 ") and "meetings" not in line


def test_every_count_the_demos_report_reads_in_vietnamese():
    """The people, plans and citizens demos report these keys: none may reach the console as a
    raw key, and thousands are grouped the Vietnamese way."""
    keys = [
        "transfers", "transfers out", "transfers in", "leavings", "personal data", "probationary followed",
        "probationary flagged", "probationary recognised", "targets", "cadre records", "cadre plans",
        "planned candidates", "not meeting a criterion", "rotations and appointments", "streamlining rows",
        "ratings", "ratings_rated", "ratings_adjusted", "disciplines", "plan_documents", "merged",
        *(f"candidates {stage}" for stage in
          ("awareness", "file", "decision", "ceremony", "probation", "recognition", "official", "stopped")),
    ]
    with translation.override("vi"):
        line = count_line({"attendance": 129067} | dict.fromkeys(keys, 2))
    assert line.startswith("129.067 lượt điểm danh")
    for key in keys:
        assert f"2 {key}," not in f"{line},", key
    assert "_" not in line
