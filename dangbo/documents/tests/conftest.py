"""Test helpers of the documents app.

The citation corpus test records its exact-match figure as a user property; the hook below
collects it from the test reports (which also reach the controller under pytest-xdist) and
prints it at the end of the run, e.g. "citations corpus: 275/277 exact (99.3 %)".
"""

from __future__ import annotations

from typing import Any

import pytest

CORPUS_PROPERTY = "citations_corpus"

_corpus_lines: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call":
        return
    for name, value in report.user_properties:
        if name == CORPUS_PROPERTY and value not in _corpus_lines:
            _corpus_lines.append(str(value))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    for line in _corpus_lines:
        terminalreporter.write_line(line)
