"""Every change to a task goes through one of these functions.

Keyword-only arguments, one transaction, ``full_clean``, an audit entry, notifications on
commit, and a ``ValidationError`` keyed by field on bad input (nothing is changed then).

Progress: a task with sub-tasks (not cancelled) takes the weighted average of its
children's progress (equal shares when no weight is set); a task without takes its latest
report. Every change of progress locks the chain of ancestors top-down (``select_for_update``
in depth order, so two writers never wait on each other crosswise) and recomputes it
bottom-up.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dangbo.core import policy, search, uploads, versions
from dangbo.core.audit import audit_record, snapshot
from dangbo.core.policy import Action, require
from dangbo.core.text import fold, normalize
from dangbo.documents.models import Document
from dangbo.documents.selectors import get_document_for_user
from dangbo.orgs.models import Person, Unit

from . import notices, people, selectors, tally
from .models import (
    Inspection,
    InspectionProgram,
    ProgressReport,
    Recommendation,
    ReportFile,
    Task,
)

S = Task.Status
TASK_FIELDS = [
    "title", "description", "unit", "assigning_unit", "responsible", "start", "deadline",
    "priority", "status", "progress", "weight", "cadence", "document", "parent",
]
#: What the edit form changes; its version (``dangbo.core.versions``) is taken over these.
TASK_EDIT_FIELDS = [
    "title", "description", "start", "deadline", "responsible", "priority", "cadence", "weight",
]

#: (from, to) → who may do it: "unit" = the unit in charge (``Action.CONTRIBUTE``),
#: "assigning" = the assigning unit (``Action.CHANGE``). Reason required where marked.
TRANSITIONS: dict[tuple[str, str], tuple[str, bool]] = {
    (S.ASSIGNED, S.IN_PROGRESS): ("unit", False),
    (S.ASSIGNED, S.AWAITING): ("unit", False),
    (S.IN_PROGRESS, S.AWAITING): ("unit", False),
    (S.AWAITING, S.DONE): ("assigning", False),
    (S.AWAITING, S.IN_PROGRESS): ("assigning", True),  # returned: not finished yet
    (S.ASSIGNED, S.PAUSED): ("assigning", True),
    (S.IN_PROGRESS, S.PAUSED): ("assigning", True),
    (S.AWAITING, S.PAUSED): ("assigning", True),
    (S.PAUSED, S.IN_PROGRESS): ("assigning", False),
    (S.ASSIGNED, S.CANCELLED): ("assigning", True),
    (S.IN_PROGRESS, S.CANCELLED): ("assigning", True),
    (S.AWAITING, S.CANCELLED): ("assigning", True),
    (S.PAUSED, S.CANCELLED): ("assigning", True),
    (S.DONE, S.IN_PROGRESS): ("assigning", True),  # reopened
}


_ACTION = {"unit": Action.CONTRIBUTE, "assigning": Action.CHANGE}


def allowed_transitions(user, task: Task) -> list[str]:
    """The statuses ``user`` may move ``task`` to now."""
    result = []
    for (source, target), (who, _reason) in TRANSITIONS.items():
        if source != task.status:
            continue
        if user is None or policy.may(user, _ACTION[who], task):
            result.append(target)
    return result


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _require_seen(actor, obj: Any) -> None:
    """``obj`` (a unit, a document, a source) must be visible to ``actor``: 404 otherwise,
    the same answer as a missing id."""
    if actor is None or obj is None:
        return
    if isinstance(obj, Document):
        get_document_for_user(actor, obj.pk)
    else:
        require(actor, obj, Action.VIEW)


def _require_responsible(actor, person: Person | None, unit: Unit) -> None:
    """The responsible person must be someone ``actor`` may see (404 otherwise, as for a
    missing id, so that person ids cannot be probed) who is a current member or position
    holder of ``unit`` or of a unit below it."""
    if actor is None or person is None:
        return
    require(actor, person, Action.VIEW)
    if not selectors.assignable_people(unit=unit).filter(pk=person.pk).exists():
        raise ValidationError(
            {
                "responsible": _("%(person)s is neither a member nor holds a position in %(unit)s or below it.")
                % {"person": person.full_name, "unit": unit.name}
            }
        )


def _d(day: dt.date) -> str:
    return date_format(day, "d/m/Y")


def _tree_ids(task: Task) -> list[int]:
    return [int(part) for part in task.tree_path.strip("/").split("/") if part]


def _lock_chain(task: Task) -> dict[int, Task]:
    """Lock the task and its ancestors, top-down; returns them by id (fresh from the DB)."""
    ids = _tree_ids(task) or [task.pk]
    return {t.pk: t for t in Task.objects.select_for_update().filter(pk__in=ids).order_by("depth", "id")}


def _children_progress(task_id: int) -> int | None:
    rows = list(
        Task.objects.filter(parent_id=task_id)
        .exclude(status=S.CANCELLED)
        .values_list("progress", "weight")
    )
    if not rows:
        return None
    total = sum((weight or 1) for _p, weight in rows)
    return round(sum(progress * (weight or 1) for progress, weight in rows) / total)


def _set_progress(task: Task, progress: int) -> bool:
    """Set the cached progress (and what depends on it); True when something changed."""
    if task.status == S.DONE:
        progress = 100
    if task.progress == progress and task.behind_from == task.compute_behind_from():
        return False
    task.progress = progress
    task.behind_from = task.compute_behind_from()
    task.version = F("version") + 1
    task.updated_at = timezone.now()
    task.save(update_fields=["progress", "behind_from", "version", "updated_at"])
    task.version = Task.objects.values_list("version", flat=True).get(pk=task.pk)
    return True


def _rollup(chain: dict[int, Task], start: Task) -> None:
    """Recompute ``start``'s progress and its ancestors', bottom-up (rows already locked)."""
    ids = _tree_ids(start) or [start.pk]
    for task_id in reversed(ids):
        task = chain[task_id]
        from_children = _children_progress(task_id)
        _set_progress(task, task.own_progress if from_children is None else from_children)


def _recount(task: Task, chain: dict[int, Task]) -> None:
    """Keep the dashboards' per-unit counts right for the units whose tasks changed."""
    tally.refresh({task.unit_id, *(t.unit_id for t in chain.values())})


