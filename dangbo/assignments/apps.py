from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    name = "dangbo.assignments"
    label = "assignments"
    verbose_name = _("Tasks")

    def ready(self) -> None:
        from dangbo.core.home import register_home_panel
        from dangbo.orgs import hooks

        from . import home, policy  # noqa: F401 - registers the tasks' permission policies

        register_home_panel(10, "assignments/_home_panel.html", home.panel_context)

        from .services import task_paths_refresh

        hooks.on_paths_changed(lambda unit: task_paths_refresh(unit=unit))
