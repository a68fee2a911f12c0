"""Reads of meetings, scores and leaders' records. Lists filter by ``policy.scope`` inside
the query; the quality pages aggregate the counts kept on ``Meeting`` (never the roll-call
table), so their cost follows the number of meetings shown, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core import signing
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404
from django.utils import timezone

from dangbo.core import dates, policy
from dangbo.core.policy import Action
from dangbo.core.text import fold
from dangbo.orgs.models import Person, Unit

from . import scoring, services
from .models import (
    Attendance,
    CalendarFeed,
    CriteriaSection,
    CriteriaSet,
    Criterion,
    GradeThreshold,
    LeaderAssignment,
    LeaderVisit,
    Meeting,
    MeetingDecision,
    MeetingKind,
    MeetingScore,
    WorkingGroup,
)
from .policy import leader_paths, log_visit_q, sees_q
from .services import criteria_set_for_meeting

# --- meetings --------------------------------------------------------------------------


def meeting_list(
    *,
    user,
    unit: Unit | None = None,
    kind: str = "",
    month: dt.date | None = None,
    held: bool | None = None,
    person: Person | None = None,
) -> QuerySet[Meeting]:
    meetings = policy.visible(user, Meeting).select_related("unit")
    if unit is not None:
        meetings = meetings.filter(unit__path__startswith=unit.path)
    if kind:
        meetings = meetings.filter(kind=kind)
    if month is not None:
        meetings = meetings.filter(month=month.replace(day=1))
    if held is True:
        meetings = meetings.filter(status=Meeting.Status.HELD)
    elif held is False:
        meetings = meetings.exclude(status=Meeting.Status.HELD)
    if person is not None:
        meetings = meetings.filter(attendances__person=person)
    return meetings.order_by("-date", "-id")


def get_meeting_for_user(user, pk: int, action: Action = Action.VIEW) -> Meeting:
    """The meeting (404 when not visible), if ``action`` is allowed (else 403); a rater's
    action is ``meetings.policy.RATER_ACTION[rater]``."""
    return policy.get_for_user(
        user,
        Meeting.objects.select_related("unit", "unit__kind", "criteria_set", "chair", "secretary", "closed_by"),
        pk,
        action,
    )


def meeting_units(*, user) -> QuerySet[Unit]:
    """Units whose meetings the user may schedule (the choices of a form)."""
    return Unit.objects.filter(policy.scope(user, Unit, Action.CHANGE)).active().select_related("kind")


def year_schedule_units(*, user) -> QuerySet[Unit]:
    """Cells (units holding members) whose year of regular meetings the user may schedule."""
    return meeting_units(user=user).filter(kind__holds_members=True)


def seen_units(*, user) -> QuerySet[Unit]:
    """Units whose meetings the user sees: grants and the leader rule (active or not)."""
    return Unit.objects.filter(sees_q(user, prefix="")).select_related("kind")


def visible_units(*, user) -> QuerySet[Unit]:
    return Unit.objects.filter(sees_q(user, prefix="")).active().select_related("kind")


def attendance_rows(*, meeting: Meeting) -> list[Attendance]:
    return list(
        Attendance.objects.filter(meeting=meeting).select_related("person").order_by("person__search_name", "id")
    )


def attendance_row(*, meeting: Meeting, person_id: int) -> Attendance | None:
    """One member's roll-call row of a meeting the caller has opened."""
    return Attendance.objects.select_related("person").filter(meeting=meeting, person_id=person_id).first()


def guests(*, meeting: Meeting):
    return meeting.guests.all()


def decisions(*, meeting: Meeting) -> QuerySet[MeetingDecision]:
    return meeting.decisions.select_related("unit", "responsible_unit", "task_content_type")


@dataclass
class ScoreTable:
    criteria_set: CriteriaSet | None
    raters: list[str]
    scores: dict[str, MeetingScore]
    sections: list[tuple[str, list[tuple[Criterion, list[Decimal | None]]]]] = field(default_factory=list)
    thresholds: list[GradeThreshold] = field(default_factory=list)