def _check_dates(start: dt.date | None, deadline: dt.date | None, parent: Task | None) -> None:
    errors: dict[str, list[str]] = {}
    if start and deadline and deadline < start:
        errors.setdefault("deadline", []).append(
            _("The deadline (%(deadline)s) cannot be earlier than the start (%(start)s).")
            % {"deadline": _d(deadline), "start": _d(start)}
        )
    if parent is not None and deadline and deadline > parent.deadline:
        errors.setdefault("deadline", []).append(
            _("A sub-task cannot be due after its parent task, due on %(deadline)s.")
            % {"deadline": _d(parent.deadline)}
        )
    if errors:
        raise ValidationError(errors)


def _source_fields(source: Any) -> tuple[str, ContentType | None, int | None, Document | None]:
    """The kind, generic link and document of a task's source object."""
    if source is None:
        return "", None, None, None
    if isinstance(source, Document):
        return Task.SourceKind.DOCUMENT, ContentType.objects.get_for_model(source), source.pk, source
    if isinstance(source, Task):
        return Task.SourceKind.PARENT, ContentType.objects.get_for_model(source), source.pk, source.document
    if isinstance(source, Recommendation):
        return (
            Task.SourceKind.RECOMMENDATION,
            ContentType.objects.get_for_model(source),
            source.pk,
            source.inspection.conclusion_document,
        )
    model = source._meta.model_name
    kind = {
        "meetingdecision": Task.SourceKind.DECISION,
        "decision": Task.SourceKind.DECISION,
        "petition": Task.SourceKind.PETITION,
        "opinion": Task.SourceKind.PETITION,
        "case": Task.SourceKind.PETITION,
    }.get(model, "")
    return kind, ContentType.objects.get_for_model(source), source.pk, None


def search_task(task: Task) -> search.SearchDocument:
    """The search service's view of a task (registered in ``AssignmentsConfig.ready``):
    found by its title and description, within the unit responsible for it."""
    return search.SearchDocument(
        kind="task", object_id=task.pk, unit_id=task.unit_id,
        title=task.title, body=task.description,
        date=task.deadline, url=task.get_absolute_url(), facets={"status": task.status},
    )


