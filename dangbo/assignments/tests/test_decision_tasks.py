"""A meeting's decision becomes a task from the meeting's page in one click; the decision
then shows its task and the task's progress."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dangbo.assignments import services
from dangbo.assignments.models import Task
from dangbo.meetings import services as meetings
from dangbo.meetings.models import MeetingDecision, MeetingKind

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 10, 3, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def meeting(cast):
    return meetings.meeting_create(actor=None, unit=cast.cell1, kind=MeetingKind.REGULAR, date=D(2026, 3, 5),
                                   title="Sinh hoạt tháng 3")


APRIL_END = D(2026, 4, 30)


def _decide(meeting, deadline=APRIL_END, text="Vận động đảng viên đóng đảng phí đầy đủ"):
    return meetings.decision_create(actor=None, meeting=meeting, text=text, deadline=deadline)


def _assign_url(decision) -> str:
    return f"/nhiem-vu/quyet-dinh/{decision.pk}/giao/"


def test_one_click_makes_the_decision_a_task(cast, login, meeting):
    decision = _decide(meeting)
    page = reverse("meetings:meeting_detail", args=[meeting.pk])
    body = login(cast.cell_secretary).get(page).content.decode()
    assert f'action="{_assign_url(decision)}"' in body
    assert f'action="{_assign_url(decision)}"' not in login(cast.member).get(page).content.decode()
    assert login(cast.outsider).post(_assign_url(decision)).status_code == 404
    assert login(cast.member).post(_assign_url(decision)).status_code == 403
    response = login(cast.cell_secretary).post(_assign_url(decision))
    assert response.status_code == 302 and response["Location"] == page
    task = Task.objects.get()
    assert (task.unit, task.assigning_unit, task.deadline, task.source_kind) == (cast.cell1, cast.cell1, D(2026, 4, 30), "decision")
    assert task.title == decision.text and task.source == decision
    decision.refresh_from_db()
    assert decision.task_object_id == task.pk
    services.report_submit(actor=cast.cell_secretary, task=task, percent=40)
    body = login(cast.member).get(page).content.decode()
    assert f'href="{task.get_absolute_url()}"' in body and "40%" in body
    assert f'action="{_assign_url(decision)}"' not in body
    # A second click makes no second task.
    assert login(cast.cell_secretary).post(_assign_url(decision)).status_code == 400
    assert Task.objects.count() == 1


def test_a_decision_without_a_deadline_asks_for_one(cast, login, meeting):
    decision = _decide(meeting, deadline=None)
    client = login(cast.cell_secretary)
    body = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert f'id="deadline-{decision.pk}"' in body
    response = client.post(_assign_url(decision), {"deadline": ""})
    assert response.status_code == 400 and 'id="id_deadline_error"' in response.content.decode()
    assert not Task.objects.exists()
    assert client.post(_assign_url(decision), {"deadline": "31/05/2026"}).status_code == 302
    assert Task.objects.get().deadline == D(2026, 5, 31)
    assert MeetingDecision.objects.get().task_object_id == Task.objects.get().pk


def test_the_service_follows_the_policy(cast, meeting):
    from django.http import Http404

    decision = _decide(meeting)
    with pytest.raises(Http404):
        services.decision_assign(actor=cast.outsider, decision=decision)
    task = services.decision_assign(actor=cast.ward_secretary, decision=decision)  # the ward manages the cell
    assert task.assigning_unit == cast.cell1


def test_the_meeting_page_reads_the_decisions_tasks_in_a_fixed_number_of_queries(cast, login, meeting, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(cast.cell_secretary)
    page = reverse("meetings:meeting_detail", args=[meeting.pk])
    services.decision_assign(actor=None, decision=_decide(meeting, text="Quyết nghị 1"))
    _decide(meeting, text="Quyết nghị chưa giao")
    client.get(page)
    with CaptureQueriesContext(connection) as few:
        assert client.get(page).status_code == 200
    for i in range(5):
        services.decision_assign(actor=None, decision=_decide(meeting, text=f"Quyết nghị thêm {i}"))
        _decide(meeting, text=f"Chưa giao {i}")
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(page).status_code == 200
