"""No lost updates: two people edit the same task, program or inspection from stale forms."""

from __future__ import annotations

import datetime as dt
import html

import pytest
import time_machine
from django.urls import reverse

from dangbo.assignments import services
from dangbo.assignments.models import Inspection, InspectionProgram, Task
from dangbo.core.tests.forms import form_data, session

D = dt.date
pytestmark = pytest.mark.django_db
STALE = "đã lưu thay đổi sau khi bạn mở biểu mẫu này"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 2, 3, tzinfo=dt.UTC), tick=False):
        yield


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_stale_task_edit_is_refused_and_shows_what_changed(cast, make_task):
    """Clerk and ward secretary open the same ward task; the clerk saves first; the ward
    secretary's save is refused, the clerk's values stay, the message names them."""
    task = make_task(unit=cast.cell1, assigning_unit=cast.ward1, title="Rà soát đảng viên")
    url = reverse("assignments:task_edit", args=[task.pk])
    clerk, secretary = session(cast.clerk), session(cast.ward_secretary)
    assert session(cast.outsider).get(url).status_code == 404
    page_clerk, page_secretary = clerk.get(url), secretary.get(url)
    assert page_clerk.status_code == page_secretary.status_code == 200

    saved = clerk.post(url, form_data(page_clerk.content, title="Rà soát, phân loại đảng viên", deadline="2026-11-30"))
    assert saved.status_code == 302

    refused = secretary.post(url, form_data(page_secretary.content, description="Báo cáo trước ngày 15."))
    assert refused.status_code == 200
    page = text(refused)
    assert STALE in page
    assert "Nguyễn Thị Vân" in page  # who saved
    assert "Rà soát, phân loại đảng viên" in page and "30/11/2026" in page  # what they saved
    assert "Báo cáo trước ngày 15." in page  # the secretary's input is kept
    task.refresh_from_db()
    assert task.title == "Rà soát, phân loại đảng viên"
    assert task.deadline == D(2026, 11, 30)
    assert task.description == ""

    # Having read the message, saving again replaces the clerk's values on purpose.
    again = secretary.post(url, form_data(refused.content))
    assert again.status_code == 302
    task.refresh_from_db()
    assert task.description == "Báo cáo trước ngày 15."
    assert task.title == "Rà soát đảng viên"


def test_a_progress_rollup_does_not_make_a_task_form_stale(cast, make_task):
    """Only the fields the form edits count: a report changing the progress is no conflict."""
    task = make_task(unit=cast.cell1, assigning_unit=cast.ward1)
    url = reverse("assignments:task_edit", args=[task.pk])
    secretary = session(cast.ward_secretary)
    page = secretary.get(url)
    services.report_submit(actor=None, task=task, percent=40)
    assert secretary.post(url, form_data(page.content, title="Tiêu đề mới")).status_code == 302
    task.refresh_from_db()
    assert (task.title, task.progress) == ("Tiêu đề mới", 40)


def test_task_update_without_a_version_still_saves(cast, make_task):
    """Commands and jobs that read no form pass no version: no check."""
    task = make_task()
    services.task_update(actor=None, task=task, title="Khác", start=task.start, deadline=task.deadline)
    task.refresh_from_db()
    assert task.title == "Khác"


def test_stale_program_and_inspection_edits_are_refused(cast):
    program = services.program_create(actor=None, unit=cast.city, year=2026, title="Chương trình kiểm tra 2026")
    inspection = services.inspection_create(
        actor=None, program=program, kind=Inspection.Kind.INSPECTION, target_unit=cast.ward1,
        subject="Quy chế dân chủ", period_start=D(2026, 3, 1), period_end=D(2026, 3, 10),
    )
    clerk, other = session(cast.clerk), session(cast.clerk)  # two tabs, two browsers
    for url, change_first, change_second in [
        (reverse("assignments:program_edit", args=[program.pk]), {"title": "Chương trình năm 2026"}, {"year": "2027"}),
        (reverse("assignments:inspection_edit", args=[inspection.pk]), {"subject": "Thực hiện quy chế dân chủ"}, {"team": "Tổ 2"}),
    ]:
        first, second = clerk.get(url), other.get(url)
        assert clerk.post(url, form_data(first.content, **change_first)).status_code == 302
        refused = other.post(url, form_data(second.content, **change_second))
        assert refused.status_code == 200 and STALE in text(refused)
        assert next(iter(change_first.values())) in text(refused)
    program.refresh_from_db()
    inspection.refresh_from_db()
    assert (program.title, program.year) == ("Chương trình năm 2026", 2026)
    assert (inspection.subject, inspection.team) == ("Thực hiện quy chế dân chủ", "")
    assert InspectionProgram.objects.count() == 1 and Task.objects.count() == 0


def bearer(user) -> dict[str, str]:
    from dangbo.core.models import ApiToken

    _token, raw = ApiToken.issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT_LANGUAGE": "en"}


def test_api_edit_with_a_stale_etag_is_a_409_in_the_error_shape(cast, make_task, client):
    task = make_task(unit=cast.cell1, assigning_unit=cast.ward1, title="Rà soát đảng viên")
    url = f"/api/v1/tasks/{task.pk}"
    clerk, secretary = bearer(cast.clerk), bearer(cast.ward_secretary)
    etag_clerk = client.get(url, **clerk)["ETag"]
    etag_secretary = client.get(url, **secretary)["ETag"]
    assert etag_clerk == etag_secretary and etag_clerk.startswith('"')

    saved = client.patch(url, {"title": "Rà soát, phân loại đảng viên"}, content_type="application/json",
                         HTTP_IF_MATCH=etag_clerk, **clerk)
    assert saved.status_code == 200 and saved.json()["title"] == "Rà soát, phân loại đảng viên"
    assert saved["ETag"] != etag_clerk

    stale = client.patch(url, {"description": "Báo cáo trước ngày 15."}, content_type="application/json",
                         HTTP_IF_MATCH=etag_secretary, **secretary)
    assert stale.status_code == 409
    body = stale.json()
    assert set(body) == {"error", "fields"}
    assert "saved changes after you opened this form" in body["error"]
    assert body["fields"] == {"title": ["Rà soát, phân loại đảng viên"]}
    task.refresh_from_db()
    assert (task.title, task.description) == ("Rà soát, phân loại đảng viên", "")

    # Without If-Match the change applies (last writer wins, as the caller chose); the
    # outsider cannot see the task at all.
    assert client.patch(url, {"description": "x"}, content_type="application/json", **secretary).status_code == 200
    assert client.patch(url, {"description": "y"}, content_type="application/json", **bearer(cast.outsider)).status_code == 404