def _index_on_commit(task: Task) -> None:
    pk = task.pk
    transaction.on_commit(lambda: search.index(Task.objects.filter(pk=pk)), robust=True)


def _notify_assigned(task: Task) -> None:
    notices.send(
        people.in_charge_of(task),
        verb="task.assigned",
        title=_("New task: %(title)s") % {"title": task.title[:150]},
        url=task.get_absolute_url(),
        obj=task,
        key=f"task.assigned:{task.pk}",
    )


@transaction.atomic
def task_assign(
    *,
    actor,
    title: str,
    unit: Unit,
    assigning_unit: Unit,
    deadline: dt.date,
    start: dt.date | None = None,
    description: str = "",
    source: Any = None,
    document: Document | None = None,
    responsible: Person | None = None,
    coordinating_units: Iterable[Unit] = (),
    priority: int = Task.Priority.NORMAL,
    cadence: str = "",
    weight: int | None = None,
    parent: Task | None = None,
    batch: uuid.UUID | None = None,
    notify: bool = True,
) -> Task:
    """Assign a task to ``unit``. With ``parent``, a sub-task (use ``subtask_create``).

    ``source`` is a Document, a meeting decision, an inspection Recommendation, a citizen
    petition or None; a document source also fills ``document``. The actor needs to change
    the assigning unit and to see the unit in charge, the coordinating units, the document and
    the source; the responsible person is one of the unit in charge's (``_require_responsible``).
    """
    coordinating_units = list(coordinating_units)
    require(actor, assigning_unit, Action.CHANGE)
    for seen in (unit, *coordinating_units, document, source):
        _require_seen(actor, seen)
    _require_responsible(actor, responsible, unit)
    start = start or timezone.localdate()
    kind, source_ct, source_id, source_document = _source_fields(source)
    chain: dict[int, Task] = {}
    if parent is not None:
        chain = _lock_chain(parent)
        parent = chain[parent.pk]
        kind, source_ct, source_id = Task.SourceKind.PARENT, ContentType.objects.get_for_model(Task), parent.pk
        source_document = parent.document
    document = document or source_document
    if parent is not None and parent.document_id and document and document.pk != parent.document_id:
        document = parent.document
    _check_dates(start, deadline, parent)
    if not unit.is_active:
        raise ValidationError({"unit": _("%(unit)s no longer exists.") % {"unit": unit.name}})
    task = Task(
        title=normalize(title),
        search_title=fold(title),
        description=description.strip(),
        source_kind=kind,
        source_content_type=source_ct,
        source_object_id=source_id,
        document=document,
        assigning_unit=assigning_unit,
        assigning_path=assigning_unit.path,
        unit=unit,
        unit_path=unit.path,
        responsible=responsible,
        parent=parent,
        depth=(parent.depth + 1) if parent else 1,
        start=start,
        deadline=deadline,
        priority=priority,
        cadence=cadence,
        weight=weight,
        batch=batch,
        created_by=_user(actor),
    )
    task.behind_from = task.compute_behind_from()
    task.full_clean(exclude=["root", "tree_path", "source_content_type"])
    task.save()
    task.root_id = parent.root_id if parent else task.pk
    task.tree_path = f"{parent.tree_path if parent else '/'}{task.pk}/"
    Task.objects.filter(pk=task.pk).update(root_id=task.root_id, tree_path=task.tree_path)
    coordinating = [u for u in coordinating_units if u.pk != unit.pk]
    if coordinating:
        task.coordinating_units.set(coordinating)
    if parent is not None:
        _rollup(chain, parent)
    _recount(task, chain)
    created = snapshot(task, TASK_FIELDS)
    if coordinating:
        created["coordinating_units"] = [u.name for u in coordinating]
    audit_record(actor=actor, action="task.assign", obj=task, after=created)
    _index_on_commit(task)
    if notify:
        _notify_assigned(task)
    return task


@transaction.atomic
def task_assign_bulk(*, actor, units: Sequence[Unit], **fields: Any) -> list[Task]:
    """One decision assigns the same task to several units: one tracked task per unit."""
    if not units:
        raise ValidationError({"units": _("Choose at least one unit.")})
    batch = uuid.uuid4() if len(units) > 1 else None
    return [task_assign(actor=actor, unit=unit, batch=batch, **fields) for unit in units]


