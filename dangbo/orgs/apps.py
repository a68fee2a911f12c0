from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "dangbo.orgs"
    label = "orgs"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from . import policy, search

        policy.configure()
        search.register()