def score_table(*, meeting: Meeting) -> ScoreTable:
    """The scores side by side, criterion by criterion (fixed number of queries)."""
    scores = {
        s.rater: s
        for s in MeetingScore.objects.filter(meeting=meeting).select_related("criteria_set", "rater_person")
        .prefetch_related("items")
    }
    criteria_set = next(iter(scores.values())).criteria_set if scores else meeting.criteria_set
    raters = [r for r in MeetingScore.Rater.values if r in scores]
    table = ScoreTable(criteria_set=criteria_set, raters=raters, scores=scores)
    if criteria_set is None:
        return table
    points = {r: {i.criterion_id: i.points for i in s.items.all()} for r, s in scores.items()}
    for section in criteria_set.sections.prefetch_related("criteria"):
        rows = [(c, [points[r].get(c.pk) for r in raters]) for c in section.criteria.all()]
        table.sections.append((section.title, rows))
    table.thresholds = list(criteria_set.thresholds.all())
    return table


def score_form_criteria(*, meeting: Meeting, rater: str) -> tuple[CriteriaSet | None, list, dict[int, Decimal]]:
    """The criteria to score, grouped by section, and the current or suggested points."""
    existing = MeetingScore.objects.filter(meeting=meeting, rater=rater).select_related("criteria_set").first()
    criteria_set = existing.criteria_set if existing else criteria_set_for_meeting(meeting)
    if criteria_set is None:
        return None, [], {}
    sections = list(criteria_set.sections.prefetch_related("criteria"))
    current: dict[int, Decimal] = {}
    if existing:
        current = {i.criterion_id: i.points for i in existing.items.all()}
    else:
        for section in sections:
            for c in section.criteria.all():
                suggestion = scoring.suggest_points(
                    c, expected=meeting.expected_count, present=meeting.present_count,
                    unexcused=meeting.unexcused_count, duration=meeting.duration_minutes,
                    min_duration=meeting.min_duration,
                )
                if suggestion is not None:
                    current[c.pk] = suggestion
    return criteria_set, sections, current


# --- attendance rates ------------------------------------------------------------------


@dataclass
class MemberAttendance:
    person: Person
    present: int = 0
    excused: int = 0
    unexcused: int = 0
    streak: int = 0

    @property
    def total(self) -> int:
        return self.present + self.excused + self.unexcused

    @property
    def rate(self) -> float | None:
        return self.present / self.total if self.total else None


def member_attendance(*, unit: Unit, since: dt.date, until: dt.date) -> list[MemberAttendance]:
    """Each member's attendance at the unit's held meetings in the period, with the longest
    run of excused absences (more than 3 in a row breaks the 12-HD/BTCTW rule)."""
    rows = (
        Attendance.objects.filter(
            meeting__unit=unit, meeting__status=Meeting.Status.HELD,
            meeting__date__gte=since, meeting__date__lte=until,
        )
        .exclude(status="")
        .select_related("person")
        .order_by("person__search_name", "person_id", "meeting__date")
        .only("status", "person__full_name", "person__search_name", "meeting__date")
    )
    result: dict[int, MemberAttendance] = {}
    sequence: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        entry = result.setdefault(row.person_id, MemberAttendance(person=row.person))
        setattr(entry, row.status, getattr(entry, row.status) + 1)
        sequence[row.person_id].append(row.status)
    for person_id, entry in result.items():
        entry.streak = scoring.excused_streak(sequence[person_id])
    return list(result.values())


# --- quality pages ---------------------------------------------------------------------


def window(today: dt.date, months: int) -> list[dt.date]:
    """The ``months`` whole months before ``today``'s month (the current one is not over)."""
    return dates.months_ending(dates.month_start(today, -1), months)