def subtask_create(*, actor, parent: Task, unit: Unit, **fields: Any) -> Task:
    """Cascade (cụ thể hóa): the unit in charge gives part of its task to one of its units."""
    require(actor, parent, Action.CASCADE)
    if not unit.path.startswith(parent.unit_path):
        raise ValidationError(
            {"unit": _("A sub-task goes to %(unit)s or a unit below it.") % {"unit": parent.unit.name}}
        )
    if not parent.is_open or parent.status == S.PAUSED:
        raise ValidationError(
            _("A task that is %(status)s cannot be cascaded.") % {"status": parent.get_status_display().lower()}
        )
    fields.pop("assigning_unit", None)
    if not fields.get("start") and fields.get("deadline"):
        fields["start"] = min(max(timezone.localdate(), parent.start), fields["deadline"])
    return task_assign(actor=actor, parent=parent, unit=unit, assigning_unit=parent.unit, **fields)


@transaction.atomic
def subtask_create_bulk(*, actor, parent: Task, units: Sequence[Unit], **fields: Any) -> list[Task]:
    """Cascade to several units in one step (several cells of a ward, as the city does for its
    wards): one sub-task per unit, tracked on its own, made together or not at all."""
    if not units:
        raise ValidationError({"units": _("Choose at least one unit.")})
    batch = uuid.uuid4() if len(units) > 1 else None
    try:
        return [subtask_create(actor=actor, parent=parent, unit=unit, batch=batch, **fields) for unit in units]
    except ValidationError as error:
        if hasattr(error, "error_dict") and "unit" in error.error_dict:
            error.error_dict["units"] = error.error_dict.pop("unit")
        raise


@transaction.atomic
def task_update(
    *,
    actor,
    task: Task,
    title: str,
    deadline: dt.date,
    start: dt.date,
    description: str = "",
    responsible: Person | None = None,
    priority: int = Task.Priority.NORMAL,
    cadence: str = "",
    weight: int | None = None,
    coordinating_units: Iterable[Unit] | None = None,
    reason: str = "",
    expected_version: str | None = None,
) -> Task:
    """Change what was assigned (the assigning unit does this). A new responsible person
    and the coordinating units follow the rules of ``task_assign``. ``expected_version``: the
    version the edit form was read at; a stale one is refused (``versions.StaleEdit``)."""
    require(actor, task, Action.CHANGE)
    chain = _lock_chain(task)
    task = chain[task.pk]
    versions.check(task, TASK_EDIT_FIELDS, expected_version)
    if coordinating_units is not None:
        coordinating_units = list(coordinating_units)
        for seen in coordinating_units:
            _require_seen(actor, seen)
    if (responsible.pk if responsible else None) != task.responsible_id:
        _require_responsible(actor, responsible, task.unit)
    before = snapshot(task, TASK_FIELDS)
    parent = chain.get(task.parent_id) if task.parent_id else None
    _check_dates(start, deadline, parent)
    latest_child = task.children.exclude(status=S.CANCELLED).order_by("-deadline").first()
    if latest_child and latest_child.deadline > deadline:
        raise ValidationError(
            {
                "deadline": _(
                    "A sub-task is due on %(deadline)s: the task cannot be due before its sub-tasks."
                )
                % {"deadline": _d(latest_child.deadline)}
            }
        )
    task.title = normalize(title)
    task.search_title = fold(title)
    task.description = description.strip()
    task.start, task.deadline = start, deadline
    task.responsible = responsible
    task.priority, task.cadence, task.weight = priority, cadence, weight
    task.behind_from = task.compute_behind_from()
    task.updated_at = timezone.now()
    task.full_clean(exclude=["root", "tree_path", "source_content_type"])
    task.version = F("version") + 1
    task.save(
        update_fields=[
            "title", "search_title", "description", "start", "deadline", "responsible", "priority",
            "cadence", "weight", "behind_from", "updated_at", "version",
        ]
    )
    task.refresh_from_db(fields=["version"])
    if coordinating_units is not None:
        task.coordinating_units.set([u for u in coordinating_units if u.pk != task.unit_id])
    if parent is not None and before.get("weight") != task.weight:
        _rollup(chain, parent)
    _recount(task, chain)
    audit_record(
        actor=actor, action="task.update", obj=task, before=before,
        after=snapshot(task, TASK_FIELDS), reason=reason,
    )
    _index_on_commit(task)
    return task


