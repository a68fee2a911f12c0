from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    """Members, admission, cadres and ratings: four areas of one app, each in its own package
    (models, services, policy, views, urls, api, demo), registered here."""

    name = "dangbo.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from .admission import setup as admission
        from .cadres import setup as cadres
        from .members import setup as members
        from .ratings import setup as ratings

        for area in (members, admission, cadres, ratings):
            area.ready()
