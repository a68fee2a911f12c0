"""API of cadres: ``GET /cadres`` and ``GET /cadres/{id}``, scoped by the one policy.

A cadre answers ``{"id", "person_id", "full_name", "gender", "unit_id", "education", "theory",
"positions": [{"title", "unit_id", "start", "end"}], "trainings": [...], "awards": [...],
"planned": [{"plan_id", "term", "title", "all_met"}]}``; positions are those the caller may see.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from dangbo.core import policy
from dangbo.core.api import ERRORS, caller
from dangbo.orgs.models import Unit

from . import selectors
from .models import CadreProfile

router = Router(tags=["cadres"])

MAX_LIMIT = 200


class CadreOut(Schema):
    id: int
    person_id: int
    full_name: str
    gender: str
    unit_id: int
    education: int
    theory: int


class PositionOut(Schema):
    title: str
    unit_id: int
    start: dt.date
    end: dt.date | None


class TrainingOut(Schema):
    name: str
    kind: str
    institution: str
    start: dt.date
    end: dt.date | None


class AwardOut(Schema):
    title: str
    date: dt.date
    decision: str


class PlannedOut(Schema):
    plan_id: int
    term: str
    title: str
    all_met: bool


class CadreDetailOut(CadreOut):
    positions: list[PositionOut]
    trainings: list[TrainingOut]
    awards: list[AwardOut]
    planned: list[PlannedOut]


class CadrePage(Schema):
    items: list[CadreOut]
    count: int


class CadreFilters(Schema):
    unit: int | None = Field(None, ge=1, description="A unit's id: the cadres it and the units below it manage.")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000_000)


def _row(p: CadreProfile) -> dict:
    return {
        "id": p.pk, "person_id": p.person_id, "full_name": p.person.full_name, "gender": p.person.gender,
        "unit_id": p.unit_id, "education": p.education, "theory": p.theory,
    }


@router.get("", response={200: CadrePage, **ERRORS}, operation_id="cadres_list", summary="List cadre records")
def cadres_list(request: HttpRequest, filters: Query[CadreFilters]):
    """Cadre records the caller may see, by unit and name."""
    user = caller(request)
    unit = policy.get_for_user(user, Unit, filters.unit) if filters.unit else None
    qs = selectors.profile_list(user=user, unit=unit)
    return {"items": [_row(p) for p in qs[filters.offset : filters.offset + filters.limit]], "count": qs.count()}


@router.get("/{id}", response={200: CadreDetailOut, **ERRORS}, operation_id="cadres_detail", summary="One cadre's record")
def cadres_detail(request: HttpRequest, id: int):
    user = caller(request)
    profile = selectors.get_profile_for_user(user, id)
    record = selectors.profile_record(user=user, profile=profile)
    return {
        **_row(profile),
        "positions": [{"title": p.title, "unit_id": p.unit_id, "start": p.start, "end": p.end} for p in record["positions"]],
        "trainings": [
            {"name": t.name, "kind": t.kind, "institution": t.institution, "start": t.start, "end": t.end}
            for t in record["trainings"]
        ],
        "awards": [{"title": a.title, "date": a.date, "decision": a.decision} for a in record["awards"]],
        "planned": [
            {"plan_id": c.plan_id, "term": c.plan.term_code, "title": c.title, "all_met": c.all_met}
            for c in record["candidacies"]
        ],
    }
