"""Meetings, roll-call, scoring, closing and corrections, through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dangbo.conftest import make_person
from dangbo.core import dates
from dangbo.core.models import AuditEntry
from dangbo.meetings import selectors, services
from dangbo.meetings.models import Attendance, CriteriaSet, Meeting, MeetingKind, MeetingScore

from .conftest import MEETING_DAY, full_points

pytestmark = pytest.mark.django_db


def test_schedule_the_year_in_one_step(cast, members):
    created = services.meeting_schedule_year(actor=cast.cell_secretary, unit=cast.cell1, year=2025)
    assert len(created) == 12
    assert all(m.date.weekday() == 0 and m.date.day <= 7 for m in created)  # first Mondays
    assert all(m.expected_count == 4 for m in created)
    again = services.meeting_schedule_year(actor=cast.cell_secretary, unit=cast.cell1, year=2025, day_of_month=5)
    assert again == []


def test_schedule_with_a_fixed_day_and_the_flag_ceremony(cast, members):
    created = services.meeting_schedule_year(
        actor=None, unit=cast.cell1, year=2026, day_of_month=5, with_flag_ceremony=True
    )
    kinds = [m.kind for m in created]
    assert kinds.count(MeetingKind.REGULAR) == 12 and kinds.count(MeetingKind.FLAG) == 12
    assert {m.date.day for m in created if m.kind == MeetingKind.REGULAR} == {5}


def test_only_cells_hold_regular_meetings(cast):
    with pytest.raises(ValidationError) as error:
        services.meeting_create(actor=None, unit=cast.ward1, kind=MeetingKind.REGULAR, date=MEETING_DAY)
    assert "kind" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.meeting_schedule_year(actor=None, unit=cast.ward1, year=2025)


def test_expected_members_and_attendance_counts(held, members):
    assert (held.expected_count, held.present_count, held.excused_count, held.unexcused_count) == (4, 3, 1, 0)
    assert held.attendance_rate == 0.75


def test_roll_call_refuses_someone_outside_the_cell(cast, meeting, members):
    stranger = make_person("Người Ngoài")
    with pytest.raises(ValidationError) as error:
        services.meeting_roll_call(
            actor=None, meeting=meeting, entries=[{"person_id": stranger.pk, "status": "present"}]
        )
    assert "is not a member of Chi bộ Khu phố 1" in str(error.value.message_dict["entries.0"])
    assert not Attendance.objects.filter(meeting=meeting, person=stranger).exists()


def test_excused_absence_needs_a_reason_and_nothing_is_saved(meeting, members):
    with pytest.raises(ValidationError) as error:
        services.meeting_roll_call(actor=None, meeting=meeting, entries=[
            {"person_id": members[0].pk, "status": "present"},
            {"person_id": members[1].pk, "status": "excused"},
        ])
    assert list(error.value.message_dict) == ["entries.1"]
    assert Attendance.objects.filter(meeting=meeting).exclude(status="").count() == 0


def test_roll_call_before_the_day_is_refused(cast, members):
    future = services.meeting_create(actor=None, unit=cast.cell1, kind=MeetingKind.REGULAR, date=dt.date(2025, 4, 7))
    with pytest.raises(ValidationError):
        services.meeting_roll_call(actor=None, meeting=future, entries=[{"person_id": members[0].pk, "status": "present"}])


def test_score_above_the_maximum_is_a_clear_error(held):
    with pytest.raises(ValidationError) as error:
        services.meeting_score(actor=None, meeting=held, rater="self", points=full_points(held, {"1": "12"}))
    assert error.value.message_dict == {"points.1": ["Criterion 1 allows at most 10.0 points."]}
    assert not MeetingScore.objects.exists()


def test_every_criterion_needs_points(held):
    points = full_points(held)
    del points["13"]
    with pytest.raises(ValidationError) as error:
        services.meeting_score(actor=None, meeting=held, rater="self", points=points)
    assert "points.13" in error.value.message_dict


def test_grades_follow_the_thresholds_and_the_full_marks_rule(held):
    score = services.meeting_score(actor=None, meeting=held, rater="self", points=full_points(held))
    assert (score.total, score.grade, score.grade_name) == (Decimal(100), "tot", "Tốt")
    # 94 points, but the minutes (criterion 11, needed for Tốt) lost a point: Khá.
    score = services.meeting_score(
        actor=None, meeting=held, rater="self", points=full_points(held, {"11": 5, "12": 5})
    )
    assert (score.total, score.grade) == (Decimal(94), "kha")
    score = services.meeting_score(
        actor=None, meeting=held, rater="self", points=full_points(held, {"12": 0, "13": 0, "10": 0, "8": 0, "4": 0})
    )
    assert (score.total, score.grade) == (Decimal(58), "trung-binh")
    held.refresh_from_db()
    assert (held.score, held.grade) == (Decimal(58), "trung-binh")


def test_the_leaders_score_is_the_meetings_grade_and_both_are_kept(held, leader):
    services.meeting_score(actor=None, meeting=held, rater="self", points=full_points(held))
    services.meeting_score(actor=leader, meeting=held, rater="leader", points=full_points(held, {"9": 6}))
    held.refresh_from_db()
    assert held.grade == "kha" and held.score == Decimal(96)
    table = selectors.score_table(meeting=held)
    assert table.raters == ["self", "leader"]


def test_a_score_keeps_its_criteria_set_version(held):
    score = services.meeting_score(actor=None, meeting=held, rater="self", points=full_points(held))
    version = score.criteria_set
    newer = services.criteria_set_new_version(
        actor=None, base=version, effective_from=dt.date(2026, 1, 1), source_document="Hướng dẫn mới"
    )
    assert newer.version == 3 and newer.criteria.count() == version.criteria.count()
    score = services.meeting_score(actor=None, meeting=held, rater="self", points=full_points(held))
    assert score.criteria_set == version


def test_a_version_in_use_cannot_change(held):
    services.meeting_score(actor=None, meeting=held, rater="self", points=full_points(held))
    criterion = held.criteria_set.criteria.first()
    with pytest.raises(ValidationError):
        services.criterion_update(actor=None, criterion=criterion, title="X", max_points=Decimal(20))


def test_the_criteria_set_in_force_follows_the_date():
    assert services.criteria_set_for(dt.date(2024, 5, 1)).version == 1
    assert services.criteria_set_for(dt.date(2025, 11, 1)).version == 2
    v2 = CriteriaSet.objects.get(version=2)
    assert "42-HD/BTCTW" in v2.source_document
    assert sum(c.max_points for c in v2.criteria.all()) == 100


def test_closing_freezes_and_corrections_need_a_reason(cast, held, members):
    services.meeting_score(actor=None, meeting=held, rater="self", points=full_points(held))
    services.meeting_close(actor=cast.cell_secretary, meeting=held)
    entry = [{"person_id": members[3].pk, "status": "unexcused"}]
    with pytest.raises(ValidationError) as error:
        services.meeting_roll_call(actor=None, meeting=held, entries=entry)
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.meeting_score(actor=None, meeting=held, rater="self", points=full_points(held))
    with pytest.raises(ValidationError):
        services.meeting_update(actor=None, meeting=held, title="Khác", date=held.date)
    services.meeting_roll_call(actor=cast.ward_secretary, meeting=held, entries=entry, reason="Ghi nhầm")
    correction = AuditEntry.objects.filter(action="meeting.correction").get()
    assert correction.reason == "Ghi nhầm" and correction.actor == cast.ward_secretary
    held.refresh_from_db()
    assert held.unexcused_count == 1


def test_a_meeting_is_closed_only_when_held_with_a_complete_roll_call(cast, meeting, members):
    with pytest.raises(ValidationError):
        services.meeting_close(actor=None, meeting=meeting)
    services.meeting_record(actor=None, meeting=meeting, duration_minutes=90)
    with pytest.raises(ValidationError) as error:
        services.meeting_close(actor=None, meeting=meeting)
    assert "4" in error.value.messages[0]


def test_a_decision_links_to_the_task_it_became(held, cast):
    decision = services.decision_create(actor=None, meeting=held, text="Tổng vệ sinh khu phố",
                                        responsible_unit=cast.cell1, deadline=dt.date(2025, 4, 30))
    assert decision.task is None
    task = cast.office  # any model instance stands for the tasks app's Task
    services.decision_link_task(decision=decision, task=task)
    decision.refresh_from_db()
    assert decision.task == task and decision.task_object_id == task.pk


def test_a_leader_at_a_meeting_gets_a_visit_logged(held, leader):
    services.meeting_guest_add(actor=None, meeting=held, person=leader.person, title="Phó Bí thư Thường trực")
    visit = held.visits.get()
    assert visit.person == leader.person and visit.kind == "meeting"


def test_missing_months_and_falling_cells(cast, members):
    months = dates.months_ending(dt.date(2025, 2, 1), 4)  # Nov 2024 – Feb 2025
    for month, score in zip(months[:3], [95, 85, 75], strict=True):
        m = services.meeting_create(actor=None, unit=cast.cell1, kind=MeetingKind.REGULAR, date=month.replace(day=5))
        services.meeting_record(actor=None, meeting=m, duration_minutes=90)
        Meeting.objects.filter(pk=m.pk).update(score=score, grade="kha")
    missing = selectors.missing_months(cells=[cast.cell1, cast.cell_dl], months=months)
    assert missing[cast.cell1.pk] == [months[3]] and len(missing[cast.cell_dl.pk]) == 4
    m = services.meeting_create(actor=None, unit=cast.cell1, kind=MeetingKind.REGULAR, date=months[3].replace(day=5))
    services.meeting_record(actor=None, meeting=m, duration_minutes=90)
    Meeting.objects.filter(pk=m.pk).update(score=65, grade="trung-binh")
    data = selectors.ward_quality(ward=cast.ward1, months=months)
    assert [r["cell"] for r in data["falling"]] == [cast.cell1]


def test_a_decision_names_only_a_unit_the_actor_may_see(held, cast):
    """A cell's decision cannot hand work to another ward's cell: the same 404 as a missing id."""
    from django.http import Http404

    from dangbo.meetings.models import MeetingDecision

    with pytest.raises(Http404):
        services.decision_create(actor=cast.cell_secretary, meeting=held, text="Giao việc sang phường khác",
                                 responsible_unit=cast.cell_dl)
    assert not MeetingDecision.objects.exists()
    decision = services.decision_create(actor=cast.cell_secretary, meeting=held, text="Tổng vệ sinh",
                                        responsible_unit=cast.cell1)
    assert decision.responsible_unit == cast.cell1


def test_a_score_names_only_a_rater_the_actor_may_see(held, cast):
    from django.http import Http404

    with pytest.raises(Http404):
        services.meeting_score(actor=cast.cell_secretary, meeting=held, rater="self", points=full_points(held),
                               rater_person=cast.outsider.person)
    assert not MeetingScore.objects.filter(meeting=held).exists()
