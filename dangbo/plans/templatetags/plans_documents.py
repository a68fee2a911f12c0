"""What plans adds to a document's page."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from dangbo.core import policy
from dangbo.core.policy import Action

from ..selectors import PROPOSAL_TYPES

register = template.Library()


@register.simple_tag(takes_context=True)
def task_proposals_link(context, document) -> SafeString | str:
    """The link to the tasks a plan, programme or conclusion proposes, for whoever may assign
    them (no query: the user's grants are cached)."""
    if document.type_abbr not in PROPOSAL_TYPES or not policy.may(context["request"].user, Action.CHANGE, document):
        return ""
    url = reverse("plans:document_proposals", args=[document.pk])
    return format_html('<a class="button" href="{}">{}</a>', url, _("Tasks proposed from the text"))
