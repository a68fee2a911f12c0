"""The "New documents" panel of the home page (registered in ``apps.py``; see
``dangbo.core.home``)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest

from . import selectors


def panel_context(request: HttpRequest, today: dt.date) -> dict:
    """The newest documents I may read and the study sessions my units or I must attend."""
    return selectors.home_summary(user=request.user, today=today)
