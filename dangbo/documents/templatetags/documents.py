"""Template tags of the document register: ``{% load documents %}``."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

register = template.Library()


@register.inclusion_tag("documents/_study_completion.html", takes_context=True)
def study_completion(context, unit) -> dict:
    """For a unit's page: each document its members were asked to study and the share who
    attended (``{% load documents %}{% study_completion unit %}``). Two queries."""
    from dangbo.documents.selectors import unit_completion

    user = context["request"].user
    return {
        "unit": unit,
        "rows": unit_completion(user=user, unit=unit),
        "first_column": _("Document"),
        "empty": _("No study session has required this unit's members yet."),
        "create_url": None,
    }


@register.inclusion_tag("documents/_study_completion.html", takes_context=True)
def document_study(context, document) -> dict:
    """For a document's page: each unit required to study it and the share who attended."""
    from dangbo.documents.selectors import document_completion
    from dangbo.orgs.selectors import manageable_units

    user = context["request"].user
    can_create = manageable_units(user=user).exists()
    return {
        "unit": document,
        "rows": document_completion(user=user, document=document),
        "first_column": _("Unit"),
        "empty": _("No study session on this document is recorded."),
        "create_url": reverse("documents:study_create") + f"?document={document.pk}" if can_create else None,
    }
