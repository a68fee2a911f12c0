"""The Content-Security-Policy header, and templates that can live under it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from dangbo.core.csp import ContentSecurityPolicyMiddleware, policy_header

TEMPLATES = Path(settings.BASE_DIR) / "dangbo"


def directives(header: str) -> dict[str, list[str]]:
    parts = (d.split() for d in header.split(";") if d.strip())
    return {name: sources for name, *sources in parts}


@pytest.mark.django_db
def test_pages_send_a_policy_without_inline_script_or_eval(client, cast, login):
    for response in (client.get(reverse("login")), login(cast.member).get(reverse("core:home"))):
        policy = directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_the_api_docs_allow_data_images_only(client, cast, login):
    policy = directives(login(cast.member).get("/api/v1/docs")["Content-Security-Policy"])
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["script-src"] == ["'self'"]


def test_a_response_can_widen_one_directive_and_report_only_mode(settings):
    response = HttpResponse()
    response.csp = {"connect-src": ["'self'", "https://example.org"]}  # type: ignore[attr-defined]
    middleware = ContentSecurityPolicyMiddleware(lambda request: response)
    header = middleware(RequestFactory().get("/"))["Content-Security-Policy"]
    assert directives(header)["connect-src"] == ["'self'", "https://example.org"]
    assert directives(header)["script-src"] == ["'self'"]
    settings.DANGBO_CSP_REPORT_ONLY = True
    fresh = ContentSecurityPolicyMiddleware(lambda request: HttpResponse())(RequestFactory().get("/"))
    assert "Content-Security-Policy" not in fresh and "Content-Security-Policy-Report-Only" in fresh


def test_policy_header_format():
    assert policy_header({"default-src": ["'self'"], "upgrade-insecure-requests": []}) == (
        "default-src 'self'; upgrade-insecure-requests"
    )


# Pages are served as HTML; e-mails and the PDF export (rendered by WeasyPrint) are not.
NOT_PAGES = ("templates/emails/", "meetings/export_document.html")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
EVAL_TRIGGER = re.compile(r"hx-trigger=\"[^\"]*\[|hx-on|hx-vals=\"js:|javascript:", re.I)


def test_templates_have_no_inline_script_handler_or_eval():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if any(part in name for part in NOT_PAGES):
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, EVAL_TRIGGER):
            found += [f"{name}: {m.group(0)[:80]}" for m in pattern.finditer(text)]
    assert found == []
