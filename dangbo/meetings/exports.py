"""Minutes (biên bản) and the attendance sheet as DOCX and PDF, in the party's format.

The layout follows Hướng dẫn 36-HD/VPTW on party documents: the unit's name top left
(the committee above it, then the unit, then "*"), "ĐẢNG CỘNG SẢN VIỆT NAM" top right
with the place and date line "…, ngày … tháng … năm …" under it, the title "BIÊN BẢN",
the body, and the signatures (thư ký, chủ trì). Times New Roman 13–14 pt, A4, margins
20 mm top and bottom, 30 mm left, 15 mm right. The PDF is rendered by WeasyPrint from
the same content (Liberation Serif stands in for Times New Roman where it is missing).

The meetings list and the visit log export to Excel through ``dangbo.core.xlsx``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from dangbo.core import party_docx
from dangbo.core.xlsx import capped, workbook_response
from dangbo.orgs.models import Unit

from .models import Attendance, GradeThreshold, LeaderVisit, Meeting, MeetingKind

KIND_TITLES: dict[str, str] = {
    MeetingKind.REGULAR: "Sinh hoạt chi bộ thường kỳ",
    MeetingKind.THEMATIC: "Sinh hoạt chi bộ chuyên đề",
    MeetingKind.FORUM: "Sinh hoạt diễn đàn",
    MeetingKind.FLAG: "Sinh hoạt dưới cờ",
    MeetingKind.WARD_COMMITTEE: "Hội nghị Đảng ủy phường",
    MeetingKind.CITY_COMMITTEE: "Hội nghị Thành ủy",
}
STATUS_COLUMNS = [
    (Attendance.Status.PRESENT, "Có mặt"),
    (Attendance.Status.EXCUSED, "Vắng có lý do"),
    (Attendance.Status.UNEXCUSED, "Vắng không lý do"),
]
_ADMIN_PREFIX = re.compile(r"^(Đảng bộ|Chi bộ)\s+(tỉnh|thành phố|huyện|thị xã|phường|xã|thị trấn)?\s*", re.I)


def place_name(unit: Unit) -> str:
    """The locality for the place-and-date line: the city (or province) the unit sits in."""
    ancestors = list(Unit.objects.filter(path__in=unit.ancestor_paths()).order_by("depth"))
    chain = [*ancestors, unit]
    base = chain[1] if len(chain) > 1 else chain[0]
    return _ADMIN_PREFIX.sub("", base.name).strip() or base.name


@dataclass
class Document:
    issuer_above: str
    issuer: str
    place_date: str
    title: str
    subtitle: str
    paragraphs: list[tuple[str, str]] = field(default_factory=list)  # (label, text)
    rows: list[list[str]] = field(default_factory=list)
    signatures: list[tuple[str, str]] = field(default_factory=list)  # (role, name)


def decimal_comma(value: object) -> str:
    """``92.5`` → ``92,5``: the documents are Vietnamese whatever the page's language."""
    return str(value).replace(".", ",")


def _header(meeting: Meeting) -> tuple[str, str, str]:
    unit = meeting.unit
    parent = Unit.objects.filter(path=unit.parent_path).first() if unit.depth > 1 else None
    day = meeting.date
    place_date = party_docx.day_line(day, place_name(unit))
    return (parent.name.upper() if parent else ""), unit.name.upper(), place_date


def minutes_document(meeting: Meeting) -> Document:
    above, issuer, place_date = _header(meeting)
    attendance = list(Attendance.objects.filter(meeting=meeting).select_related("person").order_by("person__search_name"))
    absent = [a for a in attendance if a.status in (Attendance.Status.EXCUSED, Attendance.Status.UNEXCUSED)]
    guests = list(meeting.guests.all())
    decisions = list(meeting.decisions.select_related("responsible_unit"))
    scores = list(meeting.scores.all())
    start = f"{meeting.start_time:%H} giờ {meeting.start_time:%M}" if meeting.start_time else "… giờ …"
    doc = Document(
        issuer_above=above, issuer=issuer, place_date=place_date, title="BIÊN BẢN",
        subtitle=f"{KIND_TITLES.get(meeting.kind, '')} tháng {meeting.date.month:02d}/{meeting.date.year}"
        + (f" – {meeting.title}" if meeting.title and meeting.kind != MeetingKind.REGULAR else ""),
    )
    p = doc.paragraphs
    p.append(("Thời gian", f"Bắt đầu lúc {start}, ngày {meeting.date:%d/%m/%Y}"
              + (f"; thời lượng {meeting.duration_minutes} phút." if meeting.duration_minutes else ".")))
    p.append(("Địa điểm", meeting.place or "…"))
    p.append(("Thành phần", f"Tổng số đảng viên của chi bộ: {meeting.expected_count}; có mặt: {meeting.present_count}; "
              f"vắng có lý do: {meeting.excused_count}; vắng không lý do: {meeting.unexcused_count}."))
    if absent:
        p.append(("Đảng viên vắng", "; ".join(
            f"{a.person.full_name} ({'có lý do: ' + a.reason if a.status == Attendance.Status.EXCUSED else 'không lý do'})"
            for a in absent)))
    if guests:
        p.append(("Khách mời", "; ".join(f"{g.name}{', ' + g.title if g.title else ''}" for g in guests)))
    p.append(("Chủ trì", meeting.chair.full_name if meeting.chair else "…"))
    p.append(("Thư ký", meeting.secretary.full_name if meeting.secretary else "…"))
    p.append(("NỘI DUNG", meeting.agenda or "…"))
    p.append(("DIỄN BIẾN", meeting.minutes or "…"))
    p.append(("KẾT LUẬN", meeting.conclusions or "…"))
    if decisions:
        p.append(("NGHỊ QUYẾT, NHIỆM VỤ", "\n".join(
            f"{i}. {d.text}" + (f" (Đơn vị thực hiện: {d.responsible_unit.name}" if d.responsible_unit else "")
            + (f"; thời hạn: {d.deadline:%d/%m/%Y}" if d.deadline else "")
            + (")" if d.responsible_unit else "")
            for i, d in enumerate(decisions, start=1))))
    if scores:
        p.append(("Đánh giá chất lượng buổi sinh hoạt", "; ".join(
            f"{s.get_rater_display()}: {decimal_comma(s.total)} điểm, xếp loại {s.grade_name}" for s in scores)))
    p.append(("", "Buổi sinh hoạt kết thúc vào lúc … giờ … cùng ngày. Biên bản đã được thông qua trước chi bộ."))
    doc.signatures = [
        ("THƯ KÝ", meeting.secretary.full_name if meeting.secretary else ""),
        ("CHỦ TRÌ", meeting.chair.full_name if meeting.chair else ""),
    ]
    return doc


