"""No internals on screen: no audit action codes, unit codes, field slugs or ISO dates in
the history pages, and the labels read as what they are (minutes of time, a button that
starts work, a task's source)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from dangbo.conftest import START
from dangbo.documents import services as documents
from dangbo.documents.models import DocumentType, Field
from dangbo.meetings import services as meetings
from dangbo.meetings.models import MeetingKind
from dangbo.orgs import services as orgs

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r">[^<]*\b\d{4}-\d{2}-\d{2}\b")


def page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_unit_history_reads_as_words(cast, client):
    orgs.term_create(actor=None, unit=cast.ward1, code="2020-2025", start=START)
    orgs.unit_update(actor=None, unit=cast.ward1, name="Đảng bộ Phường Một", short_name="Phường Một")
    html = page(client, cast.ward_secretary, reverse("orgs:unit_history", args=[cast.ward1.pk]))
    for internal in ("term.create", "unit.update", "t-phuong1", "<code>"):
        assert internal not in html, internal
    assert START.strftime("%d/%m/%Y") in html
    assert not ISO_DATE.search(html)
    assert "<div>: " not in html, html[html.index("<div>: ") - 300:][:400]  # every change has its label


def test_a_document_history_names_its_fields_not_their_slugs(cast, client):
    field, _new = Field.objects.get_or_create(code="xay-dung-dang", defaults={"name": "Xây dựng Đảng"})
    document = documents.document_register(
        actor=None, unit=cast.ward1, type=DocumentType.objects.get(abbr="NQ"), number="07",
        date=dt.date(2024, 3, 1), title="Nghị quyết về xây dựng chi bộ", issuer_abbr="ĐU",
        issuing_unit=cast.ward1, fields=[field],
    )
    html = page(client, cast.ward_secretary, document.get_absolute_url())
    assert field.name in html and "xay-dung-dang" not in html


def test_a_meeting_lasts_minutes_of_time(cast, client):
    meeting = meetings.meeting_create(actor=None, unit=cast.cell1, kind=MeetingKind.THEMATIC, date=dt.date(2026, 3, 2))
    meetings.meeting_record(actor=None, meeting=meeting, duration_minutes=120, minutes="Biên bản")
    html = page(client, cast.cell_secretary, reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert "120 phút" in html and "120 biên bản" not in html


def test_the_button_that_starts_work_says_so_and_a_task_from_a_document_names_it(cast, client):
    from dangbo.assignments import services as tasks

    document = documents.document_register(
        actor=None, unit=cast.city, type=DocumentType.objects.get(abbr="KH"), number="215",
        date=dt.date(2024, 3, 1), title="Kế hoạch", issuer_abbr="TU", issuing_unit=cast.city,
    )
    task = tasks.task_assign(
        actor=None, title="Triển khai kế hoạch", unit=cast.cell1, assigning_unit=cast.ward1,
        start=dt.date(2026, 1, 1), deadline=dt.date(2026, 12, 31), document=document,
    )
    html = page(client, cast.cell_secretary, task.get_absolute_url())
    assert "Không có ·" not in html
    assert "215-KH/TU" in html
    assert ">Ngày bắt đầu</button>" not in html
    assert "Bắt đầu thực hiện" in html
