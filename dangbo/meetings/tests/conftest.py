"""Fixtures for the meetings tests: a few more members in cell1, a held meeting, a leader."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from dangbo.conftest import START, make_person
from dangbo.meetings import services
from dangbo.meetings.models import MeetingKind
from dangbo.orgs import services as org_services
from dangbo.orgs.models import Person

TODAY = dt.datetime(2025, 3, 20, 9, 0, tzinfo=dt.UTC)
MEETING_DAY = dt.date(2025, 3, 3)


@pytest.fixture(autouse=True)
def _frozen_today():
    """A fixed "today" (20/03/2025) and English messages, so the assertions read plainly."""
    with time_machine.travel(TODAY, tick=False), translation.override("en"):
        yield


@pytest.fixture
def members(cast) -> list[Person]:
    """Cell1's members: the cast's member plus three more."""
    people = [Person.objects.get(user=cast.member)]
    for name in ["Lê Thị Hằng", "Nguyễn Văn Bình", "Trần Quốc Toản"]:
        person = make_person(name)
        org_services.membership_create(actor=None, person=person, unit=cast.cell1, start=START)
        people.append(person)
    return people


@pytest.fixture
def meeting(cast, members):
    return services.meeting_create(
        actor=cast.cell_secretary, unit=cast.cell1, kind=MeetingKind.REGULAR, date=MEETING_DAY,
        title="Sinh hoạt thường kỳ tháng 03/2025", agenda="1. Kiểm điểm nghị quyết tháng trước.",
    )


@pytest.fixture
def held(cast, meeting, members):
    """The meeting held, roll-call taken (3 present, 1 excused)."""
    services.meeting_record(actor=cast.cell_secretary, meeting=meeting, duration_minutes=100,
                            minutes="Diễn biến.", conclusions="Kết luận.", chair=members[1], secretary=members[2])
    entries = [{"person_id": p.pk, "status": "present"} for p in members[:3]]
    entries.append({"person_id": members[3].pk, "status": "excused", "reason": "Đi công tác"})
    services.meeting_roll_call(actor=cast.cell_secretary, meeting=meeting, entries=entries)
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def leader(cast):
    """A city leader with a login, assigned to Phường 1 (no grant there)."""
    person = make_person("Hồ Sỹ Trung", "leader")
    services.leader_assign(actor=cast.clerk, person=person, unit=cast.ward1, start=dt.date(2024, 1, 1))
    return person.user


def full_points(meeting, overrides=None):
    from dangbo.meetings.models import Criterion

    points = {c.code: c.max_points for c in Criterion.objects.filter(criteria_set=meeting.criteria_set)}
    points.update(overrides or {})
    return points


@pytest.fixture(autouse=True)
def _english_pages(client):
    """Pages in English (the lead translates the new messages at the end)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
