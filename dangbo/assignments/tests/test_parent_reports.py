"""A progress report on a task that has sub-tasks: its text and evidence are kept and shown,
its progress is the roll-up of the sub-tasks (the form says so), and a percentage typed for
it is refused rather than silently dropped."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangbo.assignments import services

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 2, 3, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def cascaded(cast, make_task):
    parent = make_task(title="Kiện toàn chi bộ")
    for cell in (cast.cell1, cast.cell1):
        services.subtask_create(
            actor=cast.ward_secretary, parent=parent, unit=cell, title=f"Chi bộ {cell.name}",
            start=D(2026, 1, 1), deadline=D(2026, 6, 30),
        )
    parent.refresh_from_db()
    return parent


def test_a_percentage_on_a_parent_is_refused_not_dropped(cast, cascaded):
    with pytest.raises(ValidationError) as error:
        services.report_submit(actor=cast.ward_secretary, task=cascaded, percent=30, text="Đã họp")
    assert "percent" in error.value.message_dict
    assert not cascaded.reports.exists()


def test_a_report_on_a_parent_keeps_its_text_and_files_and_the_roll_up(cast, cascaded, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    child = cascaded.children.first()
    services.report_submit(actor=cast.cell_secretary, task=child, percent=60)
    cascaded.refresh_from_db()
    assert cascaded.progress == 30
    upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    report = services.report_submit(actor=cast.ward_secretary, task=cascaded, percent=None, text="Đã họp", files=[upload])
    cascaded.refresh_from_db()
    assert report.rolled_up and report.percent == 30 and report.files.get().name == "bien-ban.pdf"
    assert cascaded.progress == 30 and cascaded.status == "in_progress"
    services.report_submit(actor=cast.ward_secretary, task=cascaded, percent=30, text="Bằng tổng hợp")  # the same figure
    # A leaf still needs its percentage.
    with pytest.raises(ValidationError) as error:
        services.report_submit(actor=cast.cell_secretary, task=child, percent=None)
    assert "percent" in error.value.message_dict


def test_the_parent_page_says_progress_is_rolled_up_and_shows_the_report(cast, login, cascaded, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(cast.ward_secretary)
    detail = reverse("assignments:task_detail", args=[cascaded.pk])
    body = client.get(detail).content.decode()
    assert 'name="percent"' not in body
    assert "tổng hợp từ 2 nhiệm vụ con" in body
    url = reverse("assignments:task_report", args=[cascaded.pk])
    response = client.post(url, {"percent": 30, "text": "Đã họp"})
    assert response.status_code == 400 and "tổng hợp từ các nhiệm vụ con" in response.content.decode()
    assert not cascaded.reports.exists()
    assert client.post(url, {"text": "Đã họp chi ủy"}).status_code == 302
    body = client.get(detail).content.decode()
    assert "Đã họp chi ủy" in body and "(tiến độ tổng hợp từ các nhiệm vụ con)" in body
    assert "Tiến độ tổng hợp từ nhiệm vụ con" in body  # the history names the roll-up
    assert login(cast.outsider).post(url, {"text": "x"}).status_code == 404
    assert login(cast.member).post(url, {"text": "x"}).status_code == 404


def test_the_api_takes_a_report_on_a_parent_without_a_percentage(cast, login, cascaded):
    url = f"/api/v1/tasks/{cascaded.pk}/reports"
    client = login(cast.ward_secretary)
    response = client.post(url, {"percent": 30, "text": "Đã họp"}, content_type="application/json")
    assert response.status_code == 400 and "percent" in response.json()["fields"]
    response = client.post(url, {"text": "Đã họp"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["rolled_up"] is True
    leaf = cascaded.children.first()
    response = login(cast.cell_secretary).post(f"/api/v1/tasks/{leaf.pk}/reports", {"text": "x"}, content_type="application/json")
    assert response.status_code == 400 and "percent" in response.json()["fields"]
    assert login(cast.outsider).post(url, {"text": "x"}, content_type="application/json").status_code == 404
