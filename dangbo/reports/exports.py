"""The term review as DOCX and PDF in the party's document format (Hướng dẫn 36-HD/VPTW):
the committee above and the unit top left with "*", "ĐẢNG CỘNG SẢN VIỆT NAM" underlined top
right with the place and date, the number and symbol, the title, the body in Times New Roman
14 pt on A4 (margins 20 mm top and bottom, 30 mm left, 15 mm right), the indicators as a
table, meeting quality by year as a table and a chart (a PNG drawn with Pillow, the same in both), "T/M BAN CHẤP HÀNH" with the signer, and "Nơi nhận"."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.template.loader import render_to_string

from dangbo.core import party_docx
from dangbo.meetings.exports import place_name
from dangbo.orgs.models import Position, Unit

from .models import PeriodicReport, Review

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TABLE_HEADERS = ["STT", "Chỉ tiêu", "Mục tiêu", "Thực hiện", "Kết quả"]
QUALITY_HEADERS = ["Năm", "Phiên được chấm điểm", "Đạt loại Tốt"]


@dataclass
class Paper:
    above: str
    issuer: str
    place_date: str
    symbol: str
    title: str
    subtitle: str
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)
    #: Meeting quality by year: (year, meetings scored, share graded good as text, the share).
    quality: list[tuple[str, str, str, float]] = field(default_factory=list)
    signer_role: str = "T/M BAN CHẤP HÀNH"
    signer_title: str = "BÍ THƯ"
    signer: str = ""
    recipients: list[str] = field(default_factory=list)


def _paper(unit: Unit, content: dict, *, today: dt.date, subtitle: str, signer_role: str = "T/M BAN CHẤP HÀNH",
           recipients: list[str] | None = None) -> Paper:
    """The party's layout around ``content`` (a term review's or a periodic report's sections)."""
    parent = Unit.objects.filter(path=unit.parent_path).first() if unit.depth > 1 else None
    head = (
        Position.objects.current(today).filter(unit=unit, role__gte=30).select_related("person")
        .order_by("sort_order", "start").first()
    )
    return Paper(
        above=parent.name.upper() if parent else "",
        issuer=(unit.name.replace("Đảng bộ", "Ban Chấp hành Đảng bộ", 1)).upper(),
        place_date=party_docx.day_line(today, place_name(unit)),
        symbol="Số …-BC/…",
        title="BÁO CÁO",
        subtitle=subtitle,
        sections=[(s["title"], [x["text"] for x in s["sentences"]]) for s in content.get("sections", [])],
        signer_role=signer_role,
        signer=head.person.full_name if head else "",
        recipients=recipients or ["Cấp ủy cấp trên", "Các đồng chí Ủy viên BCH", "Các tổ chức đảng trực thuộc",
                                  "Lưu Văn phòng"],
    )


def paper(review: Review, *, today: dt.date) -> Paper:
    content = review.content
    doc = _paper(review.unit, content, today=today, subtitle=f"Tổng kết nhiệm kỳ {review.term.code.replace('-', ' - ')}")
    for section in content.get("sections", []):
        if section["key"] != "resolution":
            continue
        for n, sentence in enumerate(s for s in section["sentences"] if "target" in s["figures"] or "result" in s["figures"]):
            f = sentence["figures"]
            doc.table.append([str(n + 1), f.get("name", {}).get("text", ""), f.get("target", {}).get("text", ""),
                              f.get("actual", {}).get("text", ""), f.get("result", {}).get("text", "")])
    for section in content.get("sections", []):
        for sentence in section["sentences"] if section["key"] == "meetings" else []:
            f = sentence["figures"]
            if "scored" in f and "good" in f:
                doc.quality.append((sentence["key"].split(".")[-1], f["scored"]["text"], f["good"]["text"],
                                    float(f["good"]["value"])))
    return doc


def periodic_paper(report: PeriodicReport, *, today: dt.date) -> Paper:
    """A periodic report in the same layout: a cell signs "T/M CHI BỘ", a committee "T/M BAN
    CHẤP HÀNH"; the unit's assessment closes the body."""
    from . import periodic

    cell = report.unit.kind.holds_members
    doc = _paper(report.unit, report.content, today=today,
                 subtitle=f"Kết quả công tác {periodic.title(report.period, report.start)}",
                 signer_role="T/M CHI BỘ" if cell else "T/M BAN CHẤP HÀNH",
                 recipients=["Cấp ủy cấp trên", "Lưu"] if cell else None)
    if report.note:
        doc.sections.append(("Đánh giá chung", [line for line in report.note.splitlines() if line.strip()]))
    return doc


