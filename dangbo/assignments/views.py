"""Pages of tasks: the list, one task, my work, a unit's dashboard, a document's tasks,
inspection programs; XLSX and DOCX exports."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangbo.core import policy, uploads, versions
from dangbo.core.audit import history
from dangbo.core.forms import add_service_errors, submit
from dangbo.core.pagination import COUNT_CAP, paginate
from dangbo.core.policy import Action
from dangbo.documents.models import Document
from dangbo.documents.selectors import find_by_symbol, get_document_for_user
from dangbo.meetings.models import MeetingDecision
from dangbo.orgs.models import Unit
from dangbo.orgs.selectors import get_unit_for_user, manageable_units, unit_ancestors
from dangbo.orgs.views import unit_lookup_response

from . import exports, selectors, services
from .forms import (
    ConclusionForm,
    DecisionTaskForm,
    InspectionEditForm,
    InspectionForm,
    ProgramEditForm,
    ProgramForm,
    RecommendationForm,
    ReportForm,
    SubtaskForm,
    TaskCreateForm,
    TaskEditForm,
    TaskFilterForm,
    TransitionForm,
)
from .models import Task

PER_PAGE = 25


def _section(request: HttpRequest) -> None:
    request.nav_section = "tasks"  # type: ignore[attr-defined]


def _today() -> dt.date:
    return timezone.localdate()


def _filters(request: HttpRequest) -> tuple[TaskFilterForm, selectors.TaskFilters]:
    form = TaskFilterForm(request.GET or None, units=selectors.filter_units(user=request.user))
    f = selectors.TaskFilters(status="open")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        document = None
        if data.get("document"):
            document = get_document_for_user(request.user, data["document"])
        f = selectors.TaskFilters(
            q=data["q"].strip(), unit=data["unit"], status=data["status"], flag=data["flag"],
            document=document, deadline_from=data["deadline_from"],
            deadline_to=data["deadline_to"], priority=data["priority"],
            sort=data["sort"] or "deadline",
        )
        if f.unit is not None:
            policy.check(request.user, f.unit)
    return form, f


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    """Tasks of the units the user may see, filtered; the first 25 per page."""
    _section(request)
    form, f = _filters(request)
    tasks = selectors.task_list(user=request.user, filters=f, today=_today())
    if request.GET.get("format") == "xlsx":
        return exports.tasks_xlsx(tasks, today=_today())
    page_obj, querystring_base = paginate(request, selectors.for_table(tasks), per_page=PER_PAGE, count_cap=COUNT_CAP)
    context = {
        "form": form, "filters": f, "page_obj": page_obj, "querystring_base": querystring_base,
        "today": _today(), "export_query": querystring_base,
        "can_assign": policy.is_everything(request.user) or bool(policy.paths(request.user, Action.CHANGE)),
    }
    template = "assignments/_task_rows.html" if getattr(request, "htmx", False) else "assignments/task_list.html"
    return render(request, template, context)


@login_required
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    task = selectors.get_task_for_user(request.user, pk)
    today = _today()
    subtree = selectors.task_subtree(user=request.user, task=task)
    # How many sub-tasks the progress is rolled up from (0: the reports give it); counted in the
    # SQL, since the page lists only the sub-tasks this user may see.
    rolled_up = task.children.exclude(status=Task.Status.CANCELLED).count()
    context = {
        "task": task,
        "today": today,
        "expected": task.expected_progress(today),
        "subtree": subtree[: selectors.SUBTREE_LIMIT],
        "subtree_more": len(subtree) > selectors.SUBTREE_LIMIT,
        "reports": selectors.task_reports(task=task)[:20],
        "lineage": selectors.task_lineage(user=request.user, task=task),
        "coordinating": list(task.coordinating_units.all()),
        "transitions": _transition_actions(request.user, task),
        "report_form": ReportForm(rolled_up=bool(rolled_up)),
        "rolled_up": rolled_up,
        "history": history(task),
        **policy.permissions(request.user, task, [Action.CONTRIBUTE, Action.CASCADE, Action.CHANGE]),
    }
    return render(request, "assignments/task_detail.html", context)


def _transition_actions(user, task: Task) -> list[dict]:
    """The status changes ``user`` may make now, labelled as their buttons read; those that
    need a reason (pause, cancel, return, reopen) fold behind a disclosure on the page."""
    S = Task.Status
    labels: dict[str, str] = {
        S.DONE: _("Confirm completion"), S.AWAITING: _("Report completion for confirmation"),
        S.PAUSED: _("Pause"), S.CANCELLED: _("Cancel the task"),
    }
    resume: dict[str, str] = {S.ASSIGNED: pgettext("task action", "Start work"), S.PAUSED: _("Resume"), S.AWAITING: _("Return: not finished")}
    return [
        {
            "to": target,
            "label": resume.get(task.status, _("Reopen")) if target == S.IN_PROGRESS else labels[target],
            "reason": services.TRANSITIONS[(task.status, target)][1],
            "primary": target in (S.DONE, S.AWAITING),
        }
        for target in services.allowed_transitions(user, task)
    ]


def _resolve_document(request: HttpRequest, form, text: str) -> Document | None:
    text = (text or "").strip()
    if not text:
        return None
    found = find_by_symbol(user=request.user, text=text)
    if isinstance(found, str):
        form.add_error("document" if "document" in form.fields else "conclusion_document", found)
        return None
    return found


@login_required
@require_GET
@never_cache
def unit_lookup(request: HttpRequest) -> JsonResponse:
    """The suggestions of the unit pickers, among the units the field takes: those the user
    manages (a task's assigning unit, a program's unit), (``?scope=inspection``) those they
    see, which an inspection may target, or (``?scope=filter``) those the task list can be
    narrowed to."""
    scope = request.GET.get("scope", "")
    if scope == "":
        units = manageable_units(user=request.user)
    elif scope == "inspection":
        units = selectors.inspection_targets(user=request.user)
    elif scope == "filter":
        units = selectors.filter_units(user=request.user)
    else:
        raise Http404
    return unit_lookup_response(request, units)


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest) -> HttpResponse:
    """Assign a task to one unit, or the same task to several (each tracked on its own)."""
    _section(request)
    assigning = manageable_units(user=request.user)
    if not request.user.is_superuser and not assigning.exists():
        raise PermissionDenied
    chosen = request.POST.get("assigning_unit") or request.GET.get("unit")
    parent_unit = None
    if chosen and str(chosen).isdigit():
        parent_unit = assigning.filter(pk=int(chosen)).first()
    parent_unit = parent_unit or assigning.order_by("depth", "path").first()
    targets = selectors.units_below(unit=parent_unit) if parent_unit else Unit.objects.none()
    initial: dict = {"start": _today(), "assigning_unit": parent_unit}
    document_id = request.GET.get("document")
    if document_id and document_id.isdigit():
        initial["document"] = get_document_for_user(request.user, int(document_id)).symbol
    form = TaskCreateForm(request.POST or None, assigning=assigning, targets=targets, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        document = _resolve_document(request, form, data["document"])
        if not form.errors:
            try:
                tasks = services.task_assign_bulk(
                    actor=request.user, units=list(data["units"]), title=data["title"],
                    description=data["description"], assigning_unit=data["assigning_unit"],
                    start=data["start"], deadline=data["deadline"], priority=data["priority"],
                    cadence=data["cadence"], document=document,
                    coordinating_units=list(data["coordinating_units"]),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(n)s tasks were assigned.") % {"n": len(tasks)} if len(tasks) > 1
                    else _("The task was assigned."),
                )
                if len(tasks) == 1:
                    return redirect("assignments:task_detail", pk=tasks[0].pk)
                return redirect(reverse("assignments:task_list") + "?" + urlencode({"q": tasks[0].title[:100]}))
    return render(request, "assignments/task_create.html", {"form": form, "parent_unit": parent_unit, "heading": _("Assign a task")})


@login_required
@require_http_methods(["GET", "POST"])
def subtask_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Cascade: the unit in charge gives part of its task to one or several of its own units."""
    _section(request)
    parent = selectors.get_task_for_user(request.user, pk, Action.CASCADE)
    units = selectors.units_below(unit=parent.unit, include_self=True)
    initial = {"start": max(parent.start, _today()) if parent.deadline >= _today() else parent.start,
               "deadline": parent.deadline, "priority": parent.priority, "title": parent.title}
    form = SubtaskForm(request.POST or None, units=units, people=selectors.assignable_people(unit=parent.unit), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = list(data.pop("units"))
        try:
            tasks = services.subtask_create_bulk(actor=request.user, parent=parent, units=chosen, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if len(tasks) == 1:
                messages.success(request, _("The sub-task was assigned."))
                return redirect("assignments:task_detail", pk=tasks[0].pk)
            messages.success(request, _("%(n)s sub-tasks were assigned.") % {"n": len(tasks)})
            return redirect("assignments:task_detail", pk=parent.pk)
    return render(request, "assignments/subtask_create.html", {"form": form, "task": parent, "heading": _("Cascade the task")})


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    task = selectors.get_task_for_user(request.user, pk, Action.CHANGE)
    initial = {
        "title": task.title, "description": task.description, "start": task.start,
        "deadline": task.deadline, "priority": task.priority, "cadence": task.cadence,
        "responsible": task.responsible, "weight": task.weight,
        "expected_version": versions.token(task, services.TASK_EDIT_FIELDS),
    }
    form = TaskEditForm(request.POST or None, initial=initial, people=selectors.assignable_people(unit=task.unit))
    if request.method == "POST" and form.is_valid():
        try:
            services.task_update(actor=request.user, task=task, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("assignments:task_detail", pk=task.pk)
    return render(request, "assignments/task_edit.html", {"form": form, "task": task, "heading": _("Edit the task")})


@login_required
@require_POST
def task_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report progress: a percentage, text and evidence files. On a task with sub-tasks the
    progress is theirs: the form asks for no percentage and says so."""
    _section(request)
    task = selectors.get_task_for_user(request.user, pk, Action.CONTRIBUTE)
    rolled_up = services.subtask_count(task)
    form = ReportForm(request.POST, request.FILES, rolled_up=bool(rolled_up))
    if form.is_valid():
        try:
            data = form.cleaned_data
            services.report_submit(
                actor=request.user, task=task, percent=data["percent"], text=data["text"],
                files=data["evidence"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The report was recorded."))
            return redirect("assignments:task_detail", pk=task.pk)
    if rolled_up and "percent" in form.errors:
        # The percentage field is hidden: its refusal stands at the top of the form, and the
        # form comes back without it.
        form.add_error(None, form.errors.pop("percent"))
        data = request.POST.copy()
        data["percent"] = ""
        form.data = data
    context = {"form": form, "task": task, "heading": _("Report progress"), "rolled_up": rolled_up}
    return render(request, "assignments/task_report.html", context, status=400)


@login_required
@require_GET
def evidence_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """Download an evidence file of one of the task's reports: whoever may see the task
    (``ReportFilePolicy``); 404 otherwise, as for a missing file."""
    evidence = selectors.get_evidence_for_user(request.user, task_pk=pk, pk=file_pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return uploads.serve(handle, name=evidence.name, content_type=evidence.content_type)


@login_required
@require_POST
def task_transition(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    task = selectors.get_task_for_user(request.user, pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.task_transition(actor=request.user, task=task, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The status was changed."))
            return redirect("assignments:task_detail", pk=task.pk)
    context = {"form": form, "task": task, "heading": _("Change the status")}
    return render(request, "assignments/task_transition.html", context, status=400)


@login_required
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    """My work: my units' overdue, due-soon and behind tasks; what waits for my confirmation."""
    _section(request)
    today = _today()
    return render(request, "assignments/my_work.html", {"today": today, **selectors.my_work(user=request.user, today=today)})


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The overview of the user's top unit (the city compares its wards)."""
    tops = selectors.top_units(user=request.user)
    if not tops:
        _section(request)
        return render(request, "assignments/no_units.html")
    return redirect("assignments:unit_dashboard", pk=tops[0].pk)


@login_required
@require_GET
def unit_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    unit = get_unit_for_user(request.user, pk)
    today = _today()
    context = {
        "unit": unit, "today": today,
        "ancestors": unit_ancestors(user=request.user, unit=unit),
        "chart_names": {
            "done": _("Done"), "due": _("Falling due"),
            "completion": _("Completion rate (%)"), "on_time": _("On time (%)"),
        },
        **selectors.unit_dashboard(unit=unit, today=today),
    }
    return render(request, "assignments/unit_dashboard.html", context)


@login_required
@require_GET
def document_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    """How far a document's tasks are, with a timeline (Gantt) of them."""
    _section(request)
    document = get_document_for_user(request.user, pk)
    today = _today()
    tasks = list(selectors.document_tasks(user=request.user, document=document)[:300])
    summary = selectors.document_summary(user=request.user, document=document, today=today)
    if request.GET.get("format") == "docx":
        return exports.document_report_docx(document, tasks, today=today, summary=summary)
    context = {
        "document": document, "today": today, "tasks": tasks, "summary": summary,
        "gantt": exports.gantt(tasks, today=today),
        "can_assign": policy.may(request.user, Action.CHANGE, document.unit),
    }
    return render(request, "assignments/document_tasks.html", context)


@login_required
@require_POST
def decision_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """One click on a meeting's page: the decision becomes a task (``services.decision_assign``),
    then back to the meeting, where the decision now shows its task."""
    _section(request)
    decision = policy.get_for_user(
        request.user, MeetingDecision.objects.select_related("meeting", "visit", "unit"), pk
    )
    form = DecisionTaskForm(request.POST)
    task = submit(request, form, lambda data: services.decision_assign(actor=request.user, decision=decision, **data))
    if task is not None:
        messages.success(request, _("The decision became a task: %(title)s") % {"title": task.title[:150]})
        if decision.meeting_id:
            return redirect("meetings:meeting_detail", pk=decision.meeting_id)
        return redirect(task)
    back = reverse("meetings:meeting_detail", args=[decision.meeting_id]) if decision.meeting_id else None
    context = {
        "form": form, "heading": _("Make the decision a task"), "decision": decision, "cancel_href": back,
    }
    return render(request, "assignments/decision_assign.html", context, status=400)


# --- Inspections -----------------------------------------------------------------------------


@login_required
@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    """Inspection programs of the units the user may see; ``?format=xlsx`` exports them all
    with their inspections."""
    _section(request)
    programs = selectors.program_list(user=request.user)
    if request.GET.get("format") == "xlsx":
        return exports.programs_xlsx(programs)
    page_obj, querystring_base = paginate(request, programs)
    can_create = manageable_units(user=request.user).exists()
    return render(request, "assignments/program_list.html", {
        "page_obj": page_obj, "querystring_base": querystring_base, "can_create": can_create,
    })


@login_required
@require_http_methods(["GET", "POST"])
def program_create(request: HttpRequest) -> HttpResponse:
    _section(request)
    units = manageable_units(user=request.user).order_by("path")
    if not units.exists():
        raise PermissionDenied
    form = ProgramForm(request.POST or None, units=units, initial={"year": _today().year})
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(program.get_absolute_url())
    return render(request, "assignments/form_page.html", {
        "form": form, "heading": _("New inspection program"), "cancel_url": "assignments:program_list",
    })


@login_required
@require_http_methods(["GET", "POST"])
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A program and its inspections; the commission adds an inspection here."""
    _section(request)
    program = selectors.get_program_for_user(request.user, pk)
    can_change = policy.may(request.user, Action.CHANGE, program)
    form = InspectionForm(request.POST or None, units=selectors.inspection_targets(user=request.user))
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                inspection = services.inspection_create(actor=request.user, program=program, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect(inspection.get_absolute_url())
    return render(request, "assignments/program_detail.html", {
        "program": program, "inspections": selectors.program_inspections(program=program),
        "form": form, "can_change": can_change, "history": history(program),
    })


@login_required
@require_http_methods(["GET", "POST"])
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An inspection: findings, conclusion, recommendations (each a task of the inspected unit)."""
    _section(request)
    inspection = selectors.get_inspection_for_user(request.user, pk)
    can_change = policy.may(request.user, Action.CHANGE, inspection)
    conclusion_form = ConclusionForm(
        request.POST if request.POST.get("form") == "conclusion" else None,
        initial={"findings": inspection.findings, "conclusion": inspection.conclusion,
                 "conclusion_document": inspection.conclusion_document.symbol if inspection.conclusion_document else ""},
        prefix="c",
    )
    recommendation_form = RecommendationForm(
        request.POST if request.POST.get("form") == "recommendation" else None, prefix="r"
    )
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        try:
            if conclusion_form.is_bound and conclusion_form.is_valid():
                data = conclusion_form.cleaned_data
                document = _resolve_document(request, conclusion_form, data["conclusion_document"])
                if not conclusion_form.errors:
                    services.inspection_conclude(
                        actor=request.user, inspection=inspection, findings=data["findings"],
                        conclusion=data["conclusion"], conclusion_document=document,
                    )
                    messages.success(request, _("The conclusion was saved."))
                    return redirect(inspection.get_absolute_url())
            elif recommendation_form.is_bound and recommendation_form.is_valid():
                services.recommendation_add(actor=request.user, inspection=inspection, **recommendation_form.cleaned_data)
                messages.success(request, _("The recommendation was recorded as a task of %(unit)s.") % {"unit": inspection.target_unit.name})
                return redirect(inspection.get_absolute_url())
        except ValidationError as error:
            add_service_errors(recommendation_form if recommendation_form.is_bound else conclusion_form, error)
    return render(request, "assignments/inspection_detail.html", {
        "inspection": inspection, "can_change": can_change, "today": _today(),
        "recommendations": selectors.inspection_recommendations(inspection=inspection),
        "conclusion_form": conclusion_form, "recommendation_form": recommendation_form,
        "history": history(inspection),
    })


@login_required
@require_http_methods(["GET", "POST"])
def program_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a program's title, year and document (whoever may create programs there)."""
    _section(request)
    program = selectors.get_program_for_user(request.user, pk, Action.CHANGE)
    initial = {
        "title": program.title, "year": program.year,
        "document": program.document.symbol if program.document else "",
        "expected_version": versions.token(program, services.PROGRAM_EDIT_FIELDS),
    }
    form = ProgramEditForm(request.POST or None, user=request.user, initial=initial)
    updated = submit(
        request, form, lambda data: services.program_update(actor=request.user, program=program, **data)
    )
    if updated is not None:
        messages.success(request, _("The changes were saved."))
        return redirect(updated.get_absolute_url())
    return render(request, "assignments/program_edit.html", {
        "form": form, "program": program, "heading": _("Edit the inspection program"),
        "cancel_href": program.get_absolute_url(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def inspection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an inspection's kind, subject, team, period and findings (the program's unit)."""
    _section(request)
    inspection = selectors.get_inspection_for_user(request.user, pk, Action.CHANGE)
    initial = {
        "kind": inspection.kind, "subject": inspection.subject, "team": inspection.team,
        "period_start": inspection.period_start, "period_end": inspection.period_end,
        "findings": inspection.findings,
        "expected_version": versions.token(inspection, services.INSPECTION_EDIT_FIELDS),
    }
    form = InspectionEditForm(request.POST or None, initial=initial)
    updated = submit(
        request, form,
        lambda data: services.inspection_update(actor=request.user, inspection=inspection, **data),
    )
    if updated is not None:
        messages.success(request, _("The changes were saved."))
        return redirect(updated.get_absolute_url())
    return render(request, "assignments/inspection_edit.html", {
        "form": form, "inspection": inspection, "heading": _("Edit the inspection"),
        "cancel_href": inspection.get_absolute_url(),
    })
