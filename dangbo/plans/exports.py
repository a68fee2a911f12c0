"""The commitment (BẢN CAM KẾT, with both signature blocks), the monthly stocktake's agenda and its record as
DOCX, in the party's document format (Hướng dẫn 36-HD/VPTW: the unit top left with the
committee above it and "*", "ĐẢNG CỘNG SẢN VIỆT NAM" top right with the place and date, Times
New Roman 13–14 pt, A4, margins 20 mm top and bottom, 30 mm left, 15 mm right)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.template.loader import render_to_string

from dangbo.core import party_docx
from dangbo.orgs.models import Unit

from .models import Commitment, CommitmentItem, Theme
from .selectors import AgendaItem, Decision

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


@dataclass
class Paper:
    """A document in the party's format, written once and rendered as DOCX or PDF."""

    above: str
    issuer: str
    place_date: str
    title: str
    subtitle: str
    blocks: Sequence[tuple[str, str]] = ()
    table: tuple[list[str], list[list[str]]] | None = None
    signatures: Sequence[tuple[str, str]] = field(default_factory=list)
    after: Sequence[tuple[str, str]] = ()


def pdf(paper: Paper) -> bytes:
    """The paper as PDF (WeasyPrint), with the same layout as the DOCX."""
    from weasyprint import HTML

    return HTML(string=render_to_string("plans/export_paper.html", {"paper": paper})).write_pdf()


def docx(paper: Paper) -> bytes:
    return _build(
        above=paper.above, issuer=paper.issuer, place_date=paper.place_date, title=paper.title,
        subtitle=paper.subtitle, blocks=paper.blocks, table=paper.table, signatures=paper.signatures,
        after=paper.after,
    )


