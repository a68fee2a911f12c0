from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "dangbo.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from dangbo.core import search
        from dangbo.core.home import register_home_panel
        from dangbo.orgs import panels

        from . import home, policy  # noqa: F401  (registers the register's policies)

        panels.register("documents/_unit_panel.html")
        register_home_panel(30, "documents/_home_panel.html", home.panel_context)

        from .models import Document
        from .services import search_document

        search.register(
            "document",
            label=_("Document"),
            build=search_document,
            queryset=lambda: Document.objects.select_related(
                "type", "issuer", "issuing_unit", "unit", "term"
            ).prefetch_related("fields"),
        )
