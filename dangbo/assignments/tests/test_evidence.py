"""Evidence files of progress reports: downloadable by whoever may see the task (the one
policy; 404 otherwise), as an attachment with a safe name; a refused upload is told beside
the field."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from dangbo.assignments import services

D = dt.date
pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 2, 3, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def evidence(cast, make_task, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    task = make_task(unit=cast.cell1, assigning_unit=cast.ward1)
    upload = SimpleUploadedFile('Biên bản "họp"\r\n.pdf', PDF, content_type="application/pdf")
    report = services.report_submit(actor=cast.cell_secretary, task=task, percent=20, files=[upload])
    return report.files.get()


def _url(evidence) -> str:
    try:
        return reverse("assignments:evidence_file", args=[evidence.report.task_id, evidence.pk])
    except NoReverseMatch:
        return f"/nhiem-vu/{evidence.report.task_id}/minh-chung/{evidence.pk}/"


def test_whoever_sees_the_task_downloads_its_evidence(cast, login, evidence):
    url = _url(evidence)
    for user in (cast.member, cast.cell_secretary, cast.ward_secretary, cast.clerk):
        response = login(user).get(url)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert '"họp"' not in response["Content-Disposition"] and "\r" not in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == PDF
    assert login(cast.outsider).get(url).status_code == 404
    other = services.task_assign(actor=None, title="Khác", unit=cast.cell1, assigning_unit=cast.ward1,
                                 start=D(2026, 1, 1), deadline=D(2026, 6, 1))
    wrong = f"/nhiem-vu/{other.pk}/minh-chung/{evidence.pk}/"  # the file is not this task's
    assert login(cast.clerk).get(wrong).status_code == 404


def test_the_task_page_links_each_evidence_file(cast, login, evidence):
    body = login(cast.member).get(reverse("assignments:task_detail", args=[evidence.report.task_id])).content.decode()
    assert f'href="{_url(evidence)}"' in body


def test_a_refused_upload_is_told_beside_the_evidence_field(cast, login, make_task, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    task = make_task()
    exe = SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00\x03\x00\x00\x00PE", content_type="application/pdf")
    response = login(cast.ward_secretary).post(
        reverse("assignments:task_report", args=[task.pk]), {"percent": 40, "evidence": [exe]}
    )
    assert response.status_code == 400
    body = response.content.decode()
    field = re.search(r'<div class="field field-invalid">(.*?)</div>', body, re.S)
    assert field and 'name="evidence"' in field.group(1) and "bien-ban.pdf" in field.group(1)
    assert 'id="id_evidence_error"' in field.group(1) and 'aria-invalid="true"' in field.group(1)
    assert "Chưa có thông tin nào được lưu" in body  # and the summary at the top says so