@transaction.atomic
def task_transition(
    *, actor, task: Task, to: str, reason: str = "", today: dt.date | None = None
) -> Task:
    """Move a task along its life: đã giao → đang thực hiện → chờ xác nhận → hoàn thành,
    or tạm dừng / hủy with a reason. Only the assigning unit confirms completion."""
    today = today or timezone.localdate()
    chain = _lock_chain(task)
    task = chain[task.pk]
    rule = TRANSITIONS.get((task.status, to))
    labels = dict(S.choices)
    if rule is None:
        raise ValidationError(
            {
                "status": _("A task that is “%(current)s” cannot become “%(target)s”.")
                % {"current": labels.get(task.status, task.status), "target": labels.get(to, to)}
            }
        )
    who, needs_reason = rule
    try:
        require(actor, task, _ACTION[who])
    except PermissionDenied:
        if to == S.DONE:
            raise PermissionDenied(_("Only the assigning unit can confirm that a task is done.")) from None
        raise
    reason = reason.strip()
    if needs_reason and not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    if to in (S.AWAITING, S.DONE):
        open_children = task.children.filter(status__in=Task.OPEN).count()
        if open_children:
            raise ValidationError(
                {
                    "status": _("%(n)s sub-tasks are still open: finish or cancel them first.")
                    % {"n": open_children}
                }
            )
    before = snapshot(task, ["status", "status_reason", "progress"])
    task.status = to
    task.status_reason = reason
    fields = ["status", "status_reason", "updated_at", "version"]
    if to == S.AWAITING:
        task.submitted_on = today
        fields.append("submitted_on")
    if to == S.DONE:
        task.done_on = today
        task.submitted_on = task.submitted_on or today
        fields += ["done_on", "submitted_on"]
    if to == S.IN_PROGRESS and before["status"] in (S.DONE, S.AWAITING):
        task.done_on = None
        task.submitted_on = None
        fields += ["done_on", "submitted_on"]
    task.updated_at = timezone.now()
    task.version = F("version") + 1
    task.save(update_fields=fields)
    task.refresh_from_db(fields=["version"])
    target_progress = 100 if to == S.DONE else None
    if target_progress is not None or before["status"] == S.DONE:
        from_children = _children_progress(task.pk)
        _set_progress(task, target_progress or (task.own_progress if from_children is None else from_children))
    if task.parent_id and (to in (S.DONE, S.CANCELLED) or before["status"] in (S.DONE, S.CANCELLED)):
        _rollup(chain, chain[task.parent_id])
    _recount(task, chain)
    audit_record(
        actor=actor, action=f"task.{to}", obj=task, before=before,
        after=snapshot(task, ["status", "status_reason", "progress"]), reason=reason,
    )
    if to == S.DONE:
        for hook in _done_hooks:
            hook(task, today)
    if to == S.AWAITING:
        notices.send(
            people.managers_of(task.assigning_unit_id),
            verb="task.awaiting",
            title=_("Waiting for your confirmation: %(title)s") % {"title": task.title[:150]},
            url=task.get_absolute_url(),
            obj=task,
            key=f"task.awaiting:{task.pk}:{today.isoformat()}",
        )
    elif who == "assigning":
        notices.send(
            people.in_charge_of(task),
            verb=f"task.{to}",
            title=_("%(title)s: %(status)s") % {"title": task.title[:150], "status": labels[to]},
            url=task.get_absolute_url(),
            body=reason,
            obj=task,
            key=f"task.{to}:{task.pk}:{timezone.now().isoformat()}",
        )
    return task