def cells_under(unit: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(path__startswith=unit.path, kind__holds_members=True).active().order_by("path")


def missing_months(*, cells: list[Unit], months: list[dt.date], under: Unit | None = None) -> dict[int, list[dt.date]]:
    """For each cell, the months of the window without a held regular meeting (one query)."""
    if not cells or not months:
        return {}
    held = Meeting.objects.filter(
        kind=MeetingKind.REGULAR, status=Meeting.Status.HELD, month__gte=months[0], month__lte=months[-1]
    )
    held = held.filter(unit__path__startswith=under.path) if under is not None else held.filter(unit__in=cells)
    done = set(held.values_list("unit_id", "month"))
    result = {}
    for cell in cells:
        start = cell.valid_from.replace(day=1) if cell.valid_from else None
        gaps = [m for m in months if (cell.pk, m) not in done and (start is None or m >= start)]
        if gaps:
            result[cell.pk] = gaps
    return result


def cell_trend(*, cell: Unit, months: list[dt.date]) -> list[dict]:
    """Month by month: the regular meeting's score, grade and attendance (one query)."""
    meetings = {
        m.month: m
        for m in Meeting.objects.filter(
            unit=cell, kind=MeetingKind.REGULAR, month__gte=months[0], month__lte=months[-1]
        ).order_by("month", "-status")
    }
    rows = []
    for month in months:
        meeting = meetings.get(month)
        rows.append({
            "month": month,
            "meeting": meeting,
            "held": bool(meeting and meeting.status == Meeting.Status.HELD),
            "score": meeting.score if meeting else None,
            "grade": meeting.grade if meeting else "",
            "rate": meeting.attendance_rate if meeting else None,
        })
    return rows


def thresholds_for_display() -> list[GradeThreshold]:
    """The grades of the criteria set in force today (for legends and columns)."""
    from .services import criteria_set_for

    current = criteria_set_for(timezone.localdate())
    return list(current.thresholds.all()) if current else []


def ward_quality(*, ward: Unit, months: list[dt.date]) -> dict:
    """Grade distribution per month, each cell's latest grade and falling cells.

    Three queries whatever the number of cells: cells, regular meetings in the window
    (only the columns needed), missing months come from the same rows.
    """
    cells = list(cells_under(ward).exclude(pk=ward.pk))
    rows = list(
        Meeting.objects.filter(
            unit_id__in=[c.pk for c in cells], kind=MeetingKind.REGULAR,
            month__gte=months[0], month__lte=months[-1],
        ).values_list("unit_id", "month", "status", "score", "grade", "present_count", "expected_count")
    )
    distribution: dict[dt.date, dict[str, int]] = {m: defaultdict(int) for m in months}
    by_cell: dict[int, dict[dt.date, tuple]] = defaultdict(dict)
    present = expected = 0
    for unit_id, month, status, score, grade, p, e in rows:
        if status != Meeting.Status.HELD:
            continue
        by_cell[unit_id][month] = (score, grade)
        distribution[month][grade or "none"] += 1
        present += p
        expected += e
    cell_rows = []
    falling = []
    missing_total = 0
    for cell in cells:
        history = by_cell.get(cell.pk, {})
        start = cell.valid_from.replace(day=1) if cell.valid_from else None
        missing = [m for m in months if m not in history and (start is None or m >= start)]
        missing_total += len(missing)
        scores = [history.get(m, (None, ""))[0] for m in months]
        latest = next(((m, history[m]) for m in reversed(months) if m in history), None)
        row = {
            "cell": cell, "missing": missing, "latest_month": latest[0] if latest else None,
            "latest_score": latest[1][0] if latest else None, "latest_grade": latest[1][1] if latest else "",
            "falling": scoring.fell_three_months(scores),
            "scores": scores,
        }
        cell_rows.append(row)
        if row["falling"]:
            falling.append(row)
    return {
        "cells": cell_rows,
        "distribution": [(m, dict(distribution[m])) for m in months],
        "falling": falling,
        "missing_total": missing_total,
        "attendance_rate": present / expected if expected else None,
    }


def city_comparison(*, city: Unit, months: list[dt.date]) -> list[dict]:
    """One row per unit directly below ``city`` that has cells: held share, average score,
    grades, attendance. Two aggregate queries on ``Meeting`` grouped by the child's path."""
    children = list(
        Unit.objects.filter(path__startswith=city.path, depth=city.depth + 1).active().select_related("kind").order_by("path")
    )
    prefix_len = (city.depth + 1) * Unit.steplen
    cell_counts = dict(
        Unit.objects.filter(path__startswith=city.path, kind__holds_members=True, depth__gt=city.depth)
        .active()
        .annotate(branch=Substr("path", 1, prefix_len))
        .order_by()
        .values("branch")
        .annotate(n=Count("pk"))
        .values_list("branch", "n")
    )
    held = (
        Meeting.objects.filter(
            unit__path__startswith=city.path, kind=MeetingKind.REGULAR, status=Meeting.Status.HELD,
            month__gte=months[0], month__lte=months[-1],
        )
        .annotate(branch=Substr("unit__path", 1, prefix_len))
        .order_by()
    )
    totals = {
        r["branch"]: r
        for r in held.values("branch").annotate(
            n=Count("pk"), avg=Avg("score"), present=Sum("present_count"), expected=Sum("expected_count"),
        )
    }
    grades: dict[str, dict[str, int]] = defaultdict(dict)
    for branch, grade, n in held.values("branch", "grade").annotate(n=Count("pk")).values_list("branch", "grade", "n"):
        grades[branch][grade or "none"] = n
    rows = []
    for child in children:
        cells = cell_counts.get(child.path, 0)
        if not cells and child.kind.holds_members:
            cells = 1
        if not cells:
            continue
        total: dict = dict(totals.get(child.path) or {})
        possible = cells * len(months)
        held_n = total.get("n", 0)
        rows.append({
            "unit": child, "cells": cells, "held": held_n, "possible": possible,
            "held_share": held_n / possible if possible else None,
            "missing": max(possible - held_n, 0),
            "avg": total.get("avg"),
            "attendance": (total["present"] / total["expected"]) if total.get("expected") else None,
            "grades": grades.get(child.path, {}),
        })
    return rows


# --- leaders ---------------------------------------------------------------------------


def assignment_list(*, user, person: Person | None = None, current_on: dt.date | None = None) -> QuerySet[LeaderAssignment]:
    assignments = LeaderAssignment.objects.filter(policy.scope(user, LeaderAssignment)).select_related(
        "person", "unit", "assigned_by"
    )
    if person is not None:
        assignments = assignments.filter(person=person)
    if current_on is not None:
        assignments = assignments.current(current_on)
    return assignments.order_by("unit__path", "person__search_name", "id")


def working_group_list(*, user) -> QuerySet[WorkingGroup]:
    return (
        policy.visible(user, WorkingGroup)
        .select_related("unit")
        .prefetch_related("followed_units", "members__person")
        .order_by("-start", "name")
    )


def get_working_group_for_user(user, pk: int) -> WorkingGroup:
    groups = WorkingGroup.objects.select_related("unit").prefetch_related("followed_units", "members__person")
    return policy.get_for_user(user, groups, pk)


def visit_list(*, user, unit: Unit | None = None, person: Person | None = None, q: str = "") -> QuerySet[LeaderVisit]:
    visits = policy.visible(user, LeaderVisit).select_related("person", "unit", "meeting")
    if person is not None:
        visits = visits.filter(person=person)
    if unit is not None:
        visits = visits.filter(unit__path__startswith=unit.path)
    if q:
        visits = visits.filter(person__search_name__contains=fold(q))
    return visits.order_by("-date", "-id")


def get_visit_for_user(user, pk: int) -> LeaderVisit:
    """A visit to a unit the user sees (grants or the leader rule), or one of their own."""
    return policy.get_for_user(user, LeaderVisit.objects.select_related("person", "unit", "meeting"), pk)


def coverage(*, root: Unit, months: int, today: dt.date, person: Person | None = None) -> list[dict]:
    """Cells under ``root`` and the last time a leader assigned to them (to the cell or a
    unit above it, or through a working group) attended or visited. Cells with no such
    visit in the last ``months`` months are ``uncovered``. Four queries.

    With ``person``: only the cells that person follows, and only their visits count.
    """
    since = dates.months_ending(today, months)[0]
    cells = list(cells_under(root))
    assignments = LeaderAssignment.objects.current(today).filter(
        Q(unit__path__startswith=root.path) | Q(unit__path__in=root.ancestor_paths())
    )
    if person is not None:
        assignments = assignments.filter(person=person)
    leaders: list[tuple[str, int, str]] = list(
        assignments.values_list("unit__path", "person_id", "person__full_name")
    )
    groups = WorkingGroup.objects.filter(start__lte=today).filter(Q(end__isnull=True) | Q(end__gte=today))
    group_rows = groups.values_list("followed_units__path", "members__person_id", "members__person__full_name")
    if person is not None:
        group_rows = group_rows.filter(members__person=person)
    leaders += [(p, pid, name) for p, pid, name in group_rows if p and pid]
    visits = (
        LeaderVisit.objects.filter(unit__path__startswith=root.path, date__gte=since, date__lte=today)
        .values("unit_id", "person_id")
        .annotate(last=Max("date"), n=Count("pk"))
    )
    last: dict[tuple[int, int], tuple[dt.date, int]] = {
        (v["unit_id"], v["person_id"]): (v["last"], v["n"]) for v in visits
    }
    rows = []
    for cell in cells:
        followers = {(pid, name) for path, pid, name in leaders if cell.path.startswith(path)}
        if person is not None and not followers:
            continue
        seen = [last[(cell.pk, pid)] for pid, _name in followers if (cell.pk, pid) in last]
        rows.append({
            "cell": cell,
            "leaders": sorted(name for _pid, name in followers),
            "last_visit": max((d for d, _n in seen), default=None),
            "visits": sum(n for _d, n in seen),
            "uncovered": not seen,
        })
    return rows


# --- iCal ------------------------------------------------------------------------------


def meetings_expected_at(*, person: Person, since: dt.date) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(Q(attendances__person=person) | Q(guests__person=person), date__gte=since)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("unit")
        .distinct()
        .order_by("date")
    )