def _place(unit: Unit) -> str:
    name = unit.short_name or unit.name
    for prefix in ("Đảng bộ thành phố ", "Đảng bộ phường ", "Đảng bộ tỉnh ", "Đảng bộ "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _build(
    *, above: str, issuer: str, place_date: str, title: str, subtitle: str, blocks: Sequence[tuple[str, str]],
    table: tuple[list[str], list[list[str]]] | None = None, signatures: Sequence[tuple[str, str]] = (),
    after: Sequence[tuple[str, str]] = (),
) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d, para = party_docx.new_document()
    party_docx.header(d, para, above=above, issuer=issuer, place_date=place_date)
    center = WD_ALIGN_PARAGRAPH.CENTER
    para(d, title, bold=True, align=center, size=15)
    para(d, subtitle, bold=True, align=center)
    for label, text in blocks:
        paragraph = d.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if label:
            paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(text)
    if table is not None:
        headers, rows = table
        grid = d.add_table(rows=1, cols=len(headers))
        grid.style = "Table Grid"
        for cell, label in zip(grid.rows[0].cells, headers, strict=True):
            cell.text = ""
            para(cell, label, bold=True, align=center, size=13)
        for row in rows:
            for cell, value in zip(grid.add_row().cells, row, strict=True):
                cell.text = value
    for label, text in after:
        paragraph = d.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if label:
            paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(text)
    if signatures:
        party_docx.signatures(d, para, signatures)
    return party_docx.to_bytes(d)


def _signer(person) -> str:
    return person.full_name if person else ""


def commitment_paper(commitment: Commitment, items: Sequence[CommitmentItem]) -> Paper:
    """BẢN CAM KẾT: the committing unit's header, the parties, the items with their targets
    and weights, the year-end evaluation when there is one, and both signature blocks."""
    lower, upper = commitment.lower_unit, commitment.upper_unit
    day = commitment.signed_on or dt.date(commitment.year, 1, 1)
    blocks = [
        ("Bên cam kết", f"Ban Thường vụ và người đứng đầu {lower.name}"
         + (f" (đồng chí {commitment.lower_signer.full_name})" if commitment.lower_signer else "")),
        ("Với", f"Ban Thường vụ {upper.name}"
         + (f" (đồng chí {commitment.upper_signer.full_name})" if commitment.upper_signer else "")),
        ("", f"Năm {commitment.year}, chúng tôi cam kết thực hiện các nội dung sau:"),
    ]
    rows = [
        [str(n), item.title, item.target, f"{item.weight}", item.evidence, item.grade.label if item.grade else ""]
        for n, item in enumerate(items, start=1)
    ]
    after = []
    if commitment.self_evaluation:
        after.append(("Tự đánh giá của người đứng đầu", commitment.self_evaluation))
    if commitment.conclusion or commitment.grade:
        after.append(("Kết luận của cấp trên", f"{commitment.conclusion} "
                      + (f"Xếp loại: {commitment.grade.label}." if commitment.grade else "")))
    return Paper(
        above=upper.name.upper(), issuer=lower.name.upper(),
        place_date=party_docx.day_line(day, _place(lower)),
        title="BẢN CAM KẾT", subtitle=f"thực hiện trách nhiệm năm {commitment.year}",
        blocks=blocks, after=after,
        table=(["STT", "Nội dung cam kết", "Mục tiêu", "Trọng số (%)", "Minh chứng", "Đánh giá"], rows),
        signatures=[
            (f"T/M BAN THƯỜNG VỤ {upper.name.upper()}", _signer(commitment.upper_signer)),
            ("NGƯỜI ĐỨNG ĐẦU CAM KẾT", _signer(commitment.lower_signer)),
        ],
    )


def commitment_docx(commitment: Commitment, items: Sequence[CommitmentItem]) -> bytes:
    return docx(commitment_paper(commitment, items))


def evaluation_paper(commitment: Commitment, items: Sequence[CommitmentItem], *, today: dt.date) -> Paper:
    """The year-end evaluation (BÁO CÁO KẾT QUẢ THỰC HIỆN CAM KẾT): each item with its
    weight, its quarterly statuses and its evaluation; the head's self-evaluation, the upper
    level's conclusion and grade on the scale (with its version and source), and the items
    proposed for the next year. Signed by the upper level."""
    lower, upper = commitment.lower_unit, commitment.upper_unit
    day = commitment.closed_on or today
    rows = []
    for n, item in enumerate(items, start=1):
        statuses = {s.quarter: s.get_status_display() for s in item.statuses.all()}
        rows.append([str(n), item.title, f"{item.weight}", *(str(statuses.get(q, "")) for q in (1, 2, 3, 4)),
                     item.grade.label if item.grade else ""])
    scale = commitment.scale
    blocks = [("Đơn vị cam kết", f"{lower.name} (người đứng đầu: {_signer(commitment.lower_signer) or '…'})"),
              ("Bản cam kết", f"{commitment.title}" + (f", ký ngày {commitment.signed_on:%d/%m/%Y}"
                                                      if commitment.signed_on else ""))]
    if scale is not None:
        blocks.append(("Thang đánh giá", f"{scale.name}, phiên bản {scale.version}"
                       + (f" ({scale.source})" if scale.source else "")
                       + f", áp dụng từ {scale.effective_from:%d/%m/%Y}"))
    after = [
        ("Tự đánh giá của người đứng đầu", commitment.self_evaluation or "…"),
        ("Kết luận của cấp trên", commitment.conclusion or "…"),
        ("Xếp loại", commitment.grade.label if commitment.grade else "chưa đánh giá"),
        ("Nội dung đề xuất năm sau", commitment.next_year or "…"),
    ]
    return Paper(
        above=(Unit.objects.filter(path=upper.parent_path).values_list("name", flat=True).first() or "").upper()
        if upper.depth > 1 else "",
        issuer=upper.name.upper(),
        place_date=party_docx.day_line(day, _place(upper)),
        title="BÁO CÁO KẾT QUẢ ĐÁNH GIÁ", subtitle=f"thực hiện cam kết trách nhiệm năm {commitment.year}",
        blocks=blocks, after=after,
        table=(["STT", "Nội dung cam kết", "Trọng số (%)", "Quý I", "Quý II", "Quý III", "Quý IV", "Đánh giá"],
               rows),
        signatures=[(f"T/M BAN THƯỜNG VỤ {upper.name.upper()}", _signer(commitment.upper_signer))],
    )


def stocktake_docx(theme: Theme, month: dt.date, agenda: Sequence[AgendaItem], *, today: dt.date) -> bytes:
    """The monthly stocktake's agenda (chương trình rà soát), prepared from the data."""
    unit = theme.unit
    parent = Unit.objects.filter(path=unit.parent_path).first() if unit.depth > 1 else None
    rows = []
    for n, a in enumerate(agenda, start=1):
        late = "; ".join(f"{t.title} ({t.unit.name}, hạn {t.deadline:%d/%m/%Y})" for t in a.overdue)
        behind = "; ".join(f"{t.title} ({t.progress}%)" for t in a.behind)
        confidence = f"{a.confidence.mean:.1f}/4" if a.confidence.mean is not None else ""
        rows.append([str(n), a.item.title, f"{a.progress.progress}%"
                     + (f" (mốc: {a.progress.expected}%)" if a.progress.expected is not None else ""),
                     a.progress.state_label, confidence, late, behind, str(len(a.reports))])
    return _build(
        above=parent.name.upper() if parent else "", issuer=unit.name.upper(),
        place_date=party_docx.day_line(today, _place(unit)),
        title="CHƯƠNG TRÌNH RÀ SOÁT", subtitle=f"thực hiện chủ đề năm {theme.year} – tháng {month:%m/%Y}",
        blocks=[("Chủ đề", theme.text)],
        table=(["STT", "Nhiệm vụ trọng tâm, khâu đột phá", "Tiến độ", "Tình trạng", "Khả thi",
                "Quá hạn", "Chậm tiến độ", "Báo cáo trong tháng"], rows),
    )


def stocktake_record_docx(
    theme: Theme, month: dt.date, agenda: Sequence[AgendaItem], decisions: dict[int, list[Decision]], *, today: dt.date
) -> bytes:
    """The record of the monthly stocktake (biên bản rà soát): each item's state as reviewed
    and what the standing committee decided on it (the tasks assigned from the item in the
    month: units in charge and deadline), with the chair's and the recorder's signatures."""
    unit = theme.unit
    parent = Unit.objects.filter(path=unit.parent_path).first() if unit.depth > 1 else None
    rows = []
    for n, a in enumerate(agenda, start=1):
        decided = "\n".join(
            f"- {d.title} (giao: {', '.join(u.name for u in d.units)}; hạn {d.deadline:%d/%m/%Y})"
            for d in decisions.get(a.item.pk, [])
        )
        rows.append([str(n), a.item.title, f"{a.progress.progress}%", a.progress.state_label,
                     str(len(a.overdue)), decided or "Tiếp tục thực hiện theo kế hoạch."])
    total = sum(len(d.tasks) for ds in decisions.values() for d in ds)
    return _build(
        above=parent.name.upper() if parent else "", issuer=unit.name.upper(),
        place_date=party_docx.day_line(today, _place(unit)),
        title="BIÊN BẢN", subtitle=f"rà soát thực hiện chủ đề năm {theme.year} – tháng {month:%m/%Y}",
        blocks=[("Chủ đề", theme.text), ("Nội dung", "Ban Thường vụ rà soát tiến độ từng nhiệm vụ trọng tâm, "
                                                      "khâu đột phá và kết luận như sau.")],
        table=(["STT", "Nhiệm vụ trọng tâm, khâu đột phá", "Tiến độ", "Tình trạng", "Nhiệm vụ quá hạn",
                "Kết luận, giao nhiệm vụ"], rows),
        after=[("", f"Tổng số nhiệm vụ được giao theo kết luận: {total}.")],
        signatures=[("NGƯỜI GHI BIÊN BẢN", ""), ("CHỦ TRÌ", "")],
    )
