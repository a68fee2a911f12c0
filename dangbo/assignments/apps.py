from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    name = "dangbo.assignments"
    label = "assignments"
    verbose_name = _("Tasks")

    def ready(self) -> None:
        from dangbo.orgs import hooks

        from .services import task_paths_refresh

        hooks.on_paths_changed(lambda unit: task_paths_refresh(unit=unit))
