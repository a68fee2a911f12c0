"""Browser tests: real pages in headless Chromium (Debian's) through Playwright.

Every test in ``dangbo/e2e/`` is marked ``browser`` (``pytest -m "not browser"`` skips
them; ``pytest -m browser`` runs only them). Each test gets Django's live server
(pytest-django ``live_server``, one per xdist worker) over a transactional database whose
migrated data (the unit catalogue) is restored before each test (serialized rollback), so
the shared ``cast`` fixture from ``dangbo/conftest.py`` works as elsewhere.

Fixtures
--------
``page``
    A fresh browser context and page: locale vi-VN (so Vietnamese is the default UI
    language), timezone Asia/Ho_Chi_Minh, viewport 1280×800. Its ``base_url`` is the live
    server, so ``page.goto("/to-chuc/")`` works. Requests to any other host are aborted.
``phone_page``
    The same at phone size: 390×844, ``is_mobile``, ``has_touch``.
``make_page(**context_options)``
    Another page with other context options (``viewport=…``, ``locale="en-US"``…); the
    options are passed to ``Browser.new_context`` over the defaults above.
``browser``
    The session's Chromium (one per xdist worker).
``logged_in(page, user, password=PASSWORD)``
    Logs ``user`` in through the real form at ``/dang-nhap/`` (so django-axes sees a real
    request) and returns the page, now on the page the login led to (the home page).
``axe_check(page, context=None, disable_rules=())``
    Runs axe-core on the page as it is; fails the test, listing each element, on any
    violation of impact serious or critical. Lesser ones are printed.
``no_horizontal_scroll(page)``
    Fails if the page scrolls sideways, naming the elements wider than the viewport.

Every page reports what the Content-Security-Policy blocked (an inline script or style, an
``on…=`` attribute, an ``eval``): any such report fails the test at teardown, listing them;
``helpers.csp_violations(page)`` gives them to a test that wants to look earlier.

When a test fails, each page it opened is saved to ``test-results/`` (gitignored) as a
screenshot (.png), its HTML (.html) and the browser console (.log).

Example::

    def test_unit_page(page, cast, logged_in, axe_check):
        logged_in(page, cast.clerk)
        page.goto(f"/to-chuc/don-vi/{cast.ward1.pk}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Phường 1")
        axe_check(page)
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from dangbo.e2e import helpers

# Playwright's sync API runs an asyncio event loop in the test's thread, and Django refuses
# database calls from a thread with a running loop; the live server is a real thread of its
# own, so the check only gets in the way here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
RESULTS_DIR = Path(settings.BASE_DIR) / "test-results"

expect.set_options(timeout=helpers.TIMEOUT_MS)

_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    # Kept on the item so that fixtures can tell, at teardown, whether the test failed.
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    reports = request.node.stash.get(_REPORTS, {})
    return any(r.failed for r in reports.values())


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Django keeps database connections in an asgiref Local that is thread-local in a plain
    # thread but per-context once an event loop runs in the thread, which Playwright's sync
    # API makes so. Without this, tests after the browser starts would get new connection
    # objects: they lack the serialized test data (serialized rollback restores nothing)
    # and hold database sessions nobody closes. So keep the test thread on the same ones.
    pinned = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, conn in pinned.items():
            connections[alias] = conn
        browser = helpers.launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def make_page(
    browser: Browser,
    live_server: Any,
    django_db_serialized_rollback: None,
    request: pytest.FixtureRequest,
) -> Generator[Callable[..., Page]]:
    base_url = live_server.url
    contexts: list[BrowserContext] = []
    console: dict[int, list[str]] = {}

    def _make_page(**options: Any) -> Page:
        context_options: dict[str, Any] = {
            "base_url": base_url,
            "locale": "vi-VN",
            "timezone_id": "Asia/Ho_Chi_Minh",
            "viewport": {"width": 1280, "height": 800},
        }
        context_options.update(options)
        context = browser.new_context(**context_options)
        context.set_default_timeout(helpers.TIMEOUT_MS)
        context.add_init_script(helpers.REPORT_CSP_VIOLATIONS)
        # Nothing outside the live server: no CDN, no fonts or scripts from elsewhere.
        context.route(lambda url: not url.startswith(base_url), lambda route: route.abort())
        contexts.append(context)
        page = context.new_page()
        log = console.setdefault(id(page), [])
        page.on("console", lambda msg: log.append(f"console.{msg.type}: {msg.text}"))
        page.on("console", lambda msg: helpers.collect_csp_violation(page, msg))
        page.on("pageerror", lambda exc: log.append(f"pageerror: {exc}"))
        page.on(
            "requestfailed",
            lambda req: log.append(f"requestfailed: {req.method} {req.url} {req.failure}"),
        )
        return page

    yield _make_page

    violations = [v for context in contexts for p in context.pages for v in helpers.csp_violations(p, forget=True)]
    if _failed(request):
        RESULTS_DIR.mkdir(exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.nodeid).strip("-")
        stem = f"{stem}-{connection.vendor}"
        for ctx_number, context in enumerate(contexts):
            for page_number, page in enumerate(context.pages):
                name = f"{stem}-{ctx_number}{page_number}" if len(contexts) > 1 else stem
                try:
                    page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)
                    (RESULTS_DIR / f"{name}.html").write_text(page.content(), encoding="utf-8")
                except Exception as exc:  # a crashed page must not hide the test's failure
                    print(f"could not save {name}: {exc}")
                (RESULTS_DIR / f"{name}.log").write_text(
                    f"url: {page.url}\n" + "\n".join(console.get(id(page), [])) + "\n",
                    encoding="utf-8",
                )
                print(f"saved {RESULTS_DIR / name}.png/.html/.log")
    for context in contexts:
        context.close()
    if violations and not _failed(request):
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations), pytrace=False)


@pytest.fixture
def page(make_page: Callable[..., Page]) -> Page:
    return make_page()


@pytest.fixture
def phone_page(make_page: Callable[..., Page]) -> Page:
    return make_page(
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    )


@pytest.fixture
def logged_in() -> Callable[..., Page]:
    return helpers.log_in


@pytest.fixture
def axe_check() -> Callable[..., list[dict[str, Any]]]:
    return helpers.axe_check


@pytest.fixture
def no_horizontal_scroll() -> Callable[[Page], None]:
    return helpers.assert_no_horizontal_scroll
