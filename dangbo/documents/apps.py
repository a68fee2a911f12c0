from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: How the documents' audit entries read in a history (``dangbo.core.audit``).
AUDIT_ACTIONS = {
    "document.register": _("Document registered"),
    "document.update": _("Document changed"),
    "document.status": _("Validity changed"),
    "document.relate": _("Related document added"),
    "document.unrelate": _("Related document removed"),
    "document.attach": _("File attached"),
    "study.create": _("Study session created"),
    "study.attendance": _("Attendance recorded"),
    "study.material": _("Material added"),
}


class DocumentsConfig(AppConfig):
    name = "dangbo.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from dangbo.core import audit, nav, search
        from dangbo.core.home import register_home_panel
        from dangbo.orgs import panels

        from . import home, policy  # noqa: F401  (registers the register's policies)

        panels.register("documents/_unit_panel.html")
        register_home_panel(30, "documents/_home_panel.html", home.panel_context)
        from .models import DocumentRelation

        kinds = dict(DocumentRelation.Kind.choices)
        audit.register_labels(
            actions=AUDIT_ACTIONS,
            fields={
                ("document.relate", "kind"): _("Relation"), ("document.unrelate", "kind"): _("Relation"),
                ("document.relate", "target"): _("Document"), ("document.unrelate", "target"): _("Document"),
            },
            values={(action, "kind"): kinds for action in ("document.relate", "document.unrelate")},
            # The term is stored twice (the term and its code, both "Nhiệm kỳ"): shown by its code.
            folded={(action, "term"): "term_code" for action in ("document.register", "document.update")},
        )
        nav.register_link(
            nav.MAIN, section="documents", url_name="documents:document_list", label=_("Documents"), order=20
        )

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
