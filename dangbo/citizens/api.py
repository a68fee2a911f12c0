"""API of citizens' cases: ``/cases``, ``/cases/{id}``, ``/cases/{id}/acknowledge``,
``/cases/{id}/answer``, and ``/public/cases/{code}`` (no authentication, throttled).

Reads go through the selectors (the policy filters inside the SQL); writes through the
services, so a refused change is a 400 in the one error shape. The petitioners of a
denunciation (tố cáo) are ``null`` unless the caller heads the handling unit (and the reading
is audited); a list never carries them.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from dangbo.core import policy
from dangbo.core.api import ERRORS, DateFilter, DateIn, ErrorOut, Id, caller, error_body
from dangbo.core.policy import Action
from dangbo.orgs.models import Unit

from . import selectors, services
from .models import Case
from .policy import IDENTITY

cases_router = Router(tags=["cases"])
public_router = Router(tags=["cases"])

MAX_LIMIT = 500
KindName = Literal["y_kien", "phan_anh", "kien_nghi", "khieu_nai", "to_cao"]
ChannelName = Literal["reception", "dialogue", "letter", "online"]
StateName = Literal["received", "acknowledged", "answered", "closed", "open"]


class PetitionerIO(Schema):
    name: str = Field(..., max_length=200)
    address: str = Field("", max_length=300)
    phone: str = Field("", max_length=30)


class CaseOut(Schema):
    id: int
    code: str
    unit_id: int
    unit_name: str
    kind: str
    channel: str
    state: str
    content: str
    received_on: dt.date
    acknowledge_by: dt.date
    answer_by: dt.date
    acknowledged_on: dt.date | None
    ack_outcome: str
    answered_on: dt.date | None
    overdue: bool
    #: ``null`` when the identity is protected from the caller.
    petitioners: list[PetitionerIO] | None


class CaseDetailOut(CaseOut):
    ack_note: str
    answer: str
    closed_on: dt.date | None


class CasePage(Schema):
    items: list[CaseOut]
    count: int


class CaseFilters(Schema):
    unit: int | None = Field(None, ge=1, description="A unit's id: its cases and those of every unit below it.")
    kind: KindName | None = None
    state: StateName | None = Field(None, description="A state, or `open` (not closed).")
    received_from: DateFilter | None = None
    received_to: DateFilter | None = None
    overdue: bool | None = Field(None, description="Only cases late to be acknowledged or answered.")
    limit: int = Field(25, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class CaseIn(Schema):
    unit_id: Id = Field(..., description="The handling unit.")
    kind: KindName
    channel: ChannelName
    content: str = Field(..., max_length=20000)
    received_on: DateIn
    petitioners: list[PetitionerIO] = Field(..., max_length=200)
    not_duplicate: bool = Field(
        False, description="Save even when the same petitioner raised something similar within 90 days "
        "(without it such a case is refused with 409, listing the possible duplicates).",
    )


class MergeIn(Schema):
    into_id: Id = Field(..., description="The case to keep: same kind, same handling unit.")


class CaseCreatedOut(Schema):
    id: int
    code: str
    state: str
    acknowledge_by: dt.date
    answer_by: dt.date


class AcknowledgeIn(Schema):
    outcome: Literal["accepted", "transferred", "returned"]
    note: str = Field("", max_length=5000, description="The competent body, or the reason for returning.")
    on: DateIn | None = None
    complexity: Literal["ordinary", "complex", "very_complex"] | None = Field(
        None, description="Judged at the acceptance: a complex case gets the law's longer answer deadline."
    )
    remote: bool | None = Field(None, description="A remote area, hard to travel (complaints: 45 or 60 days).")


class AnswerIn(Schema):
    answer: str = Field(..., max_length=20000)
    on: DateIn | None = None


class PublicCaseOut(Schema):
    code: str
    kind: str
    state: str
    unit_name: str
    received_on: dt.date
    acknowledge_by: dt.date
    answer_by: dt.date
    acknowledged_on: dt.date | None
    ack_outcome: str
    answered_on: dt.date | None
    answer: str
    closed_on: dt.date | None


def _out(user, case: Case, *, detail: bool, today: dt.date) -> dict:
    protected = case.kind == Case.Kind.TO_CAO
    if protected and not (detail and policy.readable_fields(user, case)[IDENTITY]):
        people = None
    else:
        people = [{"name": p.name, "address": p.address, "phone": p.phone} for p in case.petitioners.all()]
        if protected:
            services.identity_read(actor=user, case=case)
    data = {
        "id": case.pk, "code": case.code, "unit_id": case.unit_id, "unit_name": case.unit.name,
        "kind": case.kind, "channel": case.channel, "state": case.state, "content": case.content,
        "received_on": case.received_on, "acknowledge_by": case.acknowledge_by,
        "answer_by": case.answer_by, "acknowledged_on": case.acknowledged_on,
        "ack_outcome": case.ack_outcome, "answered_on": case.answered_on,
        "overdue": case.is_overdue(today), "petitioners": people,
    }
    if detail:
        data |= {"ack_note": case.ack_note, "answer": case.answer, "closed_on": case.closed_on}
    return data


@cases_router.get("", response={200: CasePage, **ERRORS}, operation_id="cases_list", summary="List cases")
def cases_list(request: HttpRequest, filters: Query[CaseFilters]):
    """Cases the caller may see, newest first. Denunciations carry ``petitioners: null``."""
    user = caller(request)
    today = timezone.localdate()
    f = selectors.CaseFilters(
        unit=policy.get_for_user(user, Unit, filters.unit) if filters.unit else None,
        kind=filters.kind or "", state=filters.state or "", received_from=filters.received_from,
        received_to=filters.received_to, overdue=filters.overdue,
    )
    cases = selectors.case_list(user=user, filters=f, today=today)
    page = cases[filters.offset : filters.offset + filters.limit]
    return {"items": [_out(user, c, detail=False, today=today) for c in page], "count": cases.count()}


@cases_router.post(
    "", response={201: CaseCreatedOut, **ERRORS, 409: ErrorOut}, operation_id="cases_create", summary="Receive a case"
)
def cases_create(request: HttpRequest, payload: CaseIn):
    """Receive a case. When the same petitioner raised something similar within 90 days, nothing
    is saved: 409 lists the possible duplicates in ``fields.duplicates`` (``KIND CODE dd/mm/yyyy``);
    send again with ``not_duplicate: true`` to save it as a new case, or merge it
    (``POST /cases/{id}/merge``)."""
    user = caller(request)
    unit = policy.get_for_user(user, Unit, payload.unit_id, Action.CONTRIBUTE)
    if not payload.not_duplicate:
        duplicates = selectors.possible_duplicates(
            user=user, names=[p.name for p in payload.petitioners], content=payload.content,
            received_on=payload.received_on,
        )
        if duplicates:
            services.duplicates_shown(actor=user, cases=duplicates)
            listed = [f"{d.get_kind_display()} {d.code_display} {d.received_on:%d/%m/%Y}" for d in duplicates]
            return 409, error_body(
                _("Possible duplicates: the same petitioner raised something similar within 90 days. "
                  "Nothing has been saved yet."), {"duplicates": listed},
            )
    case = services.case_create(
        actor=user, unit=unit, kind=payload.kind, channel=payload.channel, content=payload.content,
        received_on=payload.received_on, petitioners=[p.dict() for p in payload.petitioners],
    )
    return 201, case


@cases_router.get("/{id}", response={200: CaseDetailOut, **ERRORS}, operation_id="cases_detail", summary="One case")
def cases_detail(request: HttpRequest, id: int):
    user = caller(request)
    case = selectors.get_case_for_user(user, id)
    return _out(user, case, detail=True, today=timezone.localdate())


@cases_router.post(
    "/{id}/acknowledge", response={200: CaseDetailOut, **ERRORS}, operation_id="cases_acknowledge",
    summary="Acknowledge a case in writing",
)
def cases_acknowledge(request: HttpRequest, id: int, payload: AcknowledgeIn):
    user = caller(request)
    case = selectors.get_case_for_user(user, id, Action.CHANGE)
    case = services.case_acknowledge(actor=user, case=case, outcome=payload.outcome, note=payload.note, on=payload.on,
                                     complexity=payload.complexity or "", remote=payload.remote)
    return _out(user, case, detail=True, today=timezone.localdate())


@cases_router.post(
    "/{id}/answer", response={200: CaseDetailOut, **ERRORS}, operation_id="cases_answer", summary="Answer a case",
)
def cases_answer(request: HttpRequest, id: int, payload: AnswerIn):
    user = caller(request)
    case = selectors.get_case_for_user(user, id, Action.CHANGE)
    case = services.case_answer(actor=user, case=case, answer=payload.answer, on=payload.on)
    return _out(user, case, detail=True, today=timezone.localdate())


@cases_router.post(
    "/{id}/merge", response={200: CaseDetailOut, **ERRORS}, operation_id="cases_merge",
    summary="Merge a duplicate into another case",
)
def cases_merge(request: HttpRequest, id: int, payload: MergeIn):
    """Close case ``id`` as a duplicate of ``into_id`` (its new petitioners join it); both
    histories keep the merge. Answers the case kept."""
    user = caller(request)
    case = selectors.get_case_for_user(user, id, Action.CHANGE)
    into = selectors.get_case_for_user(user, payload.into_id, Action.CHANGE)
    into = services.case_merge(actor=user, case=case, into=into)
    return _out(user, into, detail=True, today=timezone.localdate())


@public_router.get(
    "/cases/{code}", auth=None, response={200: PublicCaseOut, 404: ErrorOut, 429: ErrorOut},
    operation_id="public_case", summary="Follow a case by its code (no authentication)",
)
def public_case(request: HttpRequest, code: str):
    """The public fields of a case, by the code on the petitioner's receipt: no personal data,
    no internal note. Lookups are throttled per address (429)."""
    if not selectors.lookup_allowed(request.META.get("REMOTE_ADDR") or "unknown"):
        return 429, error_body(_("Too many lookups from this address. Please try again in a few minutes."))
    row = selectors.public_case(code)
    if row is None:
        return 404, error_body(_("No case has this code. Check the code printed on your receipt."))
    return row
