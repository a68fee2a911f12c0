"""The report cadence of a task on its page: ``{% load assignments_cadence %}``
``{% report_state task today as report %}`` (one query, none for a task without a cadence)."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.simple_tag
def report_state(task, today: dt.date):
    """The task's ``ReportState`` (see ``dangbo.assignments.cadence``) or None."""
    from dangbo.assignments.selectors import report_states

    return report_states(tasks=[task], today=today).get(task.pk)
