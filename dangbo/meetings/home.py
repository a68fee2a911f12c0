"""The "Party cell meetings this month" panel of the home page (registered in ``apps.py``;
see ``dangbo.core.home``)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse

from dangbo.core import policy
from dangbo.core.policy import Action

from . import selectors
from .models import MeetingKind


def panel_context(request: HttpRequest, today: dt.date) -> dict:
    """How many of my cells held this month's regular meeting, which have not yet (with
    what to do about each), and my next meetings."""
    user = request.user
    summary = selectors.home_summary(user=user, today=today)
    month = summary["month"]
    for cell in summary["missing"]:
        # Who may schedule the cell's meeting (the cached grants, no query).
        cell.can_schedule = policy.may(user, Action.CHANGE, cell)
    query = urlencode({"kind": MeetingKind.REGULAR, "month": f"{month:%Y-%m}"})
    return {
        **summary,
        "not_held": summary["cells"] - summary["held"],
        "month_url": f"{reverse('meetings:meeting_list')}?{query}",
        "create_url": reverse("meetings:meeting_create"),
    }
