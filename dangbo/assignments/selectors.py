"""Reads of tasks. Every list filters with ``task_scope_q`` inside the query.

The hot paths (the overdue list of a district or a province, a task with its sub-tasks, a
unit's dashboard) run a fixed number of queries on indexed columns: the unit scope is a
prefix of the copied ``unit_path``, active-by-deadline has a partial index, a subtree is a
prefix of ``tree_path``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Avg, Count, F, Max, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from dangbo.documents.models import Document, DocumentRelation
from dangbo.orgs.models import Unit
from dangbo.orgs.policy import Action, grant_paths, is_everything, scope_q

from .models import (
    Inspection,
    InspectionProgram,
    ProgressReport,
    Task,
    TaskQuerySet,
    due_soon_days,
    escalate_after_days,
    years_before,
)
from .policy import TaskAction, check_task, task_scope_q

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
    return Task.objects.filter(task_scope_q(user))


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
        for word in f.q.split()[:6]:
            tasks = tasks.filter(title__icontains=word)
    if f.mine and user is not None:
        tasks = tasks.filter(responsible__user=user)
    return tasks.order_by(*SORTS.get(f.sort, SORTS["deadline"]))


def task_list(*, user, filters: TaskFilters | None = None, today: dt.date | None = None) -> TaskQuerySet:
    today = today or timezone.localdate()
    tasks = apply_filters(_base(user), filters or TaskFilters(), today, user)
    return tasks.select_related(*LIST_RELATED)


def get_task_for_user(user, pk: int, action: TaskAction | str = TaskAction.VIEW) -> Task:
    task = get_object_or_404(
        Task.objects.select_related(
            "unit", "assigning_unit", "responsible", "document", "parent", "source_content_type"
        ),
        pk=pk,
    )
    check_task(user, task, action)
    return task


def task_children(*, task: Task) -> QuerySet[Task]:
    return (
        Task.objects.filter(parent=task)
        .select_related("unit", "responsible")
        .annotate(child_count=Count("children"))
        .order_by("deadline", "id")
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
    from dangbo.documents.selectors import document_scope_q

    ancestors = task_ancestors(task=task)
    document = task.document
    chain = document_chain_up(document=document) if document else []
    visible = set(
        Document.objects.filter(document_scope_q(user), pk__in=[d.pk for d in chain]).values_list(
            "pk", flat=True
        )
    )
    return {"ancestors": ancestors, "documents": [(d, d.pk in visible) for d in chain]}


# --- Pages built on lists -------------------------------------------------------------------


def _my_paths(user, action: Action) -> list[str]:
    from dangbo.orgs.policy import _paths_for

    return _paths_for(user, action)


def my_work(*, user, today: dt.date, limit: int = 10) -> dict:
    """My units' tasks: overdue, due soon, behind, waiting for my confirmation, mine."""
    mine = Task.objects.filter(scope_q(user, Action.CONTRIBUTE, prefix="unit_")).select_related(
        *LIST_RELATED
    )
    confirm = Task.objects.filter(
        scope_q(user, Action.CHANGE, prefix="assigning_"), status=S.AWAITING
    ).select_related(*LIST_RELATED)
    if is_everything(user):
        mine = mine.none()
        confirm = confirm.none()
    sections = {
        "overdue": mine.overdue(today).order_by("deadline", "id"),
        "due_soon": mine.due_soon(today).order_by("deadline", "id"),
        "behind": mine.behind(today).order_by("deadline", "id"),
        "awaiting": confirm.order_by("submitted_on", "id"),
        "responsible": Task.objects.filter(responsible__user=user, status__in=Task.OPEN)
        .select_related(*LIST_RELATED)
        .order_by("deadline", "id"),
    }
    return {name: list(qs[:limit]) for name, qs in sections.items()}


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
            filter=Q(status__in=Task.OPEN, start__lte=years_before(today, 2)),
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
    """Tasks whose unit in charge is ``path`` or below it. On SQLite the prefix is also
    written as a range (``LIKE`` there cannot use an index; paths are ``[0-9A-Z]`` and SQLite
    compares bytes, so ``path <= p < path + "~"`` holds exactly the paths starting with
    ``path``), so the covering index ``task_unit_cover`` serves the dashboard."""
    q = Q(unit_path__startswith=path)
    if connection.vendor == "sqlite":
        q &= Q(unit_path__gte=path, unit_path__lt=path + "~")
    return q


