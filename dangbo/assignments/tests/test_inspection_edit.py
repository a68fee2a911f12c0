"""Correcting an inspection program and an inspection after they were created."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangbo.assignments import services
from dangbo.assignments.models import Inspection, InspectionProgram
from dangbo.core.audit import audit_for

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def program(cast):
    return services.program_create(actor=None, unit=cast.city, year=2026, title="Chương trình kiểm tra năm 2026")


@pytest.fixture
def inspection(program, cast):
    return services.inspection_create(
        actor=None, program=program, kind="inspection", target_unit=cast.ward1,
        subject="Thực hiện Quy chế dân chủ", period_start=D(2026, 3, 1), period_end=D(2026, 3, 10),
        team="Đồng chí Nguyễn Thị Vân, Ủy viên UBKT",
    )


def _post(inspection, **changes):
    data = {
        "kind": inspection.kind, "subject": inspection.subject, "team": inspection.team,
        "period_start": inspection.period_start.isoformat(), "period_end": inspection.period_end.isoformat(),
        "findings": inspection.findings,
    }
    return {**data, **changes}


# --- Services ----------------------------------------------------------------------------------


def test_inspection_update_audits_the_changed_fields_only(cast, inspection):
    services.inspection_update(
        actor=cast.clerk, inspection=inspection, kind="supervision", subject="Thực hiện Quy chế dân chủ ở cơ sở",
        team=inspection.team, period_start=D(2026, 3, 1), period_end=D(2026, 3, 20),
        findings="Chưa công khai kịp thời các khoản đóng góp.",
    )
    inspection.refresh_from_db()
    assert inspection.kind == "supervision" and inspection.period_end == D(2026, 3, 20)
    entry = audit_for(inspection).get(action="inspection.update")
    assert entry.actor == cast.clerk
    assert set(entry.after) == {"kind", "subject", "period_end", "findings"}
    assert entry.before["period_end"] == "2026-03-10" and entry.after["period_end"] == "2026-03-20"
    assert entry.before["findings"] == ""


def test_inspection_update_refuses_an_end_before_the_start(cast, inspection):
    with pytest.raises(ValidationError) as error:
        services.inspection_update(
            actor=None, inspection=inspection, kind="inspection", subject=inspection.subject,
            period_start=D(2026, 3, 10), period_end=D(2026, 3, 1),
        )
    assert set(error.value.message_dict) == {"period_end"}
    with pytest.raises(ValidationError) as error:
        services.inspection_update(
            actor=None, inspection=inspection, kind="audit", subject=" ",
            period_start=D(2026, 3, 1), period_end=D(2026, 3, 1),
        )
    assert {"kind", "subject"} <= set(error.value.message_dict)
    assert Inspection.objects.get(pk=inspection.pk).period_end == D(2026, 3, 10)
    assert not audit_for(inspection).filter(action="inspection.update").exists()


def test_program_update_changes_title_year_and_document(cast, program, make_document):
    document = make_document(number="01", abbr="CTr", title="Chương trình kiểm tra, giám sát năm 2027")
    services.program_update(actor=cast.clerk, program=program, title="Chương trình kiểm tra năm 2027",
                            year=2027, document=document)
    program.refresh_from_db()
    assert (program.title, program.year, program.document) == ("Chương trình kiểm tra năm 2027", 2027, document)
    entry = audit_for(program).get(action="inspection_program.update")
    assert entry.before == {"title": "Chương trình kiểm tra năm 2026", "year": 2026, "document": None}
    assert entry.after["document"] == str(document)
    services.program_update(actor=cast.clerk, program=program, title=program.title, year=2027, document=document)
    assert audit_for(program).filter(action="inspection_program.update").count() == 1  # nothing changed
    with pytest.raises(ValidationError) as error:
        services.program_update(actor=None, program=program, title="", year=1890)
    assert set(error.value.message_dict) == {"year"}
    with pytest.raises(ValidationError) as error:
        services.program_update(actor=None, program=program, title="  ", year=2027)
    assert set(error.value.message_dict) == {"title"}


# --- Pages ---------------------------------------------------------------------------------------


def test_edit_an_inspection_from_its_page(cast, login, inspection):
    detail = reverse("assignments:inspection_detail", args=[inspection.pk])
    url = reverse("assignments:inspection_edit", args=[inspection.pk])
    client = login(cast.clerk)
    assert url in client.get(detail).content.decode()
    page = client.get(url)
    assert page.status_code == 200 and inspection.subject in page.content.decode()
    response = client.post(url, _post(inspection, findings="Sinh hoạt chi bộ chưa đều.", period_end="2026-03-15"))
    assert response.status_code == 302 and response["Location"] == detail
    inspection.refresh_from_db()
    assert inspection.findings == "Sinh hoạt chi bộ chưa đều." and inspection.period_end == D(2026, 3, 15)
    assert set(audit_for(inspection).get(action="inspection.update").after) == {"findings", "period_end"}


def test_a_period_ending_before_it_starts_is_a_field_error(cast, login, inspection):
    url = reverse("assignments:inspection_edit", args=[inspection.pk])
    response = login(cast.clerk).post(
        url, _post(inspection, period_start="2026-03-10", period_end="2026-03-01"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response.context["form"].errors["period_end"] == ["The end cannot be earlier than the start."]
    assert "The end cannot be earlier than the start." in response.content.decode()
    assert Inspection.objects.get(pk=inspection.pk).period_start == D(2026, 3, 1)


def test_edit_a_program_with_its_document(cast, login, program, make_document):
    document = make_document(number="01", abbr="CTr", title="Chương trình kiểm tra, giám sát năm 2026")
    detail = reverse("assignments:program_detail", args=[program.pk])
    url = reverse("assignments:program_edit", args=[program.pk])
    client = login(cast.clerk)
    assert url in client.get(detail).content.decode()
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": program.title, "year": 2026, "document": "99-CTr/XX"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "document" in response.context["form"].errors
    response = client.post(url, {"title": "Chương trình kiểm tra, giám sát 2026", "year": 2026, "document": document.symbol})
    assert response.status_code == 302 and response["Location"] == detail
    program.refresh_from_db()
    assert program.document == document and program.title == "Chương trình kiểm tra, giám sát 2026"
    assert document.symbol in client.get(detail).content.decode()
    entry = audit_for(program).get(action="inspection_program.update")
    assert set(entry.after) == {"title", "document"} and entry.actor == cast.clerk


def test_who_may_edit(cast, login, program, inspection):
    urls = [reverse("assignments:program_edit", args=[program.pk]),
            reverse("assignments:inspection_edit", args=[inspection.pk])]
    for url in urls:
        assert login(cast.outsider).get(url).status_code == 404
        assert login(cast.outsider).post(url, {"title": "x"}).status_code == 404
    # The inspected ward reads its inspection but cannot change it.
    assert login(cast.ward_secretary).get(urls[1]).status_code == 403
    assert login(cast.ward_secretary).post(urls[1], _post(inspection, subject="Đổi")).status_code == 403
    body = login(cast.ward_secretary).get(reverse("assignments:inspection_detail", args=[inspection.pk])).content.decode()
    assert urls[1] not in body
    assert Inspection.objects.get(pk=inspection.pk).subject == inspection.subject


def test_a_read_only_member_cannot_edit(cast, login):
    """A cell's own supervision program: its secretary edits it, a plain member only reads it."""
    program = services.program_create(actor=None, unit=cast.cell1, year=2026, title="Chương trình giám sát của chi bộ")
    inspection = services.inspection_create(
        actor=None, program=program, kind="supervision", target_unit=cast.cell1, subject="Giám sát đảng viên",
        period_start=D(2026, 5, 1), period_end=D(2026, 5, 31),
    )
    program_url = reverse("assignments:program_edit", args=[program.pk])
    inspection_url = reverse("assignments:inspection_edit", args=[inspection.pk])
    member = login(cast.member)
    assert member.get(reverse("assignments:program_detail", args=[program.pk])).status_code == 200
    assert member.get(program_url).status_code == 403
    assert member.post(program_url, {"title": "Đổi", "year": 2026}).status_code == 403
    assert member.get(inspection_url).status_code == 403
    assert member.post(inspection_url, _post(inspection, subject="Đổi")).status_code == 403
    assert InspectionProgram.objects.get(pk=program.pk).title == "Chương trình giám sát của chi bộ"
    secretary = login(cast.cell_secretary)
    assert secretary.post(program_url, {"title": "Chương trình giám sát năm 2026", "year": 2026}).status_code == 302
    assert secretary.post(inspection_url, _post(inspection, team="Tổ giám sát số 1")).status_code == 302
    assert Inspection.objects.get(pk=inspection.pk).team == "Tổ giám sát số 1"
