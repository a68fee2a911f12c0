"""The "To do" panel of the home page (registered in ``apps.py``; see ``dangbo.core.home``)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors


def panel_context(request: HttpRequest, today: dt.date) -> dict:
    """Counts of my units' tasks that need acting on, each opening its list, and the most
    urgent tasks (two queries)."""
    summary = selectors.home_summary(user=request.user, today=today)
    task_list = reverse("assignments:task_list")
    my_work = reverse("assignments:my_work")

    def flagged(flag: str) -> str:
        return f"{task_list}?{urlencode({'flag': flag})}"

    counts = [
        {"key": "overdue", "label": _("Overdue"), "n": summary["overdue"], "url": flagged("overdue"), "tone": "danger"},
        {"key": "due_soon", "label": _("Due soon"), "n": summary["due_soon"], "url": flagged("due_soon"), "tone": "soon"},
        {"key": "behind", "label": _("Behind schedule"), "n": summary["behind"], "url": flagged("behind"), "tone": "warn"},
        {"key": "awaiting", "label": _("Waiting for my confirmation"), "n": summary["awaiting"], "url": f"{my_work}#awaiting", "tone": "warn"},
        {"key": "reports", "label": _("Periodic reports to send"), "n": summary["reports"], "url": f"{my_work}#reports", "tone": "warn"},
    ]
    return {"counts": counts, "urgent": summary["urgent"], "my_work_url": my_work, "task_list_url": task_list}
