"""The one door: every permission decision of dangbo is asked here.

The shape is Wagtail's permission policies. Each kind of object has a ``Policy``, registered
by its app (``@policy.register(Model)`` in the app's ``policy.py``, imported by its
``AppConfig.ready``). Every policy answers the same verbs, in one action vocabulary:

* ``may(user, action, obj)`` — may this user do this action to this object?
* ``scope(user, action)`` — a ``Q`` over the model keeping the objects the user may see (or
  change): lists, search, exports and the API filter with it *inside* the SQL;
* ``hidden_fields(user, obj)`` — the fields of a visible object this user may not read
  (personal data, protected identities); pages, exports and API answers leave them out.

The module-level helpers dispatch to the registered policy:

* ``get_for_user(user, queryset, pk, action)`` fetches an object or raises 404 when it does not
  exist or is not visible, 403 when it is visible but ``action`` is not allowed — the one
  404/403 ladder of the project (``check`` is the same ladder for an object already in hand);
* ``visible(user, queryset, action)`` filters a queryset by the policy of its model.

Beneath the object policies lies the tree. A grant gives a role on a unit and covers its
whole subtree; ``paths``, ``covers``, ``under_q`` and ``above_paths`` (the units above the
user's grants) are the only code that reads grants. Core knows no domain: the app that owns
grants and people (``orgs``) hands this module its readers through ``configure``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import IntEnum, StrEnum
from typing import Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404


class Action(StrEnum):
    """What a user does to an object. One vocabulary for every app."""

    VIEW = "view"
    #: Add to it without changing it: report progress, tick attendance, roll-call.
    CONTRIBUTE = "contribute"
    CHANGE = "change"
    #: Split a task into sub-tasks for the units below.
    CASCADE = "cascade"
    #: Create, merge, move and close units; give grants.
    REORGANISE = "reorganise"
    #: Score a cell meeting as the cell itself, as the attending leader, as the ward above.
    SCORE_SELF = "score_self"
    SCORE_LEADER = "score_leader"
    SCORE_WARD = "score_ward"
    #: Record a leader's visit to a unit.
    LOG_VISIT = "log_visit"


class Level(IntEnum):
    """The role a grant gives on a unit's subtree; a higher role includes the lower."""

    VIEW = 10
    CONTRIBUTE = 20
    MANAGE = 30
    ADMIN = 40


#: The role each tree action needs, unless a policy says otherwise.
TREE_LEVEL: dict[Action, Level] = {
    Action.VIEW: Level.VIEW,
    Action.CONTRIBUTE: Level.CONTRIBUTE,
    Action.CHANGE: Level.MANAGE,
    Action.CASCADE: Level.MANAGE,
    Action.REORGANISE: Level.ADMIN,
}


# --- What the owner of grants and people hands in ------------------------------------------

GrantReader = Callable[[Any], list[tuple[str, int]]]
PersonReader = Callable[[Any], Any]


class _Sources:
    grants: GrantReader = staticmethod(lambda user: [])  # type: ignore[assignment]
    person: PersonReader = staticmethod(lambda user: None)  # type: ignore[assignment]
    steplen: int = 4


_sources = _Sources()


def configure(*, grants: GrantReader, person: PersonReader, steplen: int) -> None:
    """Called once by the app that owns grants (orgs): how to read a user's current grants as
    ``(unit path, role)`` and a user's person, and the length of one step of a unit path."""
    _sources.grants = grants  # type: ignore[assignment]
    _sources.person = person  # type: ignore[assignment]
    _sources.steplen = steplen


_GRANTS = "_dangbo_grant_paths"
_PERSON = "_dangbo_person"


def is_everything(user) -> bool:
    """A superuser sees and does everything."""
    return bool(getattr(user, "is_superuser", False) and getattr(user, "is_active", False))


def grants(user) -> list[tuple[str, int]]:
    """The user's current grants as (unit path, role), read once per request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _GRANTS, None)
    if cached is None:
        cached = list(_sources.grants(user))
        setattr(user, _GRANTS, cached)
    return cached


def person_of(user):
    """The user's person (``request.person`` reads this), looked up once per request."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, _PERSON):
        setattr(user, _PERSON, _sources.person(user))
    return getattr(user, _PERSON)


#: Other per-user caches, dropped by ``forget`` (apps add theirs with ``remember``).
_caches: set[str] = {_GRANTS, _PERSON}


def remember(attr: str) -> str:
    """Register the name of a per-user cache attribute so that ``forget`` drops it too."""
    _caches.add(attr)
    return attr


