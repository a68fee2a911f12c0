"""The ratings of the Đông Hà demo: 2023 under 124-QĐ/TW and 2025 under 366-QĐ/TW.

A campaign per year for the city pre-fills every member and organisation from the demo's
tasks, roll-calls and commitments; then, through the same services a rater uses, the members
of the first ward are rated at the self and cell levels and every organisation at each of its
levels, the grade being the best one the points and gates allow (with a few lower ones), some
figures adjusted with a reason. In 2025 the leaders of the city and of the wards (secretaries,
deputy secretaries) are rated too, by themselves and by the committee above (the province for
the city's, the city for the wards'), from the task results of the units they lead. Two disciplines of 2025 show the gate, and one member not
completing both years shows the flag. Running it again changes nothing: a rated row is kept.
"""

from __future__ import annotations

import datetime as dt
import zlib
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from dangbo.orgs.models import Unit

from . import rules, services
from .models import Capacity, Discipline, Level, Rating, RatingCampaign

CITY_CODE = "dongha"
YEARS = (2023, 2025)
DESIRED = ["xuat_sac", "tot", "tot", "tot", "hoan_thanh", "tot", "tot"]
REASONS = {
    "tasks_exceeded": "Vượt chỉ tiêu vận động Quỹ Vì người nghèo (biên bản chi bộ tháng 11)",
    "attendance": "Vắng có lý do khi đi công tác, đã báo cáo chi bộ",
    "outside": "5 nhiệm vụ chi bộ phân công ghi trong sổ nghị quyết, 2 nhiệm vụ vượt yêu cầu",
}
LEADER_REASONS = {
    "tasks_exceeded": "Chỉ tiêu vượt kế hoạch theo báo cáo tổng kết năm 2025 của đơn vị, chưa ghi nhận trên hệ thống",
    "tasks_on_time": "Nhiệm vụ được cấp trên đồng ý gia hạn bằng văn bản; đã hoàn thành trong thời hạn mới",
}


def _h(*parts: object) -> int:
    return zlib.crc32("|".join(map(str, parts)).encode())


def load(*, today: dt.date, root_code: str = CITY_CODE) -> dict[str, int]:
    root = Unit.objects.filter(code=root_code).first()
    if root is None:
        return {}
    wards = list(Unit.objects.filter(path__startswith=root.path, depth=root.depth + 1, kind__level__code="xa")
                 .order_by("path"))
    rated_ward = wards[0] if wards else root
    counts = {"ratings": 0, "ratings_rated": 0, "ratings_adjusted": 0, "disciplines": 0}
    counts["disciplines"] = _disciplines(rated_ward)
    failing = _failing_member(rated_ward)
    for year in YEARS:
        if year > today.year:
            continue
        campaign = RatingCampaign.objects.filter(unit=root, year=year).first()
        if campaign is None:
            campaign = services.campaign_open(actor=None, unit=root, year=year)
        if campaign.state != RatingCampaign.State.DONE:
            services.campaign_prefill(campaign_id=campaign.pk)
        rated, adjusted = _rate(campaign, rated_ward, failing)
        counts["ratings_rated"] += rated
        counts["ratings_adjusted"] += adjusted
        rated, adjusted = _rate_leaders(campaign)
        counts["ratings_rated"] += rated
        counts["ratings_adjusted"] += adjusted
    for year in YEARS:  # the first ward follows its own part of the city's campaigns
        if year <= today.year and not RatingCampaign.objects.filter(unit=rated_ward, year=year).exists():
            own = services.campaign_open(actor=None, unit=rated_ward, year=year)
            services.campaign_prefill(campaign_id=own.pk)
    if failing is not None and today.year > 2024:
        counts["ratings_rated"] += _fail_2024(failing)
    counts["ratings"] = Rating.objects.filter(unit__path__startswith=root.path).count()
    return counts


