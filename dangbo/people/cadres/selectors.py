"""Reads of the cadres' pages and API, each scoped by the one policy in the SQL and in a fixed
number of queries whatever the data size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from dangbo.core import policy
from dangbo.core.policy import Action
from dangbo.orgs.models import Person, Position, Unit

from . import rules
from .models import CadreProfile, Move, Plan, PlanCandidate, Streamlining


def profile_list(*, user, unit=None) -> QuerySet[CadreProfile]:
    qs = policy.visible(user, CadreProfile.objects.select_related("person", "unit"))
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs.order_by("unit__path", "person__search_name", "id")


def get_profile_for_user(user, pk, action: Action | str = Action.VIEW) -> CadreProfile:
    return policy.get_for_user(user, CadreProfile.objects.select_related("person", "unit"), pk, action)


def profile_record(*, user, profile: CadreProfile) -> dict:
    """Everything of a cadre's record page: positions over time (those the user may see),
    training, awards, planning and moves."""
    person = profile.person
    return {
        "positions": list(
            policy.visible(user, Position.objects.filter(person=person).select_related("unit", "term")).order_by("start", "id")
        ),
        "trainings": list(profile.trainings.all()),
        "awards": list(profile.awards.all()),
        "candidacies": list(
            policy.visible(user, PlanCandidate.objects.filter(person=person).select_related("plan__unit")).order_by("-plan__start_year")
        ),
        "moves": list(policy.visible(user, Move.objects.filter(person=person).select_related("unit")).order_by("-start")),
    }


def plan_list(*, user) -> QuerySet[Plan]:
    return (
        policy.visible(user, Plan.objects.select_related("unit", "rule"))
        .annotate(n_candidates=Count("candidates"), n_flagged=Count("candidates", filter=Q(candidates__all_met=False)))
        .order_by("-start_year", "unit__path")
    )


def get_plan_for_user(user, pk, action: Action | str = Action.VIEW) -> Plan:
    return policy.get_for_user(user, Plan.objects.select_related("unit__kind__level", "rule"), pk, action)


def plan_candidates(plan: Plan) -> list[PlanCandidate]:
    candidates = list(plan.candidates.select_related("person").order_by("title", "person__search_name"))
    for c in candidates:
        c.lines = [  # type: ignore[attr-defined]
            {"label": rules.label(entry["code"]), "met": entry["met"], "text": rules.describe(entry)}
            for entry in c.checks
        ]
    return candidates


def plan_summary(plan: Plan, candidates: list[PlanCandidate]) -> dict:
    """How many distinct people the plan holds, and its shares of young and female cadres
    beside the rule's targets."""
    people = {c.person_id: c for c in candidates}
    share = Share(
        count=len(people),
        young=sum(c.young for c in people.values()),
        female=sum(c.person.gender == Person.Gender.FEMALE for c in people.values()),
    )
    return {
        "share": share, "flagged": sum(not c.all_met for c in candidates),
        "young_ok": share.young_pct is not None and share.young_pct >= plan.rule.young_target,
        "female_ok": share.female_pct is not None and share.female_pct >= plan.rule.female_target,
    }


def move_list(*, user, status: str = "") -> QuerySet[Move]:
    qs = policy.visible(user, Move.objects.select_related("person", "unit"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-start", "-id")


def get_move_for_user(user, pk, action: Action | str = Action.VIEW) -> Move:
    return policy.get_for_user(
        user, Move.objects.select_related("person", "unit", "position", "from_position__unit"), pk, action
    )


def streamlining_list(*, user) -> QuerySet[Streamlining]:
    return policy.visible(user, Streamlining.objects.select_related("unit")).order_by("unit__path", "year")


# --- Shares of young and female cadres ------------------------------------------------------


@dataclass
class Share:
    count: int = 0
    young: int = 0
    female: int = 0

    def pct(self, n: int) -> float | None:
        return round(100 * n / self.count, 1) if self.count else None

    @property
    def young_pct(self) -> float | None:
        return self.pct(self.young)

    @property
    def female_pct(self) -> float | None:
        return self.pct(self.female)


@dataclass
class ShareRow:
    plan: Plan
    planned: Share = field(default_factory=Share)
    actual: Share = field(default_factory=Share)


def term_codes(*, user) -> list[str]:
    return list(policy.visible(user, Plan).order_by("-start_year").values_list("term_code", flat=True).distinct())


def shares(*, user, term_code: str, today: dt.date) -> list[ShareRow]:
    """For each visible plan of the term, its unit's planned candidates (young at the start of
    the term, as the plan's rule counts) and the people holding a post in that unit today (young
    today, with the same age limit), in three queries."""
    plans = list(
        policy.visible(user, Plan.objects.filter(term_code=term_code).select_related("unit__kind__level", "rule"))
        .order_by("unit__path")
    )
    rows = {p.pk: ShareRow(plan=p) for p in plans}
    seen: set[tuple[int, int]] = set()
    for plan_id, person_id, young, gender in PlanCandidate.objects.filter(plan__in=plans).values_list(
        "plan_id", "person_id", "young", "person__gender"
    ):
        if (plan_id, person_id) in seen:
            continue
        seen.add((plan_id, person_id))
        share = rows[plan_id].planned
        share.count += 1
        share.young += young
        share.female += gender == Person.Gender.FEMALE
    by_unit = {p.unit_id: p for p in plans}
    holders: set[tuple[int, int]] = set()
    for unit_id, person_id, gender, birth_date, birth_year in (
        Position.objects.current(today).filter(unit__in=list(by_unit)).values_list(
            "unit_id", "person_id", "person__gender", "person__birth_date", "person__birth_year"
        )
    ):
        if (unit_id, person_id) in holders:
            continue
        holders.add((unit_id, person_id))
        plan = by_unit[unit_id]
        share = rows[plan.pk].actual
        age = rules.age_on(today, birth_date=birth_date, birth_year=birth_year)
        share.count += 1
        share.young += age is not None and age < plan.rule.young_age
        share.female += gender == Person.Gender.FEMALE
    return list(rows.values())


def share_levels(rows: list[ShareRow]) -> list[dict]:
    """The same figures added up by level (city, wards)."""
    levels: dict[str, dict] = {}
    for row in rows:
        level = row.plan.unit.kind.level
        entry = levels.setdefault(level.code, {"level": level, "planned": Share(), "actual": Share(), "rule": row.plan.rule})
        for part in ("planned", "actual"):
            total, one = entry[part], getattr(row, part)
            total.count += one.count
            total.young += one.young
            total.female += one.female
    return list(levels.values())


def share_chart(rows: list[ShareRow]) -> dict:
    return {
        "labels": [row.plan.unit.short_name or row.plan.unit.name for row in rows],
        "young_planned": [row.planned.young_pct or 0 for row in rows],
        "young_actual": [row.actual.young_pct or 0 for row in rows],
        "female_planned": [row.planned.female_pct or 0 for row in rows],
        "female_actual": [row.actual.female_pct or 0 for row in rows],
    }


def units_with_cadres(*, user) -> list[Unit]:
    """The managing units ``user`` may see that hold cadre records, in tree order (the filter)."""
    return list(policy.visible(user, Unit.objects.filter(cadre_profiles__isnull=False).distinct()).order_by("path"))
