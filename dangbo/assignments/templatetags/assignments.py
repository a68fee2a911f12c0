from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.inclusion_tag("assignments/_flags.html")
def task_flags(task, today: dt.date) -> dict:
    """The computed follow-up badges of a task (overdue, behind, due soon, long-running)."""
    return {"flags": task.flags(today)}


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)


@register.inclusion_tag("assignments/_document_progress.html", takes_context=True)
def document_progress(context, document) -> dict:
    """How far a document's tasks are, for the document's own page:
    ``{% load assignments %}{% document_progress document %}``."""
    from dangbo.assignments.selectors import document_summary

    user = context["request"].user
    return {"summary": document_summary(user=user, document=document), "document": document}
