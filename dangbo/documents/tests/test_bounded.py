"""Imports and text extraction read within a bounded memory: small files that unpack to
hundreds of megabytes are refused before they are parsed, with the reason beside the field."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format
from openpyxl import Workbook

from dangbo.core.xlsx import MAX_CELL_TEXT
from dangbo.documents import files, spreadsheets
from dangbo.documents.models import Document, DocumentFile

from .helpers import DOCX, build_docs, docx_bytes, upload

pytestmark = pytest.mark.django_db
MiB = 1024 * 1024
#: The bombs unpack to this; today's code held all of it (and more) in memory.
BOMB = 64 * MiB
#: What a refusal may cost, the request and its page included.
BOUND = 24 * MiB


def _rewrite(data: bytes, member: str, placeholder: bytes, size: int, letter: bytes = b"A") -> bytes:
    """``data`` (a zip) with ``placeholder`` in ``member`` replaced by ``size`` letters,
    written in chunks so the test itself stays small."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        assert member in source.namelist()
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename != member:
                target.writestr(info.filename, body)
                continue
            head, found, tail = body.partition(placeholder)
            assert found, f"{placeholder!r} not in {member}"
            with target.open(member, "w", force_zip64=True) as handle:
                handle.write(head)
                chunk = letter * MiB
                for _ in range(size // MiB):
                    handle.write(chunk)
                handle.write(chunk[: size % MiB])
                handle.write(tail)
    return out.getvalue()


def _workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([str(h) for _k, h in spreadsheets.COLUMNS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _named(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def _grouped(number: int) -> str:
    with translation.override("en"):
        return number_format(number, force_grouping=True)


def _peak(action):
    tracemalloc.start()
    try:
        result = action()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


ROW = ["15", "KH", "t-phuong1", "ĐU", "01/02/2020", "Kế hoạch", "", "", "", "", ""]


def test_import_of_a_workbook_with_one_huge_cell_is_refused_in_bounded_memory(cast, login):
    # The title cell's text becomes 64 MB of text.
    huge = _rewrite(
        _workbook([[*ROW[:5], "HUGE-CELL", *ROW[6:]]]), "xl/worksheets/sheet1.xml", b"HUGE-CELL", BOMB,
    )
    assert len(huge) < MiB
    client = login(cast.ward_secretary)
    response, peak = _peak(lambda: client.post(
        reverse("documents:document_import"), {"unit": cast.ward1.pk, "file": _named(huge, "so.xlsx")},
        HTTP_ACCEPT_LANGUAGE="en",
    ))
    body = response.content.decode()
    assert response.status_code == 200 and "too large once unpacked" in body
    assert not Document.objects.exists()
    assert peak < BOUND, f"peak {peak / MiB:.0f} MB"


def test_import_names_the_row_whose_cell_is_longer_than_excel_allows(cast, login):
    """Excel keeps at most 32,767 characters in a cell (openpyxl cuts what it writes); a
    file made by hand may hold more: the row is named and nothing is imported."""
    rows = [ROW, ["16", *ROW[1:10], "LONG-SUMMARY"]]
    data = _rewrite(_workbook(rows), "xl/worksheets/sheet1.xml", b"LONG-SUMMARY", MAX_CELL_TEXT + 1)
    response = login(cast.ward_secretary).post(
        reverse("documents:document_import"), {"unit": cast.ward1.pk, "file": _named(data, "so.xlsx")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = response.content.decode()
    assert "Nothing was imported" in body and f"longer than {_grouped(MAX_CELL_TEXT)} characters" in body
    assert ">3<" in body and ">2<" not in body
    assert not Document.objects.exists()


def test_import_reads_only_the_template_columns_of_a_wide_row(cast, login):
    book = Workbook()
    sheet = book.active
    sheet.append([str(h) for _k, h in spreadsheets.COLUMNS])
    sheet.append(ROW)
    sheet.cell(row=2, column=16_000, value="far away")
    out = io.BytesIO()
    book.save(out)
    response = login(cast.ward_secretary).post(
        reverse("documents:document_import"), {"unit": cast.ward1.pk, "file": _named(out.getvalue(), "so.xlsx")}
    )
    assert response.status_code == 302 and Document.objects.get().summary == ""


def test_attaching_a_docx_with_hundreds_of_megabytes_of_text_is_refused_in_bounded_memory(cast, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    docs = build_docs(cast)
    data = _rewrite(docx_bytes("HUGE-TEXT"), "word/document.xml", b"HUGE-TEXT", BOMB)
    assert len(data) < MiB
    client = login(cast.ward_secretary)
    url = reverse("documents:document_attach", args=[docs["ward"].pk])
    response, peak = _peak(lambda: client.post(url, {"file": upload("bomb.docx", data, DOCX)}, HTTP_ACCEPT_LANGUAGE="en"))
    assert response.status_code == 400 and "too large once unpacked" in response.content.decode()
    assert not DocumentFile.objects.exists() and not any(tmp_path.rglob("*.*"))
    assert peak < BOUND, f"peak {peak / MiB:.0f} MB"
    assert login(cast.outsider).post(url, {"file": upload("a.docx", docx_bytes("x"), DOCX)}).status_code == 404


def test_text_beyond_the_cap_is_cut_with_a_note(cast, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    docs = build_docs(cast)
    data = docx_bytes("Kế hoạch 687-KH/TU " + "x" * (files.MAX_TEXT + 1000))
    response = login(cast.ward_secretary).post(
        reverse("documents:document_attach", args=[docs["ward"].pk]),
        {"file": upload("dai.docx", data, DOCX)}, HTTP_ACCEPT_LANGUAGE="en", follow=True,
    )
    attached = DocumentFile.objects.get()
    assert len(attached.text) == files.MAX_TEXT and attached.text.startswith("Kế hoạch 687-KH/TU")
    assert f"Only the first {_grouped(files.MAX_TEXT)} characters of its text are searched." in response.content.decode()

