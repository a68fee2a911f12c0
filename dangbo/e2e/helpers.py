"""Helpers for the browser tests; the fixtures in ``conftest.py`` hand them out.

They can also be imported directly (``from dangbo.e2e.helpers import log_in``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlparse

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.urls import reverse
from playwright.sync_api import Browser, Page, Playwright

from dangbo.conftest import PASSWORD

CHROMIUM = os.environ.get("DANGBO_CHROMIUM", "/usr/bin/chromium")

# Debian's Chromium, headless, as root, on a machine with no network but loopback: the
# background-networking flags stop it calling home (refused connections, slow starts).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# How long a locator action or an ``expect`` waits before failing (ms).
TIMEOUT_MS = 10_000

#: Axe impacts that fail a test; "minor" and "moderate" ones are only printed.
FAILING_IMPACTS = ("serious", "critical")


#: Run in every page before its own scripts: each Content-Security-Policy violation is logged
#: to the console with this prefix (Chromium also logs its own "Refused to …" line).
CSP_PREFIX = "CSP violation:"
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP_PREFIX ${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || location.pathname}:${e.lineNumber} (${(e.sample || "").slice(0, 80)})`);
});
""".replace("CSP_PREFIX", CSP_PREFIX)
_CSP_LOGS: dict[int, list[str]] = {}


def collect_csp_violation(page: Page, message: Any) -> None:
    """Keep a console message about the policy blocking something (see ``csp_violations``)."""
    text = message.text
    if text.startswith(CSP_PREFIX) or "Content Security Policy" in text:
        _CSP_LOGS.setdefault(id(page), []).append(f"{page.url}: {text}")


def csp_violations(page: Page, *, forget: bool = False) -> list[str]:
    """What the Content-Security-Policy blocked on ``page`` so far, one line each
    (``forget``: and drop the record, when the page is closed)."""
    found = _CSP_LOGS.pop(id(page), []) if forget else _CSP_LOGS.get(id(page), [])
    return list(found)


def launch_chromium(playwright: Playwright) -> Browser:
    """Start Debian's Chromium (Playwright cannot download its own browser here)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"No Chromium at {CHROMIUM}: install Debian's chromium (scripts/test-deps.sh does) "
            "or set DANGBO_CHROMIUM",
            pytrace=False,
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def log_in(page: Page, user: AbstractBaseUser, password: str = PASSWORD) -> Page:
    """Log ``user`` in through the real login form and wait for the page it leads to.

    Fails the test with the form's error text if the login page is still shown afterwards.
    """
    login_path = reverse("login")
    page.goto(login_path)
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=username]").fill(user.get_username())
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    if urlparse(page.url).path == login_path:
        errors = page.locator(".form-errors, .error").all_inner_texts()
        pytest.fail(
            f"Logging in as {user.get_username()!r} failed; the login page says: {errors}",
            pytrace=False,
        )
    return page


def format_violations(violations: Iterable[dict[str, Any]]) -> str:
    """Axe violations as readable text: rule, impact, help, link, then each element."""
    lines: list[str] = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation.get('help', '')}"
        )
        if violation.get("helpUrl"):
            lines.append(f"  {violation['helpUrl']}")
        for node in violation.get("nodes", []):
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(f"  * {target}")
            html = " ".join(str(node.get("html", "")).split())
            lines.append(f"    {html[:200]}")
            summary = str(node.get("failureSummary") or "").strip()
            for summary_line in summary.splitlines():
                lines.append(f"    {summary_line.strip()}")
    return "\n".join(lines)


def axe_check(
    page: Page,
    *,
    context: str | list[Any] | dict[str, Any] | None = None,
    disable_rules: Sequence[str] = (),
    failing_impacts: Sequence[str] = FAILING_IMPACTS,
) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; fail on serious or critical violations.

    ``context`` limits the check to part of the page (axe's include/exclude syntax);
    ``disable_rules`` switches named axe rules off, for a reason given in the test.
    Lesser violations are printed (pytest shows them with the test's output). Returns all
    violations found.
    """
    from axe_playwright_python.sync_playwright import Axe

    options: dict[str, Any] = {"resultTypes": ["violations"]}
    if disable_rules:
        options["rules"] = {rule: {"enabled": False} for rule in disable_rules}
    results = Axe().run(page, context=context, options=options)
    violations: list[dict[str, Any]] = results.response["violations"]
    failing = [v for v in violations if v.get("impact") in failing_impacts]
    others = [v for v in violations if v.get("impact") not in failing_impacts]
    if others:
        print(f"axe: {len(others)} minor/moderate violation(s) on {page.url}:")
        print(format_violations(others))
    if failing:
        pytest.fail(
            f"axe: {len(failing)} serious/critical accessibility violation(s) on {page.url}:\n"
            + format_violations(failing),
            pytrace=False,
        )
    return violations


def assert_no_horizontal_scroll(page: Page) -> None:
    """Fail if the page is wider than the viewport, naming the elements that stick out."""
    scroll_width, client_width = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    if scroll_width <= client_width:
        return
    culprits = page.evaluate(
        """(width) => Array.from(document.querySelectorAll('body *'))
            .filter((el) => el.getBoundingClientRect().right > width + 1)
            .slice(0, 10)
            .map((el) => el.tagName.toLowerCase()
                 + (el.id ? '#' + el.id : '')
                 + (el.className && typeof el.className === 'string'
                    ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
                 + ' right=' + Math.round(el.getBoundingClientRect().right))""",
        client_width,
    )
    pytest.fail(
        f"{page.url} scrolls sideways: scrollWidth {scroll_width} > clientWidth {client_width}; "
        f"wide elements: {culprits}",
        pytrace=False,
    )


def pick_two_and_remove_the_first(
    page: Page, box: Any, *, found: str, chosen: str, typed: Sequence[str], names: Sequence[str], field: str,
    checks: Iterable[Any] = (),
) -> None:
    """What people do with a several-item picker (``orgs.forms.ManyPicker``) on a phone: type
    ``typed[0]`` and pick the first found with the keyboard, type ``typed[1]`` and tap the one
    found, type ``typed[2]`` (the list draws; ``checks`` run on the page then, e.g. axe), close
    and empty the box with Escape, then remove ``names[0]`` with its "Bỏ …" button. ``found``
    and ``chosen`` name the list of matches and of chosen items; ``field`` the form field."""
    from playwright.sync_api import expect

    options = page.get_by_role("listbox", name=found).get_by_role("option")
    items = page.get_by_role("list", name=chosen).get_by_role("listitem")
    box.press_sequentially(typed[0], delay=20)
    expect(options.first).to_be_visible()
    box.press("ArrowDown")
    box.press("Enter")  # the first one, with the keyboard
    expect(items).to_have_count(1)
    expect(box).to_have_value("")
    expect(page.get_by_role("status").filter(has_text=f"Đã thêm {names[0]}")).to_be_visible()
    box.press_sequentially(typed[1], delay=20)
    expect(options).to_have_count(1)
    options.first.click()  # the second, with a tap
    expect(items).to_have_count(2)
    box.press_sequentially(typed[2], delay=20)
    expect(options).to_have_count(1)
    for check in checks:
        check(page)
    box.press("Escape")  # closes the list
    box.press("Escape")  # empties the box
    remove = page.get_by_role("button", name=f"Bỏ {names[0]}")
    remove.focus()
    remove.press("Enter")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text(names[1])
    expect(page.locator(f"input[type=hidden][name={field}]")).to_have_count(1)