def leader_choices(*, user):
    """People holding a current position in a unit the user may see: who can be assigned."""
    from dangbo.orgs.models import Person, Position

    positions = Position.objects.current().filter(sees_q(user)).values("person_id")
    return Person.objects.filter(pk__in=positions).order_by("search_name")


def meeting_people(*, meeting):
    """The people on a meeting's roll-call (its chair and secretary are chosen among them)."""
    from dangbo.orgs.models import Person

    from .models import Attendance

    return Person.objects.filter(
        pk__in=Attendance.objects.filter(meeting=meeting).values("person_id")
    ).order_by("search_name")


def meeting_score_of(*, meeting, rater: str):
    return MeetingScore.objects.filter(meeting=meeting, rater=rater).first()


def guest_choices(*, meeting) -> QuerySet[Person]:
    """Leaders assigned, on the meeting's day, to its unit or a unit above it."""
    return Person.objects.filter(
        pk__in=LeaderAssignment.objects.current(meeting.date)
        .filter(unit__path__in=[*meeting.unit.ancestor_paths(), meeting.unit.path]).values("person_id")
    ).order_by("search_name")


def criteria_set_list(*, user) -> QuerySet[CriteriaSet]:
    """The default sets and those of the units the user may see, each with its criteria's
    ``total`` and whether a score uses it (``locked``), in one query."""
    total = (
        Criterion.objects.filter(criteria_set=OuterRef("pk")).order_by().values("criteria_set")
        .annotate(total=Sum("max_points")).values("total")
    )
    return (
        policy.visible(user, CriteriaSet)
        .select_related("unit")
        .annotate(
            total=Subquery(total, output_field=DecimalField(max_digits=7, decimal_places=1)),
            locked=Exists(MeetingScore.objects.filter(criteria_set=OuterRef("pk"))),
        )
        .order_by("code", "-version")
    )


