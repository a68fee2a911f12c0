"""Exports of a rating campaign: the results as XLSX, and the summary table the party uses
(Biểu tổng hợp kết quả đánh giá, xếp loại chất lượng) as DOCX, landscape A4, Times New Roman."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangbo.core import uploads, xlsx

from . import rules
from .models import LEVEL_ORDER, Level, RatingCampaign
from .selectors import CampaignView, Column, SubjectRow

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"


def _short(rule: Any, code: str) -> str:
    return (rules.grade(rule, code) or {}).get("short", "") if code else ""


def _cells(campaign: RatingCampaign, row: SubjectRow) -> list[Any]:
    cells: list[Any] = []
    for level in LEVEL_ORDER:
        rating = row.by_level.get(level)
        cells.append(_short(campaign.rule, rating.grade) if rating else "")
    return cells


def _headings(columns: list[Column]) -> list[str]:
    """A heading per level of ``LEVEL_ORDER``: who rates there (``selectors.heading``)."""
    said = {col.level: col.label for col in columns}
    return [said.get(lv, str(Level(lv).label)) for lv in LEVEL_ORDER]


def _name(row: SubjectRow) -> str:
    return row.subject.full_name if row.kind == "person" else row.subject.name


def campaign_xlsx(campaign: RatingCampaign, view: CampaignView) -> HttpResponse:
    headers = [_("Member or organisation"), _("Unit"), *_headings(view.levels), _("Points"), _("Final grade")]
    rows = []
    for row in view.rows:
        points = next((r.points for lv in reversed(LEVEL_ORDER) if (r := row.by_level.get(lv)) and r.points is not None),
                      None)
        rows.append([_name(row), row.unit.name, *_cells(campaign, row), points, _short(campaign.rule, row.final)])
    leader_rows = []
    for row in view.leader_rows:
        points = next((r.points for lv in reversed(LEVEL_ORDER) if (r := row.by_level.get(lv)) and r.points is not None),
                      None)
        leader_rows.append([_name(row), row.post_title, row.unit.name, *_cells(campaign, row), points,
                            _short(campaign.rule, row.final)])
    sheets = [
        xlsx.Sheet(title=_("Results"), headers=headers, rows=rows),
        xlsx.Sheet(title=_("Leaders and managers"),
                   headers=[_("Leader"), _("Post"), _("Unit led"), *_headings(view.leader_levels), *headers[-2:]],
                   rows=leader_rows),
        xlsx.Sheet(title=_("Distribution"), headers=[_("Grade"), _("Count")],
                   rows=[[g["label"], n] for g, n in view.distribution]
                   + [[f'{_("Leaders and managers")}: {g["label"]}', n] for g, n in view.leader_distribution]),
    ]
    return xlsx.sheets_response(f"danh-gia-{campaign.year}", sheets)


def campaign_docx(campaign: RatingCampaign, view: CampaignView) -> HttpResponse:
    from docx import Document as Docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    d = Docx()
    section = d.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(15)
    style = d.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for text, bold in ((campaign.unit.name.upper(), False), ("BIỂU TỔNG HỢP", True),
                       (f"Kết quả đánh giá, xếp loại chất lượng năm {campaign.year}", True),
                       (f"(theo {campaign.rule.source})", False)):
        p = d.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(text).bold = bold
    head = ["STT", "Họ và tên / Tổ chức", "Đơn vị", *_headings(view.levels), "Điểm", "Kết quả"]
    table = d.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for n, row in enumerate(view.rows, start=1):
        points = next((str(r.points) for lv in reversed(LEVEL_ORDER)
                       if (r := row.by_level.get(lv)) and r.points is not None), "")
        values = [str(n), _name(row), row.unit.name, *_cells(campaign, row), points, _short(campaign.rule, row.final)]
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    if view.leader_rows:
        d.add_paragraph()
        d.add_paragraph().add_run("Cán bộ lãnh đạo, quản lý").bold = True
        table = d.add_table(rows=1, cols=len(head))
        table.style = "Table Grid"
        leader_head = ["STT", "Họ và tên, chức vụ", "Đơn vị lãnh đạo", *_headings(view.leader_levels), *head[-2:]]
        for cell, text in zip(table.rows[0].cells, leader_head, strict=True):
            cell.paragraphs[0].add_run(text).bold = True
        for n, row in enumerate(view.leader_rows, start=1):
            points = next((str(r.points) for lv in reversed(LEVEL_ORDER)
                           if (r := row.by_level.get(lv)) and r.points is not None), "")
            values = [str(n), f"{_name(row)}, {row.post_title}", row.unit.name, *_cells(campaign, row), points,
                      _short(campaign.rule, row.final)]
            for cell, text in zip(table.add_row().cells, values, strict=True):
                cell.text = text
    d.add_paragraph()
    d.add_paragraph("Tổng hợp: " + "; ".join(f"{g['short']}: {count}" for g, count in view.distribution))
    out = io.BytesIO()
    d.save(out)
    name = f"bieu-tong-hop-danh-gia-{campaign.year}-{timezone.localdate():%Y%m%d}.docx"
    return uploads.attachment(out.getvalue(), name=name, content_type=DOCX)
