"""API of tasks: ``/tasks``, ``/tasks/{id}``, ``/tasks/{id}/reports``, ``/tasks/{id}/subtasks``.

Reads go through the selectors (the permission policy filters inside the query); writes go
through the services, so a refused change is a 400 in the one error shape. ``GET
/tasks/{id}`` answers an ``ETag``; ``PATCH /tasks/{id}`` with ``If-Match`` is a 409 when the
task was changed since (see ``dangbo.core.api``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import StrictInt

from dangbo.core import policy, versions
from dangbo.core.api import (
    ERRORS,
    DateFilter,
    DateIn,
    ErrorOut,
    Id,
    Percent,
    caller,
    etag,
    if_match,
)
from dangbo.core.policy import Action
from dangbo.documents.selectors import get_document_for_user
from dangbo.orgs.models import Person, Unit

from . import selectors, services
from .models import ProgressReport, Task

tasks_router = Router(tags=["tasks"])

MAX_LIMIT = 500
StatusName = Literal["assigned", "in_progress", "awaiting", "done", "paused", "cancelled", "open"]


class TaskOut(Schema):
    id: int
    title: str
    status: str
    progress: int
    start: dt.date
    deadline: dt.date
    priority: int
    unit_id: int
    unit_name: str
    assigning_unit_id: int
    parent_id: int | None
    root_id: int | None
    depth: int
    document_id: int | None
    document_symbol: str | None
    responsible_id: int | None
    weight: int | None
    cadence: str
    source_kind: str
    done_on: dt.date | None
    overdue: bool
    behind: bool
    long_running: bool

    @staticmethod
    def resolve_unit_name(obj: Task) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_document_symbol(obj: Task) -> str | None:
        return obj.document.symbol if obj.document_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_overdue(obj: Task) -> bool:
        return obj.is_overdue()

    @staticmethod
    def resolve_behind(obj: Task) -> bool:
        return obj.is_behind()

    @staticmethod
    def resolve_long_running(obj: Task) -> bool:
        return obj.is_open and obj.is_long_running()


class TaskDetailOut(TaskOut):
    description: str
    status_reason: str
    children_ids: list[int]

    @staticmethod
    def resolve_children_ids(obj: Task) -> list[int]:
        return list(obj.children.order_by("deadline", "id").values_list("pk", flat=True))


class TaskPage(Schema):
    items: list[TaskOut]
    count: int


class TaskFilters(Schema):
    unit: int | None = Field(None, ge=1, description="A unit's id: its tasks and those of every unit below it.")
    status: StatusName | None = Field(None, description="A status, or `open` (not done nor cancelled).")
    overdue: bool | None = Field(None, description="Only overdue tasks (true) or only the others (false).")
    document: int | None = Field(None, ge=1, description="Tasks implementing this document.")
    deadline_from: DateFilter | None = None
    deadline_to: DateFilter | None = None
    limit: int = Field(25, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class TaskIn(Schema):
    title: str = Field(..., min_length=1, max_length=500)
    description: str = Field("", max_length=20000)
    start: DateIn | None = None
    deadline: DateIn
    priority: Annotated[StrictInt, Field(ge=1, le=4)] = 2
    cadence: Literal["", "monthly", "quarterly"] = ""
    responsible_id: Id | None = None
    weight: Annotated[StrictInt, Field(ge=1, le=1000)] | None = None


class TaskCreateIn(TaskIn):
    unit_id: Id = Field(..., description="The unit in charge.")
    assigning_unit_id: Id
    document_id: Id | None = None
    coordinating_unit_ids: list[Id] = Field(default_factory=list, max_length=100)


class TaskPatchIn(Schema):
    """The fields to change; those left out keep their value."""

    title: str | None = Field(None, min_length=1, max_length=500)
    description: str | None = Field(None, max_length=20000)
    start: DateIn | None = None
    deadline: DateIn | None = None
    priority: Annotated[StrictInt, Field(ge=1, le=4)] | None = None
    cadence: Literal["", "monthly", "quarterly"] | None = None
    responsible_id: Id | None = None
    weight: Annotated[StrictInt, Field(ge=1, le=1000)] | None = None
    reason: str = Field("", max_length=2000)


class SubtaskIn(TaskIn):
    unit_id: Id = Field(..., description="The unit in charge: the parent's unit or one below it.")


class ReportIn(Schema):
    percent: Percent | None = Field(
        None, description="Required, except on a task with sub-tasks: its progress is their roll-up."
    )
    text: str = Field("", max_length=20000)


class ReportOut(Schema):
    id: int
    task_id: int
    percent: int
    rolled_up: bool
    text: str
    reported_at: dt.datetime
    reporter: str | None
    files: list[str]

    @staticmethod
    def resolve_reporter(obj: ProgressReport) -> str | None:
        return obj.reporter.get_username() if obj.reporter_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_files(obj: ProgressReport) -> list[str]:
        return [f.name for f in obj.files.all()]


class ReportPage(Schema):
    items: list[ReportOut]
    count: int


class Paging(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000_000)


def _person(user, pk: int | None) -> Person | None:
    """The person ``pk`` if ``user`` may see them: a missing and a hidden person are the same
    404, so that ids cannot be probed (the services check who may be made responsible)."""
    return policy.get_for_user(user, Person, pk) if pk else None


@tasks_router.get("", response={200: TaskPage, **ERRORS}, operation_id="tasks_list", summary="List tasks")
def tasks_list(request: HttpRequest, filters: Query[TaskFilters]):
    """Tasks the caller may see, earliest deadline first."""
    user = caller(request)
    f = selectors.TaskFilters(
        unit=policy.get_for_user(user, Unit, filters.unit) if filters.unit else None,
        status=filters.status or "",
        deadline_from=filters.deadline_from,
        deadline_to=filters.deadline_to,
    )
    if filters.document:
        f.document = get_document_for_user(user, filters.document)
    today = timezone.localdate()
    tasks = selectors.task_list(user=user, filters=f, today=today)
    if filters.overdue is True:
        tasks = tasks.overdue(today)
    elif filters.overdue is False:
        tasks = tasks.exclude(status__in=Task.ACTIVE, deadline__lt=today)
    count = tasks.count()
    return {"items": list(tasks[filters.offset : filters.offset + filters.limit]), "count": count}


@tasks_router.post("", response={201: TaskDetailOut, **ERRORS}, operation_id="tasks_create", summary="Assign a task")
def tasks_create(request: HttpRequest, payload: TaskCreateIn):
    user = caller(request)
    assigning = policy.get_for_user(user, Unit, payload.assigning_unit_id, Action.CHANGE)
    unit = policy.get_for_user(user, Unit, payload.unit_id)
    document = get_document_for_user(user, payload.document_id) if payload.document_id else None
    coordinating = [policy.get_for_user(user, Unit, pk) for pk in payload.coordinating_unit_ids]
    task = services.task_assign(
        actor=user, title=payload.title, description=payload.description, unit=unit,
        assigning_unit=assigning, start=payload.start, deadline=payload.deadline,
        priority=payload.priority, cadence=payload.cadence, weight=payload.weight,
        responsible=_person(user, payload.responsible_id), document=document,
        coordinating_units=coordinating,
    )
    return 201, selectors.get_task_for_user(user, task.pk)


@tasks_router.get("/{id}", response={200: TaskDetailOut, **ERRORS}, operation_id="tasks_detail", summary="One task")
def tasks_detail(request: HttpRequest, id: int, response: HttpResponse):
    """The task; its ``ETag`` is the version to send back in ``If-Match`` when editing it."""
    task = selectors.get_task_for_user(caller(request), id)
    response["ETag"] = etag(versions.token(task, services.TASK_EDIT_FIELDS))
    return task


@tasks_router.patch(
    "/{id}", response={200: TaskDetailOut, **ERRORS, 409: ErrorOut}, operation_id="tasks_update",
    summary="Change a task",
)
def tasks_update(request: HttpRequest, id: int, payload: TaskPatchIn, response: HttpResponse):
    """Change what was assigned (the assigning unit). With ``If-Match: <ETag of the GET>``,
    a change made by someone else since is a 409 and nothing is saved."""
    user = caller(request)
    task = selectors.get_task_for_user(user, id, Action.CHANGE)
    given = payload.dict(exclude_unset=True)
    responsible = _person(user, given["responsible_id"]) if "responsible_id" in given else task.responsible
    fields = {  # null keeps a field that cannot be empty; weight null means equal shares
        name: getattr(task, name) if given.get(name) is None else given[name]
        for name in ("title", "description", "start", "deadline", "priority", "cadence")
    }
    fields["weight"] = given["weight"] if "weight" in given else task.weight
    task = services.task_update(
        actor=user, task=task, responsible=responsible, reason=payload.reason,
        expected_version=if_match(request), **fields,
    )
    response["ETag"] = etag(versions.token(task, services.TASK_EDIT_FIELDS))
    return selectors.get_task_for_user(user, task.pk)


@tasks_router.post(
    "/{id}/subtasks", response={201: TaskDetailOut, **ERRORS}, operation_id="tasks_subtask_create",
    summary="Cascade a task to a unit below",
)
def tasks_subtask_create(request: HttpRequest, id: int, payload: SubtaskIn):
    user = caller(request)
    parent = selectors.get_task_for_user(user, id, Action.CASCADE)
    unit = policy.get_for_user(user, Unit, payload.unit_id)
    task = services.subtask_create(
        actor=user, parent=parent, unit=unit, title=payload.title, description=payload.description,
        start=payload.start, deadline=payload.deadline, priority=payload.priority,
        cadence=payload.cadence, weight=payload.weight,
        responsible=_person(user, payload.responsible_id),
    )
    return 201, selectors.get_task_for_user(user, task.pk)


@tasks_router.get(
    "/{id}/reports", response={200: ReportPage, **ERRORS}, operation_id="tasks_reports",
    summary="A task's progress reports",
)
def tasks_reports(request: HttpRequest, id: int, paging: Query[Paging]):
    task = selectors.get_task_for_user(caller(request), id)
    reports = selectors.task_reports(task=task)
    return {"items": list(reports[paging.offset : paging.offset + paging.limit]), "count": reports.count()}


@tasks_router.post(
    "/{id}/reports", response={201: ReportOut, **ERRORS}, operation_id="tasks_report_create",
    summary="Report progress",
)
def tasks_report_create(request: HttpRequest, id: int, payload: ReportIn):
    user = caller(request)
    task = selectors.get_task_for_user(user, id, Action.CONTRIBUTE)
    report = services.report_submit(actor=user, task=task, percent=payload.percent, text=payload.text)
    return 201, report