@transaction.atomic
def decision_assign(*, actor, decision: Any, deadline: dt.date | None = None) -> Task:
    """A meeting's (or a visit's) decision becomes a task, in one step: the unit that decided
    assigns it to the decision's responsible unit (itself when none), due on the decision's
    deadline (``deadline`` when the decision has none), started on the day it was decided;
    the decision is its source and links it (``meetings.services.decision_link_task``). A
    decision becomes one task only: a second call is refused."""
    from dangbo.meetings.models import MeetingDecision
    from dangbo.meetings.services import decision_link_task

    require(actor, decision, Action.VIEW)
    require(actor, decision.unit, Action.CHANGE)
    decision = (
        MeetingDecision.objects.select_for_update(of=("self",))
        .select_related("unit", "responsible_unit", "meeting", "visit")
        .get(pk=decision.pk)
    )
    if decision.task_object_id is not None:
        raise ValidationError(_("This decision is already a task."))
    deadline = decision.deadline or deadline
    if deadline is None:
        raise ValidationError({"deadline": _("The decision has no deadline: give the task's.")})
    decided = decision.meeting.date if decision.meeting_id else decision.visit.date  # type: ignore[union-attr]
    text = decision.text.strip()
    task = task_assign(
        actor=actor,
        title=text.split("\n")[0][:300],
        description=text if len(text) > 300 or "\n" in text else "",
        unit=decision.responsible_unit or decision.unit,
        assigning_unit=decision.unit,
        start=min(decided, deadline),
        deadline=deadline,
        source=decision,
    )
    decision_link_task(actor=actor, decision=decision, task=task)
    return task


#: Called with (task, day) once a task is confirmed done: the apps whose objects a task
#: serves (a citizen's case) follow up (``on_task_done``, from their ``AppConfig.ready``).
_done_hooks: list[Callable[[Task, dt.date], None]] = []


def on_task_done(hook: Callable[[Task, dt.date], None]) -> None:
    if hook not in _done_hooks:
        _done_hooks.append(hook)


def _check_file(upload: UploadedFile) -> uploads.CheckedUpload:
    """The project's upload check for evidence; the refusal names the file."""
    try:
        return uploads.check(upload, accept=uploads.EVIDENCE, field="evidence")
    except ValidationError as error:
        reason = " ".join(error.message_dict.get("evidence", error.messages))
        raise ValidationError(
            {"evidence": _("%(name)s: %(reason)s") % {"name": uploads.safe_name(upload.name or ""), "reason": reason}}
        ) from error


def subtask_count(task: Task) -> int:
    """How many sub-tasks ``task``'s progress is rolled up from (the cancelled do not count)."""
    return Task.objects.filter(parent_id=task.pk).exclude(status=S.CANCELLED).count()


@transaction.atomic
def report_submit(
    *,
    actor,
    task: Task,
    percent: int | None,
    text: str = "",
    files: Sequence[UploadedFile] = (),
    period: str = "",
    reported_at: dt.datetime | None = None,
) -> ProgressReport:
    """Record a progress report. Concurrent reports both survive; the task's progress is
    the latest report's (by time), set under a row lock, then rolled up the tree.

    On a task with sub-tasks the progress is their roll-up: the report keeps its text,
    period and evidence and records the roll-up as its percentage (``rolled_up``). A
    percentage typed for it is refused (unless it is the roll-up itself), never dropped."""
    require(actor, task, Action.CONTRIBUTE)
    if percent is not None and (percent < 0 or percent > 100):
        raise ValidationError({"percent": _("Progress is a percentage from 0 to 100.")})
    chain = _lock_chain(task)
    task = chain[task.pk]
    if task.status not in Task.ACTIVE:
        raise ValidationError(
            _("Progress cannot be reported on a task that is “%(status)s”.")
            % {"status": task.get_status_display()}
        )
    rolled_up = subtask_count(task) > 0
    if rolled_up:
        if percent is not None and percent != task.progress:
            raise ValidationError(
                {
                    "percent": _(
                        "The progress of this task is rolled up from its sub-tasks (now %(progress)s%%): "
                        "send the report without a percentage, or report on the sub-tasks."
                    )
                    % {"progress": task.progress}
                }
            )
        percent = task.progress
    elif percent is None:
        raise ValidationError({"percent": _("Progress is a percentage from 0 to 100.")})
    checked = [_check_file(upload) for upload in files]
    report = ProgressReport(
        task=task, reporter=_user(actor), percent=percent, text=text.strip(), period=period.strip(),
        reported_at=reported_at or timezone.now(), rolled_up=rolled_up,
    )
    report.full_clean()
    report.save()
    for file in checked:
        evidence = ReportFile(report=report, name=file.name, content_type=file.content_type, size=file.size)
        evidence.file.save(file.name, ContentFile(file.data), save=False)
        evidence.save()
    latest = (
        ProgressReport.objects.filter(task=task, rolled_up=False)
        .order_by("-reported_at", "-id")
        .values_list("percent", flat=True)
        .first()
    )
    task.own_progress = task.own_progress if latest is None else latest
    task.last_report_at = (
        ProgressReport.objects.filter(task=task).order_by("-reported_at", "-id")
        .values_list("reported_at", flat=True).first()
    )
    fields = ["own_progress", "last_report_at"]
    if task.status == S.ASSIGNED:
        task.status = S.IN_PROGRESS
        fields.append("status")
    task.save(update_fields=fields)
    _rollup(chain, task)
    _recount(task, chain)
    audit_record(
        actor=actor, action="task.report", obj=task,
        # The report as written: its whole text, its period and the names of its files.
        after={"percent": percent, "text": report.text, "period": report.period,
               "files": [(upload.name or "")[:255] for upload in files],
               **({"rolled_up": True} if rolled_up else {})},
    )
    return report


