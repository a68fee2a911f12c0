"""Reads of the organisation tree. Every list goes through the permission policy."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from dangbo.core import policy
from dangbo.core.policy import Action
from dangbo.core.text import fold

from .models import Grant, Membership, Person, Position, Term, Unit, UnitChange


def unit_list(
    *, user, q: str = "", kind: str = "", include_inactive: bool = False
) -> QuerySet[Unit]:
    units = Unit.objects.filter(policy.scope(user, Unit)).select_related("kind", "kind__level")
    if not include_inactive:
        units = units.active()
    if q:
        units = units.filter(Q(search_name__contains=fold(q)) | Q(code__icontains=q.strip()))
    if kind:
        units = units.filter(kind__code=kind)
    return units


#: How many units a unit lookup returns at most (the unit picker shows them all).
UNIT_LOOKUP_LIMIT = 15
#: Longest search text taken into account (longer text is cut).
UNIT_LOOKUP_MAX_LENGTH = 100


@dataclass(frozen=True)
class UnitMatch:
    """A unit found by name: its name with its parent's (``Unit.label``) and its kind."""

    pk: int
    name: str
    detail: str


def units_matching(units: QuerySet[Unit], *, q: str) -> QuerySet[Unit]:
    """``units`` whose name holds every word of ``q`` (accents and case ignored), or whose
    code is ``q``. Empty when ``q`` has no word."""
    text = q.replace("\x00", "")[:UNIT_LOOKUP_MAX_LENGTH]
    words = fold(text).split()
    if not words:
        return units.none()
    named = Q()
    for word in words:
        named &= Q(search_name__contains=word)
    return units.filter(named | Q(code__iexact=text.strip()))


