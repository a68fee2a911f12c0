"""The rule data and the engine, plain: no database."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation

from dangbo.people.ratings import catalogue, rules

TESTS = {"discipline", "sub_discipline", "rate_below", "members_below", "subunits_below"}


def rule(code: str) -> SimpleNamespace:
    data = next(r for r in catalogue.RULES if r["code"] == code)
    return SimpleNamespace(**data, uses_points=data["points_max"] is not None)


R366, R124 = rule("366-QD-TW"), rule("124-QD-TW")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def facts(**kwargs) -> rules.Facts:
    base = {"subject": "person", "year": 2025}
    return rules.Facts(**(base | kwargs))


def tasks(done: int, on_time: int, exceeded: int, total: int = 10) -> dict:
    return {"tasks_done": {"value": done, "of": total}, "tasks_on_time": {"value": on_time, "of": total},
            "tasks_exceeded": {"value": exceeded, "of": total}}


def test_every_rule_names_its_source_and_its_gates_speak_the_engine():
    for data in catalogue.RULES:
        assert data["source"] and data["valid_from"]
        codes = {g["code"] for g in data["grades"]}
        for gate in data["gates"]:
            assert gate["test"] in TESTS and gate["source"]
            assert set(gate["blocks"]) <= codes
        for quota in data["quotas"]:
            assert {quota["grade"], quota["of"]} <= codes and quota["source"]
    assert R366.general_max + R366.task_max == R366.points_max == 100
    assert sum(w["points"] for w in R366.prefill["task"]) == R366.task_max


@pytest.mark.parametrize(("points", "grade"), [
    ("100", "xuat_sac"), ("90", "xuat_sac"), ("89.9", "tot"), ("70", "tot"), ("69.9", "hoan_thanh"),
    ("50", "hoan_thanh"), ("49.9", "khong_hoan_thanh"), ("0", "khong_hoan_thanh"),
])
def test_the_366_bands(points, grade):
    assert rules.band(R366, Decimal(points)) == grade


def test_124_has_no_points():
    assert rules.band(R124, Decimal("95")) == ""
    assert rules.task_points(R124, tasks(10, 10, 10)) is None


def test_discipline_forbids_excellent_and_says_so_before_a_grade_is_picked():
    f = facts(disciplined=True, figures=tasks(10, 10, 5))
    with translation.override("vi"):
        assert rules.gate_messages(R366, f) == ["Xuất sắc không thể: bị kỷ luật năm 2025"]
        assert rules.check_grade(R366, f, "xuat_sac", Decimal("95")) == ["Xuất sắc không thể: bị kỷ luật năm 2025"]
    assert rules.best_allowed(R366, f, Decimal("95")) == "tot"
    assert rules.check_grade(R366, f, "tot", Decimal("95")) == []


def test_excellent_needs_thirty_percent_of_tasks_exceeded():
    assert "xuat_sac" in rules.blocked(R366, facts(figures=tasks(10, 10, 2)))
    assert "xuat_sac" not in rules.blocked(R366, facts(figures=tasks(10, 10, 3)))
    # No tracked task at all: nothing shows the 30 % — a rater adjusts the figure with a reason.
    assert "xuat_sac" in rules.blocked(R366, facts())


def test_a_late_task_forbids_excellent_and_good():
    found = rules.blocked(R366, facts(figures=tasks(10, 9, 5)))
    assert set(found) == {"xuat_sac", "tot"}


def test_points_must_reach_the_grade():
    f = facts(figures=tasks(10, 10, 5))
    assert rules.check_grade(R366, f, "xuat_sac", Decimal("85")) == [
        "85 points do not reach Xuất sắc (at least 90)."
    ]
    assert rules.check_grade(R366, f, "xuat_sac", None) == ["Enter both parts of the points before choosing a grade."]
    assert rules.check_grade(R366, f, "hoan_thanh", Decimal("85")) == []  # a lower grade may be given


def test_124_discipline_leaves_only_not_completed():
    f = facts(year=2024, disciplined=True)
    assert set(rules.blocked(R124, f)) == {"xuat_sac", "tot", "hoan_thanh"}
    assert rules.best_allowed(R124, f, None) == "khong_hoan_thanh"
    assert rules.best_allowed(R124, facts(year=2024), None) == "xuat_sac"


def test_an_organisation_needs_its_members_good():
    good = facts(subject="unit", figures=tasks(10, 10, 4), member_grades=["tot"] * 4 + ["xuat_sac"])
    assert "xuat_sac" not in rules.blocked(R366, good)
    weak = facts(subject="unit", figures=tasks(10, 10, 4), member_grades=["tot"] * 3 + ["hoan_thanh"] * 2)
    assert rules.blocked(R366, weak)["xuat_sac"] == ["dưới 80% đảng viên hoàn thành tốt nhiệm vụ trở lên"]
    failing = facts(subject="unit", figures=tasks(10, 10, 4), subunit_grades=["tot", "khong_hoan_thanh"])
    assert len(rules.blocked(R366, failing)["xuat_sac"]) == 2
    # A member's gates are not an organisation's.
    assert "xuat_sac" not in rules.blocked(R366, facts(figures=tasks(10, 10, 4), sub_disciplined=True))
    assert "xuat_sac" in rules.blocked(R366, facts(subject="unit", figures=tasks(10, 10, 4), sub_disciplined=True))


def test_task_points_from_the_evidence():
    full = tasks(10, 10, 10) | {"attendance": {"value": 12, "of": 12}, "commitments": {"value": 2, "of": 2}}
    assert rules.task_points(R366, full) == Decimal("70.0")
    half = tasks(5, 5, 0) | {"attendance": {"value": 6, "of": 12}}
    # 60 points of weights have evidence, each half earned: 35 of 70.
    assert rules.task_points(R366, half) == Decimal("35.0")
    assert rules.task_points(R366, {"attendance": {"value": 9, "of": 12}}) == Decimal("52.5")
    assert rules.task_points(R366, {}) is None


def test_quota_of_excellent_among_good():
    assert rules.quota_problems(R366, "person", ["xuat_sac", "tot", "tot", "tot", "tot", "tot"]) == []
    problems = rules.quota_problems(R366, "person", ["xuat_sac", "xuat_sac", "tot", "tot", "tot", "tot", "tot"])
    assert len(problems) == 1 and problems[0][1].startswith("2 rated Xuất sắc for 5 rated Tốt")
    assert rules.quota_problems(R366, "unit", ["xuat_sac", "xuat_sac"]) == []


def test_two_years_not_completed():
    assert rules.failed_twice(R366, "khong_hoan_thanh", "khong_hoan_thanh")
    assert not rules.failed_twice(R366, "khong_hoan_thanh", "hoan_thanh")
    assert not rules.failed_twice(R366, "", "khong_hoan_thanh")
