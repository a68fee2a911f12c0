"""The organisation's entries in the one permission door (``dangbo.core.policy``).

A grant gives a role on a unit and covers the unit's whole subtree:

* a unit, its positions and terms follow the tree (view < contribute < change < reorganise);
* a person is visible to whoever sees a unit where they are or were a member or hold a
  position (a former member stays on the roster of the cells they were in); their hometown
  and party card number only to whoever may change the unit they are in now (or were in last),
  and to themselves; their sensitive data (birth date, citizen ID, phone, address) only to
  the organisation board (the administering role over their cell) and their own cell
  secretary (a managing role on that very cell), and to themselves;
* nobody gives a role higher than their own (``role_ceiling``): the position and grant
  services enforce it, the forms only offer what it allows.

This module also hands the core policy its readers of grants and people (``configure``).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from dangbo.core import policy
from dangbo.core.policy import Action, Level, TreePolicy

from .models import Grant, Membership, Person, Position, Term, Unit


def _grants(user) -> list[tuple[str, int]]:
    return list(Grant.objects.current().filter(user=user).values_list("unit__path", "role"))


def _person(user) -> Person | None:
    if get_user_model().person.is_cached(user):  # read with the account (``orgs.auth.AccountBackend``)
        return getattr(user, "person", None)
    return Person.objects.filter(user=user).first()


def configure() -> None:
    policy.configure(grants=_grants, person=_person, steplen=Unit.steplen)


@policy.register(Unit)
class UnitPolicy(TreePolicy[Unit]):
    unit_field = ""


@policy.register(Position)
class PositionPolicy(TreePolicy[Position]):
    pass


@policy.register(Term)
class TermPolicy(TreePolicy[Term]):
    pass


@policy.register(Membership)
class MembershipPolicy(TreePolicy[Membership]):
    pass


#: Personal data: read by whoever may change one of the person's units, and by the person.
PERSONAL_FIELDS = frozenset({"hometown", "party_card_number"})
#: Sensitive personal data: read only by the organisation board (whoever holds the
#: administering role over the person's cell) and the person's own cell secretary (a managing
#: role on that very cell), and by the person.
SENSITIVE_FIELDS = frozenset({"birth_date", "citizen_id", "phone", "address"})


def _last_cell_path(person: Person) -> str | None:
    last = Membership.objects.filter(person=person).order_by("-start", "-pk").select_related("unit").first()
    return last.unit.path if last else None


def _person_units(person: Person, *, past: bool = False):
    """The units a person belongs to: current cells and positions (``past``: every cell ever).
    A former member belongs to the cell they were last in."""
    memberships = Q(memberships__person=person) if past else Q(memberships__person=person, memberships__end__isnull=True)
    units = Unit.objects.filter(memberships | Q(positions__person=person))
    if not past and not Membership.objects.filter(person=person, end__isnull=True).exists():
        last = _last_cell_path(person)
        if last:
            units = Unit.objects.filter(Q(path=last) | Q(positions__person=person))
    return units


def home_cell_paths(person: Person) -> list[str]:
    """The cells a person's roster entry is in: the current ones, else the last one."""
    current = list(
        Membership.objects.filter(person=person, end__isnull=True).values_list("unit__path", flat=True)
    )
    if current:
        return current
    last = _last_cell_path(person)
    return [last] if last else []


def sensitive_reader(user):
    """``reads(cell_path)``: may ``user`` read the sensitive personal data of a member of the
    cell at ``cell_path``? No query per call: lists and exports ask it for every row."""
    if policy.is_everything(user):
        return lambda path: True
    board = policy.paths(user, Level.ADMIN)
    cells = {path for path, role in policy.grants(user) if role >= Level.MANAGE}

    def reads(path: str | None) -> bool:
        if not path:
            return False
        return path in cells or any(path.startswith(top) for top in board)

    return reads


@policy.register(Person)
class PersonPolicy(policy.Policy[Person]):
    def scope(self, user, action: Action = Action.VIEW) -> Q:
        level = policy.TREE_LEVEL.get(action)
        if level is None:
            return Q(pk__in=[])
        units = Unit.objects.filter(policy.under_q(user, level)).values("pk")
        own = Q(user=user)
        # A former member stays on the roster of the cells they were in (``past`` below).
        memberships = Membership.objects.filter(unit__in=units)
        if action != Action.VIEW:  # changed where they are now, or were last
            later = Membership.objects.filter(person=OuterRef("person"), start__gt=OuterRef("start"))
            memberships = memberships.filter(~Exists(later))
        return (
            Q(pk__in=memberships.values("person_id"))
            | Q(pk__in=Position.objects.filter(unit__in=units).values("person_id"))
            | own
        )

    def may(self, user, action: Action, obj: Person) -> bool:
        level = policy.TREE_LEVEL.get(action)
        if level is None:
            return False
        if action == Action.VIEW and obj.user_id is not None and obj.user_id == user.pk:
            return True
        paths = _person_units(obj, past=action == Action.VIEW).values_list("path", flat=True)
        return any(policy.covers(user, level, path) for path in paths)

    def hidden_fields(self, user, obj: Person) -> frozenset[str]:
        if obj.user_id is not None and obj.user_id == user.pk:
            return frozenset()
        hidden: set[str] = set()
        if not self.may(user, Action.CHANGE, obj):
            hidden |= PERSONAL_FIELDS
        reads = sensitive_reader(user)
        if not any(reads(path) for path in home_cell_paths(obj)):
            board = policy.paths(user, Level.ADMIN)
            held = Position.objects.filter(person=obj).current().values_list("unit__path", flat=True)
            if not any(path.startswith(top) for path in held for top in board):
                hidden |= SENSITIVE_FIELDS
        return frozenset(hidden)


@policy.register(Grant)
class GrantPolicy(TreePolicy[Grant]):
    """Grants are read by whoever sees the unit and given by whoever may reorganise it."""

    levels = {Action.VIEW: Level.VIEW, Action.CHANGE: Level.ADMIN}


def require_person(actor, person: Person) -> Person:
    """A person a change names (a new position holder, a leader, a guest) must be someone
    ``actor`` may see, or someone new who belongs nowhere yet; else 404, the same answer as a
    missing id, so that ids cannot be probed. ``actor=None`` is the trusted system."""
    if actor is None or policy.may(actor, Action.VIEW, person):
        return person
    if Membership.objects.filter(person=person).exists() or Position.objects.filter(person=person).exists():
        raise Http404
    return person


def role_ceiling(user, unit: Unit) -> int:
    """The highest role ``user`` may give on ``unit``: their own there (0 when none)."""
    return policy.max_level(user, unit.path)
