"""Excel exports of the task list and of the inspection programs, tried by the cast."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.assignments import services, views

pytestmark = pytest.mark.django_db

D = dt.date
TASK_HEADERS = [
    "Title", "Unit in charge", "Assigning unit", "Responsible person", "Document", "Start date",
    "Deadline", "Status", "Progress (%)", "Follow-up", "Done on",
]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 5, 4, 3, tzinfo=dt.UTC), tick=False):
        yield


def export(client, url, lang="en", **params):
    response = client.get(url, {**params, "format": "xlsx"}, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


# --- tasks ----------------------------------------------------------------------------------


def test_task_export_columns_are_unchanged(cast, login, make_task, make_document):
    document = make_document()
    make_task(title="Rà soát đảng viên", document=document)
    book = export(login(cast.clerk), reverse("assignments:task_list"))
    sheet = book.active
    assert sheet.title == "Tasks"
    assert [c.value for c in sheet[1]] == TASK_HEADERS
    (row,) = rows(sheet)
    assert row[:5] == ("Rà soát đảng viên", "Đảng bộ Phường 1", "Đảng bộ thành phố Đông Hà", None, document.symbol)
    assert (row[5].date(), row[6].date()) == (D(2026, 1, 1), D(2026, 12, 31))
    assert sheet["F2"].number_format == "DD/MM/YYYY" and row[8] == 0


def test_task_export_has_every_page_and_keeps_the_filters(cast, login, make_task, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)
    for i in range(5):
        make_task(title=f"Nhiệm vụ {i}")
    make_task(title="Của Đông Lương", unit=cast.ward_dl)
    client = login(cast.clerk)
    assert len(rows(export(client, reverse("assignments:task_list")).active)) == 6
    sheet = export(client, reverse("assignments:task_list"), unit=cast.ward_dl.pk).active
    assert [r[0] for r in rows(sheet)] == ["Của Đông Lương"]
    sheet = export(client, reverse("assignments:task_list"), q="vụ 3").active
    assert [r[0] for r in rows(sheet)] == ["Nhiệm vụ 3"]


def test_the_export_link_follows_filters_changed_in_place(cast, login, make_task):
    """The filters refresh the results without a page load (htmx): the export link sits in the
    refreshed part, so it exports what is shown, not what was shown before."""
    make_task(unit=cast.ward1)
    response = login(cast.clerk).get(
        reverse("assignments:task_list"), {"status": "open", "q": "chi bộ"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert 'id="task-results"' in body and "<html" not in body
    end = body.index("format=xlsx")
    link = body[body.rindex("href=", 0, end) : end]
    assert "status=open" in link and "q=" in link


def test_task_export_holds_nothing_of_the_sibling_ward(cast, login, make_task):
    make_task(title="Của Phường 1")
    make_task(title="Của Đông Lương", unit=cast.ward_dl)
    sheet = export(login(cast.outsider), reverse("assignments:task_list")).active
    assert [r[0] for r in rows(sheet)] == ["Của Đông Lương"]


def test_task_export_in_vietnamese(cast, login, make_task):
    make_task()
    sheet = export(login(cast.clerk), reverse("assignments:task_list"), lang="vi").active
    assert sheet.title == "Nhiệm vụ"
    assert [c.value for c in sheet[1]][1:4] == ["Đơn vị chủ trì", "Đơn vị giao", "Người chịu trách nhiệm"]


# --- inspection programs ----------------------------------------------------------------------


@pytest.fixture
def programs(cast):
    """The city's program (an inspection of Phường 1 with one recommendation) and Đông Lương's."""
    city = services.program_create(actor=None, unit=cast.city, year=2026, title="Chương trình kiểm tra năm 2026")
    inspection = services.inspection_create(
        actor=None, program=city, kind="inspection", target_unit=cast.ward1,
        subject="Thực hiện Quy chế dân chủ", period_start=D(2026, 3, 1), period_end=D(2026, 3, 10),
    )
    services.recommendation_add(actor=None, inspection=inspection, text="Kiện toàn chi ủy", deadline=D(2026, 9, 30))
    ward = services.program_create(actor=None, unit=cast.ward_dl, year=2025, title="Chương trình giám sát 2025")
    services.inspection_create(
        actor=None, program=ward, kind="supervision", target_unit=cast.cell_dl,
        subject="Sinh hoạt chi bộ", period_start=D(2025, 6, 1), period_end=D(2025, 6, 5),
    )
    return city, ward


def test_program_export_has_programs_and_inspections(cast, login, programs):
    book = export(login(cast.clerk), reverse("assignments:program_list"))
    program_sheet, inspection_sheet = book.worksheets
    assert [c.value for c in program_sheet[1]] == ["Program", "Year", "Unit", "Term", "Document", "Inspections"]
    assert rows(program_sheet) == [
        ("Chương trình kiểm tra năm 2026", 2026, "Đảng bộ thành phố Đông Hà", None, None, 1),
        ("Chương trình giám sát 2025", 2025, "Đảng bộ phường Đông Lương", None, None, 1),
    ]
    assert [c.value for c in inspection_sheet[1]] == [
        "Program", "Year", "Kind", "Inspected unit", "Subject", "From", "To", "Recommendations",
        "Open recommendations", "Conclusion document",
    ]
    first, second = rows(inspection_sheet)
    assert first[:5] == ("Chương trình kiểm tra năm 2026", 2026, "Inspection", "Đảng bộ Phường 1", "Thực hiện Quy chế dân chủ")
    assert (first[5].date(), first[6].date()) == (D(2026, 3, 1), D(2026, 3, 10))
    assert first[7:] == (1, 1, None)
    assert second[2:4] == ("Supervision", "Chi bộ Khu phố 3 Đông Lương – Đảng bộ phường Đông Lương") and second[7:9] == (0, 0)


def test_program_export_holds_nothing_of_another_unit(cast, login, programs):
    book = export(login(cast.outsider), reverse("assignments:program_list"))
    assert [r[0] for r in rows(book.worksheets[0])] == ["Chương trình giám sát 2025"]
    assert [r[3] for r in rows(book.worksheets[1])] == ["Chi bộ Khu phố 3 Đông Lương – Đảng bộ phường Đông Lương"]
    book = export(login(cast.member), reverse("assignments:program_list"))
    assert rows(book.worksheets[0]) == [] and rows(book.worksheets[1]) == []


def test_program_export_in_vietnamese(cast, login, programs):
    book = export(login(cast.clerk), reverse("assignments:program_list"), lang="vi")
    assert [c.value for c in book.worksheets[0][1]][:3] == ["Chương trình", "Năm", "Đơn vị"]
    assert [c.value for c in book.worksheets[1][1]][3:5] == ["Đơn vị được kiểm tra, giám sát", "Nội dung"]


def test_program_list_links_its_export(cast, login, programs):
    body = login(cast.clerk).get(reverse("assignments:program_list")).content.decode()
    assert "?format=xlsx" in body


# --- the same number of queries whatever the data -------------------------------------------


def _add(cast, n, start=0):
    for i in range(start, start + n):
        for unit, target in ((cast.ward1, cast.cell1), (cast.ward_dl, cast.cell_dl)):
            program = services.program_create(actor=None, unit=unit, year=2026, title=f"Chương trình {i}")
            inspection = services.inspection_create(
                actor=None, program=program, kind="inspection", target_unit=target,
                subject=f"Nội dung {i}", period_start=D(2026, 3, 1), period_end=D(2026, 3, 10),
            )
            services.recommendation_add(actor=None, inspection=inspection, text=f"Kiến nghị {i}", deadline=D(2026, 9, 30))


@pytest.mark.parametrize("name", ["task_list", "program_list"])
def test_exports_run_a_fixed_number_of_queries(cast, login, django_assert_num_queries, name):
    url = reverse(f"assignments:{name}")
    client = login(cast.clerk)
    _add(cast, 2)
    export(client, url)
    with CaptureQueriesContext(connection) as small:
        assert len(rows(export(client, url).active)) == 4
    _add(cast, 12, start=100)
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(rows(export(client, url).active)) == 28
