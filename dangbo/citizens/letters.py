"""The written acknowledgement (thông báo tiếp nhận) as DOCX, in the party's document layout
(Hướng dẫn 36-HD/VPTW: the unit top left, "ĐẢNG CỘNG SẢN VIỆT NAM" and the place and date top
right, Times New Roman, A4, margins 20/20/30/15 mm).

The letter is addressed to the petitioners: for a denunciation only someone who may read the
protected identity gets it (the view checks and audits the reading)."""

from __future__ import annotations

import io

from dangbo.orgs.models import Unit

from .models import Case, Petitioner

FONT = "Times New Roman"

SUBJECTS = {
    Case.Outcome.ACCEPTED: "V/v thụ lý giải quyết đơn",
    Case.Outcome.TRANSFERRED: "V/v chuyển đơn đến cơ quan có thẩm quyền",
    Case.Outcome.RETURNED: "V/v trả lại đơn",
}


def _body(case: Case) -> str:
    received = f"ngày {case.received_on:%d/%m/%Y}"
    what = case.get_kind_display().lower()
    if case.ack_outcome == Case.Outcome.ACCEPTED:
        return (f"{case.unit.name} đã tiếp nhận {what} của Ông/Bà {received} và thụ lý giải quyết theo quy định. "
                f"Kết quả sẽ được trả lời trước ngày {case.answer_by:%d/%m/%Y}.")
    if case.ack_outcome == Case.Outcome.TRANSFERRED:
        return (f"{case.unit.name} đã tiếp nhận {what} của Ông/Bà {received}. Nội dung không thuộc thẩm quyền "
                f"giải quyết của {case.unit.name}, đã được chuyển đến: {case.ack_note}.")
    return (f"{case.unit.name} đã tiếp nhận {what} của Ông/Bà {received} và trả lại đơn với lý do: "
            f"{case.ack_note}.")


def new_document():
    """An empty A4 document in the party's layout, and ``para(container, text, …)`` to write it."""
    from docx import Document as Docx
    from docx.shared import Mm, Pt

    d = Docx()
    section = d.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    d.styles["Normal"].font.name = FONT
    d.styles["Normal"].font.size = Pt(14)

    def para(container, text="", bold=False, italic=False, align=None, size=None, underline=False):
        paragraph = container.add_paragraph()
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        run.font.name = FONT
        if size:
            run.font.size = Pt(size)
        if align is not None:
            paragraph.alignment = align
        return paragraph

    return d, para


def header(d, para, unit: Unit, day, subject: str = "", number: str = "") -> None:
    """The heading block: the committee above and the issuing unit top left (with "*", the
    number and the subject), "ĐẢNG CỘNG SẢN VIỆT NAM" and the date top right."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    parent = Unit.objects.filter(path=unit.path[: -Unit.steplen]).first() if unit.depth > 1 else None
    left, right = d.add_table(rows=1, cols=2).rows[0].cells
    center = WD_ALIGN_PARAGRAPH.CENTER
    para(left, parent.name.upper() if parent else "", align=center, size=13)
    para(left, unit.name.upper(), bold=True, align=center, size=13)
    para(left, "*", align=center, size=13)
    if number:
        para(left, number, align=center, size=13)
    if subject:
        para(left, subject, italic=True, align=center, size=12)
    para(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, align=center)
    para(right, f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}", italic=True, align=center)


def to_bytes(d) -> bytes:
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def acknowledgement_docx(case: Case, petitioners: list[Petitioner]) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d, para = new_document()
    unit = case.unit
    day = case.acknowledged_on or case.received_on
    header(d, para, unit, day, SUBJECTS.get(Case.Outcome(case.ack_outcome), ""))
    para(d, "")
    para(d, "THÔNG BÁO", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=15)
    para(d, f"Kính gửi: {', '.join(p.name for p in petitioners) or '…'}", align=WD_ALIGN_PARAGRAPH.CENTER)
    address = petitioners[0].address if petitioners and petitioners[0].address else ""
    if address:
        para(d, f"Địa chỉ: {address}", align=WD_ALIGN_PARAGRAPH.CENTER)
    para(d, _body(case), align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    para(d, f"Ông/Bà theo dõi kết quả giải quyết bằng mã tra cứu {case.code_display}.",
         align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    para(d, "")
    para(d, "T/M " + unit.name.upper(), bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    return to_bytes(d)
