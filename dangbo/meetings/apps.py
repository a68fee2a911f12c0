from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: How the meetings', criteria's and leaders' audit entries read in a history
#: (``dangbo.core.audit``).
AUDIT_ACTIONS = {
    "meeting.create": _("Meeting scheduled"),
    "meeting.update": _("Meeting changed"),
    "meeting.record": _("Minutes recorded"),
    "meeting.roll_call": _("Roll-call taken"),
    "meeting.guest": _("Guest added"),
    "meeting.close": _("Meeting closed"),
    "meeting.score": _("Meeting scored"),
    "meeting.correction": _("Correction after closing"),
    "meeting.decision": _("Decision recorded"),
    "meeting.decision_task": _("Decision made a task"),
    "criteria_set.version": _("New version made"),
    "criteria_set.thresholds": _("Grades changed"),
    "criteria_section.update": _("Section renamed"),
    "criterion.add": _("Criterion added"),
    "criterion.update": _("Criterion changed"),
    "criterion.remove": _("Criterion removed"),
    "leader.assign": _("Leader assigned"),
    "leader.end": _("Leader assignment ended"),
    "leader.visit": _("Visit logged"),
    "working_group.create": _("Working group set up"),
}
AUDIT_FIELDS: dict[str | tuple[str, str], Any] = {
    "total": _("Total"),
    "rater": _("Scored by"),
    "guest": _("Guest"),
    "grades": _("Grades"),
    "from": _("Based on"),
    "task": _("Task"),
    "units": _("Units followed"),
    "grade": _("Grade"),
    "score": _("Score"),
}


class MeetingsConfig(AppConfig):
    name = "dangbo.meetings"
    label = "meetings"
    verbose_name = _("Party cell meetings")

    def ready(self) -> None:
        from dangbo.core import audit, evidence, nav
        from dangbo.core.home import register_home_panel

        from . import home, policy  # noqa: F401  (registers the meetings' policies)
        from .evidence import CELLS_GOOD, LABEL, attendance_figures, cell_grade_figures

        evidence.register("attendance", label=LABEL, subjects={"person", "unit"}, collect=attendance_figures)
        evidence.register("cell_grades", label=CELLS_GOOD, subjects={"unit_tree"}, collect=cell_grade_figures,
                          figures={"cells_good": CELLS_GOOD})

        register_home_panel(20, "meetings/_home_panel.html", home.panel_context)
        audit.register_labels(actions=AUDIT_ACTIONS, fields=AUDIT_FIELDS)
        nav.register_link(
            nav.MAIN, section="meetings", url_name="meetings:meeting_list", label=_("Party cell meetings"), order=40
        )
        nav.register_link(nav.HOME, url_name="meetings:my_view", label=_("My cells and meetings"), order=20)
        from dangbo.core import search

        from .models import Meeting
        from .services import search_meeting

        search.register(
            "meeting", label=_("Meeting"), build=search_meeting,
            queryset=lambda: Meeting.objects.select_related("unit"),
        )