def forget(user) -> None:
    """Drop every per-request cache of the user (after grants, positions or leaders change)."""
    for attr in _caches:
        if user is not None and hasattr(user, attr):
            delattr(user, attr)


# --- The tree ------------------------------------------------------------------------------


def _level(action: Action | str | Level | int) -> int:
    if isinstance(action, int):
        return int(action)
    return TREE_LEVEL[Action(action)]


def paths(user, level: Action | str | Level | int = Level.VIEW) -> list[str]:
    """The top-most unit paths where the user holds at least ``level`` (an action or a role).

    A grant below another grant adds nothing, so it is left out.
    """
    needed = _level(level)
    found = sorted({path for path, role in grants(user) if role >= needed})
    tops: list[str] = []
    for path in found:
        if not any(path.startswith(top) for top in tops):
            tops.append(path)
    return tops


def covers(user, level: Action | str | Level | int, path: str) -> bool:
    """Does a grant of at least ``level`` cover the unit at ``path``?"""
    if is_everything(user):
        return True
    return any(path.startswith(top) for top in paths(user, level))


def under_q(user, level: Action | str | Level | int = Level.VIEW, prefix: str = "") -> Q:
    """Rows whose unit (at lookup ``prefix``: ``""`` for units, ``"unit__"`` for a foreign
    key) lies under one of the user's grants of at least ``level``."""
    if is_everything(user):
        return Q()
    tops = paths(user, level)
    if not tops:
        return Q(pk__in=[])
    q = Q()
    for top in tops:
        q |= Q(**{f"{prefix}path__startswith": top})
    return q


def ancestors(path: str) -> list[str]:
    """The paths of a unit and every unit above it, root first."""
    step = _sources.steplen
    return [path[:i] for i in range(step, len(path) + 1, step)]


def above_paths(user, level: Action | str | Level | int = Level.VIEW) -> list[str]:
    """The units above the user's grants (and those of the grants themselves): the audience
    side of "shared down" documents and required study sessions."""
    needed = _level(level)
    found: set[str] = set()
    for path, role in grants(user):
        if role >= needed:
            found.update(ancestors(path))
    return sorted(found)


def holds_below(user, level: Action | str | Level | int, path: str) -> bool:
    """Does the user hold ``level`` on the unit at ``path`` or on some unit below it?"""
    if is_everything(user):
        return True
    needed = _level(level)
    return any(p.startswith(path) and role >= needed for p, role in grants(user))


def max_level(user, path: str) -> int:
    """The highest role the user holds over the unit at ``path`` (0 when none)."""
    if is_everything(user):
        return max(Level)
    return max((role for p, role in grants(user) if path.startswith(p)), default=0)


# --- Object policies -----------------------------------------------------------------------

M = TypeVar("M", bound=models.Model)


class Policy(Generic[M]):
    """The rules for one kind of object. Subclasses answer ``may`` and ``scope``."""

    model: type[M]
    #: A superuser may do everything to these objects (not to someone's own inbox, say).
    superuser_may_all = True

    def may(self, user, action: Action, obj: M) -> bool:
        raise NotImplementedError

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        raise NotImplementedError

    def hidden_fields(self, user, obj: M) -> frozenset[str]:
        """Fields of a visible object the user may not read. None by default."""
        return frozenset()


class TreePolicy(Policy[M]):
    """Objects that belong to a unit (at ``unit_field``), ruled by grants on its subtree.

    ``levels`` maps each action to the role it needs; actions missing are refused.
    """

    #: The lookup from the object to its unit; ``""`` for units themselves.
    unit_field = "unit"
    levels: dict[Action, Level] = TREE_LEVEL

    def unit_path(self, obj: M) -> str | None:
        unit: Any = getattr(obj, self.unit_field) if self.unit_field else obj
        return None if unit is None else unit.path

    def prefix(self) -> str:
        return f"{self.unit_field}__" if self.unit_field else ""

    def may(self, user, action: Action, obj: M) -> bool:
        level = self.levels.get(Action(action))
        path = self.unit_path(obj)
        return level is not None and path is not None and covers(user, level, path)

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        level = self.levels.get(Action(action))
        if level is None:
            return Q() if is_everything(user) else Q(pk__in=[])
        return under_q(user, level, self.prefix())


