"""The evidence registry: sources registered by the apps, collected in batches (plain)."""

from __future__ import annotations

import datetime as dt

import pytest

from dangbo.core import evidence
from dangbo.core.evidence import Figure


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(evidence, "_sources", {})
    return evidence


def test_sources_answer_for_a_batch_and_unknown_ids_are_empty(registry):
    calls = []

    def visits(subject, ids, start, end):
        calls.append((subject, list(ids), start, end))
        return {pk: [Figure("visits", "Visits", pk * 2, 10, f"/v/{pk}")] for pk in ids if pk != 3}

    registry.register("visits", label="Visits", subjects={"unit"}, collect=visits)
    registry.register("duty", label="Duty", subjects={"person"}, collect=lambda s, ids, a, b: {1: [Figure("duty", "D", 1)]})
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    found = registry.collect("unit", [1, 2, 3], start, end)
    assert calls == [("unit", [1, 2, 3], start, end)]  # one call for the batch, not one per id
    assert found[2]["visits"].rate == 0.4 and found[2]["visits"].url == "/v/2"
    assert found[3] == {}
    assert registry.collect("unit", [], start, end) == {} and len(calls) == 1
    assert [s.code for s in registry.sources("person")] == ["duty"]
    assert Figure("duty", "D", 1).rate is None
    assert Figure("x", "X", 3, 4).as_dict() == {"label": "X", "value": 3, "of": 4, "url": ""}


def test_the_apps_register_their_evidence():
    codes = {s.code for s in evidence.sources("person")}
    assert {"tasks", "attendance", "commitments"} <= codes