@transaction.atomic
def task_paths_refresh(*, unit: Unit) -> int:
    """After ``unit`` (and its subtree) moved: copy the new paths onto the tasks.

    To be called by ``dangbo.orgs.services.unit_move``; returns the tasks updated."""
    changed = 0
    for u in Unit.objects.filter(path__startswith=unit.path).only("pk", "path"):
        changed += Task.objects.filter(unit=u).exclude(unit_path=u.path).update(unit_path=u.path)
        changed += Task.objects.filter(assigning_unit=u).exclude(assigning_path=u.path).update(
            assigning_path=u.path
        )
    tally.forget(unit)
    return changed


# --- Inspection and supervision -----------------------------------------------------------


@transaction.atomic
def program_create(
    *, actor, unit: Unit, year: int, title: str, term=None, document: Document | None = None
) -> InspectionProgram:
    require(actor, unit, Action.CHANGE)
    _require_seen(actor, document)
    program = InspectionProgram(unit=unit, year=year, title=normalize(title), term=term, document=document)
    program.full_clean()
    program.save()
    audit_record(actor=actor, action="inspection_program.create", obj=program,
                 after=snapshot(program, ["unit", "year", "title", "term"]))
    return program


INSPECTION_FIELDS = ["kind", "target_unit", "subject", "team", "period_start", "period_end"]


@transaction.atomic
def inspection_create(
    *,
    actor,
    program: InspectionProgram,
    kind: str,
    target_unit: Unit,
    subject: str,
    period_start: dt.date,
    period_end: dt.date,
    team: str = "",
) -> Inspection:
    require(actor, program, Action.CHANGE)
    _require_seen(actor, target_unit)
    if period_end < period_start:
        raise ValidationError({"period_end": _("The end cannot be earlier than the start.")})
    inspection = Inspection(
        program=program, kind=kind, target_unit=target_unit, subject=normalize(subject),
        team=team.strip(), period_start=period_start, period_end=period_end,
    )
    inspection.full_clean()
    inspection.save()
    audit_record(actor=actor, action="inspection.create", obj=inspection,
                 after=snapshot(inspection, INSPECTION_FIELDS))
    return inspection


@transaction.atomic
def inspection_conclude(
    *,
    actor,
    inspection: Inspection,
    findings: str,
    conclusion: str,
    conclusion_document: Document | None = None,
) -> Inspection:
    require(actor, inspection, Action.CHANGE)
    _require_seen(actor, conclusion_document)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    before = snapshot(inspection, ["findings", "conclusion", "conclusion_document"])
    inspection.findings = findings.strip()
    inspection.conclusion = conclusion.strip()
    inspection.conclusion_document = conclusion_document
    inspection.full_clean()
    inspection.save(update_fields=["findings", "conclusion", "conclusion_document"])
    if conclusion_document is not None:
        Task.objects.filter(
            recommendation__inspection=inspection, document__isnull=True
        ).update(document=conclusion_document)
    audit_record(actor=actor, action="inspection.conclude", obj=inspection, before=before,
                 after=snapshot(inspection, ["findings", "conclusion", "conclusion_document"]))
    return inspection


