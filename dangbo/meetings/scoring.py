"""Grading a total against thresholds: plain functions, no database.

A threshold with ``requires_full_marks`` is reached only when every criterion marked
``required_for_top`` has its maximum; otherwise the total falls to the next grade (the
local frame: "Khá 70–<90, or ≥ 90 without full marks on those four").
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Grade:
    code: str
    name: str
    rank: int


def grade_for(
    total: Decimal,
    thresholds: Sequence[Any],
    *,
    full_marks_met: bool,
) -> Grade:
    """The best grade whose ``min_points`` the total reaches (thresholds in any order)."""
    for threshold in sorted(thresholds, key=lambda t: t.rank):
        if total < threshold.min_points:
            continue
        if threshold.requires_full_marks and not full_marks_met:
            continue
        return Grade(threshold.code, threshold.name, threshold.rank)
    worst = max(thresholds, key=lambda t: t.rank)
    return Grade(worst.code, worst.name, worst.rank)


def full_marks_met(criteria: Iterable[Any], points: Mapping[int, Decimal]) -> bool:
    return all(points.get(c.pk, Decimal(0)) >= c.max_points for c in criteria if c.required_for_top)


def suggest_points(criterion: Any, *, expected: int, present: int, unexcused: int,
                   duration: int | None, min_duration: int) -> Decimal | None:
    """A suggested mark for criteria computed from the roll-call or the duration."""
    if criterion.auto == "attendance":
        if not expected:
            return None
        if present / expected > 0.85 and unexcused == 0:
            return Decimal(criterion.max_points)
        return max(Decimal(0), Decimal(criterion.max_points) - 5 * max(unexcused, 1))
    if criterion.auto == "duration":
        if duration is None:
            return None
        return Decimal(criterion.max_points) if duration >= min_duration else Decimal(0)
    return None


def fell_three_months(scores: Sequence[Decimal | None]) -> bool:
    """True when the last four monthly scores fell month after month (three falls)."""
    if len(scores) < 4:
        return False
    last = scores[-4:]
    if any(s is None for s in last):
        return False
    return all(b < a for a, b in itertools.pairwise(last))  # type: ignore[operator]


def excused_streak(statuses: Sequence[str]) -> int:
    """The longest run of consecutive excused absences."""
    best = run = 0
    for status in statuses:
        run = run + 1 if status == "excused" else 0
        best = max(best, run)
    return best
