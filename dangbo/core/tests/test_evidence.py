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


def test_a_source_names_its_figures_and_is_asked_only_for_a_wanted_one(registry):
    calls = []

    def cells(subject, ids, start, end):
        calls.append("cells")
        return {pk: [Figure("cells_good", "Good cells", 3, 4)] for pk in ids}

    def visits(subject, ids, start, end):
        calls.append("visits")
        return {pk: [Figure("visits", "Visits", 1)] for pk in ids}

    registry.register("meetings", label="Meetings", subjects={"unit_tree"}, collect=cells,
                      figures={"cells_good": "Good cells", "cells_held": "Cells that met"})
    registry.register("visits", label="Visits", subjects={"unit_tree", "unit"}, collect=visits)
    assert registry.figure_choices("unit_tree") == [
        ("cells_good", "Good cells"), ("cells_held", "Cells that met"), ("visits", "Visits")
    ]
    assert registry.figure_choices("person") == []
    assert registry.figure_label("cells_held") == "Cells that met" and registry.figure_label("nope") == "nope"
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    found = registry.collect("unit_tree", [5], start, end, codes={"cells_good"})
    assert calls == ["cells"] and found[5]["cells_good"].rate == 0.75


def test_the_apps_offer_figures_for_a_unit_and_the_units_below_it():
    codes = {code for code, _label in evidence.figure_choices("unit_tree")}
    assert {"tasks_on_time", "cells_good", "members_admitted"} <= codes
