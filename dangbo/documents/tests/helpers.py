"""Small builders for the register's tests (files made on the spot, documents via the service)."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from dangbo.documents import services
from dangbo.documents.models import Document, DocumentType, Issuer

D = dt.date


def issuer(name: str) -> Issuer:
    return Issuer.objects.get(name=name)


def doc_type(abbr: str) -> DocumentType:
    return DocumentType.objects.get(abbr=abbr)


DEFAULT_DATE = D(2020, 3, 1)


def register(unit, *, abbr="KH", number="01", date=DEFAULT_DATE, title=None, actor=None,
             issuer_name=None, issuing_unit=None, issuer_abbr="", **extra) -> Document:
    if issuer_name is None and issuing_unit is None:
        issuing_unit, issuer_abbr = unit, issuer_abbr or "ĐU"
    return services.document_register(
        actor=actor,
        unit=unit,
        type=doc_type(abbr),
        number=number,
        date=date,
        title=title or f"Văn bản {number}-{abbr}",
        issuer=issuer(issuer_name) if issuer_name else None,
        issuing_unit=issuing_unit,
        issuer_abbr=issuer_abbr,
        **extra,
    )


def pdf_bytes(text: str = "Chi thi 05-CT/TW") -> bytes:
    """A small valid one-page PDF whose text pypdf can read back."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def docx_bytes(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def build_docs(cast) -> dict[str, Document]:
    """A central directive registered by the city, a city plan implementing it, a Phường 1
    plan implementing that, a cell plan below it, and a Đông Lương plan."""
    central = register(cast.city, abbr="CT", number="05", issuer_name="Bộ Chính trị", date=D(2016, 5, 15),
                       title="Đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh")
    city = register(cast.city, abbr="KH", number="12", issuing_unit=cast.city, issuer_abbr="TU",
                    date=D(2016, 8, 1), title="Kế hoạch thực hiện Chỉ thị 05", shared_down=True)
    ward = register(cast.ward1, abbr="KH", number="03", date=D(2016, 9, 1), title="Kế hoạch của Phường 1")
    cell = register(cast.cell1, abbr="KH", number="01", issuing_unit=cast.cell1, issuer_abbr="CB",
                    date=D(2016, 10, 1), title="Kế hoạch của Chi bộ Khu phố 1")
    other = register(cast.ward_dl, abbr="KH", number="07", date=D(2016, 9, 2), title="Kế hoạch của Đông Lương")
    for child, parent in ((city, central), (ward, city), (cell, ward), (other, city)):
        services.document_relate(actor=None, document=child, target=parent, kind="implements")
    return {"central": central, "city": city, "ward": ward, "cell": cell, "other": other}
