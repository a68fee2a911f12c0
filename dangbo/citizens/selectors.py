"""Reading cases: the list a user may see, one case, the public view by code."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Prefetch, Q
from django.db.models.functions import Substr

from dangbo.core import dates, policy
from dangbo.core.aggregates import Median, grouped_with_total
from dangbo.core.policy import Action
from dangbo.core.text import fold
from dangbo.orgs.models import Unit

from .models import (
    Case,
    CaseQuerySet,
    Dialogue,
    Petitioner,
    ReceptionDay,
    ReceptionQuota,
    clean_code,
)


@dataclass
class CaseFilters:
    unit: Unit | None = None
    kind: str = ""
    state: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    overdue: bool | None = None



def dialogue_cases(*, user, dialogue):
    """The cases raised at ``dialogue`` that the user may see, in the order they were raised."""
    return policy.visible(user, Case.objects.filter(dialogue=dialogue)).order_by("id")

def case_list(*, user, filters: CaseFilters | None = None, today: dt.date) -> CaseQuerySet:
    """Cases the user may see (the policy filters in the SQL), newest first; the petitioners
    come in one more query."""
    f = filters or CaseFilters()
    qs: CaseQuerySet = policy.visible(user, Case.objects.select_related("unit")).prefetch_related(  # type: ignore[assignment]
        Prefetch("petitioners", queryset=Petitioner.objects.order_by("order", "id"))
    )
    if f.unit is not None:
        qs = qs.filter(unit__path__startswith=f.unit.path)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.state == "open":
        qs = qs.open()
    elif f.state:
        qs = qs.filter(state=f.state)
    if f.received_from:
        qs = qs.filter(received_on__gte=f.received_from)
    if f.received_to:
        qs = qs.filter(received_on__lte=f.received_to)
    if f.overdue is True:
        qs = qs.overdue(today)
    elif f.overdue is False:
        qs = qs.exclude(pk__in=Case.objects.overdue(today).values("pk"))
    return qs.order_by("-received_on", "-id")


def get_case_for_user(user, pk, action: Action | str = Action.VIEW) -> Case:
    return policy.get_for_user(user, Case.objects.select_related("unit"), pk, action)


def case_by_code(*, user, code: str, action: Action | str = Action.CHANGE) -> Case | None:
    """The case with this public code, if the user may do ``action`` to it."""
    code = clean_code(code)
    case = Case.objects.select_related("unit").filter(code=code).first() if code else None
    return case if case is not None and policy.may(user, action, case) else None


def merged_cases(*, user, case: Case) -> list[Case]:
    """The duplicates merged into ``case`` that the user may see."""
    return list(policy.visible(user, Case.objects.filter(merged_into=case)).order_by("received_on", "id"))


def petitioners_of(case: Case) -> list[Petitioner]:
    return list(case.petitioners.order_by("order", "id"))


#: A case is shown as a possible duplicate when received this many days before, or after.
DUPLICATE_DAYS = 90
#: ... and when this share of the words of the two contents are the same (Jaccard).
DUPLICATE_SIMILARITY = 0.4


def _words(text: str) -> set[str]:
    return {w for w in fold(text).split() if len(w) > 1}


def possible_duplicates(*, user, names: list[str], content: str, received_on: dt.date) -> list[Case]:
    """Cases the user may see, from the same petitioner (by name, accents ignored) within
    ``DUPLICATE_DAYS`` of ``received_on``, whose content is similar. A denunciation is offered
    only to someone who may read its denouncer (else the match itself would reveal them)."""
    keys = {fold(n) for n in names if n and n.strip()}
    if not keys or not content:
        return []
    window = dt.timedelta(days=DUPLICATE_DAYS)
    candidates = (
        policy.visible(user, Case.objects.select_related("unit"))
        .filter(petitioners__name_key__in=keys, merged_into__isnull=True, received_on__gte=received_on - window,
                received_on__lte=received_on + window)
        .distinct()
        .order_by("-received_on")[:50]
    )
    mine = _words(content)
    found = []
    for case in candidates:
        if case.kind == Case.Kind.TO_CAO and not policy.readable_fields(user, case)["petitioners"]:
            continue
        theirs = _words(case.content)
        if mine and theirs and len(mine & theirs) / len(mine | theirs) >= DUPLICATE_SIMILARITY:
            found.append(case)
    return found


# --- The public page by code -----------------------------------------------------------------


def lookup_allowed(ip: str) -> bool:
    """Count one code lookup from ``ip``; ``False`` once it made more than
    ``DANGBO_CASE_LOOKUPS_PER_IP`` in the window (ten minutes from its first lookup). The
    counts live in Django's cache: with several server processes, configure a shared cache."""
    key = f"dangbo:caselookup:{ip}"
    window = int(getattr(settings, "DANGBO_CASE_LOOKUP_WINDOW", 600))
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= int(getattr(settings, "DANGBO_CASE_LOOKUPS_PER_IP", 30))


