"""The periodic reception report (báo cáo tình hình, kết quả tiếp dân và xử lý, giải quyết phản
ánh, kiến nghị, khiếu nại, tố cáo của dân) of a unit — monthly, quarter, 6 months, 9 months, the
year (11-QĐi/TW as amended by 215-KL/TW, Điều 3 khoản 8) — as DOCX in the party's layout and as
XLSX, rolled up from the units below it (the wards into the city).

Figures only: a report never names a petitioner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.http import HttpResponse
from django.utils.translation import gettext as _

from dangbo.core import uploads
from dangbo.core.xlsx import Sheet, sheets_response
from dangbo.orgs.models import Unit

from . import letters
from .models import Case
from .selectors import ReportRow

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KINDS = list(Case.Kind)


def _median(value: float | None) -> str:
    return "—" if value is None else f"{value:g}".replace(".", ",")


def _rate(part: int, whole: int) -> str:
    return f"{part}/{whole} ({round(100 * part / whole)}%)" if whole else "—"


def report_docx(
    *, unit: Unit, period: str, start: dt.date, end: dt.date, total: ReportRow, rows: Sequence[ReportRow],
    today: dt.date,
) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d, para = letters.new_document()
    letters.header(d, para, unit, today, number="Số      -BC/" + (unit.code or "").upper())
    center = WD_ALIGN_PARAGRAPH.CENTER
    para(d, "")
    para(d, "BÁO CÁO", bold=True, align=center, size=15)
    para(d, "Tình hình, kết quả tiếp dân, đối thoại trực tiếp với dân và xử lý, giải quyết phản ánh, kiến nghị, "
         f"khiếu nại, tố cáo của dân — {period.lower()}", bold=True, align=center)
    para(d, f"(từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y})", italic=True, align=center)
    para(d, "Thực hiện Quy định số 11-QĐi/TW ngày 18/02/2019 của Bộ Chính trị (sửa đổi, bổ sung theo Kết luận "
         f"số 215-KL/TW ngày 23/11/2025), {unit.name} báo cáo như sau:", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    t = total.times
    para(d, "I. TÌNH HÌNH TIẾP DÂN, ĐỐI THOẠI", bold=True)
    para(d, f"Người đứng đầu cấp ủy tiếp dân định kỳ {total.scheduled_held} ngày, đột xuất {total.ad_hoc_held} ngày; "
         f"tổ chức {total.dialogues} buổi đối thoại trực tiếp với dân.", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    para(d, "II. TIẾP NHẬN PHẢN ÁNH, KIẾN NGHỊ, KHIẾU NẠI, TỐ CÁO", bold=True)
    by_kind = "; ".join(f"{str(k.label).lower()}: {total.kind(k.value)}" for k in KINDS)
    para(d, f"Tiếp nhận {t.received} vụ việc ({by_kind}).", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    para(d, "III. KẾT QUẢ XỬ LÝ, GIẢI QUYẾT", bold=True)
    para(d, f"Đã thông báo tiếp nhận {t.acknowledged} vụ việc, đúng hạn {_rate(t.ack_on_time, t.acknowledged)}; "
         f"đã trả lời {t.answered} vụ việc, đúng hạn {_rate(t.answer_on_time, t.answered)}; thời gian thông báo "
         f"tiếp nhận trung vị {_median(t.ack_median)} ngày làm việc, trả lời {_median(t.answer_median)} ngày làm "
         f"việc. Còn {t.open} vụ việc chưa kết thúc, trong đó {t.overdue} vụ việc quá hạn.",
         align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    if rows:
        para(d, "IV. SỐ LIỆU CÁC ĐƠN VỊ TRỰC THUỘC", bold=True)
        headers = ["Đơn vị", "Tiếp dân (định kỳ/đột xuất)", "Đối thoại", "Tiếp nhận", "Thông báo đúng hạn",
                   "Trả lời đúng hạn", "Chưa kết thúc", "Quá hạn"]
        grid = d.add_table(rows=1, cols=len(headers))
        grid.style = "Table Grid"
        for cell, label in zip(grid.rows[0].cells, headers, strict=True):
            cell.text = ""
            para(cell, label, bold=True, align=center, size=11)
        for row in [*rows, total]:
            r = row.times
            values = [
                r.unit.name if row is not total else f"Tổng cộng ({unit.name})",
                f"{row.scheduled_held}/{row.ad_hoc_held}", str(row.dialogues), str(r.received),
                _rate(r.ack_on_time, r.acknowledged), _rate(r.answer_on_time, r.answered), str(r.open), str(r.overdue),
            ]
            for cell, value in zip(grid.add_row().cells, values, strict=True):
                cell.text = ""
                para(cell, value, size=11, bold=row is total)
    para(d, "")
    para(d, "T/M " + unit.name.upper(), bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(d, "Nơi nhận: cấp ủy cấp trên; ban nội chính, ban tuyên giáo và dân vận; lưu văn phòng.", italic=True, size=12)
    return letters.to_bytes(d)


def report_docx_response(filename: str, data: bytes) -> HttpResponse:
    return uploads.attachment(data, name=f"{filename}.docx", content_type=DOCX)


def report_xlsx(*, filename: str, period: str, total: ReportRow, rows: Sequence[ReportRow]) -> HttpResponse:
    headers = [
        _("Unit"), _("Scheduled reception days held"), _("Ad hoc reception days held"), _("Dialogues"), _("Received"),
        *[k.label for k in KINDS], _("Acknowledged"), _("Acknowledged on time"), _("Answered"),
        _("Answered on time"), _("Median working days to acknowledge"), _("Median working days to answer"),
        _("Still open"), _("Overdue"),
    ]
    data = []
    for row in [*rows, total]:
        t = row.times
        name = t.unit.name if row is not total else f"{_('Total')}: {t.unit.name}"
        data.append([
            name, row.scheduled_held, row.ad_hoc_held, row.dialogues, t.received,
            *[row.kind(k.value) for k in KINDS], t.acknowledged, t.ack_on_time, t.answered, t.answer_on_time,
            t.ack_median, t.answer_median, t.open, t.overdue,
        ])
    return sheets_response(filename, [Sheet(period, headers, data)])
