"""The plain grading functions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from dangbo.meetings import scoring


@dataclass
class T:
    code: str
    name: str
    min_points: Decimal
    requires_full_marks: bool
    rank: int


THRESHOLDS = [T("kem", "Kém", Decimal(0), False, 4), T("tot", "Tốt", Decimal(90), True, 1),
              T("kha", "Khá", Decimal(70), False, 2), T("tb", "Trung bình", Decimal(50), False, 3)]


def test_grade_bands():
    assert scoring.grade_for(Decimal(90), THRESHOLDS, full_marks_met=True).code == "tot"
    assert scoring.grade_for(Decimal(95), THRESHOLDS, full_marks_met=False).code == "kha"
    assert scoring.grade_for(Decimal("69.5"), THRESHOLDS, full_marks_met=True).code == "tb"
    assert scoring.grade_for(Decimal(10), THRESHOLDS, full_marks_met=True).code == "kem"


def test_three_falls_in_a_row():
    assert scoring.fell_three_months([Decimal(90), Decimal(85), Decimal(80), Decimal(70)])
    assert not scoring.fell_three_months([Decimal(90), Decimal(85), Decimal(85), Decimal(70)])
    assert not scoring.fell_three_months([None, Decimal(85), Decimal(80), Decimal(70)])


def test_excused_streak():
    assert scoring.excused_streak(["excused", "excused", "present", "excused", "excused", "excused", "excused"]) == 4