def get_criteria_set_for_user(user, pk: int, action: Action = Action.VIEW) -> CriteriaSet:
    """A default set, or a committee's set the user may see (else 404); ``Action.CHANGE``
    also needs the right to edit it (else 403)."""
    return policy.get_for_user(user, CriteriaSet.objects.select_related("unit"), pk, action)


def get_criterion_for_user(user, pk: int, action: Action = Action.VIEW) -> Criterion:
    """One criterion, checked as its set."""
    return policy.get_for_user(
        user, Criterion.objects.select_related("criteria_set", "criteria_set__unit"), pk, action
    )


def get_section_for_user(user, pk: int, action: Action = Action.VIEW) -> CriteriaSection:
    """One section, checked as its set."""
    return policy.get_for_user(
        user, CriteriaSection.objects.select_related("criteria_set", "criteria_set__unit"), pk, action
    )


def criteria_sections(*, criteria_set: CriteriaSet):
    return criteria_set.sections.prefetch_related("criteria")


@dataclass
class CriteriaOutline:
    """A version's sections with their criteria and points, and the grand total."""

    sections: list[tuple[CriteriaSection, list[Criterion], Decimal]]
    total: Decimal

    @property
    def count(self) -> int:
        return sum(len(criteria) for _section, criteria, _subtotal in self.sections)


