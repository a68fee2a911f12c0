"""API of the party members: ``GET /members`` and ``GET /members/{id}``.

Reads go through the selectors, so the one policy filters inside the query; the personal data
of a member (``birth_date``, ``citizen_id``, ``phone``, ``address``) is ``null`` where the policy
hides it from the caller (``policy.hidden_fields``).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from dangbo.core import policy
from dangbo.core.api import ERRORS, caller
from dangbo.core.policy import Action
from dangbo.orgs.models import Unit

from . import selectors

router = Router(tags=["members"])

MAX_LIMIT = 500
Status = Literal["active", "official", "probation", "transferred_out", "left", "deceased", "all"]


class MemberOut(Schema):
    id: int
    full_name: str
    gender: str
    status: str = Field(description="official, probation, transferred_out, left or deceased.")
    unit_id: int = Field(description="The cell the member is in now, or was in last.")
    unit_name: str
    joined_on: dt.date | None
    official_on: dt.date | None
    since: dt.date = Field(description="On the cell's roll from.")
    until: dt.date | None = Field(description="On the cell's roll until (null: still on it).")


class MemberPage(Schema):
    items: list[MemberOut]
    count: int


class EventOut(Schema):
    kind: str
    date: dt.date
    from_unit_id: int | None
    to_unit_id: int | None
    other_organisation: str
    letter_number: str
    decision: str
    reason: str


class MemberDetailOut(MemberOut):
    ethnicity: str
    hometown: str | None
    party_card_number: str | None
    birth_date: dt.date | None
    citizen_id: str | None
    phone: str | None
    address: str | None
    events: list[EventOut]


class MemberFilters(Schema):
    unit: int | None = Field(None, description="A unit's id: its members and those of the units below it.")
    status: Status = "active"
    joined_from: dt.date | None = Field(None, description="Admitted to the party on or after.")
    joined_to: dt.date | None = Field(None, description="Admitted to the party on or before.")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000_000)


def _row(m) -> dict:
    p = m.person
    return {
        "id": p.pk, "full_name": p.full_name, "gender": p.gender,
        "status": selectors.member_status(p, m.end is None), "unit_id": m.unit_id, "unit_name": m.unit.name,
        "joined_on": p.joined_on, "official_on": p.official_on, "since": m.start, "until": m.end,
    }


@router.get("", response={200: MemberPage, **ERRORS}, operation_id="members_list", summary="List members")
def members_list(request: HttpRequest, filters: Query[MemberFilters]):
    """The members the caller may see, each in the cell they are in now (or were in last)."""
    user = caller(request)
    unit = None
    if filters.unit is not None:
        unit = policy.get_for_user(user, Unit, filters.unit)
    rows = selectors.roster(
        user=user, unit=unit, status=filters.status, joined_from=filters.joined_from, joined_to=filters.joined_to
    )
    count = rows.count()
    page = rows[filters.offset : filters.offset + filters.limit]
    return {"items": [_row(m) for m in page], "count": count}


@router.get("/{id}", response={200: MemberDetailOut, **ERRORS}, operation_id="members_detail", summary="One member")
def members_detail(request: HttpRequest, id: int):
    user = caller(request)
    person = selectors.get_member_for_user(user, id, Action.VIEW)
    membership = selectors.current_membership(person)
    hidden = policy.hidden_fields(user, person)
    data = _row(_Attached(membership, person))
    for name in ("ethnicity", "hometown", "party_card_number", "birth_date", "citizen_id", "phone", "address"):
        data[name] = None if name in hidden else getattr(person, name)
    data["events"] = list(selectors.member_events(person=person))
    return data


class _Attached:
    """A membership with its person already in hand."""

    def __init__(self, membership, person) -> None:
        self.person, self.unit, self.unit_id = person, membership.unit, membership.unit_id
        self.start, self.end = membership.start, membership.end
