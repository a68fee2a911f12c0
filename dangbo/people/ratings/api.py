"""Annual ratings (đánh giá, xếp loại chất lượng) of members, cadres and organisations.

``GET /ratings`` lists the ratings the caller may see (filters ``period``, ``unit`` with the
units below it, ``level``, ``capacity``); each names its ``rule_version`` and source document,
its ``capacity`` (``member``, ``leader`` or ``organisation``) and carries ``points``, ``grade``
and the ``prefilled`` evidence figures. ``POST /ratings`` opens the rating of a member
(``person_id``), an organisation (``unit_id``) or a leader (``capacity: "leader"`` with the
``person_id`` and the ``unit_id`` of the unit they lead) for a period and level (pre-filled
from the evidence) and saves the points, adjustments and grade given; send the ``version``
you read in ``If-Match`` (or ``expected_version``) and a save made since is a 409.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from dangbo.core import policy, versions
from dangbo.core.api import ERRORS, ErrorOut, Id, caller, if_match
from dangbo.core.policy import Action
from dangbo.orgs.models import Person, Unit

from . import rules, selectors, services
from .models import Level, Rating

router = Router(tags=["ratings"])

MAX_LIMIT = 200
LevelCode = Literal["self", "cell", "ward", "city"]
CapacityCode = Literal["member", "leader", "organisation"]


class RuleOut(Schema):
    code: str
    source: str
    source_url: str
    uses_points: bool


class FigureOut(Schema):
    label: str
    value: int
    of: int | None = None
    url: str = ""


class AdjustmentOut(FigureOut):
    reason: str = ""


class RatingOut(Schema):
    id: int
    period: int
    level: LevelCode
    subject: Literal["person", "unit"]
    capacity: CapacityCode
    person_id: int | None
    unit_id: int | None
    post_title: str
    subject_name: str
    rater_unit_id: int
    rule_version: RuleOut
    general_points: Decimal | None
    task_points: Decimal | None
    points: Decimal | None
    grade: str
    grade_label: str
    prefilled: dict[str, FigureOut]
    adjusted: dict[str, AdjustmentOut]
    note: str
    version: str


class RatingPage(Schema):
    items: list[RatingOut]
    count: int


class RatingFilters(Schema):
    period: int | None = Field(None, ge=2000, le=2100, description="The year rated.")
    unit: int | None = Field(None, ge=1, description="A unit's id: the ratings of its subjects and those below it.")
    level: LevelCode | None = None
    capacity: CapacityCode | None = None
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class AdjustmentIn(Schema):
    value: int = Field(..., ge=0, le=1_000_000)
    of: int | None = Field(None, ge=0, le=1_000_000)
    reason: str = Field(..., min_length=1, max_length=500)


class RatingIn(Schema):
    person_id: Id | None = None
    unit_id: Id | None = Field(None, description="The organisation rated, or (a leader) the unit they lead.")
    capacity: CapacityCode | None = Field(None, description="member (default with person_id), leader, organisation.")
    period: int = Field(..., ge=2000, le=2100)
    level: LevelCode
    general_points: Decimal | None = Field(None, ge=0, le=1000, max_digits=5, decimal_places=1)
    task_points: Decimal | None = Field(None, ge=0, le=1000, max_digits=5, decimal_places=1)
    grade: str = Field("", max_length=20)
    adjustments: dict[str, AdjustmentIn] = Field(default_factory=dict)
    note: str = Field("", max_length=5000)
    expected_version: str | None = Field(None, max_length=2000)


def _out(rating: Rating) -> dict[str, Any]:
    rule = rating.rule
    subject = rating.subject
    return {
        "id": rating.pk, "period": rating.year, "level": rating.level,
        "subject": "person" if rating.person_id else "unit",
        "capacity": rating.capacity, "post_title": rating.post_title,
        "person_id": rating.person_id, "unit_id": rating.unit_id if rating.is_leader else rating.subject_unit_id,
        "subject_name": subject.full_name if rating.person_id else subject.name,
        "rater_unit_id": rating.rater_unit_id,
        "rule_version": {"code": rule.code, "source": rule.source, "source_url": rule.source_url,
                         "uses_points": rule.uses_points},
        "general_points": rating.general_points, "task_points": rating.task_points, "points": rating.points,
        "grade": rating.grade, "grade_label": (rules.grade(rule, rating.grade) or {}).get("label", ""),
        "prefilled": rating.prefilled or {}, "adjusted": rating.adjusted or {}, "note": rating.note,
        "version": versions.token(rating, services.EDIT_FIELDS),
    }


@router.get("", response={200: RatingPage, **ERRORS}, operation_id="ratings_list", summary="List ratings")
def ratings_list(request: HttpRequest, filters: Query[RatingFilters]):
    user = caller(request)
    unit = policy.get_for_user(user, Unit, filters.unit) if filters.unit else None
    ratings = selectors.rating_list(user=user, year=filters.period, unit=unit, level=filters.level or "",
                                    capacity=filters.capacity or "")
    page = ratings[filters.offset : filters.offset + filters.limit]
    return {"items": [_out(r) for r in page], "count": ratings.count()}


@router.post(
    "", response={200: RatingOut, **ERRORS, 409: ErrorOut}, operation_id="ratings_save",
    summary="Open (pre-filled) and save a rating",
)
def ratings_save(request: HttpRequest, payload: RatingIn):
    """One rating of a member, an organisation or a leader of a unit (``capacity: "leader"``,
    ``person_id`` and ``unit_id``) for a period and a rater level: created and
    pre-filled from the evidence when it does not exist, then saved with the points,
    adjustments (each with its reason) and grade given. A grade its points or gates forbid is
    a 400 naming why; a save made by someone else since your version is a 409."""
    user = caller(request)
    if payload.capacity == "leader":
        if payload.person_id is None or payload.unit_id is None:
            raise ValidationError({"unit_id": [_("Name the leader and the unit they lead.")]})
    elif (payload.person_id is None) == (payload.unit_id is None):
        raise ValidationError({"person_id": [_("Name either a member or an organisation.")]})
    person = policy.get_for_user(user, Person, payload.person_id) if payload.person_id else None
    unit = policy.get_for_user(user, Unit, payload.unit_id) if payload.unit_id else None
    with transaction.atomic():  # a refused save leaves no half-opened row behind
        rating = services.rating_open(
            actor=user, year=payload.period, level=Level(payload.level), person=person, unit=unit,
            capacity=payload.capacity,
        )
        rating = services.rating_save(
            actor=user, rating=rating, general_points=payload.general_points, task_points=payload.task_points,
            grade=payload.grade, adjustments={k: v.dict() for k, v in payload.adjustments.items()},
            note=payload.note, expected_version=if_match(request) or payload.expected_version,
        )
    rating = selectors.get_rating_for_user(user, rating.pk, Action.VIEW)
    return _out(rating)
