"""Reading members: the roster (now, or on a date), a member's record, their events.

A roster row is a membership: the person and the cell they are in (or were in). Without a date,
each member appears once, in the cell they are in now or, for a former member, were in last; on
a date, the roster is the memberships current that day (a cell's roster at a date). Both are
filtered by the one policy inside the SQL (``policy.visible`` on ``Membership``: the grants on the
cell's subtree), in one query whatever the size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from dangbo.core import policy
from dangbo.core.policy import Action
from dangbo.core.text import fold
from dangbo.orgs.models import Membership, Person, Unit

from .models import MemberEvent

#: The member statuses a list filters by (a member's status on the roll, derived from their
#: person's status and whether they are on a cell's roll now).
STATUSES = {
    "active": _("On the roll"),
    "official": _("Official member"),
    "probation": _("Probationary member"),
    "transferred_out": _("Transferred out of the city"),
    "left": _("Left the party"),
    "deceased": _("Deceased"),
    "all": _("All, former members included"),
}
ON_THE_ROLL = (Person.Status.OFFICIAL, Person.Status.PROBATION)


def member_status(person: Person, current: bool) -> str:
    """The status a roster row shows."""
    if current:
        return str(person.status)
    if person.status in ON_THE_ROLL:
        return "transferred_out"
    return str(person.status)


def roster(
    *,
    user,
    unit: Unit | None = None,
    status: str = "active",
    joined_from: dt.date | None = None,
    joined_to: dt.date | None = None,
    q: str = "",
    day: dt.date | None = None,
) -> QuerySet[Membership]:
    """The roster rows ``user`` may see, filtered; one query."""
    rows = policy.visible(user, Membership, Action.VIEW).select_related("person", "unit")
    if day is not None:
        rows = rows.current(day)  # type: ignore[attr-defined]
    else:
        later = Membership.objects.filter(person=OuterRef("person"), start__gt=OuterRef("start"))
        rows = rows.filter(~Exists(later))
        if status == "active":
            rows = rows.filter(end__isnull=True)
        elif status in ("official", "probation"):
            rows = rows.filter(end__isnull=True, person__status=status)
        elif status == "transferred_out":
            rows = rows.filter(end__isnull=False, person__status__in=ON_THE_ROLL)
        elif status in ("left", "deceased"):
            rows = rows.filter(end__isnull=False, person__status=status)
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    if joined_from:
        rows = rows.filter(person__joined_on__gte=joined_from)
    if joined_to:
        rows = rows.filter(person__joined_on__lte=joined_to)
    if q:
        folded = fold(q)
        rows = rows.filter(Q(person__search_name__contains=folded) | Q(unit__search_name__contains=folded))
    return rows.order_by("unit__path", "person__search_name", "person_id")


def members_queryset() -> QuerySet[Person]:
    """People who are or were on some cell's roll."""
    return Person.objects.filter(Exists(Membership.objects.filter(person=OuterRef("pk"))))


def people_to_admit(user) -> QuerySet[Person]:
    """People ``user`` may see who are on no cell's roll and not gone from the party."""
    on_roll = Membership.objects.filter(person=OuterRef("pk"), end__isnull=True)
    return (
        policy.visible(user, Person)
        .filter(~Exists(on_roll))
        .exclude(status__in=[Person.Status.LEFT, Person.Status.DECEASED])
        .order_by("search_name", "pk")
    )


def get_member_for_user(user, pk, action: Action | str = Action.VIEW) -> Person:
    return policy.get_for_user(user, members_queryset(), pk, action)


def member_memberships(*, person: Person) -> QuerySet[Membership]:
    return Membership.objects.filter(person=person).select_related("unit").order_by("-start", "-pk")


def member_events(*, person: Person) -> QuerySet[MemberEvent]:
    return MemberEvent.objects.filter(person=person).select_related("from_unit", "to_unit").order_by("-date", "-pk")


def get_event_for_user(user, person: Person, pk) -> MemberEvent:
    return policy.get_for_user(user, MemberEvent.objects.filter(person=person).select_related("from_unit", "to_unit", "person"), pk)


def current_membership(person: Person) -> Membership | None:
    return (
        Membership.objects.filter(person=person).select_related("unit").order_by("-start", "-pk").first()
    )


def cells_for(user, action: Action | str = Action.CHANGE) -> QuerySet[Unit]:
    """The cells ``user`` may put members in (or see, with ``Action.VIEW``)."""
    units: Any = policy.visible(user, Unit, action).filter(kind__holds_members=True)
    return units.active().order_by("path")


def transfer_cells(user, person: Person) -> QuerySet[Unit]:
    """The cells ``user`` may transfer ``person`` to: those they may put members in, but the
    one the person is on the roll of."""
    cells = cells_for(user)
    current = current_membership(person)
    if current is not None:
        cells = cells.exclude(pk=current.unit_id)
    return cells


def filter_units(user) -> QuerySet[Unit]:
    """The units a roster may be narrowed to: the visible party units that hold members or
    have units below them."""
    units: Any = policy.visible(user, Unit, Action.VIEW).filter(kind__is_party=True)
    return units.active().order_by("path")


@dataclass(frozen=True)
class RosterRow:
    membership: Membership
    status: str

    @property
    def person(self) -> Person:
        return self.membership.person

    @property
    def label(self) -> str:
        return str(STATUSES.get(self.status, self.status))


def status_label(status: str) -> str:
    return str(STATUSES.get(status, status))
