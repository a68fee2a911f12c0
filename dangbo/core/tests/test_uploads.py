"""The one check every upload goes through, and the one way stored files are served back."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from dangbo.core import uploads

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
MiB = 1024 * 1024


def docx_bytes(text: str = "Biên bản họp chi bộ") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Số", "Trích yếu"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("name", "data", "content_type", "expected"),
    [
        ("bien-ban.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj", PDF, PDF),
        ("bien-ban.docx", docx_bytes(), DOCX, DOCX),
        ("bien-ban.docx", docx_bytes(), "application/octet-stream", DOCX),
        ("so-lieu.xlsx", xlsx_bytes(), XLSX, XLSX),
        ("cu.doc", OLE, "application/msword", "application/msword"),
        ("cu.xls", OLE, "application/vnd.ms-excel", "application/vnd.ms-excel"),
        ("anh.png", PNG, "image/png", "image/png"),
        ("anh.JPG", JPEG, "image/jpeg", "image/jpeg"),
        ("ghi-chu.txt", "Đã họp đủ.\n".encode(), "text/plain", "text/plain"),
    ],
)
def test_evidence_of_every_accepted_kind_passes(name, data, content_type, expected):
    checked = uploads.check(upload(name, data, content_type), accept=uploads.EVIDENCE)
    assert checked.content_type == expected and checked.data == data and checked.name == name
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("name", "data", "content_type", "reason"),
    [
        ("trang.html", b"<script>alert(1)</script>", "text/html", "Only these files are accepted"),
        ("trang.svg", b"<svg onload=alert(1)>", "image/svg+xml", "Only these files are accepted"),
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00", PDF, "is not a PDF"),
        ("setup.exe", b"MZ\x90\x00", "application/octet-stream", "Only these files are accepted"),
        ("anh.pdf", PNG, PDF, "is not a PDF"),
        ("bien-ban.pdf", b"%PDF-1.4", "text/html", "does not match its name"),
        ("bang.docx", xlsx_bytes(), DOCX, "is not a Word"),
        ("zip.docx", b"PK\x03\x04" + b"\x00" * 40, DOCX, "may be damaged"),
        ("anh.png", JPEG, "image/png", "is not a PNG"),
        ("ghi-chu.txt", b"MZ\x00\x00binary", "text/plain", "is not plain text"),
        ("rong.pdf", b"", PDF, "is empty"),
    ],
)
def test_bad_evidence_is_refused_with_the_reason(name, data, content_type, reason):
    with pytest.raises(ValidationError) as error:
        uploads.check(upload(name, data, content_type), accept=uploads.EVIDENCE, field="evidence")
    assert reason in " ".join(error.value.message_dict["evidence"])


def test_a_use_accepts_only_its_own_kinds():
    with pytest.raises(ValidationError) as error:
        uploads.check(upload("anh.png", PNG, "image/png"), accept=uploads.DOCUMENT)
    assert "PDF, Word (DOCX)" in error.value.message_dict["file"][0]


def test_the_size_limit_comes_from_the_settings(settings):
    settings.DANGBO_MAX_UPLOAD_MB = 0.01  # about 10 kB
    big = b"%PDF-1.4\n" + b"0" * 20_000
    with pytest.raises(ValidationError) as error:
        uploads.check(upload("big.pdf", big, PDF), accept=uploads.DOCUMENT)
    assert "larger than" in error.value.message_dict["file"][0]


def test_the_refusal_reads_in_vietnamese():
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        uploads.check(upload("trang.html", b"<p>", "text/html"), accept=uploads.EVIDENCE)
    assert "Chỉ nhận" in error.value.message_dict["file"][0]


# --- Office files are zip archives: how much they unpack to is checked before parsing ------


def _bomb(member: str, size: int, content_types: bytes) -> bytes:
    """A small archive whose ``member`` unpacks to ``size`` bytes of one letter."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        with archive.open(member, "w", force_zip64=True) as handle:
            chunk = b"A" * MiB
            for _ in range(size // MiB):
                handle.write(chunk)
    return out.getvalue()


WORD_TYPES = (b'<Types><Override PartName="/word/document.xml" ContentType="application/'
              b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')


def test_an_archive_that_unpacks_to_too_much_is_refused_within_bounded_memory():
    data = _bomb("word/document.xml", 64 * MiB, WORD_TYPES)
    assert len(data) < MiB
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as error:
            uploads.check(upload("bomb.docx", data, DOCX), accept=uploads.DOCUMENT)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "too large once unpacked (more than 32 MB)" in error.value.message_dict["file"][0]
    assert peak < 8 * MiB


def test_an_archive_that_lies_about_its_sizes_is_refused():
    """The records say 1 kB; the data unpacks to 8 MB: reading stops at the lie."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", WORD_TYPES)
        archive.writestr("word/document.xml", b"A" * 8 * MiB)
    data = bytearray(out.getvalue())
    local = data.rindex(b"PK\x03\x04")  # the document is the last member
    central = data.rindex(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 1024)
    struct.pack_into("<I", data, central + 24, 1024)
    with pytest.raises(ValidationError) as error:
        uploads.check(upload("lie.docx", bytes(data), DOCX), accept=uploads.DOCUMENT)
    assert "damaged" in error.value.message_dict["file"][0]


def test_an_archive_with_too_many_members_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", WORD_TYPES)
        for index in range(uploads.MAX_ZIP_MEMBERS + 1):
            archive.writestr(f"x/{index}", b"")
    with pytest.raises(ValidationError) as error:
        uploads.check(upload("many.docx", out.getvalue(), DOCX), accept=uploads.DOCUMENT)
    assert "too many parts" in error.value.message_dict["file"][0]


# --- Serving ---------------------------------------------------------------------------------


@pytest.fixture
def stored(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("f/x.bin", ContentFile(b"%PDF-1.4 stored"))

    class Holder:
        file = storage.open(name, "rb")

    yield Holder.file
    Holder.file.close()


def test_a_stored_file_is_served_as_an_attachment_with_a_safe_name(stored):
    response = uploads.serve(stored, name='Biên bản "họp"\r\n/../tháng 3.pdf', content_type=PDF)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert 'filename="Bien ban _hop__.._thang 3.pdf"' in disposition
    assert "filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20_h%E1%BB%8Dp__.._th%C3%A1ng%203.pdf" in disposition
    assert "\r" not in disposition and "\n" not in disposition
    assert response["Content-Type"] == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 stored"


def test_a_stored_type_outside_the_accepted_kinds_is_served_as_bytes(stored):
    """Files stored before the check (an .html with a script) are never served as a page."""
    response = uploads.serve(stored, name="trang.html", content_type="text/html")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment; ")


def test_generated_downloads_use_the_same_headers():
    response = uploads.attachment(b"data", name="Báo cáo.docx", content_type=DOCX)
    assert response["Content-Type"] == DOCX and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Bao cao.docx\"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o.docx"
    )