def _members(ward: Unit) -> list[int]:
    return list(
        Rating.objects.filter(unit__path__startswith=ward.path, person__isnull=False, level=Level.CELL)
        .order_by("person_id").values_list("person_id", flat=True).distinct()
    )


def _failing_member(ward: Unit) -> int | None:
    from dangbo.orgs.models import Membership

    first = Unit.objects.filter(path__startswith=ward.path, kind__holds_members=True).order_by("path").first()
    # A member of long standing, still there: new members (admitted in 2025) were not rated in 2024.
    m = (Membership.objects.filter(unit=first, start__lte=dt.date(2023, 1, 1), end=None)
         .order_by("-person_id").first())
    return m.person_id if m else None


def _fail_2024(person_id: int) -> int:
    """The failing member did not complete 2024 either: the 2025 rating flags two years in a row."""
    from dangbo.orgs.models import Person

    rating = services.rating_open(actor=None, person=Person.objects.get(pk=person_id), year=2024, level=Level.CELL)
    if rating.rated_at is not None:
        return 0
    services.rating_save(actor=None, rating=rating, grade="khong_hoan_thanh",
                         note="Không hoàn thành chỉ tiêu được giao; vắng sinh hoạt nhiều lần")
    return 1


def _disciplines(ward: Unit) -> int:
    from dangbo.orgs.models import Membership

    made = 0
    people = Membership.objects.filter(unit__path__startswith=ward.path, end__isnull=True).order_by("person_id")
    for n, membership in enumerate(people[:2]):
        decision = f"{12 + n}-QĐ/ĐU"
        if Discipline.objects.filter(person_id=membership.person_id, decision=decision).exists():
            continue
        services.discipline_record(
            actor=None, person=membership.person, date=dt.date(2025, 5 + n, 10), form="khien_trach",
            decision=decision, source=ward.name, reason="Vi phạm quy định về những điều đảng viên không được làm",
        )
        made += 1
    return made