def public_case(code: str) -> dict | None:
    """The public fields of the case with this code, or ``None``: one indexed query, nothing
    personal (no petitioner, no content, no internal note)."""
    code = clean_code(code)
    if not code:
        return None
    row = Case.objects.filter(code=code).values(*Case.PUBLIC_FIELDS, unit_name=F("unit__name")).first()
    if row is None:
        return None
    row["kind_display"] = Case.Kind(row["kind"]).label
    row["state_display"] = Case.State(row["state"]).label
    row["ack_outcome_display"] = Case.Outcome(row["ack_outcome"]).label if row["ack_outcome"] else ""
    return row


# --- Reception days and dialogues --------------------------------------------------------------


@dataclass
class QuotaRow:
    unit: Unit
    required: int
    held: int
    planned: int

    @property
    def short(self) -> bool:
        return self.held < self.required


MAX_QUOTA_UNITS = 300


def reception_month(*, user, month: dt.date) -> tuple[list, list[QuotaRow]]:
    """The reception days of the month the user may see, and for each visible committee whose
    level has a quota that month: days required, held (scheduled), still planned. A fixed
    number of queries."""
    span = dates.month(month)
    days = list(
        policy.visible(user, ReceptionDay.objects.select_related("unit", "host"))
        .filter(date__gte=span.start, date__lte=span.end)
        .order_by("date", "unit__path", "id")[:500]
    )
    quotas = {
        q.level_id: q.days_per_month
        for q in ReceptionQuota.objects.filter(effective_from__lte=span.start)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=span.start))
        .order_by("effective_from")
    }
    if not quotas:
        return days, []
    units = list(
        Unit.objects.filter(policy.scope(user, Unit), kind__level_id__in=list(quotas))
        .active(span.start)
        .select_related("kind")
        .order_by("path")[:MAX_QUOTA_UNITS]
    )
    counts: dict[tuple[int, str], int] = {}
    for row in (
        ReceptionDay.objects.filter(unit__in=units, date__gte=span.start, date__lte=span.end,
                                    kind=ReceptionDay.Kind.SCHEDULED)
        .values("unit_id", "status")
        .annotate(n=Count("date", distinct=True))
    ):
        counts[row["unit_id"], row["status"]] = row["n"]
    rows = [
        QuotaRow(
            unit=u, required=quotas[u.kind.level_id],
            held=counts.get((u.pk, ReceptionDay.Status.HELD), 0),
            planned=counts.get((u.pk, ReceptionDay.Status.PLANNED), 0),
        )
        for u in units
    ]
    return days, rows


def get_reception_day_for_user(user, pk, action: Action | str = Action.VIEW) -> ReceptionDay:
    return policy.get_for_user(user, ReceptionDay.objects.select_related("unit", "host"), pk, action)


def dialogue_list(*, user):
    return policy.visible(user, Dialogue.objects.select_related("unit", "host")).annotate(
        case_count=Count("cases")
    ).order_by("-date", "-id")


def get_dialogue_for_user(user, pk, action: Action | str = Action.VIEW) -> Dialogue:
    return policy.get_for_user(user, Dialogue.objects.select_related("unit", "host"), pk, action)


# --- Response times ------------------------------------------------------------------------------


@dataclass
class Times:
    """The response figures of one unit (with everything below it) over a period."""

    unit: Unit
    received: int = 0
    acknowledged: int = 0
    ack_on_time: int = 0
    answered: int = 0
    answer_on_time: int = 0
    open: int = 0
    overdue: int = 0
    #: The median working days from receipt to the acknowledgement and to the answer
    #: (``Case.ack_days``/``answer_days``), computed by the database; ``None`` without any.
    ack_median: float | None = None
    answer_median: float | None = None
    #: Cases received by kind (``Case.Kind`` value → count).
    kinds: dict[str, int] | None = None

    @property
    def ack_rate(self) -> int | None:
        return round(100 * self.ack_on_time / self.acknowledged) if self.acknowledged else None

    @property
    def answer_rate(self) -> int | None:
        return round(100 * self.answer_on_time / self.answered) if self.answered else None


def _late_q(today: dt.date) -> Q:
    return (
        Q(state=Case.State.RECEIVED, acknowledge_by__lt=today)
        | Q(state=Case.State.RECEIVED, answer_by__lt=today)
        | Q(state=Case.State.ACKNOWLEDGED, ack_outcome=Case.Outcome.ACCEPTED, answer_by__lt=today)
    )


_COUNTS = ("received", "acknowledged", "ack_on_time", "answered", "answer_on_time", "open", "overdue")


def _whole(value: float | None) -> float | int | None:
    """A median as shown: 9 rather than 9.0, 9.5 kept."""
    return int(value) if value is not None and float(value).is_integer() else value


