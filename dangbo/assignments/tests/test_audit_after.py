"""Creations and progress reports leave their content in the audit trail, and the pages show it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangbo.assignments import services
from dangbo.core.models import AuditEntry

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 10, 2, 30, tzinfo=dt.UTC), tick=False):
        yield


def history_of(client, url) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode().split('<section class="history-section"', 1)[1].split("</section>", 1)[0]


def row(history: str, action: str) -> str:
    return history.split(f'data-action="{action}"', 1)[1].split("</li>", 1)[0]


def test_an_assignment_records_what_was_assigned_and_the_page_shows_it(cast, login):
    task = services.task_assign(
        actor=cast.clerk, title="Tổng kết Chỉ thị 05", unit=cast.ward1, assigning_unit=cast.city,
        start=D(2026, 2, 1), deadline=D(2026, 12, 31), priority=3, coordinating_units=[cast.ward_dl],
    )
    after = AuditEntry.objects.get(action="task.assign", object_id=task.pk).after
    assert after["title"] == "Tổng kết Chỉ thị 05" and after["deadline"] == "2026-12-31"
    assert after["unit"] == cast.ward1.name and after["coordinating_units"] == [cast.ward_dl.name]
    assigned = row(history_of(login(cast.ward_secretary), reverse("assignments:task_detail", args=[task.pk])),
                   "task.assign")
    assert "Task assigned" in assigned and "Tổng kết Chỉ thị 05" in assigned and "31/12/2026" in assigned
    assert "High" in assigned and cast.ward_dl.name in assigned


def test_a_report_records_its_whole_text_period_and_files(cast, login, make_task):
    task = make_task(unit=cast.cell1)
    text = "Đã họp chi bộ. " + "Triển khai đến từng đảng viên. " * 30
    evidence = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    services.report_submit(actor=cast.cell_secretary, task=task, percent=0, text=text, period="2026-06",
                           files=[evidence])
    after = AuditEntry.objects.get(action="task.report", object_id=task.pk).after
    assert after == {"percent": 0, "text": text.strip(), "period": "2026-06", "files": ["bien-ban.pdf"]}
    report = row(history_of(login(cast.member), reverse("assignments:task_detail", args=[task.pk])), "task.report")
    assert "Progress reported" in report and "0%" in report and "Đã họp chi bộ." in report
    assert "bien-ban.pdf" in report and "2026-06" in report


def test_a_recommendation_shows_on_its_inspection(cast, login):
    program = services.program_create(actor=cast.ward_secretary, unit=cast.ward1, year=2026, title="Chương trình 2026")
    inspection = services.inspection_create(
        actor=cast.ward_secretary, program=program, kind="inspection", target_unit=cast.cell1,
        subject="Thực hiện Quy chế dân chủ", period_start=D(2026, 3, 1), period_end=D(2026, 3, 10),
    )
    services.recommendation_add(actor=cast.ward_secretary, inspection=inspection,
                                text="Công khai các khoản đóng góp", deadline=D(2026, 9, 30))
    url = reverse("assignments:inspection_detail", args=[inspection.pk])
    made = row(history_of(login(cast.cell_secretary), url), "inspection.recommendation")
    assert "Recommendation made a task" in made and "Công khai các khoản đóng góp" in made and "30/09/2026" in made
    assert login(cast.outsider).get(url).status_code == 404
