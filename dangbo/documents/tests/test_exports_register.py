"""The register's Excel export: its columns, every matching row, its fixed cost."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.documents.models import Field

from .helpers import D, build_docs, register

pytestmark = pytest.mark.django_db

HEADERS = [
    "Number", "Type", "Issuer", "Issuer abbreviation", "Date", "Title", "Signer", "Term", "Fields",
    "Status", "Summary", "Number and symbol", "Registering unit", "ID",
]


def export(client, lang="en", **params):
    response = client.get(reverse("documents:document_export"), params, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith('attachment; filename="so-van-ban-')
    return load_workbook(io.BytesIO(response.content)).active


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_export_columns_and_a_row(cast, login):
    fields = list(Field.objects.order_by("sort_order", "name")[:2])
    doc = register(cast.ward1, abbr="KH", number="03", date=D(2016, 9, 1), title="Kế hoạch của Phường 1",
                   fields=list(reversed(fields)), summary="Tóm tắt")
    sheet = export(login(cast.ward_secretary))
    assert [c.value for c in sheet[1]] == HEADERS and sheet[1][0].font.b and sheet.freeze_panes == "A2"
    (row,) = rows(sheet)
    assert row[:4] == ("03", "KH", "t-phuong1", "ĐU")  # the issuing unit by its code, as import reads it
    assert row[4].date() == D(2016, 9, 1) and sheet["E2"].number_format == "DD/MM/YYYY"
    assert row[5] == "Kế hoạch của Phường 1"
    assert row[8] == ", ".join(f.code for f in fields)  # in the catalogue's order
    assert row[10:] == ("Tóm tắt", doc.symbol, "Đảng bộ Phường 1", doc.pk)


def test_export_has_every_page_and_keeps_the_filters(cast, login, settings):
    settings.PAGE_SIZE = 2
    build_docs(cast)
    client = login(cast.clerk)
    assert len(rows(export(client))) == 5
    symbols = {r[11] for r in rows(export(client, type="KH", date_from="2016-08-15"))}
    assert symbols == {"03-KH/ĐU", "01-KH/CB", "07-KH/ĐU"}


def test_export_in_vietnamese(cast, login):
    build_docs(cast)
    sheet = export(login(cast.clerk), lang="vi")
    assert sheet.title == "Văn bản"
    assert [c.value for c in sheet[1]][:3] == ["Số", "Loại văn bản", "Cơ quan ban hành"]


def test_export_runs_a_fixed_number_of_queries(cast, login, django_assert_num_queries):
    fields = list(Field.objects.all()[:3])
    client = login(cast.clerk)

    def add(n, start):
        for i in range(start, start + n):
            register(cast.ward1, abbr="KH", number=str(i), fields=fields[: i % 4])

    add(3, 1)
    export(client)
    with CaptureQueriesContext(connection) as small:
        assert len(rows(export(client))) == 3
    add(20, 100)
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(rows(export(client))) == 23