class PartPolicy(Policy[M]):
    """Objects that are part of another, reached at the lookup ``via`` (``"task"``,
    ``"report__task"``): whoever may do an action to the whole may do it to the part, and the
    parts are seen where the whole is (a document's files, a task's reports, a set's criteria)."""

    via: str

    def whole(self, obj: M) -> models.Model:
        whole: Any = obj
        for name in self.via.split("__"):
            whole = getattr(whole, name)
        return whole

    def whole_model(self) -> type[models.Model]:
        model: Any = self.model
        for name in self.via.split("__"):
            model = model._meta.get_field(name).related_model
        return model

    def may(self, user, action: Action, obj: M) -> bool:
        return may(user, action, self.whole(obj))

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        return Q(**{f"{self.via}__in": visible(user, self.whole_model(), action).values("pk")})


_registry: dict[type[models.Model], Policy] = {}

P = TypeVar("P", bound=type[Policy])


def register(model: type[models.Model]) -> Callable[[P], P]:
    """Class decorator: ``@register(Task) class TaskPolicy(Policy): …``."""

    def decorate(cls: P) -> P:
        if model in _registry and type(_registry[model]) is not cls:
            raise ValueError(f"a policy is already registered for {model.__name__}")
        instance = cls()
        instance.model = model
        _registry[model] = instance
        return cls

    return decorate


def policy_for(model_or_obj: type[models.Model] | models.Model) -> Policy:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    model = model._meta.concrete_model or model
    try:
        return _registry[model]
    except KeyError:
        raise LookupError(f"no permission policy is registered for {model.__name__}") from None


def registered() -> dict[type[models.Model], Policy]:
    return dict(_registry)


def may(user, action: Action | str, obj: models.Model) -> bool:
    """May ``user`` do ``action`` to ``obj``?"""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    rules = policy_for(obj)
    if rules.superuser_may_all and is_everything(user):
        return True
    return rules.may(user, Action(action), obj)


def scope(user, model: type[models.Model], action: Action | str = Action.VIEW) -> Q:
    """The ``Q`` over ``model`` keeping what the user may see (or do ``action`` to)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Q(pk__in=[])
    rules = policy_for(model)
    if rules.superuser_may_all and is_everything(user):
        return Q()
    return rules.scope(user, Action(action))


def visible(user, queryset: models.QuerySet[M] | type[M], action: Action | str = Action.VIEW) -> models.QuerySet[M]:
    """``queryset`` (or the model's default manager) filtered by the policy, in the SQL."""
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    return qs.filter(scope(user, qs.model, action))


def check(user, obj: M | None, action: Action | str = Action.VIEW) -> M:
    """The ladder: missing or not visible → 404; visible but ``action`` not allowed → 403."""
    if obj is None or not may(user, Action.VIEW, obj):
        raise Http404
    if Action(action) != Action.VIEW and not may(user, action, obj):
        raise PermissionDenied
    return obj


def get_for_user(
    user, queryset: models.QuerySet[M] | type[M], pk: Any, action: Action | str = Action.VIEW
) -> M:
    """Fetch the object ``pk`` for ``user``: 404 when it does not exist or is not visible
    (the same answer, so that ids cannot be probed), 403 when ``action`` is not allowed."""
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    try:
        obj = qs.filter(pk=pk).first()
    except (TypeError, ValueError):
        obj = None
    return check(user, obj, action)


def hidden_fields(user, obj: models.Model) -> frozenset[str]:
    """The fields of ``obj`` this user may not read (empty for a superuser)."""
    if is_everything(user):
        return frozenset()
    return policy_for(obj).hidden_fields(user, obj)


def readable(user, obj: models.Model, field: str) -> bool:
    return field not in hidden_fields(user, obj)


class Readable(dict):
    """``readable.<field>`` for templates: ``False`` for a hidden field, ``True`` otherwise."""

    def __init__(self, hidden: frozenset[str]) -> None:
        super().__init__({name: False for name in hidden})

    def __missing__(self, key: str) -> bool:
        return True


def readable_fields(user, obj: models.Model) -> Readable:
    """What a template asks before it shows a field that a policy may hide."""
    return Readable(hidden_fields(user, obj))


def permissions(user, obj: models.Model, actions: Iterable[Action | str]) -> dict[str, bool]:
    """``{"can_<action>": bool}`` for templates."""
    return {f"can_{Action(a).value}": may(user, a, obj) for a in actions}


def require(actor, obj: M | None, action: Action | str = Action.VIEW) -> M:
    """The ladder inside a service, so that the page, the API, a command and a job obey the
    same rule. ``actor=None`` is the system itself (data migrations, the demo loader, the daily
    scan), which is trusted; every person acts as a user and is checked."""
    if actor is None:
        if obj is None:
            raise Http404
        return obj
    return check(actor, obj, action)
