"""Reads of the reports: the reviews and periodic reports a user sees, and the figures of a
unit's reports page (a fixed number of queries whatever the size of the tree)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth, Substr

from dangbo.core import policy
from dangbo.core.policy import Action
from dangbo.core.text import number, percent
from dangbo.orgs.models import Term, Unit

from .models import PeriodicReport, Review


def get_review_for_user(user, pk, action: Action | str = Action.VIEW) -> Review:
    return policy.get_for_user(user, Review.objects.select_related("unit", "term"), pk, action)


def get_periodic_for_user(user, pk, action: Action | str = Action.VIEW) -> PeriodicReport:
    return policy.get_for_user(user, PeriodicReport.objects.select_related("unit__kind", "submitted_by"), pk, action)


def get_unit_for_user(user, pk, action: Action | str = Action.VIEW) -> Unit:
    return policy.get_for_user(user, Unit.objects.select_related("kind"), pk, action)


def home_unit(user) -> Unit | None:
    """The highest unit the user sees (the city for its office, the cell for its member)."""
    return policy.visible(user, Unit).order_by("depth", "path").first()


def unit_terms(*, unit: Unit) -> list[Term]:
    return list(Term.objects.filter(unit=unit).order_by("-start"))


def unit_reviews(*, user, unit: Unit) -> dict[int, Review]:
    return {r.term_id: r for r in policy.visible(user, Review).filter(unit=unit)}


def versions(obj: Review | PeriodicReport):
    """The last 50 versions of a term review or a periodic report, newest first."""
    return obj.versions.select_related("saved_by").order_by("-number")[:50]


def periodic_list(*, user, unit: Unit | None = None, period: str = "", state: str = "") -> QuerySet[PeriodicReport]:
    qs = policy.visible(user, PeriodicReport).select_related("unit")
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if period:
        qs = qs.filter(period=period)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-end", "unit__path")


def report_units(*, user, change: bool = False) -> QuerySet[Unit]:
    """The units whose reports the user sees (``change``: may draft), for the unit pickers."""
    return policy.visible(user, Unit, Action.CHANGE if change else Action.VIEW).order_by("path")


# --- The reports page ------------------------------------------------------------------------


@dataclass
class Row:
    unit: Unit
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def good_share(self) -> float | None:
        scored = self.figures.get("scored", 0)
        return round(100 * self.figures.get("good", 0) / scored, 1) if scored else None

    @property
    def at_risk(self) -> list[str]:
        from django.utils.translation import gettext as _

        risks = []
        if self.figures.get("overdue"):
            risks.append(_("%(n)s overdue tasks") % {"n": number(self.figures["overdue"])})
        share = self.good_share
        if share is not None and share < 70:
            risks.append(_("only %(share)s of meetings good") % {"share": percent(share)})
        if self.figures.get("late_cases"):
            risks.append(_("%(n)s cases answered late") % {"n": number(self.figures["late_cases"])})
        return risks


def _by_child(qs: QuerySet, path_field: str, unit: Unit, **aggregates: Any) -> dict[str, dict[str, Any]]:
    """Aggregates of ``qs`` grouped by the child of ``unit`` each row falls under (one query)."""
    width = (unit.depth + 1) * Unit.steplen
    rows = (
        qs.filter(**{f"{path_field}__startswith": unit.path}).exclude(**{path_field: unit.path})
        .annotate(child=Substr(path_field, 1, width)).order_by().values("child").annotate(**aggregates)
    )
    return {r["child"]: r for r in rows}


def _rolled(qs: QuerySet, path_field: str, unit: Unit, year: int, **aggregates: Any
            ) -> tuple[dict[str, int], dict[str, dict[str, Any]]]:
    """One query for the headline and the units below: ``aggregates`` (named ``<figure><year>``)
    of the rows under ``unit`` grouped by the child each falls under (the unit's own rows are a
    group of their own). Returns the totals over every group and, for each child, its figures
    of ``year`` without the year in their names."""
    width = (unit.depth + 1) * Unit.steplen
    rows = list(
        qs.filter(**{f"{path_field}__startswith": unit.path}).annotate(child=Substr(path_field, 1, width))
        .order_by().values("child").annotate(**aggregates)
    )
    totals = {name: sum(r[name] for r in rows) for name in aggregates}
    suffix = str(year)
    children = {
        r["child"]: {name.removesuffix(suffix): r[name] for name in aggregates if name.endswith(suffix)}
        for r in rows if r["child"] != unit.path
    }
    return totals, children


def unit_dashboard(*, unit: Unit, year: int, today: dt.date) -> dict[str, Any]:
    """The few figures that matter for ``unit`` in ``year`` with last year beside them, and the
    units below compared. Six queries whatever the tree: meetings and cases are read once, the
    headline being the sum of the groups (``_rolled``)."""
    from dangbo.assignments.models import Task
    from dangbo.citizens.models import Case
    from dangbo.meetings.models import Meeting, MeetingKind

    years = (year - 1, year)
    tasks = Task.objects.exclude(status=Task.Status.CANCELLED)
    meetings = Meeting.objects.filter(kind=MeetingKind.REGULAR, status=Meeting.Status.HELD)
    cases = Case.objects.all()

    task_totals = tasks.filter(assigning_path__startswith=unit.path).aggregate(
        **{f"done{y}": Count("id", filter=Q(done_on__year=y)) for y in years},
        overdue=Count("id", filter=Q(status__in=Task.ACTIVE, deadline__lt=today)),
        open=Count("id", filter=Q(status__in=Task.OPEN)),
    )
    span = (dt.date(year - 1, 1, 1), dt.date(year, 12, 31))  # a range, not __year__in: the date index serves it
    meeting_totals, by_meeting = _rolled(
        meetings.filter(date__range=span), "unit__path", unit, year,
        **{f"held{y}": Count("id", filter=Q(date__year=y)) for y in years},
        **{f"scored{y}": Count("id", filter=Q(date__year=y, score__isnull=False)) for y in years},
        **{f"good{y}": Count("id", filter=Q(date__year=y, grade_rank=1)) for y in years},
    )
    case_totals, by_case = _rolled(
        cases.filter(received_on__range=span), "unit__path", unit, year,
        **{f"received{y}": Count("id", filter=Q(received_on__year=y)) for y in years},
        **{f"late_cases{y}": Count("id", filter=Q(received_on__year=y) & _late_q(today)) for y in years},
    )
    children = list(Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("path"))
    by_task = _by_child(tasks, "unit_path", unit, overdue=Count("id", filter=Q(status__in=Task.ACTIVE, deadline__lt=today)),
                        done=Count("id", filter=Q(done_on__year=year)))
    rows = []
    for child in children:
        figures: dict[str, Any] = {}
        for source in (by_task, by_meeting, by_case):
            figures.update({k: v for k, v in source.get(child.path, {}).items() if k != "child"})
        rows.append(Row(unit=child, figures=figures))

    def share(good: int, scored: int) -> float | None:
        return round(100 * good / scored, 1) if scored else None

    headline = {
        "done": (task_totals[f"done{year}"], task_totals[f"done{year - 1}"]),
        "overdue": task_totals["overdue"],
        "open": task_totals["open"],
        "held": (meeting_totals[f"held{year}"], meeting_totals[f"held{year - 1}"]),
        "good": (share(meeting_totals[f"good{year}"], meeting_totals[f"scored{year}"]),
                 share(meeting_totals[f"good{year - 1}"], meeting_totals[f"scored{year - 1}"])),
        "received": (case_totals[f"received{year}"], case_totals[f"received{year - 1}"]),
        "late": (case_totals[f"late_cases{year}"], case_totals[f"late_cases{year - 1}"]),
    }
    return {"headline": headline, "rows": rows, "risks": [r for r in rows if r.at_risk],
            "indicators": unit_indicators(unit=unit, today=today)}


@dataclass
class IndicatorLine:
    indicator: Any
    target: Any
    latest: tuple[int, Any] | None
    previous: tuple[int, Any] | None
    result: str

    @property
    def trend(self) -> str:
        if not self.latest or not self.previous:
            return ""
        return "up" if self.latest[1] > self.previous[1] else "down" if self.latest[1] < self.previous[1] else "flat"


def unit_indicators(*, unit: Unit, today: dt.date) -> list[IndicatorLine]:
    """The indicators of the unit's current term: the term's target, the last two years'
    figures and whether the latest reaches the target (three queries)."""
    from django.db.models import Prefetch

    from dangbo.plans.commitments import RESULTS, indicator_result
    from dangbo.plans.models import Indicator, IndicatorActual, IndicatorTarget

    indicators = (
        Indicator.objects.filter(unit=unit, term__start__lte=today).filter(Q(term__end__isnull=True) | Q(term__end__gte=today))
        .prefetch_related(
            Prefetch("targets", queryset=IndicatorTarget.objects.filter(unit=unit, year__isnull=True), to_attr="term_targets"),
            Prefetch("actuals", queryset=IndicatorActual.objects.filter(unit=unit, quarter__isnull=True).order_by("year"),
                     to_attr="year_actuals"),
        ).order_by("code")
    )
    lines = []
    for ind in indicators:
        target = ind.term_targets[0].value if ind.term_targets else None
        years = [(a.year, a.value) for a in ind.year_actuals]
        latest = years[-1] if years else None
        result = indicator_result(ind.direction, target, latest[1] if latest else None)
        lines.append(IndicatorLine(ind, target, latest, years[-2] if len(years) > 1 else None,
                                   str(RESULTS[result]) if result else ""))
    return lines


def _late_q(today: dt.date) -> Q:
    from django.db.models import F

    return Q(answered_on__gt=F("answer_by")) | Q(answered_on__isnull=True, answer_by__lt=today)


def side_by_side(*, unit: Unit, year: int) -> list[list[Any]]:
    """The units below ``unit`` month by month in ``year``: meetings held, of them good, tasks
    done, cases received (four queries)."""
    from dangbo.assignments.models import Task
    from dangbo.citizens.models import Case
    from dangbo.meetings.models import Meeting, MeetingKind

    width = (unit.depth + 1) * Unit.steplen
    children = list(Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("path"))

    def grouped(qs: QuerySet, path_field: str, month_field: str, **aggregates: Any) -> dict[tuple[str, int], dict]:
        rows = (
            qs.filter(**{f"{path_field}__startswith": unit.path}).exclude(**{path_field: unit.path})
            .annotate(child=Substr(path_field, 1, width), m=ExtractMonth(month_field)).order_by()
            .values("child", "m").annotate(**aggregates)
        )
        return {(r["child"], r["m"]): r for r in rows}

    meetings = grouped(Meeting.objects.filter(kind=MeetingKind.REGULAR, status=Meeting.Status.HELD, date__year=year),
                       "unit__path", "date", held=Count("id"), good=Count("id", filter=Q(grade_rank=1)))
    tasks = grouped(Task.objects.filter(done_on__year=year), "unit_path", "done_on", done=Count("id"))
    cases = grouped(Case.objects.filter(received_on__year=year), "unit__path", "received_on", received=Count("id"))
    out = []
    for child in children:
        for month in range(1, 13):
            key = (child.path, month)
            out.append([
                child.name, f"{month:02d}/{year}",
                meetings.get(key, {}).get("held", 0), meetings.get(key, {}).get("good", 0),
                tasks.get(key, {}).get("done", 0), cases.get(key, {}).get("received", 0),
            ])
    return out


def unit_term(*, unit: Unit, pk: int) -> Term | None:
    """One of ``unit``'s own terms (the unit is already one the user may see)."""
    return Term.objects.filter(unit=unit, pk=pk).first()
