from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "review.create": _("Term review drafted"),
    "review.edit": _("Term review wording edited"),
    "review.refresh": _("Term review figures refreshed"),
    "periodic.draft": _("Periodic report drafted"),
    "periodic.submit": _("Periodic report submitted"),
}


class ReportsConfig(AppConfig):
    name = "dangbo.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from dangbo.assignments import scan as daily
        from dangbo.core import audit, nav

        from . import policy  # noqa: F401 - registers the reports' permission policy first
        from .scan import scan_periodic

        daily.register(scan_periodic)
        audit.register_labels(actions=AUDIT_ACTIONS, fields={"sentence": _("Sentence"), "term": _("Term")})
        nav.register_link(nav.MAIN, section="reports", url_name="reports:index", label=_("Reports"), order=48)
