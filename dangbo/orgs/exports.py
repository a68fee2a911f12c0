"""The organisation's lists as Excel workbooks: people, a unit's members, units.

Each export takes the queryset of the page's own selector (so the same people and units,
the same permission policy, the same filters) and writes every row that matches, up to
``dangbo.core.xlsx.MAX_ROWS``, in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import F, Func, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Length, Substr
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dangbo.core.xlsx import capped, workbook_response

from .models import Membership, Person, Position, Unit


def _count(rows: QuerySet) -> Coalesce:
    """The number of ``rows`` (a correlated subquery), 0 when none."""
    counted = rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _current_cell() -> Subquery:
    """The unit of a person's current membership (the latest when there are several)."""
    return Subquery(
        Membership.objects.current()
        .filter(person=OuterRef("pk"))
        .order_by("-start", "-id")
        .values("unit__name")[:1]
    )


def _current_positions(people: QuerySet[Person]) -> dict[int, str]:
    """Each person's current positions, "title (unit)" joined by "; ": one query."""
    found: dict[int, list[str]] = {}
    rows = (
        Position.objects.current()
        .filter(person__in=people.order_by().values("pk"))
        .order_by("person_id", "sort_order", "-start", "id")
        .values_list("person_id", "title", "unit__name")
    )
    for person_id, title, unit_name in rows:
        found.setdefault(person_id, []).append(f"{title} ({unit_name})")
    return {pk: "; ".join(titles) for pk, titles in found.items()}


def people_xlsx(people: QuerySet[Person]) -> HttpResponse:
    """The people of the list: name, gender, birth year, status, cell, current positions."""
    headers = [
        _("Full name"), _("Gender"), _("Birth year"), _("Status"), _("Cell"), _("Current positions"),
    ]

    def rows() -> Iterator[list]:
        positions = _current_positions(people)
        for person in capped(people.annotate(cell_name=_current_cell())):
            yield [
                person.full_name,
                person.get_gender_display(),
                person.birth_year,
                person.get_status_display(),
                person.cell_name or "",  # type: ignore[attr-defined]
                positions.get(person.pk, ""),
            ]

    return workbook_response("can-bo-dang-vien", _("Cadres & members"), headers, rows())


def members_xlsx(unit: Unit, members: QuerySet[Membership]) -> HttpResponse:
    """The memberships of the unit's members page (its subtree, its filters)."""
    headers = [
        _("Full name"), _("Gender"), _("Birth year"), _("Status"), _("Cell"), _("Since"), _("Until"),
    ]
    rows = (
        [
            m.person.full_name,
            m.person.get_gender_display(),
            m.person.birth_year,
            m.person.get_status_display(),
            m.unit.name,
            m.start,
            m.end,
        ]
        for m in capped(members)
    )
    return workbook_response(f"dang-vien-{unit.code}", _("Party members"), headers, rows)


def units_xlsx(units: QuerySet[Unit]) -> HttpResponse:
    """The units of the list or the tree, in tree order, with their parent and members."""
    headers = [
        _("Code"), _("Name"), pgettext("unit", "Kind"), _("Level"), _("Parent unit"),
        _("Active from"), _("Active until"), _("Members"), _("Members including units below"),
    ]
    parent_name = Subquery(
        Unit.objects.filter(
            path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen)
        ).values("name")[:1]
    )
    annotated = units.annotate(
        parent_name=parent_name,
        own_members=_count(Membership.objects.current().filter(unit=OuterRef("pk"))),
        all_members=_count(
            Membership.objects.current().filter(unit__path__startswith=OuterRef("path"))
        ),
    ).order_by("path")
    rows = (
        [
            u.code,
            u.name,
            u.kind.name,
            u.kind.level.name,
            u.parent_name or "",  # type: ignore[attr-defined]
            u.valid_from,
            u.valid_to,
            u.own_members,  # type: ignore[attr-defined]
            u.all_members,  # type: ignore[attr-defined]
        ]
        for u in capped(annotated)
    )
    return workbook_response("don-vi", _("Units"), headers, rows)