def criteria_outline(*, criteria_set: CriteriaSet) -> CriteriaOutline:
    """Sections, criteria, subtotals and total (two queries)."""
    sections = []
    for section in criteria_set.sections.prefetch_related("criteria").order_by("order", "id"):
        criteria = list(section.criteria.all())
        sections.append((section, criteria, sum((c.max_points for c in criteria), Decimal(0))))
    return CriteriaOutline(sections=sections, total=sum((s[2] for s in sections), Decimal(0)))


def criteria_thresholds(*, criteria_set: CriteriaSet | None) -> list[GradeThreshold]:
    return list(criteria_set.thresholds.all()) if criteria_set is not None else []


def criteria_set_in_use(*, criteria_set) -> bool:
    return MeetingScore.objects.filter(criteria_set=criteria_set).exists()


def criteria_set_lock_reason(*, criteria_set: CriteriaSet) -> str:
    """Why the version can no longer change ("" while it is a draft): the rule of
    ``CriteriaSet``, applied by the services."""
    return services.criteria_set_lock_reason(criteria_set)


def criteria_section_choices(*, criteria_set: CriteriaSet) -> QuerySet[CriteriaSection]:
    return CriteriaSection.objects.filter(criteria_set=criteria_set).order_by("order", "id")


def criterion_position(*, criterion: Criterion) -> int:
    """The criterion's position in its section (1 = first)."""
    return services.criterion_position(criterion)


def criteria_set_versions(*, criteria_set, user=None) -> QuerySet[CriteriaSet]:
    """The versions of the same code; with ``user``, only those ``criteria_set_list`` shows
    them (a ward's own version is not listed to the other wards)."""
    versions = CriteriaSet.objects.filter(code=criteria_set.code)
    if user is not None:
        versions = policy.visible(user, versions)
    return versions.select_related("unit").order_by("-version")


def top_led_unit(*, user) -> Unit | None:
    """The highest unit the user follows as an assigned leader."""
    return Unit.objects.filter(path__in=leader_paths(user)).order_by("depth").first()


def get_quality_unit_for_user(user, pk: int) -> Unit:
    """A unit whose meetings the user sees (grants or the leader rule), else 404: the
    quality pages and the API's filter by unit."""
    return get_object_or_404(seen_units(user=user), pk=pk)


def has_child_cells(*, unit) -> bool:
    return Unit.objects.filter(
        path__startswith=unit.path, depth=unit.depth + 1, kind__holds_members=True
    ).exists()


def working_group_visits(*, group, limit: int = 50):
    """The latest visits of the group's members to the units the group follows."""
    people = [m.person for m in group.members.all()]
    return LeaderVisit.objects.filter(
        person__in=people, unit__in=group.followed_units.values("pk")
    ).select_related("person", "unit").order_by("-date")[:limit]


def visit_units(*, user) -> QuerySet[Unit]:
    """Units a visit may be logged for (``Action.LOG_VISIT``): those the user leads, and
    those below the committees they may change."""
    return Unit.objects.filter(log_visit_q(user)).active().select_related("kind").order_by("path")


