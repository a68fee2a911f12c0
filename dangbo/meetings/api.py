"""API of party cell meetings: ``/meetings``.

Lists go through the selectors (the permission policy filters inside the query); writes go
through the same services as the pages, so a score above a criterion's maximum, a roll-call
for someone outside the cell or an uncorrected edit of a closed meeting answer 400 in the one
error shape.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from dangbo.core import policy
from dangbo.core.api import ERRORS, ErrorOut, Id, Points, caller
from dangbo.core.policy import Action

from . import selectors, services
from .models import Meeting
from .policy import RATER_ACTION

meetings_router = Router(tags=["meetings"])

MAX_LIMIT = 200

Kind = Literal["regular", "thematic", "forum", "flag", "ward", "city"]
Rater = Literal["self", "leader", "ward"]
RollStatus = Literal["present", "excused", "unexcused"]


class MeetingFields(Schema):
    id: int
    unit_id: int
    unit_name: str
    kind: str
    title: str
    date: dt.date
    status: str
    closed: bool
    expected: int
    present: int
    excused: int
    unexcused: int
    score: Decimal | None
    grade: str


class MeetingOut(MeetingFields):
    @staticmethod
    def resolve_unit_name(obj: Meeting) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_closed(obj: Meeting) -> bool:
        return obj.closed_at is not None

    @staticmethod
    def resolve_expected(obj: Meeting) -> int:
        return obj.expected_count

    @staticmethod
    def resolve_present(obj: Meeting) -> int:
        return obj.present_count

    @staticmethod
    def resolve_excused(obj: Meeting) -> int:
        return obj.excused_count

    @staticmethod
    def resolve_unexcused(obj: Meeting) -> int:
        return obj.unexcused_count


class MeetingPage(Schema):
    items: list[MeetingOut]
    count: int


class AttendanceOut(Schema):
    person_id: int
    name: str
    status: str
    reason: str
    version: str = Field(description="Send it back with the row's roll-call entry.")


class GuestOut(Schema):
    name: str
    title: str
    person_id: int | None


class ScoreItemOut(Schema):
    criterion: str
    points: Decimal
    max_points: Decimal


class ScoreOut(Schema):
    rater: str
    criteria_set: str
    criteria_set_version: int
    total: Decimal
    grade: str
    grade_name: str
    items: list[ScoreItemOut]


class DecisionOut(Schema):
    id: int
    text: str
    responsible_unit_id: int | None
    deadline: dt.date | None
    task_id: int | None


class MeetingDetailOut(MeetingFields):
    # Not ``dt.time``: its OpenAPI format "time" (RFC 3339) wants a UTC offset, which a
    # meeting's local start time does not have.
    start_time: str | None = Field(
        None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="Local start time, HH:MM.", examples=["19:30"]
    )
    duration_minutes: int | None
    place: str
    agenda: str
    minutes: str
    conclusions: str
    attendance: list[AttendanceOut]
    guests: list[GuestOut]
    scores: list[ScoreOut]
    decisions: list[DecisionOut]


class MeetingFilters(Schema):
    unit: int | None = Field(None, ge=1, description="A unit; its descendants are included.")
    kind: Kind | None = None
    month: str = Field("", pattern=r"^(\d{4}-\d{2})?$", description="YYYY-MM")
    held: bool | None = Field(None, description="Only held (true) or not held (false) meetings.")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000_000)

    @field_validator("month")
    @classmethod
    def _real_month(cls, value: str) -> str:
        if value and not 1 <= int(value[5:7]) <= 12:
            raise ValueError(_("Enter a month as YYYY-MM."))
        return value


class RollCallEntry(Schema):
    person_id: Id
    status: RollStatus
    reason: str = Field("", max_length=300)
    version: str = Field(
        "", max_length=100,
        description="The row's `version` as read: a row someone changed since is then not overwritten (409).",
    )


class RollCallIn(Schema):
    entries: list[RollCallEntry] = Field(min_length=1, max_length=500)
    reason: str = Field("", max_length=500, description="Needed to correct a closed meeting.")


class ScoreIn(Schema):
    rater: Rater
    points: dict[str, Points] = Field(description="Criterion code → points.")
    note: str = Field("", max_length=2000)
    reason: str = Field("", max_length=500, description="Needed to correct a closed meeting.")

    @field_validator("points")
    @classmethod
    def _not_empty(cls, value: dict[str, Points]) -> dict[str, Points]:
        if not value:
            raise ValueError(_("Give the points for each criterion."))
        return value


def _detail(meeting: Meeting) -> dict:
    table = selectors.score_table(meeting=meeting)
    scores = []
    for rater in table.raters:
        score = table.scores[rater]
        criteria = {c.pk: c for _t, rows in table.sections for c, _v in rows}
        scores.append({
            "rater": rater, "criteria_set": score.criteria_set.code, "criteria_set_version": score.criteria_set.version,
            "total": score.total, "grade": score.grade, "grade_name": score.grade_name,
            "items": [
                {"criterion": criteria[i.criterion_id].code if i.criterion_id in criteria else str(i.criterion_id),
                 "points": i.points,
                 "max_points": criteria[i.criterion_id].max_points if i.criterion_id in criteria else Decimal(0)}
                for i in score.items.all()
            ],
        })
    meeting.attendance = [  # type: ignore[attr-defined]
        {"person_id": a.person_id, "name": a.person.full_name, "status": a.status, "reason": a.reason,
         "version": services.attendance_version(a)}
        for a in selectors.attendance_rows(meeting=meeting)
    ]
    meeting.guests_out = list(selectors.guests(meeting=meeting))  # type: ignore[attr-defined]
    return {
        **{k: getattr(meeting, k) for k in (
            "id", "unit_id", "kind", "title", "date", "status", "score", "grade",
            "duration_minutes", "place", "agenda", "minutes", "conclusions")},
        "start_time": f"{meeting.start_time:%H:%M}" if meeting.start_time else None,
        "unit_name": meeting.unit.name, "closed": meeting.is_closed,
        "expected": meeting.expected_count, "present": meeting.present_count,
        "excused": meeting.excused_count, "unexcused": meeting.unexcused_count,
        "attendance": meeting.attendance,  # type: ignore[attr-defined]
        "guests": [{"name": g.name, "title": g.title, "person_id": g.person_id} for g in meeting.guests_out],  # type: ignore[attr-defined]
        "scores": scores,
        "decisions": [
            {"id": d.pk, "text": d.text, "responsible_unit_id": d.responsible_unit_id, "deadline": d.deadline,
             "task_id": d.task_object_id}
            for d in selectors.decisions(meeting=meeting)
        ],
    }


@meetings_router.get("", response={200: MeetingPage, **ERRORS}, operation_id="meetings_list", summary="List meetings")
def meetings_list(request: HttpRequest, filters: Query[MeetingFilters]):
    """Meetings the caller may see, newest first."""
    user = caller(request)
    unit = None if filters.unit is None else selectors.get_quality_unit_for_user(user, filters.unit)
    month = dt.date(int(filters.month[:4]), int(filters.month[5:7]), 1) if filters.month else None
    meetings = selectors.meeting_list(user=user, unit=unit, kind=filters.kind or "", month=month, held=filters.held)
    count = meetings.count()
    return {"items": list(meetings[filters.offset : filters.offset + filters.limit]), "count": count}


@meetings_router.get("/{id}", response={200: MeetingDetailOut, **ERRORS}, operation_id="meetings_detail", summary="One meeting")
def meetings_detail(request: HttpRequest, id: int):
    """A meeting with its roll-call, guests, scores (each with its criteria set version) and decisions."""
    meeting = selectors.get_meeting_for_user(caller(request), id)
    return _detail(meeting)


@meetings_router.post(
    "/{id}/roll-call", response={200: MeetingDetailOut, **ERRORS, 409: ErrorOut}, operation_id="meetings_roll_call",
    summary="Record the roll-call",
)
def meetings_roll_call(request: HttpRequest, id: int, payload: RollCallIn):
    user = caller(request)
    meeting = selectors.get_meeting_for_user(user, id, Action.CHANGE)
    services.meeting_roll_call(
        actor=user, meeting=meeting, entries=[e.dict() for e in payload.entries], reason=payload.reason
    )
    return _detail(selectors.get_meeting_for_user(user, id))


@meetings_router.post(
    "/{id}/scores", response={200: MeetingDetailOut, **ERRORS}, operation_id="meetings_score",
    summary="Score a meeting",
)
def meetings_score(request: HttpRequest, id: int, payload: ScoreIn):
    user = caller(request)
    meeting = selectors.get_meeting_for_user(user, id, RATER_ACTION[payload.rater])
    services.meeting_score(
        actor=user, meeting=meeting, rater=payload.rater, points=payload.points, note=payload.note,
        reason=payload.reason, rater_person=policy.person_of(user),
    )
    return _detail(selectors.get_meeting_for_user(user, id))