def _rate(campaign: RatingCampaign, ward: Unit, failing: int | None) -> tuple[int, int]:
    rule = campaign.rule
    # 2023 is closed: every member of the ward rated by their cell. 2025 is under way: the
    # members of the first half of the ward's cells rated (self and cell), the rest still to do.
    cells = list(Unit.objects.filter(path__startswith=ward.path, kind__holds_members=True).order_by("path"))
    if campaign.rule.uses_points:
        member_units, levels = cells[: max(1, len(cells) // 2)], [Level.SELF, Level.CELL]
    else:
        member_units, levels = cells, [Level.CELL]
    rows = (
        Rating.objects.filter(year=campaign.year, rated_at__isnull=True, unit__path__startswith=campaign.unit.path)
        .filter(person__isnull=True) | Rating.objects.filter(
            year=campaign.year, rated_at__isnull=True, unit__in=member_units, level__in=levels,
            capacity=Capacity.MEMBER,
        )
    )
    # Members first, then the organisations from the cells up: their gates read the grades below.
    ordered = sorted(rows.select_related("rule", "unit", "subject_unit", "rater_unit"),
                     key=lambda r: (r.person_id is None, -(r.subject_unit.depth if r.subject_unit else 0),
                                    [Level.SELF, Level.CELL, Level.WARD, Level.CITY].index(Level(r.level)), r.pk))
    rated = adjusted = 0
    for rating in ordered:
        h = _h(rating.person_id, rating.subject_unit_id, rating.year, rating.level)
        adjustments = {}
        code = "tasks_exceeded" if "tasks_exceeded" in rating.prefilled else "attendance"
        if h % 9 == 0 and code in rating.prefilled and rating.prefilled[code].get("of"):
            figure = rating.prefilled[code]
            value = min(figure["of"], figure["value"] + 1 + h % 2)
            if value != figure["value"]:
                adjustments[code] = {"value": value, "of": figure["of"], "reason": REASONS[code]}
        wanted = DESIRED[h % len(DESIRED)]
        if wanted == "xuat_sac" and rule.uses_points and "tasks_exceeded" not in rating.prefilled:
            # Work the cell gave outside dangbo, shown by the rater: what lifts the 30 % gate.
            adjustments["tasks_exceeded"] = {"value": 2, "of": 5, "reason": REASONS["outside"]}
        general = task_points = None
        if rule.uses_points:
            general = Decimal(22 + h % 8 + (1 if rating.level == Level.SELF else 0))
            if rating.task_points is None:
                task_points = Decimal(45 + h % 25)
        if rating.person_id is not None and rating.person_id == failing:
            general, task_points = (Decimal(15), Decimal(30)) if rule.uses_points else (None, None)
        grade = wanted
        if rule.uses_points and general is not None:
            suggestion = task_points if task_points is not None else rating.task_points
            reached = rules.band(rule, general + (suggestion or Decimal(0)))
            if rules.rank(rule, reached) < rules.rank(rule, wanted):
                grade = reached
        if rating.person_id is not None and rating.person_id == failing:
            grade = "khong_hoan_thanh"
        fields: dict[str, Any] = {"general_points": general, "task_points": task_points, "adjustments": adjustments}
        try:
            services.rating_save(actor=None, rating=rating, grade=grade, **fields)
        except ValidationError:  # a gate forbids it: the best grade allowed, as a rater would
            rating.adjusted = {k: {**v, "adjusted": True} for k, v in adjustments.items()}
            total = None if general is None else general + (task_points or rules.task_points(rule, rating.figures())
                                                            or Decimal(0))
            grade = rules.best_allowed(rule, services.facts_for(rule, rating), total)
            services.rating_save(actor=None, rating=rating, grade=grade, **fields)
        rated += 1
        adjusted += bool(adjustments)
    return rated, adjusted


def _rate_leaders(campaign: RatingCampaign) -> tuple[int, int]:
    """The leaders of the campaign's unit and of the units just below it (the city's and the
    wards'), rated at each of their levels from the figures of the units they lead: the grade
    wanted, or the best the points and the leaders' gates allow; a few figures adjusted."""
    rule, root = campaign.rule, campaign.unit
    if not rule.levels.get("leader"):
        return 0, 0
    rows = (Rating.objects.filter(year=campaign.year, capacity=Capacity.LEADER, rated_at__isnull=True,
                                  unit__path__startswith=root.path, unit__depth__lte=root.depth + 1)
            .select_related("rule", "unit", "rater_unit", "person").order_by("unit__path", "person_id", "id"))
    rated = adjusted = 0
    for rating in rows:
        h = _h("leader", rating.person_id, rating.unit_id, rating.year, rating.level)
        adjustments: dict[str, dict[str, Any]] = {}
        for code, reason in LEADER_REASONS.items():
            figure = rating.prefilled.get(code) or {}
            if h % 5 == 0 and figure.get("of") and figure["value"] < figure["of"]:
                value = min(figure["of"], figure["value"] + 1 + h % 3)
                adjustments[code] = {"value": value, "of": figure["of"], "reason": reason}
                break
        general = Decimal(23 + h % 7 + (1 if rating.level == Level.SELF else 0))
        rating.adjusted = {k: {**v, "adjusted": True} for k, v in adjustments.items()}
        counted = rules.task_points(rule, rating.figures())
        task_points = None if counted is not None else Decimal(45 + h % 25)
        task = counted if counted is not None else task_points
        assert task is not None  # noqa: S101 - one of the two is set
        allowed = rules.best_allowed(rule, services.facts_for(rule, rating), general + task)
        wanted = DESIRED[h % len(DESIRED)]
        grade = wanted if rules.rank(rule, wanted) <= rules.rank(rule, allowed) else allowed
        services.rating_save(actor=None, rating=rating, general_points=general, task_points=task_points, grade=grade,
                             adjustments=adjustments, note=f"Đánh giá cán bộ lãnh đạo, quản lý năm {rating.year}")
        rated += 1
        adjusted += bool(adjustments)
    return rated, adjusted
