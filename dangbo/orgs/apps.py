from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: How the organisation's audit entries read in a history (``dangbo.core.audit``).
AUDIT_ACTIONS = {
    "unit.create": _("Unit created"),
    "unit.update": _("Unit changed"),
    "unit.move": _("Unit moved"),
    "unit.merge": _("Merged into another unit"),
    "unit.merge_into": _("Units merged into this one"),
    "unit.split": _("Unit split"),
    "term.create": _("Term created"),
    "position.create": _("Position given"),
    "position.end": _("Position ended"),
    "membership.create": _("Membership recorded"),
    "membership.transfer": _("Membership transferred"),
    "grant.create": _("Access granted"),
    "person.create": _("Person added"),
    "person.link_user": _("Account linked"),
}
AUDIT_FIELDS: dict[str | tuple[str, str], Any] = {("unit.move", "parent"): _("Parent unit")}


class OrgsConfig(AppConfig):
    name = "dangbo.orgs"
    label = "orgs"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from dangbo.core import audit, nav
        from dangbo.core.home import register_home_panel

        from . import home, policy, search

        policy.configure()
        search.register()
        register_home_panel(0, "orgs/_home_notice.html", home.notice_context, place="lead")
        register_home_panel(10, "orgs/_home_units.html", home.units_context, place="after")
        audit.register_labels(actions=AUDIT_ACTIONS, fields=AUDIT_FIELDS)
        nav.register_link(nav.MAIN, section="orgs", url_name="orgs:unit_list", label=_("Organisation"), order=50)
        nav.register_link(
            nav.MAIN, section="people", url_name="orgs:person_list", label=_("Cadres & members"), order=60
        )