@transaction.atomic
def recommendation_add(
    *,
    actor,
    inspection: Inspection,
    text: str,
    deadline: dt.date,
    start: dt.date | None = None,
    responsible: Person | None = None,
) -> Recommendation:
    """A recommendation of the conclusion becomes a task of the inspected unit."""
    require(actor, inspection, Action.CHANGE)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("This field is required.")})
    recommendation = Recommendation.objects.create(inspection=inspection, text=text)
    task = task_assign(
        actor=actor,
        title=text.split("\n")[0][:300],
        description=text,
        unit=inspection.target_unit,
        assigning_unit=inspection.program.unit,
        deadline=deadline,
        start=start or inspection.period_end,
        source=recommendation,
        responsible=responsible,
    )
    recommendation.task = task
    recommendation.save(update_fields=["task"])
    audit_record(actor=actor, action="inspection.recommendation", obj=inspection,
                 after={"recommendation": text, "task": str(task), "deadline": deadline.isoformat(),
                        "responsible": str(responsible) if responsible else None})
    return recommendation


# --- Correcting inspections and programs ----------------------------------------------------

PROGRAM_EDIT_FIELDS = ["title", "year", "document"]
INSPECTION_EDIT_FIELDS = ["kind", "subject", "team", "period_start", "period_end", "findings"]


def _values(obj: Any, fields: Sequence[str]) -> dict[str, Any]:
    """The raw values of ``fields`` (a foreign key by its id), to see what changed."""
    return {name: getattr(obj, obj._meta.get_field(name).attname) for name in fields}


def _save_changes(
    *, actor, obj: Any, before: dict[str, Any], fields: Sequence[str], action: str, reason: str = ""
) -> list[str]:
    """Save the fields of ``obj`` that differ from ``before`` and audit them (old → new);
    nothing when nothing changed. Returns the changed fields."""
    now = _values(obj, fields)
    changed = [name for name in fields if now[name] != before[name]]
    if changed:
        old = type(obj)(**{obj._meta.get_field(name).attname: before[name] for name in changed})
        obj.save(update_fields=changed)
        audit_record(
            actor=actor, action=action, obj=obj, before=snapshot(old, changed),
            after=snapshot(obj, changed), reason=reason,
        )
    return changed


@transaction.atomic
def program_update(
    *,
    actor,
    program: InspectionProgram,
    title: str,
    year: int,
    document: Document | None = None,
    expected_version: str | None = None,
) -> InspectionProgram:
    """Correct a program's title, year or document (the unit that runs it does this). The
    audit entry lists the changed fields, old and new. A stale ``expected_version`` is refused."""
    require(actor, program, Action.CHANGE)
    _require_seen(actor, document)
    program = InspectionProgram.objects.select_for_update().get(pk=program.pk)
    versions.check(program, PROGRAM_EDIT_FIELDS, expected_version)
    before = _values(program, PROGRAM_EDIT_FIELDS)
    if year is None or not 1990 <= year <= 2100:
        raise ValidationError({"year": _("The year must be between 1990 and 2100.")})
    program.title = normalize(title)
    program.year = year
    program.document = document
    program.full_clean()
    _save_changes(
        actor=actor, obj=program, before=before, fields=PROGRAM_EDIT_FIELDS,
        action="inspection_program.update",
    )
    return program


@transaction.atomic
def inspection_update(
    *,
    actor,
    inspection: Inspection,
    kind: str,
    subject: str,
    period_start: dt.date,
    period_end: dt.date,
    team: str = "",
    findings: str = "",
    expected_version: str | None = None,
) -> Inspection:
    """Correct an inspection's kind, subject, team, period or findings (the program's unit
    does this). The inspected unit stays: its recommendations are already its tasks. A stale
    ``expected_version`` is refused."""
    require(actor, inspection, Action.CHANGE)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    versions.check(inspection, INSPECTION_EDIT_FIELDS, expected_version)
    before = _values(inspection, INSPECTION_EDIT_FIELDS)
    if period_start and period_end and period_end < period_start:
        raise ValidationError({"period_end": _("The end cannot be earlier than the start.")})
    inspection.kind = kind
    inspection.subject = normalize(subject)
    inspection.team = team.strip()
    inspection.period_start, inspection.period_end = period_start, period_end
    inspection.findings = findings.strip()
    inspection.full_clean()
    _save_changes(
        actor=actor, obj=inspection, before=before, fields=INSPECTION_EDIT_FIELDS,
        action="inspection.update",
    )
    return inspection
