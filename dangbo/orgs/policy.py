"""The permission policy: the one place that answers who may see and do what.

A grant gives a role on a unit and covers the unit's whole subtree. Two questions:

* ``can(user, action, unit)`` — may the user do ``action`` on something that belongs to
  ``unit``?
* ``scope_q(user, action, prefix)`` — a ``Q`` that keeps only the rows the user may see (or
  change), given the lookup ``prefix`` from the row to its unit (``""`` for units
  themselves, ``"unit__"`` for anything with a ``unit`` foreign key). Lists, search,
  exports and the API all filter with it, inside the query.

Views reach single objects through ``get_<entity>_for_user`` helpers built on
``check_access``: not visible → 404, visible but not allowed → 403.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from .models import Grant, Role


class Action(StrEnum):
    VIEW = "view"
    CONTRIBUTE = "contribute"
    CHANGE = "change"
    REORGANISE = "reorganise"


REQUIRED_ROLE: dict[Action, Role] = {
    Action.VIEW: Role.VIEW,
    Action.CONTRIBUTE: Role.CONTRIBUTE,
    Action.CHANGE: Role.MANAGE,
    Action.REORGANISE: Role.ADMIN,
}

_CACHE_ATTR = "_dangbo_grant_paths"


def grant_paths(user) -> list[tuple[str, int]]:
    """The user's current grants as (unit path, role), read once per request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(Grant.objects.current().filter(user=user).values_list("unit__path", "role"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user) -> None:
    """Drop the per-request cache (after grants change)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_everything(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def _paths_for(user, action: Action) -> list[str]:
    needed = REQUIRED_ROLE[Action(action)]
    paths = sorted({path for path, role in grant_paths(user) if role >= needed})
    # Keep only the top-most paths: a grant below another grant adds nothing.
    tops: list[str] = []
    for path in paths:
        if not any(path.startswith(top) for top in tops):
            tops.append(path)
    return tops


def can(user, action: Action | str, unit) -> bool:
    """May ``user`` do ``action`` on something that belongs to ``unit``?"""
    if is_everything(user):
        return True
    return any(unit.path.startswith(path) for path in _paths_for(user, Action(action)))


def scope_q(user, action: Action | str = Action.VIEW, prefix: str = "") -> Q:
    """A filter keeping the rows whose unit lies under one of the user's grants."""
    if is_everything(user):
        return Q()
    paths = _paths_for(user, Action(action))
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


def check_access(user, unit, action: Action | str = Action.VIEW) -> None:
    """Raise 404 when ``unit`` is not visible, 403 when visible but ``action`` is not allowed."""
    if not can(user, Action.VIEW, unit):
        raise Http404
    if not can(user, action, unit):
        raise PermissionDenied


def max_role(user, unit) -> int:
    """The highest role the user holds over ``unit`` (0 when none). Nobody may grant more."""
    if is_everything(user):
        return max(Role.values)
    roles = [role for path, role in grant_paths(user) if unit.path.startswith(path)]
    return max(roles, default=0)
