"""Reads of tasks. Every list filters with the tasks' policy (``dangbo.assignments.policy``,
through ``dangbo.core.policy``) inside the query.

The hot paths (the overdue list of a district or a province, a task with its sub-tasks, a
unit's dashboard) run a fixed number of queries on indexed columns: the unit scope is a
prefix of the copied ``unit_path``, active-by-deadline has a partial index, a subtree is a
prefix of ``tree_path``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Max, Q, QuerySet
from django.utils import timezone

from dangbo.core import dates, policy
from dangbo.core.policy import Action
from dangbo.core.text import fold
from dangbo.documents.models import Document, DocumentRelation
from dangbo.orgs.models import Membership, Person, Position, Unit

from . import tally
from .cadence import CADENCES, ReportState, needs_report_q, reports_window, state_of
from .models import (
    Inspection,
    InspectionProgram,
    ProgressReport,
    ReportFile,
    Task,
    TaskQuerySet,
    due_soon_days,
    escalate_after_days,
)
from .tally import COUNT_KEYS

S = Task.Status
FLAGS = ("overdue", "behind", "due_soon", "long_running", "awaiting")
SORTS = {
    "deadline": ("deadline", "id"),
    "-deadline": ("-deadline", "-id"),
    "progress": ("progress", "deadline", "id"),
    "-progress": ("-progress", "deadline", "id"),
    "priority": ("-priority", "deadline", "id"),
    "title": ("title", "id"),
    "-created": ("-created_at", "-id"),
}
LIST_RELATED = ("unit", "assigning_unit", "responsible", "document")
#: Wide columns of the related rows that no list shows.
LIST_DEFERRED = ("document__full_text", "document__summary")
#: The columns a table of tasks (``_task_table.html``: title, document, unit in charge,
#: responsible person, deadline with its flags, status, progress) reads, and nothing else: a
#: task row has ~50 columns and its document ~30, and building them costs more than the query.
TABLE_RELATED = ("unit", "responsible", "document")
TABLE_FIELDS = (
    "title", "start", "deadline", "status", "progress", "behind_from", "done_on", "depth",
    "unit__name", "unit__label", "responsible__full_name", "document__symbol",
)


def for_table(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """``tasks`` as a table of tasks shows them: its rows and columns only (one query)."""
    return tasks.select_related(None).select_related(*TABLE_RELATED).only(*TABLE_FIELDS)


@dataclass
class TaskFilters:
    q: str = ""
    unit: Unit | None = None
    status: str = ""  # a status, "open" or "" (everything)
    flag: str = ""
    document: Document | None = None
    deadline_from: dt.date | None = None
    deadline_to: dt.date | None = None
    priority: int | None = None
    roots_only: bool = False
    mine: bool = False
    sort: str = "deadline"
    extra: dict = field(default_factory=dict)


def _base(user) -> TaskQuerySet:
    return Task.objects.filter(policy.scope(user, Task))


def apply_filters(tasks: TaskQuerySet, f: TaskFilters, today: dt.date, user=None) -> TaskQuerySet:
    if f.unit is not None:
        tasks = tasks.filter(unit_path__startswith=f.unit.path)
    if f.status == "open":
        tasks = tasks.filter(status__in=Task.OPEN)
    elif f.status:
        tasks = tasks.filter(status=f.status)
    if f.flag == "overdue":
        tasks = tasks.overdue(today)
    elif f.flag == "behind":
        tasks = tasks.behind(today)
    elif f.flag == "due_soon":
        tasks = tasks.due_soon(today)
    elif f.flag == "long_running":
        tasks = tasks.long_running(today)
    elif f.flag == "awaiting":
        tasks = tasks.filter(status=S.AWAITING)
    if f.document is not None:
        tasks = tasks.filter(document=f.document)
    if f.deadline_from:
        tasks = tasks.filter(deadline__gte=f.deadline_from)
    if f.deadline_to:
        tasks = tasks.filter(deadline__lte=f.deadline_to)
    if f.priority:
        tasks = tasks.filter(priority=f.priority)
    if f.roots_only:
        tasks = tasks.filter(depth=1)
    if f.q:
        # Folded like the search box: "dong luong" and a decomposed "Đông Lương" both match.
        for word in fold(f.q).split()[:6]:
            tasks = tasks.filter(search_title__contains=word)
    if f.mine and user is not None:
        tasks = tasks.filter(responsible__user=user)
    return tasks.order_by(*SORTS.get(f.sort, SORTS["deadline"]))


def task_list(*, user, filters: TaskFilters | None = None, today: dt.date | None = None) -> TaskQuerySet:
    today = today or timezone.localdate()
    tasks = apply_filters(_base(user), filters or TaskFilters(), today, user)
    return tasks.select_related(*LIST_RELATED).defer(*LIST_DEFERRED)


def get_evidence_for_user(user, *, task_pk: int, pk: int) -> ReportFile:
    """An evidence file of the task ``task_pk`` (404 for a file of another task, or hidden)."""
    return policy.get_for_user(user, ReportFile.objects.filter(report__task_id=task_pk), pk)


def get_task_for_user(user, pk: int, action: Action | str = Action.VIEW) -> Task:
    related = Task.objects.select_related(
        "unit", "assigning_unit", "responsible", "document", "parent", "source_content_type"
    )
    return policy.get_for_user(user, related, pk, action)


SUBTREE_LIMIT = 200


def task_subtree(*, user, task: Task, limit: int = SUBTREE_LIMIT) -> list[Task]:
    """Every task below ``task`` that ``user`` may see, each branch under its parent (as Redmine
    lists an issue's subtasks), with ``level`` (1 for a direct sub-task); at most ``limit`` + 1
    rows, so the page can say there are more. One query: the tree's index, the policy in the SQL."""
    below = Task.objects.filter(
        root_id=task.root_id or task.pk, tree_path__startswith=task.tree_path, depth__gt=task.depth
    )
    return list(
        for_table(policy.visible(user, below))
        .annotate(level=F("depth") - task.depth)
        .order_by("tree_path")[: limit + 1]
    )


def task_ancestors(*, task: Task) -> list[Task]:
    ids = [int(p) for p in task.tree_path.strip("/").split("/") if p][:-1]
    if not ids:
        return []
    return list(Task.objects.filter(pk__in=ids).select_related("unit").order_by("depth"))


def task_reports(*, task: Task) -> QuerySet[ProgressReport]:
    return (
        ProgressReport.objects.filter(task=task)
        .select_related("reporter", "reporter__person")
        .prefetch_related("files")
        .order_by("-reported_at", "-id")
    )


def document_chain_up(*, document: Document, depth: int = 8) -> list[Document]:
    """The documents this one implements, and theirs, up to ``depth`` levels (nearest first)."""
    found: list[int] = []
    frontier = [document.pk]
    for _level in range(depth):
        upper = list(
            DocumentRelation.objects.filter(
                from_document_id__in=frontier, kind=DocumentRelation.Kind.IMPLEMENTS
            ).values_list("to_document_id", flat=True)
        )
        frontier = [pk for pk in upper if pk not in found and pk != document.pk]
        if not frontier:
            break
        found.extend(frontier)
    documents = Document.objects.in_bulk(found)
    return [documents[pk] for pk in found if pk in documents]


def documents_below(*, document: Document, depth: int = 8) -> list[int]:
    """Ids of this document and of every document implementing it, recursively."""
    found = [document.pk]
    frontier = [document.pk]
    for _level in range(depth):
        lower = list(
            DocumentRelation.objects.filter(
                to_document_id__in=frontier, kind=DocumentRelation.Kind.IMPLEMENTS
            ).values_list("from_document_id", flat=True)
        )
        frontier = [pk for pk in lower if pk not in found]
        if not frontier:
            break
        found.extend(frontier)
    return found


def task_lineage(*, user, task: Task) -> dict:
    """Up: the parent tasks, the document and the documents it implements (to the centre)."""
    ancestors = task_ancestors(task=task)
    document = task.document
    chain = document_chain_up(document=document) if document else []
    visible = set(
        policy.visible(user, Document).filter(pk__in=[d.pk for d in chain]).values_list(
            "pk", flat=True
        )
    )
    return {"ancestors": ancestors, "documents": [(d, d.pk in visible) for d in chain]}


# --- Pages built on lists -------------------------------------------------------------------


def my_work(*, user, today: dt.date, limit: int = 10) -> dict:
    """My units' tasks: overdue, due soon, behind, waiting for my confirmation, mine, and
    those that should send their periodic report now (``reports``: each task carries its
    ``report`` state, see ``dangbo.assignments.cadence``)."""
    mine = (
        Task.objects.filter(policy.scope(user, Task, Action.CONTRIBUTE))
        .select_related(*LIST_RELATED)
        .defer(*LIST_DEFERRED)
    )
    confirm = Task.objects.filter(
        policy.scope(user, Task, Action.CHANGE), status=S.AWAITING
    ).select_related(*LIST_RELATED).defer(*LIST_DEFERRED)
    if policy.is_everything(user):
        mine = mine.none()
        confirm = confirm.none()
    sections = {
        "overdue": mine.overdue(today).order_by("deadline", "id"),
        "due_soon": mine.due_soon(today).order_by("deadline", "id"),
        "behind": mine.behind(today).order_by("deadline", "id"),
        "awaiting": confirm.order_by("submitted_on", "id"),
        "reports": mine.filter(needs_report_q(today)).order_by("deadline", "id"),
        "responsible": Task.objects.filter(responsible__user=user, status__in=Task.OPEN)
        .select_related(*LIST_RELATED).defer(*LIST_DEFERRED)
        .order_by("deadline", "id"),
    }
    # Every section but the reports is a table of tasks (``for_table``); the reports' own
    # table reads each task's cadence and report state too.
    result = {name: list((qs if name == "reports" else for_table(qs))[:limit]) for name, qs in sections.items()}
    states = report_states(tasks=result["reports"], today=today)
    for task in result["reports"]:
        task.report = states.get(task.pk)
    return result


def _rate(part: int, whole: int) -> int | None:
    return round(part * 100 / whole) if whole else None


def _counts(tasks: QuerySet[Task], today: dt.date) -> dict:
    """Headline counts of a set of tasks, in one query."""
    active = Q(status__in=Task.ACTIVE)
    due = Q(deadline__lte=today) & ~Q(status=S.CANCELLED)
    return tasks.aggregate(
        total=Count("pk", filter=~Q(status=S.CANCELLED)),
        open=Count("pk", filter=Q(status__in=Task.OPEN)),
        overdue=Count("pk", filter=active & Q(deadline__lt=today)),
        behind=Count("pk", filter=active & Q(deadline__gte=today, behind_from__lte=today)),
        due_soon=Count(
            "pk",
            filter=active
            & Q(deadline__gte=today, deadline__lte=today + dt.timedelta(days=due_soon_days())),
        ),
        long_running=Count(
            "pk",
            filter=Q(status__in=Task.OPEN, start__lte=dates.add_years(today, -2)),
        ),
        awaiting=Count("pk", filter=Q(status=S.AWAITING)),
        due_total=Count("pk", filter=due),
        done=Count("pk", filter=due & Q(status=S.DONE)),
        on_time=Count("pk", filter=due & Q(status=S.DONE, done_on__lte=F("deadline"))),
        progress=Avg("progress", filter=Q(depth=1) & ~Q(status=S.CANCELLED)),
    )


def with_rates(row: dict) -> dict:
    row["completion_rate"] = _rate(row.get("done") or 0, row.get("due_total") or 0)
    row["on_time_rate"] = _rate(row.get("on_time") or 0, row.get("done") or 0)
    row["progress"] = round(row["progress"]) if row.get("progress") is not None else None
    return row


def _under(path: str) -> Q:
    """Tasks whose unit in charge is ``path`` or below it (index-friendly on SQLite too)."""
    return tally.prefix_q("unit_path", path)


def _branch_counts(unit: Unit, today: dt.date) -> dict[str, dict]:
    """Counts of the tasks below ``unit``, grouped by the child unit they fall under, added
    up in SQL from the per-unit tallies (``tally.branches``): a row per child, not per unit."""
    return tally.branches(unit, today)


def _summed(rows: list[dict]) -> dict:
    total = {key: sum(row.get(key) or 0 for row in rows) for key in COUNT_KEYS}
    total["progress"] = total["progress_sum"] / total["total"] if total["total"] else None
    return with_rates(total)


def unit_rows(*, unit: Unit, today: dt.date, branches: dict[str, dict] | None = None) -> list[dict]:
    """Each unit directly below ``unit`` with its tasks' counts and rates (two queries)."""
    children = list(
        Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
        .active(today)
        .only("name", "short_name", "path", "depth")
        .order_by("kind__level__rank", "name")
    )
    by_branch = _branch_counts(unit, today) if branches is None else branches
    return [{"unit": child, **_summed([by_branch.get(child.path, {})])} for child in children]


def _chart(per_unit: dict[str, dict], today: dt.date) -> dict:
    starts = tally.months(today)
    due, done = [0] * len(starts), [0] * len(starts)
    for counts in per_unit.values():
        for i, n in enumerate((counts or {}).get("due_months", ())[: len(starts)]):
            due[i] += n
        for i, n in enumerate((counts or {}).get("done_months", ())[: len(starts)]):
            done[i] += n
    return {"labels": [m.strftime("%m/%Y") for m in starts], "done": done, "due": due}


def monthly_chart(*, unit: Unit, today: dt.date) -> dict:
    """The last 12 months: tasks done and tasks falling due, per month, from the tallies."""
    return _chart(tally.branches(unit, today), today)


def unit_dashboard(*, unit: Unit, today: dt.date) -> dict:
    scoped = Task.objects.filter(_under(unit.path))
    branches = tally.branches(unit, today)  # a row per unit below, added up in SQL
    long_running = for_table(scoped.long_running(today)).order_by("start", "id")[:10]
    overdue = for_table(scoped.overdue(today)).order_by("deadline", "id")[:10]
    rows = unit_rows(unit=unit, today=today, branches=branches)
    return {
        "counts": _summed(list(branches.values())),
        "rows": rows,
        "rows_chart": {
            "labels": [r["unit"].short_name or r["unit"].name for r in rows if r["total"]],
            "completion": [r["completion_rate"] or 0 for r in rows if r["total"]],
            "on_time": [r["on_time_rate"] or 0 for r in rows if r["total"]],
        },
        "chart": _chart(branches, today),
        "long_running": list(long_running),
        "overdue": list(overdue),
        "escalate_after": escalate_after_days(),
    }


def top_units(*, user) -> list[Unit]:
    """The top-most units the user may see (where their overview starts)."""
    if policy.is_everything(user):
        return list(Unit.objects.filter(depth=1).order_by("path"))
    paths = policy.paths(user, Action.VIEW)
    return list(Unit.objects.filter(path__in=paths).select_related("kind").order_by("path"))


def filter_units(*, user) -> QuerySet[Unit]:
    """The units a list of tasks can be narrowed to: those ``user`` may see (the policy's scope,
    in SQL), not dissolved. For a typed picker: never listed whole."""
    return Unit.objects.filter(policy.scope(user, Unit)).active().select_related("kind")


def unit_filter_choices(*, user, levels: int = 2) -> list[Unit]:
    """Units for the list's unit filter: the user's top units and two levels below."""
    if policy.is_everything(user):
        top = 1
    else:
        paths = [p for p, _r in policy.grants(user)]
        if not paths:
            return []
        top = min(len(p) for p in paths) // Unit.steplen
    return list(
        Unit.objects.filter(policy.scope(user, Unit), depth__lte=top + levels)
        .active()
        .only("pk", "name", "depth", "path")
        .order_by("path")[:400]
    )


# --- Documents --------------------------------------------------------------------------------


def document_summary(*, user, document: Document, today: dt.date | None = None) -> dict:
    """How far a document's tasks are, counted over exactly the tasks its implementation page
    lists and its DOCX report tables (``document_tasks``: its own and those of the documents
    implementing it, visible to ``user``): ``total`` (cancelled ones included, and counted
    apart in ``cancelled``), ``done``, ``overdue``, ``behind``, ``long_running``, and
    ``progress``, the average of the top-level tasks that are not cancelled. One query."""
    today = today or timezone.localdate()
    active = Q(status__in=Task.ACTIVE)
    row = _base(user).filter(document_id__in=documents_below(document=document)).aggregate(
        total=Count("pk"),
        cancelled=Count("pk", filter=Q(status=S.CANCELLED)),
        done=Count("pk", filter=Q(status=S.DONE)),
        overdue=Count("pk", filter=active & Q(deadline__lt=today)),
        behind=Count("pk", filter=active & Q(deadline__gte=today, behind_from__lte=today)),
        long_running=Count("pk", filter=Q(status__in=Task.OPEN, start__lte=dates.add_years(today, -2))),
        progress=Avg("progress", filter=Q(depth=1) & ~Q(status=S.CANCELLED)),
    )
    row["progress"] = round(row["progress"]) if row["progress"] is not None else None
    return row


def document_tasks(*, user, document: Document, include_below: bool = True) -> QuerySet[Task]:
    """The tasks serving a document: its own and (with ``include_below``) those of every
    document implementing it, down to the cells. Visible ones only, tree order."""
    ids = documents_below(document=document) if include_below else [document.pk]
    return (
        _base(user)
        .filter(document_id__in=ids)
        .select_related("unit", "document", "responsible")
        .order_by("tree_path")
    )


def task_tree(*, user, task: Task) -> QuerySet[Task]:
    """The task and everything cascaded from it (one prefix query on ``tree_path``)."""
    return (
        _base(user)
        .filter(tree_path__startswith=task.tree_path)
        .select_related("unit")
        .order_by("tree_path")
    )


# --- Inspections --------------------------------------------------------------------------------


def program_list(*, user) -> QuerySet[InspectionProgram]:
    return (
        policy.visible(user, InspectionProgram)
        .select_related("unit", "term")
        .annotate(inspection_count=Count("inspections"))
        .order_by("-year", "id")
    )


def get_program_for_user(user, pk: int, action: Action | str = Action.VIEW) -> InspectionProgram:
    related = InspectionProgram.objects.select_related("unit", "term", "document")
    return policy.get_for_user(user, related, pk, action)


def program_inspections(*, program: InspectionProgram) -> QuerySet[Inspection]:
    return (
        program.inspections.select_related("target_unit", "conclusion_document")
        .annotate(
            recommendation_count=Count("recommendations"),
            open_count=Count("recommendations", filter=Q(recommendations__task__status__in=Task.OPEN)),
        )
        .order_by("period_start", "id")
    )


def get_inspection_for_user(user, pk: int, action: Action | str = Action.VIEW) -> Inspection:
    """Visible to the program's unit and to the inspected unit; changed by the program's."""
    related = Inspection.objects.select_related("program", "program__unit", "target_unit", "conclusion_document")
    return policy.get_for_user(user, related, pk, action)


def inspection_recommendations(*, inspection: Inspection):
    return inspection.recommendations.select_related("task", "task__unit").order_by("id")


def latest_reports(*, tasks: list[Task]) -> dict[int, ProgressReport]:
    """The latest report of each task of a page, in one query."""
    if not tasks:
        return {}
    latest = (
        ProgressReport.objects.filter(task__in=tasks)
        .values("task_id")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    return {r.task_id: r for r in ProgressReport.objects.filter(pk__in=list(latest))}


# --- Report cadence ---------------------------------------------------------------------------


def report_states(*, tasks: list[Task], today: dt.date) -> dict[int, ReportState]:
    """``task id → ReportState`` of the active tasks with a cadence among ``tasks`` (one
    query, none when there are none): the current period, the next report's due date, a
    missed previous period."""
    tasks = [t for t in tasks if t.cadence in CADENCES and t.status in Task.ACTIVE]
    if not tasks:
        return {}
    reports: dict[int, list[tuple[dt.datetime, str]]] = {t.pk: [] for t in tasks}
    for task_id, reported_at, period in ProgressReport.objects.filter(
        reports_window(tasks, today)
    ).values_list("task_id", "reported_at", "period"):
        reports[task_id].append((reported_at, period))
    states = {t.pk: state_of(t, today, reports[t.pk]) for t in tasks}
    return {pk: state for pk, state in states.items() if state is not None}


# --- Choices of the task and inspection forms ---------------------------------------------


def units_below(*, unit: Unit, levels: int = 2, include_self: bool = False) -> QuerySet[Unit]:
    """The active units up to ``levels`` below ``unit`` (the targets of an assignment or a
    cascade), in tree order."""
    lowest = unit.depth if include_self else unit.depth + 1
    return (
        Unit.objects.filter(tally.prefix_q("path", unit.path), depth__gte=lowest, depth__lte=unit.depth + levels)
        .active()
        .order_by("path")
    )


def responsible_choices(*, units) -> QuerySet[Person]:
    """The people holding a current position in ``units`` (the responsible person of a task
    there), at most 300: some of those ``assignable_people`` allows."""
    holders = Position.objects.current().filter(unit__in=units).values("person_id")
    return Person.objects.filter(pk__in=holders).order_by("search_name", "id")[:300]


def assignable_people(*, unit: Unit) -> QuerySet[Person]:
    """Who may be made responsible for a task of ``unit``: the current members and position
    holders of ``unit`` and of the units below it."""
    below = Unit.objects.filter(tally.prefix_q("path", unit.path)).values("pk")
    return Person.objects.filter(
        Q(pk__in=Membership.objects.current().filter(unit__in=below).values("person_id"))
        | Q(pk__in=Position.objects.current().filter(unit__in=below).values("person_id"))
    )


def inspection_targets(*, user) -> QuerySet[Unit]:
    """The active units ``user`` may see, as the targets of an inspection (picked by typing:
    the form lists none of them, so none is cut off)."""
    return Unit.objects.filter(policy.scope(user, Unit)).active().order_by("path")


# --- The home page ----------------------------------------------------------------------------

#: How many tasks the home page's panel lists.
HOME_URGENT = 5


def home_summary(*, user, today: dt.date, limit: int = HOME_URGENT) -> dict:
    """What the home page's "To do" panel shows, in two queries whatever the data size.

    * ``overdue``, ``due_soon``, ``behind``: my units' active tasks counted exactly as the
      task list filtered by that flag lists them (the tasks' policy), so a number opens the
      same tasks;
    * ``awaiting`` (waiting for my confirmation) and ``reports`` (a periodic report to send
      now): counted as "My work" lists them;
    * ``urgent``: the first ``limit`` of those overdue, due soon or behind, earliest deadline
      first.
    """
    active = Q(status__in=Task.ACTIVE)
    soon_end = today + dt.timedelta(days=due_soon_days())
    counts: dict = {
        "overdue": Count("pk", filter=active & Q(deadline__lt=today)),
        "due_soon": Count("pk", filter=active & Q(deadline__gte=today, deadline__lte=soon_end)),
        "behind": Count("pk", filter=active & Q(deadline__gte=today, behind_from__lte=today)),
    }
    if not policy.is_everything(user):  # "My work" lists neither for a superuser
        # Both lie inside the rows counted (a grant to change or contribute implies one to
        # see; a task owing a report is active), so one pass over them counts everything.
        counts["awaiting"] = Count(
            "pk", filter=Q(status=S.AWAITING) & policy.scope(user, Task, Action.CHANGE)
        )
        counts["reports"] = Count(
            "pk", filter=policy.scope(user, Task, Action.CONTRIBUTE) & needs_report_q(today)
        )
    result = _base(user).filter(status__in=(*Task.ACTIVE, S.AWAITING)).aggregate(**counts)
    result.setdefault("awaiting", 0)
    result.setdefault("reports", 0)
    # The ids first, in a subquery that walks the active-by-deadline index and stops at
    # ``limit``; selecting the wide rows directly makes SQLite sort every active task.
    first = (
        _base(user)
        .filter(active & (Q(deadline__lte=soon_end) | Q(behind_from__lte=today)))
        .order_by("deadline", "id")
        .values("pk")[:limit]
    )
    result["urgent"] = list(
        Task.objects.filter(pk__in=first)
        .select_related("unit")
        .only("pk", "title", "status", "deadline", "start", "progress", "behind_from", "done_on", "unit__name", "unit__label")
        .order_by("deadline", "id")
    )
    return result
