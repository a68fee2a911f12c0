from __future__ import annotations

import datetime as dt

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

register = template.Library()

# Badges and bars are written in Python: they sit in every row of every task list, where a
# template include per cell costs more than the rest of the row.
FLAG_BADGES = {
    "overdue": ("badge-danger", gettext_lazy("Overdue")),
    "behind": ("badge-ended", gettext_lazy("Behind schedule")),
    "due_soon": ("badge-soon", gettext_lazy("Due soon")),
    "long_running": ("badge-long", gettext_lazy("Long-running")),
}


@register.simple_tag
def task_flags(task, today: dt.date) -> SafeString:
    """The computed follow-up badges of a task (overdue, behind, due soon, long-running)."""
    return _flag_badges(task.flags(today))


def _flag_badges(flags) -> SafeString:
    badges = [FLAG_BADGES[flag] for flag in flags if flag in FLAG_BADGES]
    return format_html_join(" ", '<span class="badge {}">{}</span>', badges)


@register.simple_tag
def status_badge(task) -> SafeString:
    return format_html('<span class="badge status-{}">{}</span>', task.status, task.get_status_display())


@register.simple_tag
def progress_bar(value) -> SafeString:
    """A progress bar with its percentage, read out as “40% done”."""
    return format_html(
        '<span class="progress" role="img" aria-label="{}"><span class="progress-bar" style="width: {}%">'
        '</span></span> <span class="num">{}%</span>',
        _("%(p)s%% done") % {"p": value}, value, value,
    )


_ROW = (
    '<tr{}>'
    '<td data-label="{}"><a href="{}">{}</a>{}</td>'
    '<td data-label="{}">{}{}</td>'
    '<td data-label="{}">{} {}</td>'
    '<td data-label="{}">{}</td>'
    '<td data-label="{}">{}</td>'
    '</tr>'
)


@register.simple_tag
def task_rows(tasks, today: dt.date, tree: bool = False) -> SafeString:
    """The rows of a table of tasks (``_task_table.html``): title and document, unit in charge
    and responsible person, deadline with its flags, status, progress. Each cell is labelled for
    the narrow (card) layout. Written here for the same reason as the badges: a list shows up
    to 30 rows, and the template language spent more on them than the rest of the page. A
    badge or bar drawn once is reused by the rows that show the same."""
    task_l, unit_l, deadline_l, status_l, progress_l = (
        _("Task"), _("Unit in charge"), _("Deadline"), _("Status"), _("Progress")
    )
    statuses: dict[str, SafeString] = {}
    flags: dict[tuple[str, ...], SafeString] = {}
    bars: dict[int, SafeString] = {}

    def row(task) -> tuple:
        if task.status not in statuses:
            statuses[task.status] = status_badge(task)
        key = tuple(task.flags(today))
        if key not in flags:
            flags[key] = _flag_badges(key)
        if task.progress not in bars:
            bars[task.progress] = progress_bar(task.progress)
        return (
            format_html(' class="tree-depth-{}"', task.level) if tree else "",
            task_l, reverse("assignments:task_detail", args=[task.pk]), Truncator(task.title).chars(140),
            format_html('<div class="muted small">{}</div>', task.document.symbol) if task.document else "",
            unit_l, task.unit.label or task.unit.name,
            format_html('<div class="muted small">{}</div>', task.responsible.full_name) if task.responsible else "",
            deadline_l, task.deadline.strftime("%d/%m/%Y"), flags[key],
            status_l, statuses[task.status],
            progress_l, bars[task.progress],
        )

    return format_html_join("\n", _ROW, (row(task) for task in tasks))


_UNIT_ROW = (
    '<tr><td data-label="{}"><a href="{}">{}</a></td>'
    '<td data-label="{}" class="num">{}</td><td data-label="{}" class="num">{}</td>'
    '<td data-label="{}" class="num">{}</td><td data-label="{}" class="num">{}</td>'
    '<td data-label="{}" class="num">{}</td><td data-label="{}" class="num">{}</td>'
    '<td data-label="{}">{}</td></tr>'
)


def _rate(value) -> str:
    return "—" if value is None else f"{value}%"


@register.simple_tag
def unit_count_rows(rows) -> SafeString:
    """The rows of an overview's "Units below" table (``selectors.unit_rows``): each unit with
    its tasks, open, overdue (a link to them), completion and on-time rates, long-running and
    average progress; drawn here as the task rows are."""
    unit_l, tasks_l, open_l, overdue_l, completion_l, on_time_l, long_l, progress_l = (
        _("Unit"), _("Tasks"), _("Open"), _("Overdue"), _("Completion rate"), _("On time"),
        _("Long-running"), _("Average progress"),
    )
    task_list = reverse("assignments:task_list")

    def row(r: dict) -> tuple:
        unit = r["unit"]
        overdue = (
            format_html('<a href="{}?unit={}&amp;flag=overdue">{}</a>', task_list, unit.pk, r["overdue"])
            if r["overdue"] else "0"
        )
        return (
            unit_l, reverse("assignments:unit_dashboard", args=[unit.pk]), unit.name,
            tasks_l, r["total"], open_l, r["open"], overdue_l, overdue,
            completion_l, _rate(r["completion_rate"]), on_time_l, _rate(r["on_time_rate"]),
            long_l, r["long_running"],
            progress_l, "—" if r["progress"] is None else progress_bar(r["progress"]),
        )

    return format_html_join("\n", _UNIT_ROW, (row(r) for r in rows))


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)


@register.simple_tag(takes_context=True)
def document_summary(context, document) -> dict:
    """How far a document's tasks are (``selectors.document_summary``), for the document's
    own page: ``{% load assignments %}{% document_summary document as summary %}``."""
    from dangbo.assignments.selectors import document_summary as summary_of

    return summary_of(user=context["request"].user, document=document)


@register.simple_tag(takes_context=True)
def can_assign_tasks(context) -> bool:
    """Whether the user manages a unit, so may assign tasks (the "Assign a task" buttons)."""
    from dangbo.core import policy
    from dangbo.core.policy import Action

    user = context["request"].user
    return policy.is_everything(user) or bool(policy.paths(user, Action.CHANGE))


@register.simple_tag(takes_context=True)
def decision_task(context, decision):
    """The task a meeting's decision became, if the user may see it (else None). The tasks of
    all the page's ``decisions`` are read in one query, the first time."""
    from dangbo.core import policy

    from ..models import Task

    request = context["request"]
    found = getattr(request, "_dangbo_decision_tasks", None)
    if found is None:
        decisions = context.get("decisions") or [decision]
        ids = [d.task_object_id for d in decisions if d.task_object_id is not None]
        found = {t.pk: t for t in policy.visible(request.user, Task).select_related("unit").filter(pk__in=ids)} if ids else {}
        request._dangbo_decision_tasks = found
    if decision.task_object_id is None or decision.task_content_type.model_class() is not Task:
        return None
    return found.get(decision.task_object_id)


@register.filter
def may_assign_from(decision, user) -> bool:
    """Whether ``user`` may make the decision a task (change its unit, which assigns it)."""
    from dangbo.core import policy
    from dangbo.core.policy import Action

    return policy.may(user, Action.CHANGE, decision.unit)
