"""API of the organisation tree: ``/units`` and ``/me``.

Every read goes through the selectors, so the permission policy filters inside the query.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from dangbo.core import policy
from dangbo.core.api import ERRORS, caller

from . import selectors
from .models import Role, Unit

units_router = Router(tags=["units"])
me_router = Router(tags=["me"])

MAX_LIMIT = 500


class UnitOut(Schema):
    id: int
    name: str
    kind: str = Field(description="The code of the unit's kind.")
    parent_id: int | None
    path: str
    valid_from: dt.date | None
    valid_to: dt.date | None

    @staticmethod
    def resolve_kind(obj: Unit) -> str:
        return obj.kind.code


class UnitDetailOut(UnitOut):
    short_name: str
    code: str
    depth: int
    children_count: int = Field(description="Direct child units, dissolved ones included.")

    @staticmethod
    def resolve_children_count(obj: Unit) -> int:
        return obj.numchild


class UnitPage(Schema):
    items: list[UnitOut]
    count: int


class UnitFilters(Schema):
    q: str = Field("", max_length=200, description="Part of the name (accents optional) or code.")
    kind: str = Field("", max_length=40, description="A unit kind's code.")
    include_inactive: bool = False
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000_000)

    @field_validator("q", "kind")
    @classmethod
    def _no_nul(cls, value: str) -> str:
        # PostgreSQL refuses NUL characters in text parameters.
        return value.replace("\x00", "")


def with_parent_id(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """Annotate ``parent_id``: the unit whose path is this path minus its last step.

    One correlated subquery on the indexed ``path``, not a query per row."""
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen)
    parents = Unit.objects.filter(path=parent_path).order_by().values("pk")[:1]
    return units.annotate(parent_id=Subquery(parents))


@units_router.get(
    "", response={200: UnitPage, **ERRORS}, operation_id="units_list", summary="List units"
)
def units_list(request: HttpRequest, filters: Query[UnitFilters]):
    """The units the caller may see, in tree order."""
    units = selectors.unit_list(
        user=caller(request),
        q=filters.q,
        kind=filters.kind,
        include_inactive=filters.include_inactive,
    )
    count = units.count()
    page = with_parent_id(units)[filters.offset : filters.offset + filters.limit]
    return {"items": list(page), "count": count}


@units_router.get(
    "/{id}",
    response={200: UnitDetailOut, **ERRORS},
    operation_id="units_detail",
    summary="One unit",
)
def units_detail(request: HttpRequest, id: int):
    unit = selectors.get_unit_for_user(caller(request), id)
    unit.parent_id = (  # type: ignore[attr-defined]
        Unit.objects.filter(path=unit.parent_path).values_list("pk", flat=True).first()
        if unit.depth > 1
        else None
    )
    return unit


class GrantOut(Schema):
    unit_id: int
    unit_name: str
    role: Literal["view", "contribute", "manage", "admin"]


class MeOut(Schema):
    username: str
    name: str
    grants: list[GrantOut]


@me_router.get("", response={200: MeOut, **ERRORS}, operation_id="me", summary="Who am I")
def me(request: HttpRequest):
    """The caller's account and current grants (the highest role per unit)."""
    user = caller(request)
    person = policy.person_of(user)
    name = (person.full_name if person else "") or user.get_full_name() or user.get_username()
    best: dict[int, tuple[str, int]] = {}
    for grant in selectors.user_grants(user=user).order_by("unit__path"):
        if grant.role > best.get(grant.unit_id, ("", 0))[1]:
            best[grant.unit_id] = (grant.unit.name, grant.role)
    grants = [
        {"unit_id": unit_id, "unit_name": unit_name, "role": Role(role).name.lower()}
        for unit_id, (unit_name, role) in best.items()
    ]
    return {"username": user.get_username(), "name": name, "grants": grants}
