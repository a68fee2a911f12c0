"""The rating engine: plain functions over a rule version's data (``catalogue.RULES``) and the
facts about one subject. No queries here; the services gather the facts.

* :func:`task_points` — the task-results part pre-filled from the evidence figures;
* :func:`band` — the grade the points reach;
* :func:`blocked` — the grades each hard gate forbids, with the reason shown before anyone
  picks a grade ("Xuất sắc không thể: bị kỷ luật năm 2025");
* :func:`quota_problems` — the quotas a set of grades breaks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

ONE_PLACE = Decimal("0.1")


@dataclass
class Facts:
    """What the gates look at for one subject and year."""

    subject: str  # "person" or "unit"
    year: int
    figures: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # code -> {"value", "of"}
    disciplined: bool = False
    sub_disciplined: bool = False
    #: For an organisation: the final grades of its members / sub-units in the year.
    member_grades: Sequence[str] = ()
    subunit_grades: Sequence[str] = ()


def grades(rule: Any) -> list[dict[str, Any]]:
    return sorted(rule.grades, key=lambda g: -g["rank"])


def grade(rule: Any, code: str) -> dict[str, Any] | None:
    return next((g for g in rule.grades if g["code"] == code), None)


def rank(rule: Any, code: str) -> int:
    found = grade(rule, code)
    return found["rank"] if found else 0


def rate(figure: Mapping[str, Any] | None) -> float | None:
    if not figure or not figure.get("of"):
        return None
    return float(figure["value"]) / float(figure["of"])


def task_points(rule: Any, figures: Mapping[str, Mapping[str, Any]]) -> Decimal | None:
    """Each weighted figure's rate times its points, scaled so that the weights of the figures
    with evidence add up to the whole task part; ``None`` when no figure has evidence."""
    weights = (rule.prefill or {}).get("task") or []
    if not rule.task_max or not weights:
        return None
    counted: list[tuple[Mapping[str, Any], float]] = []
    for w in weights:
        r = rate(figures.get(w["figure"]))
        if r is not None:
            counted.append((w, min(r, 1.0)))
    if not counted:
        return None
    weight_sum = sum((Decimal(w["points"]) for w, _r in counted), Decimal(0))
    earned = sum((Decimal(w["points"]) * Decimal(str(r)) for w, r in counted), Decimal(0))
    value = Decimal(rule.task_max) * earned / weight_sum
    return value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def band(rule: Any, points: Decimal | None) -> str:
    """The best grade whose minimum the points reach ("" without points or bands)."""
    if points is None or not rule.uses_points:
        return ""
    for g in grades(rule):
        if g.get("min_points") is not None and points >= Decimal(g["min_points"]):
            return g["code"]
    return ""


def _share_at_least(rule: Any, codes: Sequence[str], floor: str) -> float | None:
    if not codes:
        return None
    least = rank(rule, floor)
    return sum(1 for c in codes if rank(rule, c) >= least) / len(codes)


def _gate_fails(rule: Any, gate: Mapping[str, Any], facts: Facts) -> bool:
    test = gate["test"]
    if test == "discipline":
        return facts.disciplined
    if test == "sub_discipline":
        return facts.sub_disciplined
    if test == "rate_below":
        value = rate(facts.figures.get(gate["figure"]))
        if value is None:
            return bool(gate.get("missing_blocks"))
        return value < float(gate["share"])
    if test in ("members_below", "subunits_below"):
        codes = facts.member_grades if test == "members_below" else facts.subunit_grades
        share = _share_at_least(rule, codes, gate["grade"])
        return share is not None and share < float(gate["share"])
    raise ValueError(f"unknown gate test {test!r}")


def blocked(rule: Any, facts: Facts) -> dict[str, list[str]]:
    """``{grade code: [reason, …]}`` for every grade a hard gate forbids this subject."""
    result: dict[str, list[str]] = {}
    for gate in rule.gates:
        if facts.subject not in gate.get("subjects", ("person", "unit")) or not _gate_fails(rule, gate, facts):
            continue
        reason = gate["message"].format(year=facts.year)
        for code in gate["blocks"]:
            result.setdefault(code, []).append(reason)
    return result


def gate_messages(rule: Any, facts: Facts) -> list[str]:
    """The gates as sentences, best grade first: "Xuất sắc không thể: bị kỷ luật năm 2025"."""
    found = blocked(rule, facts)
    return [
        _("%(grade)s impossible: %(reason)s") % {"grade": g["short"], "reason": "; ".join(found[g["code"]])}
        for g in grades(rule)
        if g["code"] in found
    ]


def best_allowed(rule: Any, facts: Facts, points: Decimal | None) -> str:
    """The best grade the points reach and no gate forbids ("" when undecided)."""
    forbidden = blocked(rule, facts)
    reached = band(rule, points)
    ceiling = rank(rule, reached) if reached else (0 if rule.uses_points else 99)
    for g in grades(rule):
        if g["rank"] <= ceiling and g["code"] not in forbidden:
            return g["code"]
    return ""


def check_grade(rule: Any, facts: Facts, code: str, points: Decimal | None) -> list[str]:
    """Why ``code`` may not be given (empty: it may)."""
    g = grade(rule, code)
    if g is None:
        return [_("This grade does not exist in %(rule)s.") % {"rule": rule.source}]
    problems = []
    if rule.uses_points:
        if points is None:
            problems.append(_("Enter both parts of the points before choosing a grade."))
        elif g["rank"] > rank(rule, band(rule, points)):
            problems.append(
                _("%(points)s points do not reach %(grade)s (at least %(min)s).")
                % {"points": points, "grade": g["short"], "min": g["min_points"]}
            )
    forbidden = blocked(rule, facts).get(code)
    if forbidden:
        problems.append(_("%(grade)s impossible: %(reason)s") % {"grade": g["short"], "reason": "; ".join(forbidden)})
    return problems


def quota_problems(rule: Any, subject: str, codes: Sequence[str]) -> list[tuple[dict[str, Any], str]]:
    """``(quota, message)`` for every quota the grades ``codes`` (of one unit and level) break."""
    problems = []
    for quota in rule.quotas:
        if subject not in quota.get("subjects", ("person", "unit")):
            continue
        count = sum(1 for c in codes if c == quota["grade"])
        base = sum(1 for c in codes if c == quota["of"])
        if count and count > float(quota["share"]) * base:
            g, of = grade(rule, quota["grade"]), grade(rule, quota["of"])
            problems.append((quota, _("%(count)s rated %(grade)s for %(base)s rated %(of)s: %(rule)s.") % {
                "count": count, "grade": g["short"] if g else quota["grade"], "base": base,
                "of": of["short"] if of else quota["of"], "rule": quota["message"],
            }))
    return problems


def failed_twice(rule: Any, this_year: str, last_year: str) -> bool:
    """Two years in a row at the lowest grade (the member may be struck off)."""
    lowest = min(rule.grades, key=lambda g: g["rank"])["code"]
    return bool(this_year) and this_year == lowest and last_year == lowest