CHART_CAPTION = "Biểu đồ: tỷ lệ phiên sinh hoạt chi bộ đạt loại Tốt theo năm"


def quality_chart(quality: list[tuple[str, str, str, float]]) -> bytes:
    """Meeting quality by year as a PNG bar chart (Pillow, which WeasyPrint already needs): a
    bar a year, as long as the share graded good, its figure at its end, a scale 0–100 %."""
    from PIL import Image, ImageDraw, ImageFont

    k = 3  # drawn at three times the size, so it stays sharp at 150 mm in print
    bar, gap, left, right, top, bottom, plot = 22 * k, 12 * k, 52 * k, 70 * k, 10 * k, 26 * k, 420 * k
    image = Image.new("RGB", (left + plot + right, top + len(quality) * (bar + gap) + bottom), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=13 * k)
    axis = top + len(quality) * (bar + gap)
    for tick in (0, 25, 50, 75, 100):
        x = left + plot * tick // 100
        draw.line([(x, top), (x, axis)], fill=(200, 200, 200) if tick else (0, 0, 0), width=k)
        draw.text((x, axis + 4 * k), f"{tick} %", fill="black", font=font, anchor="mt")
    for n, (year, _scored, good, share) in enumerate(quality):
        y = top + n * (bar + gap) + gap // 2
        draw.text((left - 6 * k, y + bar // 2), str(year), fill="black", font=font, anchor="rm")
        width = round(plot * max(0.0, min(share, 100.0)) / 100)
        draw.rectangle([(left, y), (left + width, y + bar)], fill=(60, 60, 60))
        draw.text((left + width + 6 * k, y + bar // 2), good, fill="black", font=font, anchor="lm")
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(220, 220))
    return out.getvalue()


def to_docx(doc: Paper) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    center, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
    d, para = party_docx.new_document(space_after=3)
    party_docx.header(d, para, above=doc.above, issuer=doc.issuer, place_date=doc.place_date, number=doc.symbol)
    para(d, "")
    para(d, doc.title, bold=True, align=center, size=15)
    para(d, doc.subtitle, bold=True, align=center)
    para(d, "-----", align=center)
    for title, sentences in doc.sections:
        for line in title.split("\n"):
            para(d, line, bold=True, align=justify)
        if title.startswith("I.") and doc.table:
            table = d.add_table(rows=1, cols=len(TABLE_HEADERS))
            table.style = "Table Grid"
            for cell, label in zip(table.rows[0].cells, TABLE_HEADERS, strict=True):
                cell.text = ""
                para(cell, label, bold=True, align=center, size=13)
            for row in doc.table:
                for cell, value in zip(table.add_row().cells, row, strict=True):
                    cell.text = value
                    for run in cell.paragraphs[0].runs:
                        run.font.size = Pt(13)
        for sentence in sentences:
            p = para(d, sentence, align=justify)
            p.paragraph_format.first_line_indent = Mm(10)
        if title.startswith("6.") and doc.quality:
            table = d.add_table(rows=1, cols=3)
            table.style = "Table Grid"
            for cell, label in zip(table.rows[0].cells, QUALITY_HEADERS, strict=True):
                cell.text = ""
                para(cell, label, bold=True, align=center, size=13)
            for year, scored, good, _share in doc.quality:
                for cell, value in zip(table.add_row().cells, (year, scored, good), strict=True):
                    cell.text = value
            para(d, "")
            d.add_picture(io.BytesIO(quality_chart(doc.quality)), width=Mm(150))
            d.paragraphs[-1].alignment = center
            para(d, CHART_CAPTION, italic=True, align=center, size=12)
    para(d, "")
    foot = d.add_table(rows=1, cols=2).rows[0].cells
    foot[0].paragraphs[0].text = foot[1].paragraphs[0].text = ""
    para(foot[0], "Nơi nhận:", bold=True, italic=True, size=12)
    for r in doc.recipients:
        para(foot[0], f"- {r},", size=11)
    para(foot[1], doc.signer_role, bold=True, align=center)
    para(foot[1], doc.signer_title, bold=True, align=center)
    for _i in range(3):
        para(foot[1], "")
    para(foot[1], doc.signer, bold=True, align=center)
    return party_docx.to_bytes(d)


def to_pdf(doc: Paper) -> bytes:
    import base64

    from weasyprint import HTML

    chart = base64.b64encode(quality_chart(doc.quality)).decode() if doc.quality else ""
    html = render_to_string("reports/review_paper.html", {
        "doc": doc, "headers": TABLE_HEADERS, "quality_headers": QUALITY_HEADERS, "chart": chart,
        "chart_caption": CHART_CAPTION,
    })
    return HTML(string=html).write_pdf()
