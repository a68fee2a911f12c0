"""The shared XLSX writer: header row, types, cap, file name."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import time_machine
from django.utils import translation
from openpyxl import load_workbook

from dangbo.core import xlsx

NOW = dt.datetime(2025, 3, 20, 9, 0, tzinfo=dt.UTC)


def _sheet(response, index: int = 0):
    return load_workbook(io.BytesIO(response.content)).worksheets[index]


def test_header_row_is_bold_frozen_and_filtered():
    response = xlsx.workbook_response("danh-sach", "Danh sách", ["Họ và tên", "Ngày"], [["Nguyễn Văn A", dt.date(2025, 1, 2)]])
    sheet = _sheet(response)
    assert sheet.title == "Danh sách"
    assert [c.value for c in sheet[1]] == ["Họ và tên", "Ngày"]
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B2"


def test_values_keep_their_types():
    when = dt.datetime(2025, 3, 1, 1, 30, tzinfo=dt.UTC)  # 08:30 in Hà Nội
    rows = [["=HYPERLINK(\"x\")", dt.date(2025, 3, 1), when, 7, Decimal("8.5"), 2.25, None, "a\x00b"]]
    sheet = _sheet(xlsx.workbook_response("x", "x", list("ABCDEFGH"), rows))
    cells = sheet[2]
    assert cells[0].value == '=HYPERLINK("x")' and cells[0].data_type == "s"  # text, never a formula
    assert cells[1].value.date() == dt.date(2025, 3, 1) and cells[1].number_format == "DD/MM/YYYY"
    assert (cells[2].value.date(), cells[2].value.time()) == (dt.date(2025, 3, 1), dt.time(8, 30))
    assert cells[2].number_format == "DD/MM/YYYY HH:MM"
    assert cells[3].value == 7 and cells[3].data_type == "n"
    assert cells[4].value == 8.5 and cells[5].value == 2.25
    assert cells[6].value is None
    assert cells[7].value == "ab"  # characters Excel refuses are dropped


def test_column_widths_fit_the_header_and_the_values():
    rows = [["ngắn", "x" * 30, "y" * 500]]
    sheet = _sheet(xlsx.workbook_response("x", "x", ["Một tiêu đề dài", "B", "C"], rows))
    widths = [sheet.column_dimensions[col].width for col in "ABC"]
    assert widths == [len("Một tiêu đề dài") + 2, 32, xlsx.MAX_WIDTH]
    sheet = _sheet(xlsx.workbook_response("x", "x", ["A", "B"], rows, widths=[40, None]))
    assert sheet.column_dimensions["A"].width == 40 and sheet.column_dimensions["B"].width == 32


def test_the_cap_is_stated_in_the_file():
    rows = ([i, f"dòng {i}"] for i in range(10))
    with translation.override("en"):
        sheet = _sheet(xlsx.workbook_response("x", "x", ["N", "T"], rows, limit=4))
    values = [r for r in sheet.iter_rows(values_only=True)]
    assert [r[0] for r in values[1:5]] == [0, 1, 2, 3]
    assert values[-1][0] == "Only the first 4 rows are exported. Narrow the filters to export the rest."
    assert sheet.auto_filter.ref == "A1:B5"
    sheet = _sheet(xlsx.workbook_response("x", "x", ["N"], ([i] for i in range(4)), limit=4))
    assert sheet.max_row == 5  # exactly the cap: no note


def test_the_cap_note_groups_thousands_as_the_language_does():
    with translation.override("vi"):
        sheet = _sheet(xlsx.workbook_response("x", "x", ["N"], ([i] for i in range(1300)), limit=1234))
    assert "1.234" in [r[0] for r in sheet.iter_rows(values_only=True)][-1]


def test_file_name_has_the_date_and_content_type():
    with time_machine.travel(NOW, tick=False):
        response = xlsx.workbook_response("so-van-ban", "Sổ", ["A"], [])
    assert response["Content-Type"] == xlsx.XLSX
    assert response["Content-Disposition"] == 'attachment; filename="so-van-ban-20250320.xlsx"'
    sheet = _sheet(response)
    assert sheet.max_row == 1 and sheet.auto_filter.ref == "A1:A1"


def test_several_sheets_and_titles_excel_accepts():
    response = xlsx.sheets_response(
        "kiem-tra",
        [
            xlsx.Sheet("Chương trình: 2025/2026 [dự thảo]   và nhiều chữ nữa", ["A"], [[1]]),
            xlsx.Sheet("Cuộc kiểm tra", ["B", "C"], [[2, 3]]),
        ],
    )
    book = load_workbook(io.BytesIO(response.content))
    assert [s.title for s in book.worksheets] == ["Chương trình 2025 2026 dự thảo", "Cuộc kiểm tra"]
    assert book.worksheets[1]["B2"].value == 3


def test_capped_reads_one_more_row_than_the_limit(cast, django_assert_num_queries):
    from dangbo.orgs.models import Unit

    with django_assert_num_queries(1):
        rows = list(xlsx.capped(Unit.objects.order_by("path"), limit=2))
    assert len(rows) == 3