def unit_matches(units: QuerySet[Unit], *, q: str, limit: int = UNIT_LOOKUP_LIMIT) -> tuple[list[UnitMatch], bool]:
    """The first ``limit`` of ``units`` matching ``q``, and whether there are more: the whole
    name first, then names starting with the text, then the rest; higher units first, then
    by name. One query whatever the number of units."""
    needle = fold(q.replace("\x00", "")[:UNIT_LOOKUP_MAX_LENGTH])
    rank = Case(
        When(search_name=needle, then=Value(0)),
        When(search_name__startswith=needle, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    rows = list(
        units_matching(units, q=q)
        .annotate(rank=rank)
        .order_by("rank", "depth", "search_name", "id")
        .values_list("pk", "name", "label", "kind__name")[: limit + 1]
    )
    found = [UnitMatch(pk, label or name, kind or "") for pk, name, label, kind in rows[:limit]]
    return found, len(rows) > limit


def unit_match(units: QuerySet[Unit], *, pk) -> UnitMatch | None:
    """One of ``units`` described as a match, or ``None`` when ``pk`` is not among them."""
    try:
        row = units.filter(pk=int(pk)).values_list("pk", "name", "label", "kind__name").first()
    except (TypeError, ValueError, OverflowError):
        return None
    if row is None:
        return None
    return UnitMatch(row[0], row[2] or row[1], row[3] or "")


def units_chosen(units: QuerySet[Unit], *, pks: list[int]) -> list[UnitMatch]:
    """Those of ``units`` whose id is in ``pks``, described as matches in the order of ``pks``
    (an id not among them is left out): one query whatever their number."""
    rows = units.filter(pk__in=pks).values_list("pk", "name", "label", "kind__name")
    found = {pk: UnitMatch(pk, label or name, kind or "") for pk, name, label, kind in rows}
    return [found[pk] for pk in pks if pk in found]


def visible_roots(*, user) -> list[Unit]:
    """The top-most units the user can see: where their tree starts."""
    units = list(
        policy.visible(user, Unit).order_by("depth", "path").select_related("kind")[:200]
    )
    roots: list[Unit] = []
    for unit in units:
        if not any(unit.path.startswith(root.path) for root in roots):
            roots.append(unit)
    return sorted(roots, key=lambda u: u.path)


def get_unit_for_user(user, pk: int, action: Action | str = Action.VIEW) -> Unit:
    return policy.get_for_user(user, Unit.objects.select_related("kind", "kind__level"), pk, action)


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
    ancestors = list(
        Unit.objects.filter(path__in=unit.ancestor_paths()).only("name", "path", "depth").order_by("depth")
    )
    return [(a, policy.may(user, Action.VIEW, a)) for a in ancestors]


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
    people = policy.visible(user, Person)
    if q:
        people = people.filter(search_name__contains=fold(q))
    return people.order_by("search_name", "id")


#: How many people a name lookup returns at most (the person picker shows them all).
PERSON_LOOKUP_LIMIT = 15
#: Longest search text taken into account (longer text is cut): names are shorter.
PERSON_LOOKUP_MAX_LENGTH = 100


@dataclass(frozen=True)
class PersonMatch:
    """A person found by name, with what tells namesakes apart."""

    pk: int
    name: str
    birth_year: int | None
    unit: str  # the unit of the current membership, else of a current position, else ""


def people_matching(people: QuerySet[Person], *, q: str) -> QuerySet[Person]:
    """``people`` whose name holds every word of ``q``, accents and case ignored.

    "minh hoang" finds "Hoàng Văn Minh". Empty when ``q`` has no word.
    """
    words = fold(q.replace("\x00", "")[:PERSON_LOOKUP_MAX_LENGTH]).split()
    if not words:
        return people.none()
    for word in words:
        people = people.filter(search_name__contains=word)
    return people


def person_matches(
    people: QuerySet[Person], *, q: str, limit: int = PERSON_LOOKUP_LIMIT
) -> tuple[list[PersonMatch], bool]:
    """The first ``limit`` of ``people`` matching ``q``, and whether there are more.

    The whole name first, then names starting with the text, then names with a word
    starting with it, then names where each word of the text starts a word, then the rest,
    each alphabetically. Two queries whatever the number of people.
    """
    needle = fold(q.replace("\x00", "")[:PERSON_LOOKUP_MAX_LENGTH])
    word_starts = Q()
    for word in needle.split():
        word_starts &= Q(search_name__startswith=word) | Q(search_name__contains=f" {word}")
    rank = Case(
        When(search_name=needle, then=Value(0)),
        When(search_name__startswith=needle, then=Value(1)),
        When(search_name__contains=f" {needle}", then=Value(2)),
        When(word_starts, then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )
    rows = list(
        people_matching(people, q=q)
        .annotate(rank=rank)
        .order_by("rank", "search_name", "id")
        .values_list("pk", "full_name", "birth_year")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    units = _current_unit_names([pk for pk, _name, _year in rows])
    matches = [PersonMatch(pk, name, year, units.get(pk) or "") for pk, name, year in rows]
    return matches, more


def person_match(people: QuerySet[Person], *, pk) -> PersonMatch | None:
    """One of ``people`` described as a match, or ``None`` when ``pk`` is not among them."""
    try:
        row = people.filter(pk=int(pk)).values_list("pk", "full_name", "birth_year").first()
    except (TypeError, ValueError, OverflowError):
        return None
    if row is None:
        return None
    return PersonMatch(row[0], row[1], row[2], _current_unit_names([row[0]]).get(row[0]) or "")


def people_chosen(people: QuerySet[Person], *, pks: list[int]) -> list[PersonMatch]:
    """Those of ``people`` whose id is in ``pks``, described as matches in the order of
    ``pks`` (an id not among them is left out): two queries whatever their number."""
    rows = people.filter(pk__in=pks).values_list("pk", "full_name", "birth_year")
    found = {pk: (name, year) for pk, name, year in rows}
    units = _current_unit_names([pk for pk in pks if pk in found])
    return [PersonMatch(pk, *found[pk], units.get(pk) or "") for pk in pks if pk in found]


def person_lookup(*, user, q: str, limit: int = PERSON_LOOKUP_LIMIT) -> tuple[list[PersonMatch], bool]:
    """People the user may see (the same ones as ``person_list``) whose name matches ``q``."""
    return person_matches(person_list(user=user), q=q, limit=limit)


def _current_unit_names(person_ids: list[int]) -> dict[int, str]:
    """Each person's current cell (membership), else the unit of a current position: one query."""
    if not person_ids:
        return {}
    membership_unit = (
        Membership.objects.current()
        .filter(person=OuterRef("pk"))
        .order_by("-start", "-id")
        .values("unit__label")[:1]
    )
    position_unit = (
        Position.objects.current()
        .filter(person=OuterRef("pk"))
        .order_by("sort_order", "-start", "id")
        .values("unit__label")[:1]
    )
    return dict(
        Person.objects.filter(pk__in=person_ids)
        .annotate(unit_name=Coalesce(Subquery(membership_unit), Subquery(position_unit)))
        .values_list("pk", "unit_name")
    )


def get_person_for_user(user, pk: int) -> Person:
    return policy.get_for_user(user, Person, pk)


def person_positions(*, person: Person) -> QuerySet[Position]:
    return person.positions.select_related("unit", "term").order_by("-start")


def person_memberships(*, person: Person) -> QuerySet[Membership]:
    return person.memberships.select_related("unit").order_by("-start")


def user_grants(*, user) -> QuerySet[Grant]:
    return Grant.objects.current().filter(user=user).select_related("unit", "position")


def unit_summaries(*, units: list[Unit]) -> list[dict]:
    """Units below and current members of each unit, in two queries whatever the count."""
    if not units:
        return []
    units_below = Unit.objects.active().aggregate(
        **{f"u{i}": Count("pk", filter=Q(path__startswith=u.path)) for i, u in enumerate(units)}
    )
    members = Membership.objects.current().aggregate(
        **{f"u{i}": Count("pk", filter=Q(unit__path__startswith=u.path)) for i, u in enumerate(units)}
    )
    return [
        {"unit": u, "descendants": max(units_below[f"u{i}"] - 1, 0), "members": members[f"u{i}"]}
        for i, u in enumerate(units)
    ]


def manageable_units(*, user, action: Action | str = Action.CHANGE) -> QuerySet[Unit]:
    """Active units the user may change (for the choices of a form)."""
    return Unit.objects.filter(policy.scope(user, Unit, action)).active().select_related("kind")


def unit_move_parents(*, user, unit: Unit) -> QuerySet[Unit]:
    """Where the user may move ``unit``: units they may reorganise, of a kind that may hold
    it, outside its own subtree (the choices of the move form; the service checks again)."""
    return manageable_units(user=user, action=Action.REORGANISE).exclude(
        path__startswith=unit.path
    ).filter(kind__in=unit.kind.allowed_parents.all())


def unit_merge_targets(*, user, unit: Unit) -> QuerySet[Unit]:
    """What the user may merge ``unit`` into: the other units of its kind they may reorganise."""
    return manageable_units(user=user, action=Action.REORGANISE).filter(kind=unit.kind_id).exclude(pk=unit.pk)


def unit_merge_siblings(*, user, unit: Unit) -> QuerySet[Unit]:
    """What may be merged together with ``unit``: the other units of its kind under the same
    parent that the user may reorganise."""
    same_kind = manageable_units(user=user, action=Action.REORGANISE).filter(kind=unit.kind_id)
    return same_kind.filter(path__startswith=unit.parent_path, depth=unit.depth).exclude(pk=unit.pk)


def get_position_for_user(user, pk: int, action: Action | str = Action.VIEW) -> Position:
    return policy.get_for_user(user, Position.objects.select_related("unit", "person"), pk, action)


def unit_audit(*, unit: Unit):
    """Audit entries about the unit, its positions and its terms, newest first."""
    from django.contrib.contenttypes.models import ContentType

    from dangbo.core.models import AuditEntry

    types = ContentType.objects.get_for_models(Unit, Position, Term)
    return (
        AuditEntry.objects.filter(
            Q(content_type=types[Unit], object_id=unit.pk)
            | Q(content_type=types[Position], object_id__in=Position.objects.filter(unit=unit).values("pk"))
            | Q(content_type=types[Term], object_id__in=Term.objects.filter(unit=unit).values("pk"))
        )
        .select_related("actor", "actor__person")
        .order_by("-created_at", "-id")
    )



def attach_current_units(people) -> list[Person]:
    """Set ``current_unit`` on each person of a page, in one query; returns the page as a list."""
    people = list(people)
    units = dict(
        Membership.objects.current()
        .filter(person__in=people)
        .select_related("unit")
        .values_list("person_id", "unit__name")
    )
    for person in people:
        person.current_unit = units.get(person.pk)  # type: ignore[attr-defined]
    return people


def get_term_for_user(user, pk: int) -> Term:
    return policy.get_for_user(user, Term.objects.select_related("unit", "unit__kind"), pk)


def term_bodies(*, term: Term) -> list[tuple[str, list[Position]]]:
    """The term's positions grouped by body (Thường trực, BTV, BCH…), in one query."""
    order = [Position.Body.TT, Position.Body.BTV, Position.Body.BCH, Position.Body.CHI_UY,
             Position.Body.GOV, Position.Body.NONE]
    groups: dict[str, list[Position]] = {body: [] for body in order}
    for position in term.positions.select_related("person").order_by("sort_order", "start", "id"):
        groups.setdefault(position.body, []).append(position)
    labels = dict(Position.Body.choices)
    return [(str(labels.get(body, body)), rows) for body, rows in groups.items() if rows]


def unit_parent(*, unit: Unit) -> Unit | None:
    return Unit.objects.get_parent(unit)
