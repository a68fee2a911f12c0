"""The criteria of cadre planning as data, and how a candidate is checked against them.

``RULES`` is installed into ``PlanningRule`` by a data migration (``install``); a later rule is
a new row with a later ``effective_from``, never an edit of code. ``check`` is plain Python over
plain values (no database), so the criteria are tested on their own.

Sources: Quy định 50-QĐ/TW ngày 27/12/2021 của Bộ Chính trị về công tác quy hoạch cán bộ (a
cadre planned for the next term must be young enough to serve a whole term; targets of young
cadres, below 40 at provincial and district level, at least 15 %, and of women at least 25 %),
as reported by VietNamNet on 04/01/2022. The retirement ages behind the age limits follow Bộ
luật Lao động 2019 (men 62 from 2028; women rising to 60 by 2035). The theory levels and years in
post below are this application's reading and are marked so in their note: check them against
the original texts before relying on them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

SOURCE_50 = "Quy định 50-QĐ/TW ngày 27/12/2021 của Bộ Chính trị về công tác quy hoạch cán bộ"
SOURCE_OLD = "Nghị quyết 26-NQ/TW ngày 19/5/2018 (Hội nghị Trung ương 7 khóa XII) về cán bộ các cấp"
TO_CHECK = "Trình độ lý luận và số năm giữ chức vụ là cách hiểu của ứng dụng: cần đối chiếu văn bản gốc."

#: Rows of ``PlanningRule``: the newest in force at a level applies to a plan whose term starts
#: after its ``effective_from``.
RULES: list[dict] = [
    {
        "code": "nq26-2018-huyen", "level_code": "huyen", "source": SOURCE_OLD,
        "effective_from": dt.date(2018, 5, 19), "effective_to": dt.date(2021, 12, 26),
        "max_age_male": 55, "max_age_female": 50, "min_theory": 3, "min_years_in_post": 2,
        "young_age": 40, "young_target": 10, "female_target": 15,
        "note": "Giới hạn tuổi: đủ tuổi công tác trọn một nhiệm kỳ với tuổi nghỉ hưu 60 (nam) và 55 (nữ). " + TO_CHECK,
    },
    {
        "code": "nq26-2018-xa", "level_code": "xa", "source": SOURCE_OLD,
        "effective_from": dt.date(2018, 5, 19), "effective_to": dt.date(2021, 12, 26),
        "max_age_male": 55, "max_age_female": 50, "min_theory": 2, "min_years_in_post": 1,
        "young_age": 40, "young_target": 10, "female_target": 15,
        "note": "Giới hạn tuổi: đủ tuổi công tác trọn một nhiệm kỳ với tuổi nghỉ hưu 60 (nam) và 55 (nữ). " + TO_CHECK,
    },
    {
        "code": "qd50-2021-huyen", "level_code": "huyen", "source": SOURCE_50,
        "effective_from": dt.date(2021, 12, 27), "effective_to": None,
        "max_age_male": 57, "max_age_female": 53, "min_theory": 3, "min_years_in_post": 2,
        "young_age": 40, "young_target": 15, "female_target": 25,
        "note": "Đủ tuổi công tác trọn một nhiệm kỳ: tuổi nghỉ hưu 62 (nam) và khoảng 58 (nữ) năm 2030. " + TO_CHECK,
    },
    {
        "code": "qd50-2021-xa", "level_code": "xa", "source": SOURCE_50,
        "effective_from": dt.date(2021, 12, 27), "effective_to": None,
        "max_age_male": 57, "max_age_female": 53, "min_theory": 2, "min_years_in_post": 1,
        "young_age": 40, "young_target": 15, "female_target": 25,
        "note": "Cấp phường áp dụng giới hạn tuổi và tỉ lệ như cấp huyện. " + TO_CHECK,
    },
]


def install(apps, schema_editor=None) -> None:
    """The data migration's step: create or update every rule of ``RULES``."""
    PlanningRule = apps.get_model("people", "PlanningRule")
    for row in RULES:
        PlanningRule.objects.update_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})


# --- Checking a candidate --------------------------------------------------------------------


@dataclass(frozen=True)
class Criteria:
    """The figures of a rule a check needs (a ``PlanningRule`` has them all)."""

    max_age_male: int
    max_age_female: int
    min_theory: int
    min_years_in_post: int
    young_age: int
    source: str = ""


def age_on(day: dt.date, *, birth_date: dt.date | None, birth_year: int | None) -> int | None:
    """Full years of age on ``day``; from the birth year alone when the date is unknown."""
    if birth_date is not None:
        return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
    if birth_year is not None:
        return day.year - birth_year
    return None


def years_in_post(spans: list[tuple[dt.date, dt.date | None]], day: dt.date) -> float:
    """Years spent in posts up to ``day``; overlapping posts are counted once."""
    closed: list[tuple[dt.date, dt.date]] = sorted((start, min(end or day, day)) for start, end in spans if start <= day)
    total = 0
    current: tuple[dt.date, dt.date] | None = None
    for start, last in closed:
        if current is not None and start <= current[1] + dt.timedelta(days=1):
            current = (current[0], max(current[1], last))
            continue
        if current is not None:
            total += (current[1] - current[0]).days + 1
        current = (start, last)
    if current is not None:
        total += (current[1] - current[0]).days + 1
    return round(total / 365.25, 1)


def check(
    criteria: Criteria, *, gender: str, age: int | None, theory: int, years: float
) -> list[dict]:
    """One entry per criterion: ``{"code", "met", "value", "limit"}``; ``describe`` words it."""
    limit = criteria.max_age_female if gender == "f" else criteria.max_age_male
    return [
        {"code": "age", "met": age is not None and age <= limit, "value": age, "limit": limit},
        {"code": "theory", "met": theory >= criteria.min_theory, "value": theory, "limit": criteria.min_theory},
        {"code": "years", "met": years >= criteria.min_years_in_post, "value": years, "limit": criteria.min_years_in_post},
    ]


def is_young(criteria: Criteria, age: int | None) -> bool:
    return age is not None and age < criteria.young_age


def describe(entry: dict) -> str:
    """The sentence shown beside a candidate: met, or not met and why."""
    from .models import TheoryLevel

    code, met, value, limit = entry["code"], entry["met"], entry.get("value"), entry.get("limit")
    if code == "age":
        if value is None:
            return _("Age unknown: the birth date is not recorded.")
        if met:
            return _("Age %(age)s at the start of the term, within the limit of %(limit)s.") % {"age": value, "limit": limit}
        return _("Over the planning age: %(age)s at the start of the term, the limit is %(limit)s.") % {
            "age": value, "limit": limit,
        }
    if code == "theory":
        names: dict = dict(TheoryLevel.choices)
        params = {"level": names.get(value, value), "needed": names.get(limit, limit)}
        if met:
            return _("Political theory: %(level)s (needed: %(needed)s).") % params
        return _("Political theory %(level)s is below the required %(needed)s.") % params
    if code == "years":
        params = {"years": number_format(value or 0, decimal_pos=1), "needed": limit}
        if met:
            return _("%(years)s years in leading posts (needed: %(needed)s).") % params
        return _("Only %(years)s years in leading posts; %(needed)s are needed.") % params
    return str(code)


def label(code: str) -> str:
    return {"age": _("Age"), "theory": _("Political theory"), "years": _("Years in post")}.get(code, code)
