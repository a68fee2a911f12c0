"""The register's services: numbering, duplicates, relations, files, the catalogues."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db.models import Count

from dangbo.core.models import AuditEntry
from dangbo.documents import services
from dangbo.documents.models import Document, DocumentFile, DocumentRelation, DocumentType

from .helpers import DOCX, PDF, D, docx_bytes, pdf_bytes, register, upload

pytestmark = pytest.mark.django_db


def test_catalogue_holds_party_and_state_types():
    abbrs = set(DocumentType.objects.values_list("abbr", flat=True))
    assert {"NQ", "CT", "KL", "QĐ", "QĐi", "QC", "KH", "CTr", "HD", "TB", "BC", "TTr", "CV"} <= abbrs
    assert {"NĐ", "TT", "L"} <= abbrs
    assert DocumentType.objects.get(abbr="QĐi").source


def test_register_builds_the_symbol_and_keeps_its_parts(cast):
    doc = register(cast.city, abbr="CT", number="5", issuer_name="Bộ Chính trị", date=D(2016, 5, 15))
    assert doc.symbol == "05-CT/TW"
    assert (doc.number, doc.type_abbr, doc.issuer_abbr, doc.year) == ("05", "CT", "TW", 2016)
    assert AuditEntry.objects.filter(action="document.register", object_id=doc.pk).exists()


def test_state_documents_use_the_state_form(cast):
    doc = register(cast.city, abbr="NĐ", number="30/2020", issuer_name="Chính phủ", date=D(2020, 3, 5))
    assert doc.symbol == "30/2020/NĐ-CP"


def test_duplicate_number_is_refused_naming_the_existing_document(cast):
    first = register(cast.city, abbr="CT", number="05", issuer_name="Bộ Chính trị", date=D(2016, 5, 15),
                     title="Đẩy mạnh học tập và làm theo tư tưởng Hồ Chí Minh")
    with pytest.raises(ValidationError) as error:
        # Ban Bí thư numbers in the same …/TW series.
        register(cast.office, abbr="CT", number="5", issuer_name="Ban Bí thư", date=D(2016, 9, 1))
    message = " ".join(error.value.message_dict["number"])
    assert "05-CT/TW" in message and first.title in message and str(first.pk) in message
    assert Document.objects.count() == 1


def test_same_number_in_another_year_or_by_another_ward_is_fine(cast):
    register(cast.ward1, abbr="KH", number="01", date=D(2019, 1, 5))
    register(cast.ward1, abbr="KH", number="01", date=D(2020, 1, 5))
    register(cast.ward_dl, abbr="KH", number="01", date=D(2020, 1, 5))
    assert Document.objects.count() == 3


def test_future_date_is_refused(cast):
    with time_machine.travel(dt.datetime(2021, 1, 1, 9, tzinfo=dt.UTC)), pytest.raises(ValidationError) as error:
        register(cast.city, date=D(2021, 6, 1))
    assert "date" in error.value.message_dict


def test_issuer_or_issuing_unit_is_required(cast):
    with pytest.raises(ValidationError) as error:
        services.document_register(
            actor=None, unit=cast.city, type=DocumentType.objects.get(abbr="KH"), number="1",
            date=D(2020, 1, 1), title="x", issuer_abbr="TU",
        )
    assert "issuer" in error.value.message_dict


def test_counts_by_type_for_a_term_and_issuer_is_one_group_by(cast, django_assert_num_queries):
    for n in range(1, 4):
        register(cast.city, abbr="KH", number=str(n), issuing_unit=cast.city, issuer_abbr="TU", term_code="2015-2020")
    register(cast.city, abbr="CT", number="1", issuing_unit=cast.city, issuer_abbr="TU", term_code="2015-2020")
    with django_assert_num_queries(1):
        counts = dict(
            Document.objects.filter(term_code="2015-2020", issuing_unit=cast.city)
            .values_list("type__abbr").annotate(n=Count("pk")).order_by()
        )
    assert counts == {"KH": 3, "CT": 1}


def test_replacing_marks_the_old_document_replaced(cast):
    old = register(cast.city, abbr="QC", number="01", issuing_unit=cast.city, issuer_abbr="TU", date=D(2016, 1, 1))
    new = register(cast.city, abbr="QC", number="02", issuing_unit=cast.city, issuer_abbr="TU", date=D(2019, 9, 1))
    services.document_relate(actor=cast.clerk, document=new, target=old, kind="replaces")
    old.refresh_from_db()
    assert old.status == Document.Status.REPLACED


def test_implementation_cannot_loop(cast):
    a = register(cast.city, number="01", issuing_unit=cast.city, issuer_abbr="TU")
    b = register(cast.ward1, number="02")
    c = register(cast.cell1, number="03", issuing_unit=cast.cell1, issuer_abbr="CB")
    services.document_relate(actor=None, document=b, target=a, kind="implements")
    services.document_relate(actor=None, document=c, target=b, kind="implements")
    with pytest.raises(ValidationError):
        services.document_relate(actor=None, document=a, target=c, kind="implements")
    with pytest.raises(ValidationError):
        services.document_relate(actor=None, document=b, target=a, kind="implements")
    assert DocumentRelation.objects.count() == 2


def test_pdf_and_docx_text_is_extracted(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    doc = register(
        cast.city, abbr="KH", number="10", issuing_unit=cast.city, issuer_abbr="TU",
        uploads=[upload("kh10.pdf", pdf_bytes("Thuc hien Chi thi 05-CT/TW"), PDF)],
    )
    assert "05-CT/TW" in doc.full_text
    attached = services.document_attach_file(
        actor=None, document=doc, upload=upload("phu-luc.docx", docx_bytes("Phụ lục: Kế hoạch 687-KH/TU"), DOCX)
    )
    assert "687-KH/TU" in attached.text
    assert sorted(f.name for f in DocumentFile.objects.filter(document=doc)) == ["kh10.pdf", "phu-luc.docx"]


@pytest.mark.parametrize(
    ("name", "data", "content_type", "reason"),
    [
        ("fake.pdf", b"MZ\x90\x00 not a pdf at all", PDF, "not a PDF"),
        ("fake.docx", b"%PDF-1.4 pretending", DOCX, "not a Word"),
        ("script.exe", b"MZ\x90\x00", "application/octet-stream", "Only these files are accepted: PDF, Word (DOCX)"),
        ("mismatch.pdf", b"%PDF-1.4", "text/html", "does not match"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_saved(cast, settings, tmp_path, name, data, content_type, reason):
    settings.MEDIA_ROOT = tmp_path
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(ValidationError) as error:
        register(cast.city, uploads=[upload(name, data, content_type)])
    assert reason in " ".join(error.value.message_dict["file"])
    assert not Document.objects.exists() and not DocumentFile.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_oversized_file_is_refused(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DANGBO_MAX_UPLOAD_MB = 0.01  # about 10 kB
    big = pdf_bytes("x") + b"%" + b"0" * 20_000
    doc = register(cast.city)
    with pytest.raises(ValidationError) as error:
        services.document_attach_file(actor=None, document=doc, upload=upload("big.pdf", big, PDF))
    assert "file" in error.value.message_dict
    assert not DocumentFile.objects.exists()
