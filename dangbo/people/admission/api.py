"""Admission (phát triển đảng viên): ``GET /candidates`` and ``GET /candidates/{id}``.

Reads go through the selectors: the policy filters inside the SQL. Each candidate carries
``stage`` (the step awaited) and ``due_date`` (its deadline in working days, ``null`` when the
rules set none), and ``late``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from dangbo.core import policy
from dangbo.core.api import ERRORS, caller
from dangbo.orgs.models import Unit

from . import selectors
from .models import Candidate

router = Router(tags=["admission"])

MAX_LIMIT = 500
StageName = Literal["awareness", "file", "decision", "ceremony", "probation", "recognition", "official", "stopped", "open"]


class CandidateOut(Schema):
    id: int
    person_id: int
    full_name: str
    unit_id: int
    unit_name: str
    sector: str
    stage: str
    due_date: dt.date | None
    late: bool


class CandidateDetailOut(CandidateOut):
    added_on: dt.date
    certificate_number: str
    certificate_on: dt.date | None
    certificate_valid_to: dt.date | None
    forms_done: list[str]
    resolution_on: dt.date | None
    decision_extended: bool
    decision_number: str
    decision_on: dt.date | None
    ceremony_on: dt.date | None
    helper_id: int | None
    probation_end: dt.date | None
    review_on: dt.date | None
    recognition_number: str
    recognition_on: dt.date | None
    official_on: dt.date | None
    stopped_on: dt.date | None
    stop_reason: str


class CandidatePage(Schema):
    items: list[CandidateOut]
    count: int


class CandidateFilters(Schema):
    unit: int | None = Field(None, ge=1, description="A unit's id: its candidates and those of every unit below it.")
    stage: StageName | None = Field(None, description="A stage, or `open` (still on the way).")
    late: bool | None = Field(None, description="Only candidates whose current step is past its due date.")
    limit: int = Field(25, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000_000)


def _out(c: Candidate, *, detail: bool, today: dt.date) -> dict:
    data = {
        "id": c.pk, "person_id": c.person_id, "full_name": c.person.full_name, "unit_id": c.unit_id,
        "unit_name": c.unit.name, "sector": c.sector, "stage": c.stage, "due_date": c.due_date,
        "late": c.is_late(today),
    }
    if detail:
        data |= {
            name: getattr(c, name)
            for name in (
                "added_on", "certificate_number", "certificate_on", "certificate_valid_to", "forms_done",
                "resolution_on", "decision_extended", "decision_number", "decision_on", "ceremony_on",
                "helper_id", "probation_end", "review_on", "recognition_number", "recognition_on",
                "official_on", "stopped_on", "stop_reason",
            )
        }
    return data


@router.get("", response={200: CandidatePage, **ERRORS}, operation_id="candidates_list", summary="List candidates")
def candidates_list(request: HttpRequest, filters: Query[CandidateFilters]):
    """Candidates the caller may see: late ones first, then by due date."""
    user = caller(request)
    today = timezone.localdate()
    f = selectors.Filters(
        unit=policy.get_for_user(user, Unit, filters.unit) if filters.unit else None,
        stage=filters.stage or "", late=filters.late,
    )
    qs = selectors.candidate_list(user=user, filters=f, today=today)
    page = qs[filters.offset : filters.offset + filters.limit]
    return {"items": [_out(c, detail=False, today=today) for c in page], "count": qs.count()}


@router.get("/{id}", response={200: CandidateDetailOut, **ERRORS}, operation_id="candidates_detail", summary="One candidate")
def candidates_detail(request: HttpRequest, id: int):
    user = caller(request)
    return _out(selectors.get_candidate_for_user(user, id), detail=True, today=timezone.localdate())
