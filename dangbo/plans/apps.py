from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "theme.create": _("Theme recorded"),
    "theme.update": _("Theme changed"),
    "theme_item.create": _("Item added"),
    "theme_item.update": _("Item changed"),
    "theme_item.milestone": _("Milestone added"),
    "theme_item.milestone_remove": _("Milestone removed"),
    "theme_item.link": _("Tasks linked"),
    "theme_item.unlink": _("Task unlinked"),
    "theme_item.assign": _("Tasks assigned from the item"),
    "theme_item.confidence": _("Delivery confidence rated"),
    "commitment.create": _("Commitment recorded"),
    "commitment.status": _("Quarterly status reported"),
    "commitment.correct": _("Quarterly status corrected after the year was closed"),
    "commitment.comment": _("Upper level commented"),
    "commitment.scan": _("Signed scan attached"),
    "commitment.link": _("Evidence linked"),
    "commitment.self_evaluate": _("Self-evaluation written"),
    "commitment.evaluate": _("Commitment evaluated"),
    "commitment.evaluate_items": _("Items evaluated"),
    "indicator.create": _("Indicator created"),
    "indicator.target": _("Target set"),
    "indicator.actual": _("Result recorded"),
    "indicator.compute": _("Results computed from the records"),
    "document.task_proposals": _("Tasks assigned from the document's proposals"),
}
AUDIT_FIELDS: dict[str | tuple[str, str], Any] = {
    "tasks": _("Tasks"),
    "units": _("Units"),
    "milestone": _("Milestone"),
    "items": _("Commitment items"),
    "item": _("Item"),
    "quarter": _("Quarter"),
    "comment": _("Comment"),
    "value": _("Value"),
    "level": _("Delivery confidence"),
    "rater": _("Rater"),
    "scan": _("Signed scan"),
    "results": _("Results"),
    "computed_from": _("Computed from"),
}


class PlansConfig(AppConfig):
    name = "dangbo.plans"
    label = "plans"
    verbose_name = _("Plans")

    def ready(self) -> None:
        from dangbo.assignments import scan as daily
        from dangbo.core import audit, evidence, nav, search
        from dangbo.documents import panels as document_panels

        from . import policy  # noqa: F401 - registers the plans' permission policies
        from .evidence import LABEL, TARGET_SUBJECT, commitment_figures, indicator_targets
        from .models import Commitment, Indicator, Theme, ThemeItem
        from .services import (
            refresh_computed_indicators,
            search_commitment,
            search_indicator,
            search_item,
            search_theme,
        )

        document_panels.register("plans/_document_actions.html", place="actions")
        audit.register_labels(actions=AUDIT_ACTIONS, fields=AUDIT_FIELDS, percent_keys=("expected_progress",))
        daily.register(refresh_computed_indicators)
        evidence.register("commitments", label=LABEL, subjects={"person", "unit"}, collect=commitment_figures)
        evidence.register(
            "indicator_targets", label=_("Targets of the term's indicators"), subjects={TARGET_SUBJECT},
            collect=indicator_targets,
        )
        nav.register_link(nav.MAIN, section="plans", url_name="plans:theme_list", label=_("Annual themes"), order=35)
        search.register(
            "theme", label=_("Annual theme"), build=search_theme,
            queryset=lambda: Theme.objects.select_related("unit"),
        )
        search.register(
            "theme_item", label=_("Theme item"), build=search_item,
            queryset=lambda: ThemeItem.objects.select_related("theme__unit"),
        )
        search.register(
            "commitment", label=_("Responsibility commitment"), build=search_commitment,
            queryset=lambda: Commitment.objects.select_related("lower_unit").prefetch_related("items"),
        )
        search.register(
            "indicator", label=_("Indicator"), build=search_indicator,
            queryset=lambda: Indicator.objects.select_related("term"),
        )
        nav.register_link(
            nav.MAIN, section="commitments", url_name="plans:commitment_list",
            label=_("Commitments and indicators"), order=36,
        )
