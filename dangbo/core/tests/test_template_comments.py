"""Django's ``{# … #}`` comment ends on its own line: one spread over two lines is printed on the
page as text (it happened: a shared template's note showed on every report). Longer notes use
``{% comment %}``."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_short_comment_spans_two_lines():
    open_ended = []
    for path in sorted(ROOT.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            rest = line
            while "{#" in rest:
                rest = rest[rest.index("{#") + 2:]
                if "#}" not in rest:
                    open_ended.append(f"{path.relative_to(ROOT)}:{number}")
                    break
                rest = rest[rest.index("#}") + 2:]
    assert open_ended == []
