"""The edit versions of dangbo.core.versions: one digest per field, the stale check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dangbo.core import versions


def test_one_digest_per_field_names_what_changed():
    before = {"title": "Rà soát", "deadline": dt.date(2026, 3, 1), "weight": None}
    token = versions.token_of(before)
    assert len(token) == versions.DIGEST_CHARS * 3
    assert versions.changed_fields(before, token) == []
    after = before | {"deadline": dt.date(2026, 4, 1)}
    assert versions.changed_fields(after, token) == ["deadline"]


def test_a_value_changed_back_is_no_conflict():
    values = {"status": "present", "reason": ""}
    token = versions.token_of(values)
    assert versions.changed_fields({"status": "present", "reason": ""}, token) == []


def test_equal_decimals_have_one_version_and_types_are_told_apart():
    assert versions.token_of({"p": Decimal("2.50")}) == versions.token_of({"p": Decimal("2.5")})
    assert versions.token_of({"w": None}) != versions.token_of({"w": ""})
    assert versions.token_of({"w": 1}) != versions.token_of({"w": "1"})


@pytest.mark.parametrize("expected", ["", "abc", "z" * 16])
def test_a_version_of_other_fields_counts_as_every_field_changed(expected):
    values = {"a": 1, "b": 2}
    assert versions.changed_fields(values, expected) == ["a", "b"]


def test_the_field_name_is_part_of_its_digest():
    """Two fields holding the same value do not share a digest (a swapped order is seen)."""
    assert versions.token_of({"a": 1, "b": 2}) != versions.token_of({"b": 2, "a": 1})
