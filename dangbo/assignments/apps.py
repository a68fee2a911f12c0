from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: How the tasks' and inspections' audit entries read in a history (``dangbo.core.audit``).
AUDIT_ACTIONS = {
    "task.assign": _("Task assigned"),
    "task.update": _("Task changed"),
    "task.report": _("Progress reported"),
    "task.in_progress": _("Set in progress"),
    "task.awaiting": _("Sent for confirmation"),
    "task.done": _("Confirmed as done"),
    "task.paused": _("Task paused"),
    "task.cancelled": _("Task cancelled"),
    "inspection_program.create": _("Program created"),
    "inspection_program.update": _("Program corrected"),
    "inspection.create": _("Inspection added"),
    "inspection.update": _("Inspection corrected"),
    "inspection.conclude": _("Conclusion recorded"),
    "inspection.recommendation": _("Recommendation made a task"),
}
AUDIT_FIELDS: dict[str | tuple[str, str], Any] = {
    "percent": _("Progress"),
    ("task.report", "text"): _("Report"),
    "files": _("Files"),
    "period": _("Period"),
    "rolled_up": _("Progress rolled up from the sub-tasks"),
    "recommendation": _("Recommendation"),
    "responsible": _("Responsible person"),
}


class AssignmentsConfig(AppConfig):
    name = "dangbo.assignments"
    label = "assignments"
    verbose_name = _("Tasks")

    def ready(self) -> None:
        from dangbo.core import audit, nav
        from dangbo.core.home import register_home_panel
        from dangbo.documents import panels as document_panels
        from dangbo.meetings import panels as meeting_panels
        from dangbo.orgs import hooks

        from . import home, policy  # noqa: F401 - registers the tasks' permission policies

        register_home_panel(10, "assignments/_home_panel.html", home.panel_context)
        from dangbo.core import search

        from .models import Task
        from .services import search_task

        search.register(
            "task", label=_("Task"), build=search_task,
            queryset=lambda: Task.objects.select_related("unit"),
        )
        document_panels.register("assignments/_document_actions.html", place="actions")
        document_panels.register("assignments/_document_panel.html")
        meeting_panels.register_decision_cell("assignments/_decision_cell.html")
        audit.register_labels(actions=AUDIT_ACTIONS, fields=AUDIT_FIELDS, percent_keys=("percent", "progress"))
        nav.register_link(nav.MAIN, section="tasks", url_name="assignments:task_list", label=_("Tasks"), order=30)
        nav.register_link(nav.HOME, url_name="assignments:my_work", label=_("My work"), order=10, primary=True)

        from .services import task_paths_refresh

        hooks.on_paths_changed(lambda unit: task_paths_refresh(unit=unit))
