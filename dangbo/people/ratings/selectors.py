"""Reads of the ratings, always through the one policy, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Max, Q, QuerySet, Value, When
from django.db.models.functions import Length, Substr

from dangbo.core import policy
from dangbo.core.policy import Action
from dangbo.orgs.models import Person, Unit

from . import rules
from .models import (
    COMMITTEE_LEVELS,
    LEVEL_ORDER,
    RULE_SUBJECT,
    Capacity,
    Discipline,
    Level,
    Rating,
    RatingCampaign,
)


def get_rating_for_user(user, pk: Any, action: Action | str = Action.VIEW) -> Rating:
    qs = Rating.objects.select_related("rule", "person", "subject_unit", "unit", "rater_unit", "rated_by")
    return policy.get_for_user(user, qs, pk, action)


def get_campaign_for_user(user, pk: Any, action: Action | str = Action.VIEW) -> RatingCampaign:
    return policy.get_for_user(user, RatingCampaign.objects.select_related("unit", "rule"), pk, action)


def campaign_list(*, user) -> QuerySet[RatingCampaign]:
    return policy.visible(user, RatingCampaign.objects.select_related("unit", "rule"))


def my_ratings(*, user) -> QuerySet[Rating]:
    return Rating.objects.filter(person__user=user, level=Level.SELF).select_related("rule", "unit").order_by("-year")


def rating_list(*, user, year: int | None = None, unit=None, level: str = "", capacity: str = "") -> QuerySet[Rating]:
    qs = policy.visible(user, Rating.objects.select_related("rule", "person", "subject_unit", "unit", "rater_unit"))
    if year:
        qs = qs.filter(year=year)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if level:
        qs = qs.filter(level=level)
    if capacity:
        qs = qs.filter(capacity=capacity)
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
    capacity: str = Capacity.MEMBER
    post_title: str = ""
    by_level: dict[str, Rating | None] = field(default_factory=dict)
    final: str = ""
    final_label: str = ""
    cells: list[Any] = field(default_factory=list)


@dataclass
class Column:
    """A rater level of a results table, headed by who rates there (``heading``)."""

    level: Level
    label: str


#: At most this many committees at the top level are named in one heading (a city and its province).
NAMED_AT_THE_TOP = 3


def heading(level: str, raters: list[Unit]) -> str:
    """The heading of the ratings at ``level`` given by ``raters``: the committee's own name
    ("Tỉnh ủy Quảng Trị", "Đảng ủy Phường 1") when one rates them; several at the top level
    (the city's and, for the city's own leaders, the province's) named together; else the
    level's name ("Đảng ủy phường" for the wards of a city)."""
    names = list(dict.fromkeys(u.committee_name for u in sorted(raters, key=lambda u: u.path)))
    if level in COMMITTEE_LEVELS and names:
        if len(names) == 1 or (level == Level.CITY and len(names) <= NAMED_AT_THE_TOP):
            return " / ".join(names)
    return str(Level(level).label)


def _rater_label(rater: Unit | None, level: str) -> str:
    """Who broke a quota: the committee by its own name ("Đảng ủy Phường 1"), else the unit and
    the level ("Chi bộ Khu phố 1 – Chi bộ")."""
    if rater is not None and level in COMMITTEE_LEVELS:
        return rater.committee_name
    return f"{rater.name if rater is not None else ''} – {Level(level).label}"


def _columns(rows: list[SubjectRow]) -> list[Column]:
    raters: dict[str, dict[int, Unit]] = {}
    for row in rows:
        for level, rating in row.by_level.items():
            if rating is not None:
                raters.setdefault(level, {})[rating.rater_unit_id] = rating.rater_unit
    return [Column(lv, heading(lv, list(raters[lv].values()))) for lv in LEVEL_ORDER if lv in raters]


@dataclass
class CampaignView:
    rows: list[SubjectRow]
    #: The levels rated in the results table, each headed by who rates there.
    levels: list[Column]
    distribution: list[tuple[dict[str, Any], int]]
    progress: list[dict[str, Any]]
    pending: list[dict[str, Any]]
    quota_problems: list[str]
    failed_twice: list[str]
    focus: Any = None
    units: list[Any] = field(default_factory=list)
    truncated: bool = False
    #: The leaders of the units (the tab "Cán bộ lãnh đạo, quản lý") and their levels.
    leader_rows: list[SubjectRow] = field(default_factory=list)
    leader_levels: list[Column] = field(default_factory=list)
    leader_distribution: list[tuple[dict[str, Any], int]] = field(default_factory=list)


#: The results table shows at most this many rating rows; narrow it by unit for the rest.
MAX_ROWS = 900


def campaign_view(*, user, campaign: RatingCampaign, focus=None, limit: int | None = MAX_ROWS) -> CampaignView:
    """Everything the campaign page shows about the unit in focus (the campaign's own unit
    when none is chosen), in a fixed number of queries whatever the size of the subtree: the
    final grades counted in the SQL (distribution, the "two years" flags), the grades per rater
    grouped (quotas), the progress as one aggregate, and full rows. Narrowed to a cell, the page reads that cell's
    ratings only, not the province's."""
    rule = campaign.rule
    focus = focus or campaign.unit
    qs = policy.visible(user, Rating.objects.filter(year=campaign.year, unit__path__startswith=focus.path))
    # The final grade of a subject is the grade of the highest level that has given one: per
    # subject MAX(level × width + grade), counted and filtered in the SQL (a province's 183,000
    # grades are not read into Python).
    codes = [g["code"] for g in rule.grades]
    width = len(codes) + 1
    level_rank = Case(*[When(level=lv, then=Value(i)) for i, lv in enumerate(LEVEL_ORDER)], output_field=IntegerField())
    grade_index = Case(*[When(grade=code, then=Value(i)) for i, code in enumerate(codes)], default=Value(len(codes)),
                       output_field=IntegerField())

    def final_is(index: int) -> list[int]:
        return [lv * width + index for lv in range(len(LEVEL_ORDER))]

    # A subject: its capacity, the person or the organisation, and for a leader the unit led.
    led = Case(When(capacity=Capacity.LEADER, then=F("unit_id")), default=Value(0), output_field=IntegerField())

    def tops(ratings):
        return ratings.exclude(grade="").order_by().annotate(led=led).values(
            "capacity", "person_id", "subject_unit_id", "led").annotate(top=Max(level_rank * width + grade_index))

    # Members and organisations in one distribution, the leaders in theirs (a leader is also
    # counted as a member): both in the one aggregate.
    leading = Q(capacity=Capacity.LEADER)
    counted = tops(qs).aggregate(
        **{f"g{i}": Count("top", filter=Q(top__in=final_is(i)) & ~leading) for i in range(len(codes))},
        **{f"l{i}": Count("top", filter=Q(top__in=final_is(i)) & leading) for i in range(len(codes))},
    )
    by_code = {code: counted[f"g{i}"] or 0 for i, code in enumerate(codes)}
    distribution = [(g, by_code.get(g["code"], 0)) for g in rules.grades(rule)]
    leaders_by_code = {code: counted[f"l{i}"] or 0 for i, code in enumerate(codes)}
    leader_distribution = [(g, leaders_by_code.get(g["code"], 0)) for g in rules.grades(rule)]
    by_rater: dict[tuple[int, str, str], list[str]] = {}
    for graded_by in (qs.exclude(grade="").order_by()
                      .values("rater_unit_id", "level", "capacity", "grade").annotate(n=Count("pk"))):
        kind = RULE_SUBJECT[Capacity(graded_by["capacity"])]
        by_rater.setdefault((graded_by["rater_unit_id"], graded_by["level"], kind), []).extend(
            [graded_by["grade"]] * graded_by["n"])
    # Progress per rater unit at the focus and one level below it; the raters deeper down are
    # counted with the unit they are under (a province shows its cities, not 3,700 cells).
    depth = len(focus.path) + Unit.steplen
    grouped = list(
        qs.order_by().annotate(rater=Substr("rater_unit__path", 1, depth)).values("rater", "level")
        .annotate(total=Count("pk"), rated=Count("pk", filter=~Q(grade="")), deepest=Max(Length("rater_unit__path")))
    )
    broken = [(key, problems_of) for key, codes in by_rater.items()
              if (problems_of := rules.quota_problems(rule, key[2], codes))]
    wanted = Q(path__in={g["rater"] for g in grouped}) | Q(pk__in=[key[0] for key, _p in broken])
    raters = list(Unit.objects.filter(wanted).only("pk", "name", "short_name", "path")) if grouped else []
    by_path = {u.path: u for u in raters}
    by_pk = {u.pk: u for u in raters}
    progress: list[dict[str, Any]] = []
    for g in grouped:
        rater = by_path.get(g["rater"])
        if rater is None:
            continue
        below = g["deepest"] > len(rater.path)
        progress.append({
            "rater_unit_id": rater.pk, "rater_unit__name": rater.name, "rater_unit__path": rater.path,
            "level": g["level"], "total": g["total"], "rated": g["rated"], "below": below,
            "level_label": heading(g["level"], [] if below else [rater]), "left": g["total"] - g["rated"],
            "percent": round(100 * g["rated"] / g["total"]) if g["total"] else 0,
        })
    progress.sort(key=lambda p: (p["rater_unit__path"], p["level"]))
    pending = [p for p in progress if p["rated"] < p["total"]]
    problems: list[str] = []
    for (rater_id, level, _kind), found in broken:
        who = _rater_label(by_pk.get(rater_id), level)
        for _quota, message in found:
            problems.append(f"{who}: {message}")
    lowest = codes.index(min(rule.grades, key=lambda g: g["rank"])["code"])
    # Only the subjects graded at the lowest somewhere this year can end there: grouped alone.
    # (Members and organisations: the consequence, striking off the list, is a member's.)
    low_now = qs.filter(grade=codes[lowest]).exclude(capacity=Capacity.LEADER).order_by()
    two_years = policy.visible(user, Rating.objects.filter(year__in=[campaign.year - 1, campaign.year],
                                                           unit__path__startswith=focus.path)).exclude(
        capacity=Capacity.LEADER).filter(
        Q(person_id__in=low_now.filter(person__isnull=False).values("person_id"))
        | Q(subject_unit_id__in=low_now.filter(subject_unit__isnull=False).values("subject_unit_id"))
    )
    at_lowest: dict[tuple[str, int], set[int]] = {}
    for year, person_id, unit_id, _top in (two_years.exclude(grade="").order_by()
                                           .values("year", "person_id", "subject_unit_id")
                                           .annotate(top=Max(level_rank * width + grade_index))
                                           .filter(top__in=final_is(lowest))
                                           .values_list("year", "person_id", "subject_unit_id", "top")):
        at_lowest.setdefault(("person", person_id) if person_id else ("unit", unit_id), set()).add(year)
    twice = [key for key, years in at_lowest.items() if len(years) == 2]
    ordered = (qs.select_related("person", "subject_unit", "unit", "rater_unit")
               .order_by("unit__path", "subject_unit_id", "person__full_name", "id"))
    shown = list(ordered if limit is None else ordered[: limit + 1])
    truncated = limit is not None and len(shown) > limit
    rows: dict[tuple[str, int, int], SubjectRow] = {}
    for r in shown[:limit]:
        key = (r.capacity, r.person_id or r.subject_unit_id or 0, r.unit_id if r.is_leader else 0)
        row = rows.get(key)
        if row is None:
            row = rows[key] = SubjectRow(subject=r.subject, kind="person" if r.person_id else "unit", unit=r.unit,
                                         capacity=r.capacity, post_title=r.post_title)
        row.by_level[r.level] = r
        r.grade_short = (rules.grade(rule, r.grade) or {}).get("short", "")  # type: ignore[attr-defined]
    for row in rows.values():
        given = [rating.grade for lv in LEVEL_ORDER if (rating := row.by_level.get(lv)) is not None and rating.grade]
        if given:
            row.final = given[-1]
            row.final_label = (rules.grade(rule, row.final) or {}).get("label", "")
    subjects = [row for row in rows.values() if row.capacity != Capacity.LEADER]
    leaders = [row for row in rows.values() if row.capacity == Capacity.LEADER]
    levels = _columns(subjects)
    leader_levels = _columns(leaders)
    for row in subjects:
        row.cells = [(col, row.by_level.get(col.level)) for col in levels]
    for row in leaders:
        row.cells = [(col, row.by_level.get(col.level)) for col in leader_levels]
    units = list(policy.visible(user, Unit.objects.filter(path__startswith=campaign.unit.path,
                                                          depth__lte=campaign.unit.depth + 1)).order_by("path"))
    flagged = [p.full_name for p in Person.objects.filter(pk__in=[pk for kind, pk in twice if kind == "person"])]
    flagged += [u.name for u in Unit.objects.filter(pk__in=[pk for kind, pk in twice if kind == "unit"])]
    return CampaignView(rows=subjects, leader_rows=leaders, leader_levels=leader_levels,
                        leader_distribution=leader_distribution, levels=levels, distribution=distribution, progress=progress,
                        pending=pending, quota_problems=problems, failed_twice=flagged, focus=focus, units=units,
                        truncated=truncated)


def campaign_unit_for_user(user, campaign: RatingCampaign, unit_id: int) -> Unit:
    """A unit under the campaign's own that ``user`` may see (the results' focus), else 404."""
    return policy.get_for_user(user, Unit.objects.filter(path__startswith=campaign.unit.path), unit_id)
