"""Units and people in the one search (``dangbo.core.search``), and searching as a user.

* A unit is found by its name, short name, code, kind and parent's name; it belongs to
  itself, so whoever may see the unit may find it. Closed units stay findable: their
  history stays readable.
* A person is found by name, current positions and cell; they belong to their current cell,
  else to the unit of their first current position, else (a former member) to the cell they
  were in last. Someone with none belongs to no unit and only a superuser finds them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangbo.core import policy, search

from .models import Membership, Person, Position, Unit

UNIT = "unit"
PERSON = "person"


def units_for_search() -> QuerySet[Unit]:
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen)
    parent_name = Unit.objects.filter(path=parent_path).order_by().values("name")[:1]
    return Unit.objects.select_related("kind").annotate(parent_name=Subquery(parent_name))


def unit_document(unit: Unit) -> search.SearchDocument:
    parent = getattr(unit, "parent_name", None) or ""
    body = " · ".join(part for part in [unit.short_name, unit.kind.name, parent, unit.code] if part)
    return search.SearchDocument(
        kind=UNIT,
        object_id=unit.pk,
        unit_id=unit.pk,
        title=unit.label or unit.name,
        body=body,
        date=unit.valid_from,
        url=reverse("orgs:unit_detail", args=[unit.pk]),
    )


def people_for_search() -> QuerySet[Person]:
    return Person.objects.order_by("pk").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("unit").order_by("-start")),
        Prefetch(
            "positions",
            queryset=Position.objects.select_related("unit").order_by("sort_order", "-start", "id"),
        ),
    )


def _current(rows: Iterable[Any], today) -> list[Any]:
    return [r for r in rows if r.start <= today and (r.end is None or r.end >= today)]


def person_document(person: Person) -> search.SearchDocument:
    today = timezone.localdate()
    memberships = _current(person.memberships.all(), today)
    positions = _current(person.positions.all(), today)
    if memberships:
        unit_id: int | None = memberships[0].unit_id
    elif positions:
        unit_id = positions[0].unit_id
    elif person.memberships.all():  # a former member: found where they were last
        unit_id = person.memberships.all()[0].unit_id
    else:
        unit_id = None
    parts = [f"{p.title} {p.unit.name}" for p in positions]
    parts += [m.unit.name for m in memberships]
    return search.SearchDocument(
        kind=PERSON,
        object_id=person.pk,
        unit_id=unit_id,
        title=person.full_name,
        body=" · ".join(dict.fromkeys(parts)),
        url=reverse("orgs:person_detail", args=[person.pk]),
    )


def register() -> None:
    """Called from ``OrgsConfig.ready``."""
    search.register(UNIT, label=_("Unit"), build=unit_document, queryset=units_for_search)
    search.register(PERSON, label=_("Person"), build=person_document, queryset=people_for_search)
    search.register_scope(scope_for_user)


def reindex_units(units: Iterable[Unit]) -> None:
    """After a reorganisation: the units, the units right below them and their people."""
    ids = {u.pk for u in units}
    for path, depth in Unit.objects.filter(pk__in=ids).values_list("path", "depth"):
        ids.update(
            Unit.objects.filter(path__startswith=path, depth=depth + 1).values_list("pk", flat=True)
        )
    search.index(Unit.objects.filter(pk__in=ids), kind=UNIT)
    people = set(Membership.objects.filter(unit__in=ids).values_list("person_id", flat=True))
    people |= set(Position.objects.filter(unit__in=ids).values_list("person_id", flat=True))
    search.index(Person.objects.filter(pk__in=people), kind=PERSON)


def sees_every_unit(user) -> bool:
    """A superuser, or a user whose grants cover every top unit (the central office's clerk):
    their search needs no unit condition at all. Asking the database to keep the hits whose
    unit is among all 315,000 units of the country is what it cannot do fast (the list does not
    fit the memory of a hashed subquery, so it is scanned for every hit: minutes)."""
    if policy.is_everything(user):
        return True
    tops = [path for path in policy.paths(user) if len(path) == Unit.steplen]
    return bool(tops) and not Unit.objects.filter(depth=1).exclude(path__in=tops).exists()


def allowed_units(user) -> QuerySet | None:
    """The ids of the units ``user`` may see, as a subquery; ``None`` when that is every unit."""
    return scope_for_user(user).allowed_units  # type: ignore[return-value]


def units_above(user) -> QuerySet | None:
    """The ids of the units above the user's grants (whose shared-down entries they see)."""
    return scope_for_user(user).shared_units  # type: ignore[return-value]


def scope_for_user(user) -> search.UserScope:
    """What ``user`` may search, for ``dangbo.core.search.search_for_user``: the entries of the
    units the user may see (as a subquery of their ids), and the shared-down entries of the
    units above the user's grants; no condition at all for whoever sees every unit."""
    if sees_every_unit(user):
        return search.UserScope(allowed_units=None, shared_units=None)
    above = policy.above_paths(user)
    return search.UserScope(
        allowed_units=policy.visible(user, Unit).values("pk"),
        shared_units=Unit.objects.filter(path__in=above).values("pk") if above else None,
    )