def _branch_counts(unit: Unit, today: dt.date) -> dict[str, dict]:
    """Counts of the tasks below ``unit``, grouped by the child unit they fall under (the
    unit's own tasks under its own path), in one query.

    The database groups by (unit path, status) with a few date conditions — cheap per row,
    and read from the covering index ``task_unit_cover`` alone; the per-status rows (a few
    hundred at most) are folded into the dashboard's counts here."""
    length = len(unit.path) + Unit.steplen
    soon_end = today + dt.timedelta(days=due_soon_days())
    grouped = (
        Task.objects.filter(_under(unit.path))
        .values("unit_path", "status")
        .annotate(
            n=Count("pk"),
            past_due=Count("pk", filter=Q(deadline__lt=today)),
            due_by_today=Count("pk", filter=Q(deadline__lte=today)),
            behind=Count("pk", filter=Q(deadline__gte=today, behind_from__lte=today)),
            due_soon=Count("pk", filter=Q(deadline__gte=today, deadline__lte=soon_end)),
            long_running=Count("pk", filter=Q(start__lte=years_before(today, 2))),
            on_time=Count("pk", filter=Q(deadline__lte=today, done_on__lte=F("deadline"))),
            progress_sum=Sum("progress"),
        )
        .order_by()
    )
    branches: dict[str, dict] = {}
    for row in grouped:
        status = row["status"]
        if status == S.CANCELLED:
            continue
        branch = branches.setdefault(row["unit_path"][:length], dict.fromkeys(COUNT_KEYS, 0))
        branch["total"] += row["n"]
        branch["progress_sum"] += row["progress_sum"] or 0
        branch["due_total"] += row["due_by_today"]
        if status in Task.OPEN:
            branch["open"] += row["n"]
            branch["long_running"] += row["long_running"]
        if status in Task.ACTIVE:
            branch["overdue"] += row["past_due"]
            branch["behind"] += row["behind"]
            branch["due_soon"] += row["due_soon"]
        elif status == S.AWAITING:
            branch["awaiting"] += row["n"]
        elif status == S.DONE:
            branch["done"] += row["due_by_today"]
            branch["on_time"] += row["on_time"]
    for key, branch in branches.items():
        branch["branch"] = key
    return branches


COUNT_KEYS = ("total", "open", "overdue", "behind", "due_soon", "long_running", "awaiting",
              "due_total", "done", "on_time", "progress_sum")


def _summed(rows: list[dict]) -> dict:
    total = {key: sum(row.get(key) or 0 for row in rows) for key in COUNT_KEYS}
    total["progress"] = total["progress_sum"] / total["total"] if total["total"] else None
    return with_rates(total)


def unit_rows(*, unit: Unit, today: dt.date, branches: dict[str, dict] | None = None) -> list[dict]:
    """Each unit directly below ``unit`` with its tasks' counts and rates (two queries)."""
    children = list(
        Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
        .active(today)
        .select_related("kind")
        .order_by("kind__level__rank", "name")
    )
    by_branch = _branch_counts(unit, today) if branches is None else branches
    return [{"unit": child, **_summed([by_branch.get(child.path, {})])} for child in children]


