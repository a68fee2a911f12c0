"""Orgs' parts of the home page (registered in ``apps.py``; see ``dangbo.core.home``): a notice
when the account has no unit yet, then my units and my current positions."""

from __future__ import annotations

import datetime as dt

from dangbo.core.http import Request

from . import selectors


def _mine(request: Request) -> dict:
    """The units the user sees from the top and their current positions, read once per
    request (both places of the page ask)."""
    mine = getattr(request, "_orgs_home", None)
    if mine is None:
        person = request.person
        positions = list(selectors.person_positions(person=person).filter(end__isnull=True)) if person else []
        mine = {"roots": selectors.visible_roots(user=request.user), "positions": positions}
        request._orgs_home = mine  # type: ignore[attr-defined]
    return mine


def notice_context(request: Request, today: dt.date) -> dict | None:
    """"Ask the committee office…" for an account that sees no unit; nothing otherwise."""
    return None if _mine(request)["roots"] else {}


def units_context(request: Request, today: dt.date) -> dict | None:
    """Each unit I see from the top with its units below and members (two queries), and my
    current positions."""
    mine = _mine(request)
    if not mine["roots"] and not mine["positions"]:
        return None
    return {"summaries": selectors.unit_summaries(units=mine["roots"]), "positions": mine["positions"]}
