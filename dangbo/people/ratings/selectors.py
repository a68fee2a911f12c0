"""Reads of the ratings, always through the one policy, in a fixed number of queries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from dangbo.core import policy
from dangbo.core.policy import Action

from . import rules
from .models import LEVEL_ORDER, Discipline, Level, Rating, RatingCampaign


def get_rating_for_user(user, pk: Any, action: Action | str = Action.VIEW) -> Rating:
    qs = Rating.objects.select_related("rule", "person", "subject_unit", "unit", "rater_unit", "rated_by")
    return policy.get_for_user(user, qs, pk, action)


def get_campaign_for_user(user, pk: Any, action: Action | str = Action.VIEW) -> RatingCampaign:
    return policy.get_for_user(user, RatingCampaign.objects.select_related("unit", "rule"), pk, action)


def campaign_list(*, user) -> QuerySet[RatingCampaign]:
    return policy.visible(user, RatingCampaign.objects.select_related("unit", "rule"))


def my_ratings(*, user) -> QuerySet[Rating]:
    return Rating.objects.filter(person__user=user, level=Level.SELF).select_related("rule", "unit").order_by("-year")


def rating_list(*, user, year: int | None = None, unit=None, level: str = "") -> QuerySet[Rating]:
    qs = policy.visible(user, Rating.objects.select_related("rule", "person", "subject_unit", "unit", "rater_unit"))
    if year:
        qs = qs.filter(year=year)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("unit__path", "subject_unit_id", "person__full_name", "id")


def disciplines_for(rating: Rating) -> QuerySet[Discipline]:
    start, end = f"{rating.year}-01-01", f"{rating.year}-12-31"
    qs = Discipline.objects.filter(date__range=(start, end))
    return qs.filter(person_id=rating.person_id) if rating.person_id else qs.filter(subject_unit_id=rating.subject_unit_id)


@dataclass
class SubjectRow:
    """One subject of a campaign with its rating at each level."""

    subject: Any
    kind: str
    unit: Any
    by_level: dict[str, Rating | None] = field(default_factory=dict)
    final: str = ""
    final_label: str = ""


@dataclass
class CampaignView:
    rows: list[SubjectRow]
    levels: list[Level]
    distribution: list[tuple[dict[str, Any], int]]
    progress: list[dict[str, Any]]
    pending: list[dict[str, Any]]
    quota_problems: list[str]
    failed_twice: list[SubjectRow]


def campaign_view(*, user, campaign: RatingCampaign) -> CampaignView:
    """Everything the campaign page shows, in five queries whatever the size of the subtree."""
    rule = campaign.rule
    qs = policy.visible(user, Rating.objects.filter(year=campaign.year, unit__path__startswith=campaign.unit.path))
    ratings = list(qs.select_related("person", "subject_unit", "unit", "rater_unit").order_by(
        "unit__path", "subject_unit_id", "person__full_name", "id"))
    rows: dict[tuple[str, int], SubjectRow] = {}
    for r in ratings:
        key = (r.subject_kind, r.person_id or r.subject_unit_id or 0)
        row = rows.get(key)
        if row is None:
            row = rows[key] = SubjectRow(subject=r.subject, kind=r.subject_kind, unit=r.unit)
        row.by_level[r.level] = r
        r.grade_short = (rules.grade(rule, r.grade) or {}).get("short", "")  # type: ignore[attr-defined]
    for row in rows.values():
        graded = [r for r in row.by_level.values() if r is not None and r.grade]
        if graded:
            row.final = max(graded, key=lambda r: LEVEL_ORDER.index(Level(r.level))).grade
            row.final_label = (rules.grade(rule, row.final) or {}).get("label", "")
    levels = [lv for lv in LEVEL_ORDER if any(lv in r.by_level for r in rows.values())]
    counts = Counter(row.final for row in rows.values() if row.final)
    distribution = [(g, counts.get(g["code"], 0)) for g in rules.grades(rule)]
    progress: list[dict[str, Any]] = [dict(p) for p in
        qs.values("rater_unit__name", "rater_unit__path", "level")
        .annotate(total=Count("pk"), rated=Count("pk", filter=~Q(grade="")))
        .order_by("rater_unit__path", "level")
    ]
    for p in progress:
        p["level_label"] = Level(p["level"]).label
        p["percent"] = round(100 * p["rated"] / p["total"]) if p["total"] else 0
        p["left"] = p["total"] - p["rated"]
    pending = [p for p in progress if p["rated"] < p["total"]]
    problems: list[str] = []
    by_rater: dict[tuple[int, str, str], list[str]] = {}
    for r in ratings:
        if r.grade:
            by_rater.setdefault((r.rater_unit_id, r.level, r.subject_kind), []).append(r.grade)
    names = {r.rater_unit_id: r.rater_unit.name for r in ratings}
    for (rater_id, level, kind), codes in by_rater.items():
        for _quota, message in rules.quota_problems(rule, kind, codes):
            problems.append(f"{names[rater_id]} – {Level(level).label}: {message}")
    previous = previous_finals(user=user, campaign=campaign)
    lowest = min(rule.grades, key=lambda g: g["rank"])["code"]
    twice = [row for key, row in rows.items() if row.final == lowest and previous.get(key) == lowest]
    return CampaignView(rows=list(rows.values()), levels=levels, distribution=distribution, progress=progress,
                        pending=pending, quota_problems=problems, failed_twice=twice)


def previous_finals(*, user, campaign: RatingCampaign) -> dict[tuple[str, int], str]:
    from .services import final_grades

    qs = policy.visible(user, Rating.objects.filter(year=campaign.year - 1, unit__path__startswith=campaign.unit.path))
    return final_grades(qs)