def monthly_chart(*, unit: Unit, today: dt.date) -> dict:
    """The last 12 months: tasks done and tasks falling due, per month (one query: a
    conditional count per month, read from the covering index ``task_unit_cover``)."""
    first = (today.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    months = []
    day = first
    while day <= today:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    ends = [*months[1:], today + dt.timedelta(days=1)]
    in_range = Q(deadline__gte=first, deadline__lte=today) | Q(
        status=S.DONE, done_on__gte=first, done_on__lte=today
    )
    counts = {}
    for i, (start, end) in enumerate(zip(months, ends, strict=True)):
        counts[f"due{i}"] = Count("pk", filter=Q(deadline__gte=start, deadline__lt=end))
        counts[f"done{i}"] = Count("pk", filter=Q(status=S.DONE, done_on__gte=start, done_on__lt=end))
    row = (
        Task.objects.filter(_under(unit.path), in_range)
        .exclude(status=S.CANCELLED)
        .aggregate(**counts)
    )
    return {
        "labels": [m.strftime("%m/%Y") for m in months],
        "done": [row[f"done{i}"] or 0 for i in range(len(months))],
        "due": [row[f"due{i}"] or 0 for i in range(len(months))],
    }


def unit_dashboard(*, unit: Unit, today: dt.date) -> dict:
    scoped = Task.objects.filter(_under(unit.path))
    branches = _branch_counts(unit, today)
    long_running = (
        scoped.long_running(today).select_related(*LIST_RELATED).order_by("start", "id")[:10]
    )
    overdue = scoped.overdue(today).select_related(*LIST_RELATED).order_by("deadline", "id")[:10]
    rows = unit_rows(unit=unit, today=today, branches=branches)
    return {
        "counts": _summed(list(branches.values())),
        "rows": rows,
        "rows_chart": {
            "labels": [r["unit"].short_name or r["unit"].name for r in rows if r["total"]],
            "completion": [r["completion_rate"] or 0 for r in rows if r["total"]],
            "on_time": [r["on_time_rate"] or 0 for r in rows if r["total"]],
        },
        "chart": monthly_chart(unit=unit, today=today),
        "long_running": list(long_running),
        "overdue": list(overdue),
        "escalate_after": escalate_after_days(),
    }


def top_units(*, user) -> list[Unit]:
    """The top-most units the user may see (where their overview starts)."""
    if is_everything(user):
        return list(Unit.objects.filter(depth=1).order_by("path"))
    paths = _my_paths(user, Action.VIEW)
    return list(Unit.objects.filter(path__in=paths).select_related("kind").order_by("path"))


def unit_filter_choices(*, user, levels: int = 2) -> list[Unit]:
    """Units for the list's unit filter: the user's top units and two levels below."""
    if is_everything(user):
        top = 1
    else:
        paths = [p for p, _r in grant_paths(user)]
        if not paths:
            return []
        top = min(len(p) for p in paths) // Unit.steplen
    return list(
        Unit.objects.filter(scope_q(user), depth__lte=top + levels)
        .active()
        .only("pk", "name", "depth", "path")
        .order_by("path")[:400]
    )


# --- Documents --------------------------------------------------------------------------------


def document_summary(*, user, document: Document, today: dt.date | None = None) -> dict:
    """How far a document's tasks are: counts, average progress of the top-level tasks."""
    today = today or timezone.localdate()
    tasks = _base(user).filter(document=document)
    return with_rates(_counts(tasks, today))


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
        InspectionProgram.objects.filter(scope_q(user, prefix="unit__"))
        .select_related("unit", "term")
        .annotate(inspection_count=Count("inspections"))
        .order_by("-year", "id")
    )


def get_program_for_user(user, pk: int, action: Action | str = Action.VIEW) -> InspectionProgram:
    from dangbo.orgs.policy import check_access

    program = get_object_or_404(InspectionProgram.objects.select_related("unit", "term", "document"), pk=pk)
    check_access(user, program.unit, action)
    return program


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
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from dangbo.orgs.policy import can

    inspection = get_object_or_404(
        Inspection.objects.select_related(
            "program", "program__unit", "target_unit", "conclusion_document"
        ),
        pk=pk,
    )
    visible = can(user, Action.VIEW, inspection.program.unit) or can(
        user, Action.VIEW, inspection.target_unit
    )
    if not visible:
        raise Http404
    if Action(action) != Action.VIEW and not can(user, action, inspection.program.unit):
        raise PermissionDenied
    return inspection


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