def response_times(*, user, unit: Unit, start: dt.date, end: dt.date, today: dt.date) -> tuple[Times, list[Times]]:
    """For ``unit`` and each unit directly below it: cases received in [start, end] that the
    user may see, acknowledged and answered on time, median working days to acknowledge and to
    answer (``Case.ack_days``/``answer_days``), still open, overdue.

    Everything is computed in the SQL, the medians too (``dangbo.core.aggregates.Median``), in
    a fixed number of queries whatever the number of cases or of units compared: the units
    below; one pass over the cases grouped by their ancestor directly below ``unit`` (the prefix
    of the unit's materialised path; the unit's own cases form one more group), whose counts add
    up to the whole's, with the whole's two medians (not those of its parts) rolled up in the
    same pass on PostgreSQL (``grouped_with_total``), in a second one on SQLite."""
    children = list(Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("path"))
    total = Times(unit=unit, kinds={})
    rows = {c.path: Times(unit=c, kinds={}) for c in children}
    step = len(unit.path) + Unit.steplen
    cases = policy.visible(user, Case).filter(
        unit__path__startswith=unit.path, received_on__gte=start, received_on__lte=end
    )
    figures = {
        "received": Count("id"),
        "acknowledged": Count("id", filter=Q(acknowledged_on__isnull=False)),
        "ack_on_time": Count("id", filter=Q(acknowledged_on__lte=F("acknowledge_by"))),
        "answered": Count("id", filter=Q(answered_on__isnull=False)),
        "answer_on_time": Count("id", filter=Q(answered_on__lte=F("answer_by"))),
        "open": Count("id", filter=~Q(state=Case.State.CLOSED)),
        "overdue": Count("id", filter=_late_q(today)),
        **{f"kind_{k}": Count("id", filter=Q(kind=k)) for k in Case.Kind.values},
    }
    medians = {"ack_median": Median("ack_days"), "answer_median": Median("answer_days")}
    groups, whole = grouped_with_total(cases, {"below": Substr("unit__path", 1, step)}, {**figures, **medians})
    for group in groups:
        row = rows.get(group["below"])
        for t in (total, row) if row is not None else (total,):
            for name in _COUNTS:
                setattr(t, name, getattr(t, name) + group[name])
            kinds = t.kinds if t.kinds is not None else {}
            for k in Case.Kind.values:
                if group[f"kind_{k}"]:
                    kinds[k] = kinds.get(k, 0) + group[f"kind_{k}"]
            t.kinds = kinds
        if row is not None:
            row.ack_median, row.answer_median = _whole(group["ack_median"]), _whole(group["answer_median"])
    total.ack_median, total.answer_median = _whole(whole["ack_median"]), _whole(whole["answer_median"])
    return total, list(rows.values())


# --- Reception reports (monthly, quarterly, 6, 9 months, the year) -----------------------------


@dataclass
class ReportRow:
    """One unit's line in a reception report: its own figures and everything below it."""

    times: Times
    scheduled_held: int = 0
    ad_hoc_held: int = 0
    dialogues: int = 0

    @property
    def unit(self) -> Unit:
        return self.times.unit

    def kind(self, kind: str) -> int:
        return (self.times.kinds or {}).get(kind, 0)


def reception_report(
    *, user, unit: Unit, start: dt.date, end: dt.date, today: dt.date
) -> tuple[ReportRow, list[ReportRow]]:
    """The reception report of ``unit`` over [start, end], rolled up from the units below it:
    for the unit (with everything below) and for each unit directly below it, reception days
    held (scheduled, ad hoc), dialogues held, cases received by kind, and the response figures.
    A fixed number of queries (those of ``response_times`` and two more)."""
    total_times, child_times = response_times(user=user, unit=unit, start=start, end=end, today=today)
    total = ReportRow(times=total_times)
    rows = {t.unit.path: ReportRow(times=t) for t in child_times}
    step = len(unit.path) + Unit.steplen

    def add(path: str, attr: str, n: int) -> None:
        for row in (total, rows.get(path[:step])):
            if row is not None:
                setattr(row, attr, getattr(row, attr) + n)

    days = (
        policy.visible(user, ReceptionDay)
        .filter(unit__path__startswith=unit.path, date__gte=start, date__lte=end, status=ReceptionDay.Status.HELD)
        .values("unit__path", "kind").annotate(n=Count("id"))
    )
    for row in days:
        add(row["unit__path"], "scheduled_held" if row["kind"] == ReceptionDay.Kind.SCHEDULED else "ad_hoc_held", row["n"])
    dialogues = (
        policy.visible(user, Dialogue)
        .filter(unit__path__startswith=unit.path, date__gte=start, date__lte=end)
        .values("unit__path").annotate(n=Count("id"))
    )
    for dialogue_row in dialogues:
        add(dialogue_row["unit__path"], "dialogues", dialogue_row["n"])
    return total, list(rows.values())
