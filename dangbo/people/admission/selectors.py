"""Reading candidates: the pipeline of a unit, the list, one candidate, targets against actuals.

The pipeline and the lists cost a fixed number of queries whatever the number of candidates:
the policy filters inside the SQL, the counts are grouped in the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Substr

from dangbo.core import evidence, policy
from dangbo.core.policy import Action
from dangbo.orgs.models import Membership, Person, Unit

from .evidence import ADMITTED_FIGURE
from .models import (
    OPEN_STAGES,
    AdmissionRules,
    AdmissionTarget,
    Candidate,
    CandidateQuerySet,
    Sector,
    Stage,
)
from .rules import add_months


@dataclass
class Filters:
    unit: Unit | None = None
    stage: str = ""
    late: bool | None = None


def candidate_list(*, user, filters: Filters | None = None, today: dt.date) -> CandidateQuerySet:
    """Candidates the user may see, under ``filters.unit``; late ones first, then by due date."""
    f = filters or Filters()
    qs: CandidateQuerySet = policy.visible(user, Candidate.objects.select_related("person", "unit"))  # type: ignore[assignment]
    if f.unit is not None:
        qs = qs.filter(unit__path__startswith=f.unit.path)
    if f.stage == "open":
        qs = qs.open()
    elif f.stage:
        qs = qs.filter(stage=f.stage)
    if f.late is True:
        qs = qs.late(today)
    elif f.late is False:
        qs = qs.exclude(pk__in=Candidate.objects.late(today).values("pk"))
    late = Case(
        When(Q(stage__in=OPEN_STAGES, due_date__lt=today), then=Value(True)),
        default=Value(False), output_field=BooleanField(),
    )
    # Late ones first: a candidate is late exactly when open with a due date before today, and
    # a closed one has no due date, so the due date alone orders them (and its index serves
    # the first page without sorting the whole province).
    return qs.annotate(is_late_now=late).order_by(  # type: ignore[return-value]
        F("due_date").asc(nulls_last=True), "unit__path", "person__search_name", "id"
    )


def get_candidate_for_user(user, pk, action: Action | str = Action.VIEW) -> Candidate:
    return policy.get_for_user(
        user, Candidate.objects.select_related("person", "unit", "helper"), pk, action
    )


def default_unit(user) -> Unit | None:
    """The unit a pipeline opens on: the top of the user's grants (the root for a superuser)."""
    if policy.is_everything(user):
        return Unit.objects.filter(depth=1).order_by("path").first()
    tops = policy.paths(user)
    return Unit.objects.filter(path=tops[0]).first() if tops else None


@dataclass
class StageCount:
    code: str
    label: str
    count: int = 0
    late: int = 0


@dataclass
class PipelineRow:
    unit: Unit
    counts: dict[str, int] = field(default_factory=dict)
    late: int = 0

    def cells(self) -> list[tuple[str, int]]:
        return [(str(label), self.counts.get(code, 0)) for code, label in Stage.choices]


@dataclass
class Pipeline:
    unit: Unit
    stages: list[StageCount]
    rows: list[PipelineRow]
    #: Probationary members from their 11th month on: the cell prepares their review.
    ending: int = 0

    @property
    def open(self) -> int:
        return sum(s.count for s in self.stages if s.code in OPEN_STAGES)

    @property
    def late(self) -> int:
        return sum(s.late for s in self.stages)


def pipeline(*, user, unit: Unit, today: dt.date) -> Pipeline:
    """Counts per stage under ``unit`` (the late ones apart), and the same per unit one level
    below: three queries whatever the size of the tree."""
    qs = policy.visible(user, Candidate).filter(unit__path__startswith=unit.path)
    late_q = Q(stage__in=OPEN_STAGES, due_date__lt=today)
    child = Substr("unit__path", 1, len(unit.path) + Unit.steplen)
    ending_q = Q(stage=Stage.PROBATION, probation_end__gt=today, probation_end__lte=add_months(today, 2))
    grouped = list(
        qs.order_by().annotate(child=child).values("child", "stage")
        .annotate(n=Count("id"), late=Count("id", filter=late_q), ending=Count("id", filter=ending_q))
    )
    totals = {code: StageCount(code, str(label)) for code, label in Stage.choices}
    by_child: dict[str, PipelineRow] = {}
    ending = 0
    for row in grouped:
        ending += row["ending"]
        totals[row["stage"]].count += row["n"]
        totals[row["stage"]].late += row["late"]
        if len(row["child"]) > len(unit.path):
            by_child.setdefault(row["child"], PipelineRow(unit=unit)).counts[row["stage"]] = row["n"]
            by_child[row["child"]].late += row["late"]
    units = {u.path: u for u in Unit.objects.filter(path__in=list(by_child))} if by_child else {}
    rows = []
    for path in sorted(by_child):
        if path in units:
            by_child[path].unit = units[path]
            rows.append(by_child[path])
    rows.sort(key=lambda r: (-r.late, r.unit.path))
    return Pipeline(unit=unit, stages=list(totals.values()), rows=rows, ending=ending)


@dataclass
class TargetRow:
    target: AdmissionTarget
    actual: int = 0
    residential: int = 0
    enterprise: int = 0
    #: The term's "members admitted" indicator's target for the unit and year, when the plans
    #: set one (a ``dangbo.core.evidence`` figure, linked to the indicator).
    indicator: Any = None

    @property
    def percent(self) -> int | None:
        return round(100 * self.actual / self.target.total) if self.target.total else None


def targets(*, user, year: int) -> list[TargetRow]:
    """The targets of ``year`` the user may see, with the admissions (decisions) of that year
    under each unit, residential areas and private enterprises apart, and the target the term's
    "members admitted" indicator sets the unit, when there is one: three queries."""
    rows = [
        TargetRow(t)
        for t in policy.visible(user, AdmissionTarget.objects.select_related("unit")).filter(year=year).order_by("unit__path")
    ]
    if not rows:
        return rows
    q = Q()
    for row in rows:
        q |= Q(unit__path__startswith=row.target.unit.path)
    counts = (
        Candidate.objects.filter(q, decision_on__year=year).exclude(stage=Stage.STOPPED)
        .values("unit__path", "sector").annotate(n=Count("id"))
    )
    for c in counts:
        for row in rows:
            if c["unit__path"].startswith(row.target.unit.path):
                row.actual += c["n"]
                if c["sector"] == Sector.RESIDENTIAL:
                    row.residential += c["n"]
                elif c["sector"] == Sector.ENTERPRISE:
                    row.enterprise += c["n"]
    indicators = evidence.collect(
        "unit_target", [row.target.unit_id for row in rows], dt.date(year, 1, 1), dt.date(year, 12, 31)
    )
    for row in rows:
        row.indicator = indicators[row.target.unit_id].get(ADMITTED_FIGURE)
    return rows


def helpers_for(candidate: Candidate) -> QuerySet[Person]:
    """Who may help a new member: the official members of the candidate's cell today."""
    members = Membership.objects.current().filter(unit=candidate.unit).values("person_id")
    return (
        Person.objects.filter(pk__in=members, status=Person.Status.OFFICIAL)
        .exclude(pk=candidate.person_id)
        .order_by("search_name", "id")
    )


def rule_sets() -> list[AdmissionRules]:
    return list(AdmissionRules.objects.prefetch_related("stages").order_by("-effective_from"))
