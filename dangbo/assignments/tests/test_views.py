from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.assignments import services
from dangbo.assignments.models import Task
from dangbo.documents import services as document_services
from dangbo.documents.models import Document, DocumentType
from dangbo.orgs.models import Person

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 25, 3, tzinfo=dt.UTC), tick=False):
        yield


def test_list_shows_only_visible_tasks_and_filters(cast, login, make_task):
    mine = make_task(title="Nhiệm vụ của Phường 1", deadline=D(2026, 11, 1))
    theirs = make_task(title="Nhiệm vụ của Đông Lương", unit=cast.ward_dl)
    url = reverse("assignments:task_list")
    body = login(cast.ward_secretary).get(url).content.decode()
    assert mine.title in body and theirs.title not in body
    body = login(cast.clerk).get(url, {"flag": "overdue"}).content.decode()
    assert mine.title in body and theirs.title not in body
    body = login(cast.clerk).get(url, {"unit": cast.ward_dl.pk}).content.decode()
    assert theirs.title in body and mine.title not in body
    assert login(cast.outsider).get(url, {"unit": cast.ward1.pk}).status_code in (200, 404)
    assert mine.title not in login(cast.outsider).get(url).content.decode()


def test_list_exports_xlsx(cast, login, make_task):
    make_task(title="Xuất Excel")
    response = login(cast.clerk).get(reverse("assignments:task_list"), {"format": "xlsx", "status": "open"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.cell(row=2, column=1).value == "Xuất Excel"


def test_detail_visibility(cast, login, make_task):
    task = make_task()
    url = reverse("assignments:task_detail", args=[task.pk])
    assert login(cast.clerk).get(url).status_code == 200
    assert login(cast.ward_secretary).get(url).status_code == 200
    assert login(cast.member).get(url).status_code == 404  # the member's grant is on the cell
    assert login(cast.outsider).get(url).status_code == 404
    services.task_update(actor=None, task=task, title=task.title, start=task.start, deadline=task.deadline,
                         coordinating_units=[cast.ward_dl])
    assert login(cast.outsider).get(url).status_code == 200  # a coordinating unit may open it


def test_report_from_the_page_with_evidence_and_errors(cast, login, make_task, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    task = make_task()
    url = reverse("assignments:task_report", args=[task.pk])
    client = login(cast.ward_secretary)
    response = client.post(url, {"percent": 130, "text": "Quá"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "less than or equal to 100" in response.content.decode()
    upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(url, {"percent": 40, "text": "Đã họp", "evidence": [upload]})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.progress == 40 and task.reports.get().files.get().name == "bien-ban.pdf"
    assert login(cast.outsider).post(url, {"percent": 10}).status_code == 404
    other = make_task(unit=cast.cell1)
    assert login(cast.member).post(reverse("assignments:task_report", args=[other.pk]), {"percent": 10}).status_code == 403


def test_transition_buttons_and_confirmation(cast, login, make_task):
    task = make_task()
    url = reverse("assignments:task_transition", args=[task.pk])
    assert login(cast.ward_secretary).post(url, {"to": "awaiting"}).status_code == 302
    assert login(cast.ward_secretary).post(url, {"to": "done"}).status_code == 403
    body = login(cast.clerk).get(reverse("assignments:task_detail", args=[task.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Confirm completion" in body
    assert login(cast.clerk).post(url, {"to": "done"}).status_code == 302
    assert Task.objects.get(pk=task.pk).status == "done"
    response = login(cast.clerk).post(url, {"to": "cancelled"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400


def test_create_bulk_and_cascade(cast, login):
    client = login(cast.clerk)
    url = reverse("assignments:task_create")
    assert client.get(url).status_code == 200
    data = {"title": "Đối thoại với Nhân dân", "assigning_unit": cast.city.pk, "units": [cast.ward1.pk, cast.ward_dl.pk],
            "start": "2026-01-01", "deadline": "2025-12-01", "priority": 2}
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "cannot be earlier than the start" in response.content.decode()
    data["deadline"] = "2026-12-01"
    assert client.post(url, data).status_code == 302
    assert Task.objects.count() == 2
    assert login(cast.member).get(url).status_code == 403
    parent = Task.objects.get(unit=cast.ward1)
    cascade = reverse("assignments:subtask_create", args=[parent.pk])
    assert login(cast.clerk).get(cascade).status_code == 200  # the city manages the ward too
    response = login(cast.ward_secretary).post(cascade, {"title": "Chi bộ tổ chức", "units": [cast.cell1.pk], "start": "2026-01-01", "deadline": "2027-01-01", "priority": 2}, HTTP_ACCEPT_LANGUAGE="en")
    assert "cannot be due after its parent" in response.content.decode()
    response = login(cast.ward_secretary).post(cascade, {"title": "Chi bộ tổ chức", "units": [cast.cell1.pk], "start": "2026-01-01", "deadline": "2026-11-01", "priority": 2})
    assert response.status_code == 302
    assert login(cast.outsider).get(cascade).status_code == 404
    assert login(cast.cell_secretary).get(cascade).status_code == 404


def test_pages_render(cast, login, make_task, make_document):
    document = make_document()
    task = make_task(source=document, start=D(2023, 1, 1), deadline=D(2026, 6, 1))
    services.report_submit(actor=None, task=task, percent=30)
    client = login(cast.clerk)
    for url in [
        reverse("assignments:my_work"),
        reverse("assignments:unit_dashboard", args=[cast.city.pk]),
        reverse("assignments:document_tasks", args=[document.pk]),
        reverse("assignments:program_list"),
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("assignments:overview")).status_code == 302
    dashboard = client.get(reverse("assignments:unit_dashboard", args=[cast.city.pk])).content.decode()
    assert "Đảng bộ Phường 1" in dashboard
    assert login(cast.outsider).get(reverse("assignments:unit_dashboard", args=[cast.ward1.pk])).status_code == 404
    docx = client.get(reverse("assignments:document_tasks", args=[document.pk]), {"format": "docx"})
    assert docx.status_code == 200 and docx["Content-Type"].endswith("wordprocessingml.document")
    from io import BytesIO

    from docx import Document as Docx

    text = "\n".join(p.text for p in Docx(BytesIO(docx.content)).paragraphs)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in "\n".join(c.text for t in Docx(BytesIO(docx.content)).tables for r in t.rows for c in r.cells)
    assert document.symbol in text


def test_my_work_lists_what_waits_for_my_confirmation(cast, login, make_task):
    task = make_task(title="Chờ xác nhận của Thành ủy")
    services.task_transition(actor=cast.ward_secretary, task=task, to="awaiting")
    assert task.title in login(cast.clerk).get(reverse("assignments:my_work")).content.decode()


def test_inspection_pages(cast, login):
    client = login(cast.clerk)
    response = client.post(reverse("assignments:program_create"), {"unit": cast.city.pk, "year": 2026, "title": "Chương trình kiểm tra 2026"})
    assert response.status_code == 302
    program_url = response["Location"]
    response = client.post(program_url, {"kind": "inspection", "target_unit": cast.ward1.pk, "subject": "Quy chế dân chủ", "period_start": "2026-03-01", "period_end": "2026-03-10"})
    assert response.status_code == 302
    inspection_url = response["Location"]
    response = client.post(inspection_url, {"form": "recommendation", "r-text": "Chấn chỉnh sinh hoạt chi bộ", "r-deadline": "2026-12-31"})
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.unit == cast.ward1 and task.source_kind == "recommendation"
    assert login(cast.ward_secretary).get(inspection_url).status_code == 200  # the inspected unit reads it
    assert login(cast.ward_secretary).post(inspection_url, {"form": "recommendation", "r-text": "x", "r-deadline": "2026-12-31"}).status_code == 403
    assert login(cast.outsider).get(inspection_url).status_code == 404


def _many(cast, n, start=0):
    # Every other row has a document and a responsible person, so a table reading a column its
    # query did not load (``selectors.for_table``) would run a query per row and fail the counts.
    document = Document.objects.filter(unit=cast.city).first() or document_services.document_register(
        actor=None, unit=cast.city, type=DocumentType.objects.get(abbr="CT"), number="07", date=D(2021, 3, 1),
        title="Về tăng cường theo dõi nhiệm vụ", issuer_abbr="TU", issuing_unit=cast.city,
    )
    person = Person.objects.get(user=cast.ward_secretary)
    for i in range(n):
        t = services.task_assign(actor=None, title=f"Nhiệm vụ {start + i}", unit=cast.cell1 if i % 2 else cast.ward1,
                                 assigning_unit=cast.city, start=D(2024, 1, 1), deadline=D(2026, 10, 1) if i % 3 else D(2026, 12, 10),
                                 document=None if i % 2 else document, responsible=None if i % 2 else person)
        if i % 4 == 0:
            services.report_submit(actor=None, task=t, percent=20)
        if i % 5 == 0:
            services.subtask_create(actor=None, parent=t, unit=cast.cell1, title="Con", start=D(2024, 1, 1), deadline=D(2026, 9, 1))


@pytest.mark.parametrize(
    "name,args,params",
    [
        ("task_list", None, {}),
        ("task_list", None, {"flag": "overdue", "unit": "ward1"}),
        ("task_list", None, {"q": "nhiem vu"}),
        ("my_work", None, {}),
        ("unit_dashboard", "city", {}),
        ("program_list", None, {}),
    ],
)
def test_list_pages_run_a_fixed_number_of_queries(cast, login, django_assert_num_queries, name, args, params):
    client = login(cast.clerk)
    params = {k: (getattr(cast, v).pk if v == "ward1" else v) for k, v in params.items()}
    url = reverse(f"assignments:{name}", args=[getattr(cast, args).pk] if args else [])
    _many(cast, 3)
    client.get(url, params)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, params).status_code == 200
    _many(cast, 40, start=100)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url, params).status_code == 200


def test_task_with_subtasks_runs_a_fixed_number_of_queries(cast, login, django_assert_num_queries, make_task):
    parent = make_task()
    client = login(cast.ward_secretary)
    url = reverse("assignments:task_detail", args=[parent.pk])
    for i in range(2):
        services.subtask_create(actor=None, parent=parent, unit=cast.cell1, title=f"Con {i}", start=D(2026, 1, 1), deadline=D(2026, 6, 1))
    services.report_submit(actor=None, task=parent, percent=None, text="Họp chi ủy")  # its progress is the sub-tasks'
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for i in range(30):
        services.subtask_create(actor=None, parent=parent, unit=cast.cell1, title=f"Con {i}", start=D(2026, 1, 1), deadline=D(2026, 6, 1))
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) <= 15


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("bao-cao.html", b"<html><script>alert(document.cookie)</script></html>", "text/html"),
        ("bien-ban.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00PE executable", "application/pdf"),
    ],
)
def test_report_refuses_evidence_that_is_not_what_it_says(cast, login, make_task, settings, tmp_path, name, data, content_type):
    """An .html with a script and an .exe named .pdf were stored; now nothing is, and the
    reason stands beside the field in Vietnamese."""
    settings.MEDIA_ROOT = tmp_path
    task = make_task()
    url = reverse("assignments:task_report", args=[task.pk])
    evidence = SimpleUploadedFile(name, data, content_type=content_type)
    response = login(cast.ward_secretary).post(url, {"percent": 40, "text": "Đã họp", "evidence": [evidence]})
    assert response.status_code == 400
    body = response.content.decode()
    assert name in body and ("Chỉ nhận các loại tệp" in body or "không phải là tài liệu PDF" in body)
    assert not task.reports.exists() and not any(tmp_path.rglob("*.*"))
    assert login(cast.outsider).post(url, {"percent": 40, "evidence": [evidence]}).status_code == 404


def test_task_page_shows_the_whole_tree_below_it_within_the_policy(cast, login, make_task):
    """As Redmine shows an issue's subtasks: every level below, indented, not only the first.
    A ward that coordinates the city's task reads it, but only its own branch below; the city
    reads every branch."""
    parent = make_task(unit=cast.city, coordinating_units=[cast.ward1])
    ward_task = services.subtask_create(actor=None, parent=parent, unit=cast.ward1, title="Phường triển khai",
                                        start=D(2026, 1, 1), deadline=D(2026, 6, 1))
    cell_task = services.subtask_create(actor=None, parent=ward_task, unit=cast.cell1, title="Chi bộ thực hiện",
                                        start=D(2026, 1, 1), deadline=D(2026, 5, 1))
    services.subtask_create(actor=None, parent=parent, unit=cast.ward_dl, title="Phường bên cạnh làm",
                            start=D(2026, 1, 1), deadline=D(2026, 6, 1))
    url = reverse("assignments:task_detail", args=[parent.pk])
    city = login(cast.clerk).get(url).content.decode()
    assert "Phường triển khai" in city and "Chi bộ thực hiện" in city and "Phường bên cạnh làm" in city
    assert 'class="tree-depth-2"' in city  # the cell's task sits one level further in
    ward = login(cast.ward_secretary).get(url).content.decode()
    assert "Chi bộ thực hiện" in ward and "Phường bên cạnh làm" not in ward
    assert reverse("assignments:task_detail", args=[cell_task.pk]) in ward


def test_a_coordinating_unit_finds_the_task_in_its_lists(cast, login, make_task):
    """The task page opens for a unit named to coordinate (phối hợp); its lists must show it too,
    or the one policy says two things."""
    task = make_task(unit=cast.city, title="Phối hợp tổng kết", coordinating_units=[cast.ward1])
    make_task(unit=cast.city, title="Việc riêng của Thành ủy")
    client = login(cast.ward_secretary)
    assert client.get(reverse("assignments:task_detail", args=[task.pk])).status_code == 200
    body = client.get(reverse("assignments:task_list")).content.decode()
    assert "Phối hợp tổng kết" in body and "Việc riêng của Thành ủy" not in body
    assert "Phối hợp tổng kết" not in login(cast.outsider).get(reverse("assignments:task_list")).content.decode()
