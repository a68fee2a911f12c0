from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: How the cases' audit entries read in a history (``dangbo.core.audit``).
AUDIT_ACTIONS = {
    "case.create": _("Case received"),
    "case.acknowledge": _("Acknowledgement sent"),
    "case.answer": _("Answer given"),
    "case.close": _("Case closed"),
    "case.task": _("Case made a task"),
    "case.merge": _("Merged into another case"),
    "case.merge_in": _("Duplicate case merged in"),
    "case.identity_read": _("Protected identity read"),
    "case.identity_share": _("Named to read the protected identity"),
    "reception_day.create": _("Reception day added"),
    "reception_day.status": _("Reception day status changed"),
    "dialogue.create": _("Dialogue recorded"),
}
AUDIT_FIELDS: dict[str | tuple[str, str], Any] = {
    "petitioners": _("Petitioners"),
    "task": _("Task"),
    "person": _("Person"),
    "merged": _("Merged case"),
    ("case.merge_in", "petitioners"): _("Petitioners added"),
}


class CitizensConfig(AppConfig):
    name = "dangbo.citizens"
    label = "citizens"
    verbose_name = _("Citizens")

    def ready(self) -> None:
        from dangbo.assignments import scan as daily
        from dangbo.assignments.services import on_task_done
        from dangbo.core import audit, nav, search
        from dangbo.core.home import register_home_panel
        from dangbo.orgs import panels as unit_panels

        from . import home, policy  # noqa: F401 - policy registers the cases' permission policy
        from .models import Case
        from .scan import scan_cases
        from .services import case_task_done, search_case

        daily.register(scan_cases)
        on_task_done(case_task_done)
        search.register(
            "case", label=_("Citizen case"), build=search_case,
            queryset=lambda: Case.objects.select_related("unit").prefetch_related("petitioners"),
        )

        register_home_panel(40, "citizens/_home_panel.html", home.panel_context)
        unit_panels.register("citizens/_unit_panel.html")
        audit.register_labels(actions=AUDIT_ACTIONS, fields=AUDIT_FIELDS)
        nav.register_link(nav.MAIN, section="citizens", url_name="citizens:case_list", label=_("Citizen cases"), order=45)
