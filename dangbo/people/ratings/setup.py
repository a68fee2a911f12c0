"""What the ratings area registers when the app is ready: its policies (first), nav links, search
kinds and audit labels. Called from ``dangbo.people.apps.PeopleConfig.ready``."""

from typing import Any

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "rating.open": _("Rating opened from the evidence"),
    "rating.save": _("Rating saved"),
    "discipline.record": _("Discipline recorded"),
    "rating_campaign.open": _("Rating campaign opened"),
    "rating_campaign.prefill": _("Pre-fill of the ratings started"),
}
AUDIT_FIELDS: dict[str | tuple[str, str], Any] = {"adjusted": _("Adjusted figures")}


def ready() -> None:
    from dangbo.core import audit, evidence, nav

    from . import policy  # noqa: F401 - registers the ratings' permission policies
    from .evidence import LABELS, task_figures

    evidence.register(
        "tasks", label=LABELS["tasks_done"], subjects={"person", "unit", "unit_tree"}, collect=task_figures,
        figures=LABELS,
    )
    audit.register_labels(actions=AUDIT_ACTIONS, fields=AUDIT_FIELDS)
    nav.register_link(nav.MAIN, section="ratings", url_name="people:rating_home", label=_("Annual ratings"), order=68)
