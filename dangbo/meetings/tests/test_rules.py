"""The meetings' rules held by the services themselves, whatever calls them: 404 for what the
actor may not see (a meeting, a unit, a person named), 403 for what they see but may not do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from dangbo.conftest import make_person
from dangbo.core import policy
from dangbo.core.policy import Action
from dangbo.meetings import services
from dangbo.meetings.models import CriteriaSet, LeaderAssignment, LeaderVisit, Meeting, MeetingKind

from .conftest import MEETING_DAY, full_points

pytestmark = pytest.mark.django_db

API = "/api/v1/meetings"


def person(user):
    return policy.person_of(user)


def test_scheduling_needs_change_over_the_unit(cast, members, leader):
    with pytest.raises(Http404):
        services.meeting_create(actor=cast.outsider, unit=cast.cell1, kind=MeetingKind.REGULAR, date=MEETING_DAY)
    for refused in (cast.member, leader):  # sees the cell's meetings, may not schedule them
        with pytest.raises(PermissionDenied):
            services.meeting_create(actor=refused, unit=cast.cell1, kind=MeetingKind.REGULAR, date=MEETING_DAY)
    with pytest.raises(Http404):
        services.meeting_schedule_year(actor=cast.outsider, unit=cast.cell1, year=2025)
    assert not Meeting.objects.exists()
    services.meeting_create(actor=cast.cell_secretary, unit=cast.cell1, kind=MeetingKind.REGULAR, date=MEETING_DAY)


@pytest.mark.parametrize("change", ["update", "record", "roll_call", "close", "guest", "decision"])
def test_changing_a_meeting_needs_change_over_its_unit(cast, held, members, change):
    calls = {
        "update": lambda actor: services.meeting_update(actor=actor, meeting=held, title="X", date=MEETING_DAY),
        "record": lambda actor: services.meeting_record(actor=actor, meeting=held, duration_minutes=95),
        "roll_call": lambda actor: services.meeting_roll_call(
            actor=actor, meeting=held, entries=[{"person_id": members[3].pk, "status": "present"}]
        ),
        "close": lambda actor: services.meeting_close(actor=actor, meeting=held),
        "guest": lambda actor: services.meeting_guest_add(actor=actor, meeting=held, name="Khách"),
        "decision": lambda actor: services.decision_create(actor=actor, meeting=held, text="Làm đường"),
    }
    with pytest.raises(Http404):
        calls[change](cast.outsider)
    with pytest.raises(PermissionDenied):
        calls[change](cast.member)
    held.refresh_from_db()
    assert (held.title, held.duration_minutes, held.present_count, held.closed_at) == (
        "Sinh hoạt thường kỳ tháng 03/2025", 100, 3, None
    )
    assert not held.guests.exists() and not held.decisions.exists()
    calls[change](cast.ward_secretary)


def test_chair_and_secretary_are_people_of_the_meetings_unit(cast, meeting, members):
    stranger = person(cast.outsider)
    for field in ("chair", "secretary"):
        with pytest.raises(Http404):
            services.meeting_record(actor=cast.cell_secretary, meeting=meeting, duration_minutes=95, **{field: stranger})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED and meeting.chair is None
    services.meeting_record(
        actor=cast.cell_secretary, meeting=meeting, duration_minutes=95, chair=members[0],
        secretary=person(cast.cell_secretary),  # a position holder of the cell
    )


def test_a_guest_named_is_a_leader_of_the_unit_or_someone_seen(cast, held, leader):
    with pytest.raises(Http404):  # a person of Đông Lương
        services.meeting_guest_add(actor=cast.cell_secretary, meeting=held, person=person(cast.outsider))
    assert not held.guests.exists()
    services.meeting_guest_add(actor=cast.cell_secretary, meeting=held, person=person(leader))  # follows Phường 1
    services.meeting_guest_add(actor=cast.cell_secretary, meeting=held, person=person(cast.member))
    assert held.guests.count() == 2 and held.visits.get().person == person(leader)


def test_roll_call_of_someone_outside_the_unit_is_404_and_names_nobody(cast, meeting, members):
    for stranger in (person(cast.outsider), person(cast.clerk)):
        with pytest.raises(Http404):
            services.meeting_roll_call(
                actor=cast.cell_secretary, meeting=meeting,
                entries=[{"person_id": members[0].pk, "status": "present"}, {"person_id": stranger.pk, "status": "present"}],
            )
    meeting.refresh_from_db()
    assert meeting.present_count == 0


@pytest.mark.parametrize(
    "rater, allowed, refused",
    [
        ("self", ["cell_secretary", "ward_secretary"], ["member", "leader"]),
        ("leader", ["leader"], ["cell_secretary", "ward_secretary", "member"]),
        ("ward", ["ward_secretary", "clerk"], ["cell_secretary", "member", "leader"]),
    ],
)
def test_scoring_needs_the_raters_right(cast, held, leader, login, rater, allowed, refused):
    users = {**cast.everyone, "leader": leader}
    points = full_points(held)
    with pytest.raises(Http404):
        services.meeting_score(actor=cast.outsider, meeting=held, rater=rater, points=points)
    for name in refused:
        with pytest.raises(PermissionDenied):
            services.meeting_score(actor=users[name], meeting=held, rater=rater, points=points)
    assert not held.scores.exists()
    payload = {"rater": rater, "points": {k: str(v) for k, v in points.items()}}
    assert login(cast.outsider).post(f"{API}/{held.pk}/scores", payload, content_type="application/json").status_code == 404
    assert login(users[refused[0]]).post(f"{API}/{held.pk}/scores", payload, content_type="application/json").status_code == 403
    for name in allowed:
        services.meeting_score(actor=users[name], meeting=held, rater=rater, points=points)
    assert held.scores.get().rater == rater


def test_criteria_changes_need_the_right_to_edit_the_set(cast):
    default = CriteriaSet.objects.get(version=2)
    ward_set = services.criteria_set_new_version(
        actor=cast.clerk, base=default, unit=cast.ward1, effective_from=dt.date(2026, 1, 1),
        source_document="Quyết định",
    )
    criterion = ward_set.criteria.order_by("order").first()
    with pytest.raises(Http404):
        services.criterion_update(actor=cast.outsider, criterion=criterion, title="X", max_points=criterion.max_points)
    with pytest.raises(Http404):  # a ward's set is not seen from the cells below it
        services.criterion_remove(actor=cast.cell_secretary, criterion=criterion)
    with pytest.raises(PermissionDenied):  # the default set belongs to the city
        services.criteria_set_new_version(
            actor=cast.ward_secretary, base=default, effective_from=dt.date(2026, 1, 1), source_document="X"
        )
    with pytest.raises(Http404):  # nor a version of their own set for another ward
        services.criteria_set_new_version(
            actor=cast.ward_secretary, base=ward_set, unit=cast.ward_dl, effective_from=dt.date(2026, 1, 1),
            source_document="X",
        )
    criterion.refresh_from_db()
    assert criterion.title != "X"
    services.criterion_update(actor=cast.ward_secretary, criterion=criterion, title="X", max_points=criterion.max_points)


def test_leader_assignments_need_change_over_the_unit_and_a_person_seen(cast):
    leader = make_person("Hồ Sỹ Trung")
    start = dt.date(2025, 1, 1)
    with pytest.raises(Http404):
        services.leader_assign(actor=cast.outsider, person=leader, unit=cast.cell1, start=start)
    with pytest.raises(PermissionDenied):
        services.leader_assign(actor=cast.member, person=leader, unit=cast.cell1, start=start)
    with pytest.raises(Http404):  # a person of Đông Lương, not seen from Phường 1
        services.leader_assign(actor=cast.ward_secretary, person=person(cast.outsider), unit=cast.cell1, start=start)
    assert not LeaderAssignment.objects.exists()
    assignment = services.leader_assign(actor=cast.ward_secretary, person=leader, unit=cast.cell1, start=start)
    with pytest.raises(Http404):
        services.leader_assignment_end(actor=cast.outsider, assignment=assignment, end=dt.date(2025, 2, 1))
    assignment.refresh_from_db()
    assert assignment.end is None


def test_working_groups_need_change_over_the_unit_and_people_seen(cast):
    start = dt.date(2025, 1, 1)
    with pytest.raises(Http404):
        services.working_group_create(actor=cast.outsider, unit=cast.ward1, name="Tổ 1", start=start)
    with pytest.raises(Http404):
        services.working_group_create(
            actor=cast.ward_secretary, unit=cast.ward1, name="Tổ 1", start=start, members=[(person(cast.outsider), "")]
        )
    services.working_group_create(
        actor=cast.ward_secretary, unit=cast.ward1, name="Tổ 1", start=start,
        members=[(person(cast.cell_secretary), "Tổ trưởng")], followed_units=[cast.cell1],
    )


def test_visits_are_logged_by_their_leaders_and_the_committee_above(cast, leader):
    day = dt.date(2025, 3, 10)
    me = person(leader)
    with pytest.raises(Http404):
        services.visit_log(actor=cast.outsider, person=me, unit=cast.cell1, date=day)
    with pytest.raises(PermissionDenied):  # the cell does not log visits to itself
        services.visit_log(actor=cast.cell_secretary, person=me, unit=cast.cell1, date=day)
    with pytest.raises(Http404):  # a person of Đông Lương
        services.visit_log(actor=cast.ward_secretary, person=person(cast.outsider), unit=cast.cell1, date=day)
    assert not LeaderVisit.objects.exists()
    assert policy.may(leader, Action.LOG_VISIT, LeaderVisit(unit=cast.cell1, person=me))
    assert not policy.may(leader, Action.LOG_VISIT, LeaderVisit(unit=cast.cell_dl, person=me))
    services.visit_log(actor=leader, person=me, unit=cast.cell1, date=day)
    services.visit_log(actor=cast.ward_secretary, person=me, unit=cast.cell1, date=day)
    assert LeaderVisit.objects.count() == 2
