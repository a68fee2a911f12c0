from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "dangbo.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # accounts, notifications, rules: their policies; aggregates: the SQLite median on each new connection
        from . import accounts, aggregates, audit, nav, notifications, rules  # noqa: F401

        audit.register_labels(
            actions={
                "api_token.create": _("API token created"),
                "api_token.revoke": _("API token revoked"),
                "user.password_change": _("Password changed"),
                "notification_preference.update": _("E-mail preference changed"),
                "calendar_day.set": _("Calendar day saved"),
                "calendar_day.delete": _("Calendar day removed"),
                "deadline_rule.add": _("Deadline rule version added"),
                "deadline_rule.end": _("Deadline rule version ended"),
            },
            fields={"tokens_revoked": _("API tokens revoked")},
        )

        nav.register_link(nav.MAIN, section="home", url_name="core:home", label=_("Overview"), order=0)
        nav.register_link(nav.HOME, url_name="core:notifications", label=_("Notifications"), order=90)
