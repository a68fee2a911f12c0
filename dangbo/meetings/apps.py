from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "dangbo.meetings"
    label = "meetings"
    verbose_name = _("Party cell meetings")

    def ready(self) -> None:
        from dangbo.core.home import register_home_panel

        from . import home, policy  # noqa: F401  (registers the meetings' policies)

        register_home_panel(20, "meetings/_home_panel.html", home.panel_context)
