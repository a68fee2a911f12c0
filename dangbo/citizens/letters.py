"""The written acknowledgement (thông báo tiếp nhận) as DOCX, in the party's document layout
(Hướng dẫn 36-HD/VPTW: the unit top left, "ĐẢNG CỘNG SẢN VIỆT NAM" and the place and date top
right, Times New Roman, A4: ``dangbo.core.party_docx``).

The letter is addressed to the petitioners: for a denunciation only someone who may read the
protected identity gets it (the view checks and audits the reading)."""

from __future__ import annotations

from dangbo.core import party_docx
from dangbo.core.party_docx import Para, new_document, to_bytes
from dangbo.orgs.models import Unit

from .models import Case, Petitioner

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


def header(d, para: Para, unit: Unit, day, subject: str = "", number: str = "") -> None:
    """The heading block of a letter from ``unit``: the committee above it, the unit, "*",
    the number and the subject top left; the party's name and the date top right."""
    parent = Unit.objects.filter(path=unit.path[: -Unit.steplen]).first() if unit.depth > 1 else None
    party_docx.header(d, para, above=parent.name.upper() if parent else "", issuer=unit.name.upper(),
                      place_date=party_docx.day_line(day), number=number, subject=subject)


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
