"""The introduction letter for a transfer (giấy giới thiệu sinh hoạt đảng) as DOCX, in the party's
document layout (Hướng dẫn 36-HD/VPTW: the issuing unit top left, "ĐẢNG CỘNG SẢN VIỆT NAM" and
the place and date top right, Times New Roman, A4: ``dangbo.core.party_docx``).

Personal data (birth date, citizen ID) is written only when the person taking the letter may
read it; the view audits every letter taken (``services.letter_read``)."""

from __future__ import annotations

from dangbo.core.party_docx import day_line, header, new_document, to_bytes
from dangbo.orgs.models import Unit

from .models import MemberEvent


def _issuer(event: MemberEvent) -> Unit | None:
    """The party committee above the member's old cell issues the letter."""
    cell = event.from_unit
    if cell is None:
        return None
    return Unit.objects.filter(path=cell.parent_path).first() if cell.depth > 1 else cell


def introduction_docx(event: MemberEvent, *, readable) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    person = event.person
    issuer = _issuer(event)
    above = None
    if issuer is not None and issuer.depth > 1:
        above = Unit.objects.filter(path=issuer.parent_path).first()
    day = event.date
    d, para = new_document()
    header(d, para, above=above.name.upper() if above else "", issuer=issuer.name.upper() if issuer else "",
           place_date=day_line(day), number=f"Số {event.letter_number or '…'}")
    para(d, "")
    para(d, "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=15)
    destination = event.to_unit.name if event.to_unit else event.other_organisation
    para(d, f"Kính gửi: {destination or '…'}", align=WD_ALIGN_PARAGRAPH.CENTER)
    para(d, f"Giới thiệu đồng chí: {person.full_name}", bold=True)
    born = f"{person.birth_date:%d/%m/%Y}" if readable["birth_date"] and person.birth_date else "…"
    para(d, f"Sinh ngày: {born}")
    citizen = person.citizen_id if readable["citizen_id"] and person.citizen_id else "…"
    para(d, f"Số căn cước công dân: {citizen}")
    card = person.party_card_number if readable["party_card_number"] and person.party_card_number else "…"
    para(d, f"Số thẻ đảng viên: {card}")
    joined = f"{person.joined_on:%d/%m/%Y}" if person.joined_on else "…"
    official = f"{person.official_on:%d/%m/%Y}" if person.official_on else "…"
    para(d, f"Ngày vào Đảng: {joined}; ngày chính thức: {official}")
    para(d, f"Là đảng viên {person.get_status_display().lower()}, đang sinh hoạt tại "
            f"{event.from_unit.name if event.from_unit else '…'}.")
    para(d, f"Được chuyển sinh hoạt đảng đến {destination or '…'} từ ngày {day:%d/%m/%Y}.",
         align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    if event.reason:
        para(d, f"Lý do: {event.reason}")
    para(d, "Đề nghị các đồng chí tiếp nhận và quản lý đảng viên theo quy định. "
            "Giấy giới thiệu có giá trị 30 ngày kể từ ngày ký.", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    para(d, "")
    para(d, "T/M " + (issuer.name.upper() if issuer else ""), bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    return to_bytes(d)
