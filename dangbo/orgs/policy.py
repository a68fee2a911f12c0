"""The organisation's entries in the one permission door (``dangbo.core.policy``).

A grant gives a role on a unit and covers the unit's whole subtree:

* a unit, its positions and terms follow the tree (view < contribute < change < reorganise);
* a person is visible to whoever sees a unit where they are a current member or hold a
  position; their personal data (birth date, hometown, party card number) only to whoever may
  change that unit, and to themselves;
* nobody gives a role higher than their own (``role_ceiling``): the position and grant
  services enforce it, the forms only offer what it allows.

This module also hands the core policy its readers of grants and people (``configure``).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from dangbo.core import policy
from dangbo.core.policy import Action, Level, TreePolicy

from .models import Grant, Membership, Person, Position, Term, Unit


def _grants(user) -> list[tuple[str, int]]:
    return list(Grant.objects.current().filter(user=user).values_list("unit__path", "role"))


def _person(user) -> Person | None:
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
PERSONAL_FIELDS = frozenset({"birth_date", "hometown", "party_card_number"})


def _person_units(person: Person):
    return Unit.objects.filter(
        Q(memberships__person=person, memberships__end__isnull=True) | Q(positions__person=person)
    )


@policy.register(Person)
class PersonPolicy(policy.Policy[Person]):
    def scope(self, user, action: Action = Action.VIEW) -> Q:
        level = policy.TREE_LEVEL.get(action)
        if level is None:
            return Q(pk__in=[])
        units = Unit.objects.filter(policy.under_q(user, level)).values("pk")
        own = Q(user=user)
        return (
            Q(pk__in=Membership.objects.filter(unit__in=units, end__isnull=True).values("person_id"))
            | Q(pk__in=Position.objects.filter(unit__in=units).values("person_id"))
            | own
        )

    def may(self, user, action: Action, obj: Person) -> bool:
        level = policy.TREE_LEVEL.get(action)
        if level is None:
            return False
        if action == Action.VIEW and obj.user_id is not None and obj.user_id == user.pk:
            return True
        paths = _person_units(obj).values_list("path", flat=True)
        return any(policy.covers(user, level, path) for path in paths)

    def hidden_fields(self, user, obj: Person) -> frozenset[str]:
        if obj.user_id is not None and obj.user_id == user.pk:
            return frozenset()
        if self.may(user, Action.CHANGE, obj):
            return frozenset()
        return PERSONAL_FIELDS


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