def attendance_document(meeting: Meeting) -> Document:
    above, issuer, place_date = _header(meeting)
    attendance = Attendance.objects.filter(meeting=meeting).select_related("person").order_by("person__search_name")
    doc = Document(
        issuer_above=above, issuer=issuer, place_date=place_date, title="DANH SÁCH ĐẢNG VIÊN DỰ SINH HOẠT",
        subtitle=f"{KIND_TITLES.get(meeting.kind, '')} ngày {meeting.date:%d/%m/%Y}",
    )
    for i, a in enumerate(attendance, start=1):
        marks = ["x" if a.status == status else "" for status, _label in STATUS_COLUMNS]
        doc.rows.append([str(i), a.person.full_name, *marks, a.reason])
    doc.paragraphs.append(("", f"Tổng số: {meeting.expected_count}; có mặt: {meeting.present_count}; "
                               f"vắng có lý do: {meeting.excused_count}; vắng không lý do: {meeting.unexcused_count}."))
    doc.signatures = [("THƯ KÝ", meeting.secretary.full_name if meeting.secretary else ""),
                      ("CHỦ TRÌ", meeting.chair.full_name if meeting.chair else "")]
    return doc


ATTENDANCE_HEADERS = ["STT", "Họ và tên", *[label for _s, label in STATUS_COLUMNS], "Lý do"]


def to_docx(doc: Document) -> bytes:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d, para = party_docx.new_document(space_after=2)
    party_docx.header(d, para, above=doc.issuer_above, issuer=doc.issuer, place_date=doc.place_date)
    para(d, "")
    para(d, doc.title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=15)
    para(d, doc.subtitle, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if doc.rows:
        table = d.add_table(rows=1, cols=len(ATTENDANCE_HEADERS))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, label in zip(table.rows[0].cells, ATTENDANCE_HEADERS, strict=True):
            cell.text = ""
            para(cell, label, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=13)
        for row in doc.rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = value
    for label, text in doc.paragraphs:
        paragraph = d.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if label:
            run = paragraph.add_run(f"{label}: " if not label.isupper() else f"{label}\n")
            run.bold = True
        paragraph.add_run(text)
    party_docx.signatures(d, para, doc.signatures)
    return party_docx.to_bytes(d)


def to_pdf(doc: Document) -> bytes:
    from weasyprint import HTML

    # One family for regular, bold and italic: a list of fallbacks mixes fonts glyph by glyph
    # when the first lacks Vietnamese letters ("THƯ KÝ" read "THƯKÝ").
    html = render_to_string(
        "meetings/export_document.html",
        {"doc": doc, "headers": ATTENDANCE_HEADERS, "font_family": settings.DANGBO_PDF_FONT},
    )
    return HTML(string=html).write_pdf()


# --- lists as Excel ---------------------------------------------------------------------


def meetings_xlsx(meetings: QuerySet[Meeting], *, grades: Iterable[GradeThreshold]) -> HttpResponse:
    """The meetings list (its selector and filters): every matching meeting, one query.

    Attendance and score are left empty for meetings not held, as on the page; a grade is
    named by the criteria set in force (``grades``), else shown by its code.
    """
    names = {g.code: g.name for g in grades}
    headers = [
        _("Date"), _("Unit"), _("Kind"), _("Title"), _("Place"), _("Status"), _("Closed"),
        _("Members expected"), _("Present"), _("Excused"), _("Unexcused"), _("Score"), _("Grade"),
    ]

    def row(m: Meeting) -> list:
        held = m.status == Meeting.Status.HELD
        return [
            m.date,
            m.unit.label or m.unit.name,
            m.get_kind_display(),
            m.title,
            m.place,
            m.get_status_display(),
            m.closed_at,
            m.expected_count if held else None,
            m.present_count if held else None,
            m.excused_count if held else None,
            m.unexcused_count if held else None,
            m.score,
            names.get(m.grade, m.grade),
        ]

    rows = (row(m) for m in capped(meetings.defer("agenda", "minutes", "conclusions")))
    return workbook_response("sinh-hoat-chi-bo", _("Party cell meetings"), headers, rows)


def visits_xlsx(visits: QuerySet[LeaderVisit]) -> HttpResponse:
    """The visit log (its selector and filter): every matching visit, one query."""
    headers = [_("Date"), _("Leader"), _("Unit"), _("Kind"), _("Raised"), _("Decided")]
    rows = (
        [v.date, v.person.full_name, v.unit.label or v.unit.name, v.get_kind_display(), v.raised, v.decided]
        for v in capped(visits.defer("meeting__agenda", "meeting__minutes", "meeting__conclusions"))
    )
    return workbook_response("lanh-dao-ve-co-so", _("Visits"), headers, rows)
