"""Reads of the organisation tree. Every list goes through the permission policy."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from dangbo.core.text import fold

from .models import Grant, Membership, Person, Position, Term, Unit, UnitChange
from .policy import Action, check_access, scope_q


def unit_list(
    *, user, q: str = "", kind: str = "", include_inactive: bool = False
) -> QuerySet[Unit]:
    units = Unit.objects.filter(scope_q(user)).select_related("kind", "kind__level")
    if not include_inactive:
        units = units.active()
    if q:
        units = units.filter(Q(search_name__contains=fold(q)) | Q(code__icontains=q.strip()))
    if kind:
        units = units.filter(kind__code=kind)
    return units


def visible_roots(*, user) -> list[Unit]:
    """The top-most units the user can see: where their tree starts."""
    units = list(
        Unit.objects.filter(scope_q(user)).order_by("depth", "path").select_related("kind")[:200]
    )
    roots: list[Unit] = []
    for unit in units:
        if not any(unit.path.startswith(root.path) for root in roots):
            roots.append(unit)
    return sorted(roots, key=lambda u: u.path)


def get_unit_for_user(user, pk: int, action: Action | str = Action.VIEW) -> Unit:
    unit = get_object_or_404(Unit.objects.select_related("kind", "kind__level"), pk=pk)
    check_access(user, unit, action)
    return unit


def unit_children(*, unit: Unit, include_inactive: bool = False) -> QuerySet[Unit]:
    children = (
        Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
        .select_related("kind")
        .annotate(
            member_count=Count(
                "memberships", filter=Q(memberships__end__isnull=True), distinct=True
            ),
        )
        .order_by("kind__level__rank", "name")
    )
    if not include_inactive:
        children = children.active()
    return children


def unit_ancestors(*, user, unit: Unit) -> list[tuple[Unit, bool]]:
    """The path from the root to ``unit``'s parent, each with whether the user may open it."""
    from .policy import can

    ancestors = list(Unit.objects.filter(path__in=unit.ancestor_paths()).order_by("depth"))
    return [(a, can(user, Action.VIEW, a)) for a in ancestors]


def unit_positions(*, unit: Unit, current: bool = True) -> QuerySet[Position]:
    positions = Position.objects.filter(unit=unit).select_related("person", "term")
    return positions.current() if current else positions.order_by("-start", "sort_order")


def unit_members(*, unit: Unit, q: str = "", current: bool = True) -> QuerySet[Membership]:
    members = Membership.objects.filter(unit__path__startswith=unit.path).select_related(
        "person", "unit"
    )
    if current:
        members = members.current()
    if q:
        members = members.filter(person__search_name__contains=fold(q))
    return members.order_by("person__search_name", "id")


def unit_terms(*, unit: Unit) -> QuerySet[Term]:
    return Term.objects.filter(unit=unit).annotate(position_count=Count("positions"))


def unit_changes(*, unit: Unit) -> QuerySet[UnitChange]:
    return (
        UnitChange.objects.filter(Q(from_units=unit) | Q(to_units=unit))
        .distinct()
        .prefetch_related(
            Prefetch("from_units", queryset=Unit.objects.only("id", "name", "path", "valid_to")),
            Prefetch("to_units", queryset=Unit.objects.only("id", "name", "path", "valid_to")),
        )
        .select_related("created_by")
    )


def person_list(*, user, q: str = "") -> QuerySet[Person]:
    """People the user may see: members or position holders of a visible unit."""
    units = Unit.objects.filter(scope_q(user)).values("pk")
    people = Person.objects.filter(
        Q(memberships__unit__in=units, memberships__end__isnull=True) | Q(positions__unit__in=units)
    ).distinct()
    if q:
        people = people.filter(search_name__contains=fold(q))
    return people.order_by("search_name", "id")


def get_person_for_user(user, pk: int) -> Person:
    person = get_object_or_404(person_list(user=user), pk=pk)
    return person


def person_positions(*, person: Person) -> QuerySet[Position]:
    return person.positions.select_related("unit", "term").order_by("-start")


def person_memberships(*, person: Person) -> QuerySet[Membership]:
    return person.memberships.select_related("unit").order_by("-start")


def user_grants(*, user) -> QuerySet[Grant]:
    return Grant.objects.current().filter(user=user).select_related("unit", "position")