def visit_leader_choices(*, user, me) -> QuerySet[Person]:
    """Who a visit may be logged for: the leaders of the units the user sees, and the user."""
    return Person.objects.filter(
        Q(pk__in=policy.visible(user, LeaderAssignment).values("person_id")) | Q(pk=me.pk if me else None)
    ).order_by("search_name")


def active_user(*, pk):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=pk, is_active=True).select_related("calendar_feed").first()


# --- calendar feeds --------------------------------------------------------------------

ICAL_SALT = "dangbo.meetings.ical"


def ical_token(*, user) -> str:
    """The token of the user's calendar link: the user and the feed's generation, signed."""
    generation = CalendarFeed.objects.filter(user=user).values_list("generation", flat=True).first() or 0
    return signing.dumps([user.pk, generation], salt=ICAL_SALT)


def ical_feed_user(*, token: str):
    """The active user whose current calendar link carries ``token``, or None: a forged
    token, or one given before the link was revoked. A bare user id is a link given before
    links could be revoked: generation 0."""
    try:
        payload = signing.loads(token, salt=ICAL_SALT)
    except signing.BadSignature:
        return None
    if isinstance(payload, int):
        payload = [payload, 0]
    if not (isinstance(payload, list) and len(payload) == 2 and all(type(v) is int for v in payload)):
        return None
    user = active_user(pk=payload[0])
    if user is None:
        return None
    current = getattr(user, "calendar_feed", None)
    return user if (current.generation if current else 0) == payload[1] else None


# --- the home page ---------------------------------------------------------------------

#: How many cells without this month's meeting, and how many of my meetings, the home page lists.
HOME_LIMIT = 5


def home_summary(*, user, today: dt.date, limit: int = HOME_LIMIT) -> dict:
    """What the home page's meetings panel shows, in three queries (plus the leader rule's
    two, once per request) whatever the data size.

    * ``cells`` / ``held``: the active cells the user sees (grants and the leader rule, as
      the meeting pages) and how many of them held this month's regular meeting;
    * ``missing``: the first ``limit`` of the others, those with nothing scheduled first,
      each with ``planned_id`` / ``planned_date``, the regular meeting planned this month;
    * ``upcoming``: the user's next meetings (expected as a member, or invited as a guest)
      among those they may open, soonest first.
    """
    from django.db.models import F

    from .models import MeetingGuest

    month = dates.month_start(today)
    next_month = dates.month_start(today, 1)
    regular = Meeting.objects.filter(unit=OuterRef("pk"), kind=MeetingKind.REGULAR, month=month)
    held = Exists(regular.filter(status=Meeting.Status.HELD))
    cells = (
        Unit.objects.filter(sees_q(user, prefix=""), kind__holds_members=True)
        .active(today)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lt=next_month))
    )
    figures = cells.aggregate(cells=Count("pk"), held=Count("pk", filter=held))
    planned = regular.filter(status=Meeting.Status.PLANNED).order_by("date", "id")
    missing = list(
        cells.filter(~held)
        .annotate(
            planned_id=Subquery(planned.values("pk")[:1]),
            planned_date=Subquery(planned.values("date")[:1]),
        )
        .only("pk", "name", "path", "depth")
        .order_by(F("planned_date").asc(nulls_first=True), "path")[:limit]
    )
    person = policy.person_of(user)
    upcoming: list[Meeting] = []
    if person is not None:
        expected = Q(pk__in=Attendance.objects.filter(person=person).values("meeting_id")) | Q(
            pk__in=MeetingGuest.objects.filter(person=person).values("meeting_id")
        )
        upcoming = list(
            policy.visible(user, Meeting)
            .filter(expected, date__gte=today, status=Meeting.Status.PLANNED)
            .select_related("unit")
            .only("pk", "kind", "title", "date", "start_time", "place", "unit__name", "unit__label")
            .order_by("date", "start_time", "id")[:limit]
        )
    return {
        "month": month,
        "cells": figures["cells"] or 0,
        "held": figures["held"] or 0,
        "missing": missing,
        "upcoming": upcoming,
    }
