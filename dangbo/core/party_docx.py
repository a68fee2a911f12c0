"""DOCX in the party's document layout (Hướng dẫn 36-HD/VPTW), for every app that writes one.

A4, margins 20/20/30/15 mm (top, bottom, left, right), Times New Roman 14; the heading block is a
two-column table: the committee above and the issuing unit top left with "*" (and the number and
subject when given), "ĐẢNG CỘNG SẢN VIỆT NAM" underlined and the place and date top right::

    d, para = new_document()
    header(d, para, above="ĐẢNG BỘ TỈNH QUẢNG TRỊ", issuer="THÀNH ỦY ĐÔNG HÀ",
           place_date="Đông Hà, ngày 02 tháng 09 năm 2025", number="Số 12-BC/TU")
    para(d, "BÁO CÁO", bold=True, align=CENTER, size=15)
    return to_bytes(d)

python-docx is imported on first use: most requests never write a document."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

FONT = "Times New Roman"
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"

#: ``para(container, text="", bold=False, italic=False, align=None, size=None, underline=False)``
#: adds one paragraph of one run to a document or a table cell and returns it.
Para = Callable[..., Any]


def new_document(*, space_after: float | None = None) -> tuple[Any, Para]:
    """An empty A4 document in the party's layout, and ``para`` to write into it.
    ``space_after`` (points) tightens paragraphs for documents with long tables."""
    from docx import Document as Docx
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    d = Docx()
    section = d.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = d.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)

    def para(container, text="", bold=False, italic=False, align=None, size=None, underline=False):
        paragraph = container.add_paragraph()
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        run.font.name = FONT
        if size:
            run.font.size = Pt(size)
        if align is not None:
            paragraph.alignment = align
        if space_after is not None:
            paragraph.paragraph_format.space_after = Pt(space_after)
        return paragraph

    return d, para


def header(
    d, para: Para, *, above: str, issuer: str, place_date: str, number: str = "", subject: str = "",
) -> None:
    """The heading block: ``above`` (the committee above, may be empty) and ``issuer`` in
    capitals top left with "*", the number and the subject; the party's name underlined and
    the place and date top right."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    center = WD_ALIGN_PARAGRAPH.CENTER
    left, right = d.add_table(rows=1, cols=2).rows[0].cells
    para(left, above, align=center, size=13)
    para(left, issuer, bold=True, align=center, size=13)
    para(left, "*", align=center, size=13)
    if number:
        para(left, number, align=center, size=13)
    if subject:
        para(left, subject, italic=True, align=center, size=12)
    para(right, PARTY, bold=True, underline=True, align=center, size=14)
    para(right, place_date, italic=True, align=center, size=14)


def signatures(d, para: Para, pairs) -> None:
    """The signature block: one column per ``(role, name)``, the role in bold, "(Ký, ghi rõ họ
    tên)", room to sign, then the name."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    center = WD_ALIGN_PARAGRAPH.CENTER
    para(d, "")
    sign = d.add_table(rows=1, cols=len(pairs))
    for cell, (role, name) in zip(sign.rows[0].cells, pairs, strict=True):
        cell.text = ""
        para(cell, role, bold=True, align=center)
        para(cell, "(Ký, ghi rõ họ tên)", italic=True, align=center, size=13)
        for _i in range(3):
            para(cell, "")
        para(cell, name, bold=True, align=center)


def day_line(day, place: str = "") -> str:
    """"Đông Hà, ngày 02 tháng 09 năm 2025" (or without the place)."""
    text = f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    return f"{place}, {text}" if place else text


def to_bytes(d) -> bytes:
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()
