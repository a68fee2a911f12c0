"""Exports of tasks: any filtered list as XLSX (``dangbo.core.xlsx``), the inspection
programs and their inspections as XLSX, a document's implementation report as DOCX in the
party's document format (python-docx), and the timeline (Gantt) geometry the document page
draws."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _

from dangbo.core import party_docx, uploads
from dangbo.core.xlsx import Sheet, capped, sheets_response, workbook_response
from dangbo.documents.models import Document
from dangbo.orgs.models import Unit

from .models import Inspection, InspectionProgram, Task

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: Wide columns of a linked document that no export shows.
_WIDE_DOCUMENT_COLUMNS = ("document__full_text", "document__summary")


def _flags_text(task: Task, today: dt.date) -> str:
    labels = {
        "overdue": _("Overdue"),
        "behind": _("Behind schedule"),
        "due_soon": _("Due soon"),
        "long_running": _("Long-running"),
    }
    return ", ".join(str(labels[f]) for f in task.flags(today))


def tasks_xlsx(tasks: QuerySet[Task], *, today: dt.date) -> HttpResponse:
    """The filtered list (the page's selector) as a workbook: every matching task up to the
    export cap, streamed from one query."""
    headers = [
        _("Title"), _("Unit in charge"), _("Assigning unit"), _("Responsible person"),
        _("Document"), _("Start date"), _("Deadline"), _("Status"), _("Progress (%)"),
        _("Follow-up"), _("Done on"),
    ]
    rows = (
        [
            task.title,
            task.unit.label or task.unit.name,
            task.assigning_unit.label or task.assigning_unit.name,
            task.responsible.full_name if task.responsible else "",
            task.document.symbol if task.document else "",
            task.start,
            task.deadline,
            task.get_status_display(),
            task.progress,
            _flags_text(task, today),
            task.done_on,
        ]
        for task in capped(tasks)
    )
    return workbook_response("nhiem-vu", _("Tasks"), headers, rows)


def programs_xlsx(programs: QuerySet[InspectionProgram]) -> HttpResponse:
    """The inspection programs the list shows (its selector) and every inspection of them,
    one sheet each: three queries whatever the number of rows."""
    program_rows = (
        [
            p.title,
            p.year,
            p.unit.name,
            p.term.code if p.term else "",
            p.document.symbol if p.document else "",
            p.inspection_count,  # type: ignore[attr-defined]
        ]
        for p in capped(programs.select_related("document").defer(*_WIDE_DOCUMENT_COLUMNS))
    )
    inspections = (
        Inspection.objects.filter(program__in=programs.order_by().values("pk"))
        .select_related("program", "target_unit", "conclusion_document")
        .defer(*(f"conclusion_{c}" for c in _WIDE_DOCUMENT_COLUMNS))
        .annotate(
            recommendation_count=Count("recommendations"),
            open_count=Count("recommendations", filter=Q(recommendations__task__status__in=Task.OPEN)),
        )
        .order_by("-program__year", "program_id", "period_start", "id")
    )
    inspection_rows = (
        [
            i.program.title,
            i.program.year,
            i.get_kind_display(),
            i.target_unit.label or i.target_unit.name,
            i.subject,
            i.period_start,
            i.period_end,
            i.recommendation_count,  # type: ignore[attr-defined]
            i.open_count,  # type: ignore[attr-defined]
            i.conclusion_document.symbol if i.conclusion_document else "",
        ]
        for i in capped(inspections)
    )
    return sheets_response("kiem-tra-giam-sat", [
        Sheet(
            _("Inspection programs"),
            [_("Program"), _("Year"), _("Unit"), _("Term"), _("Document"), _("Inspections")],
            program_rows,
        ),
        Sheet(
            _("Inspections"),
            [
                _("Program"), _("Year"), _("Kind"), _("Inspected unit"), _("Subject"), _("From"),
                _("To"), _("Recommendations"), _("Open recommendations"), _("Conclusion document"),
            ],
            inspection_rows,
        ),
    ])


def gantt(tasks: list[Task], *, today: dt.date) -> dict:
    """Bars of a timeline: for each task its offset and width in percent of the whole span."""
    if not tasks:
        return {"rows": [], "start": today, "end": today, "today": None, "years": []}
    start = min(t.start for t in tasks)
    end = max(max(t.deadline, t.done_on or t.deadline) for t in tasks)
    span = max((end - start).days, 1)

    def pct(day: dt.date) -> float:
        return round(min(max((day - start).days / span, 0), 1) * 100, 2)

    rows = []
    for task in tasks:
        left = pct(task.start)
        right = pct(task.deadline)
        rows.append({
            "task": task,
            "left": left,
            "width": max(right - left, 0.6),
            "flags": task.flags(today),
            "indent": task.depth - 1,
        })
    years = [
        {"year": y, "left": pct(dt.date(y, 1, 1))}
        for y in range(start.year + 1, end.year + 1)
    ]
    return {
        "rows": rows, "start": start, "end": end, "years": years,
        "today": pct(today) if start <= today <= end else None,
    }


def document_report_docx(
    document: Document, tasks: list[Task], *, today: dt.date, summary: dict
) -> HttpResponse:
    """The implementation report of a document, laid out as a party document (Hướng dẫn
    36-HD/VPTW): issuer and number at the left, the party header and place-date at the
    right, the title, the body, a table of the tasks, the signature block."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    unit = document.unit
    above = Unit.objects.filter(path=unit.parent_path).first() if unit.depth > 1 else None
    doc, para = party_docx.new_document()
    party_docx.header(
        doc, para, above=above.name.upper() if above else "", issuer=unit.name.upper(), number=_("No.     -BC"),
        place_date=party_docx.day_line(today, unit.short_name or unit.name),
    )

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run("\n" + _("REPORT")).bold = True
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.add_run(
        _("on the implementation of %(symbol)s, %(title)s") % {"symbol": document.symbol, "title": document.title}
    ).bold = True

    # The figures of the implementation page (``selectors.document_summary``), over the
    # same tasks as the table below: the page and the report never disagree.
    doc.add_paragraph(
        _("As of %(date)s, %(n)s tasks serve the document (%(cancelled)s cancelled); %(done)s are done, "
          "%(overdue)s are overdue. The average progress of the top-level tasks is %(avg)s%%.")
        % {"date": today.strftime("%d/%m/%Y"), "n": summary["total"], "cancelled": summary["cancelled"],
           "done": summary["done"], "overdue": summary["overdue"], "avg": summary["progress"] or 0}
    )
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells,
        [_("No."), _("Task"), _("Unit in charge"), _("Deadline"), _("Status"), _("Progress (%)")],
        strict=True,
    ):
        cell.text = ""
        cell.paragraphs[0].add_run(str(text)).bold = True
    for index, task in enumerate(tasks, start=1):
        cells = table.add_row().cells
        cells[0].text = str(index)
        cells[1].text = ("– " * (task.depth - 1)) + task.title
        cells[2].text = task.unit.label or task.unit.name
        cells[3].text = task.deadline.strftime("%d/%m/%Y")
        cells[4].text = task.get_status_display() + (f" ({_flags_text(task, today)})" if task.flags(today) else "")
        cells[5].text = str(task.progress)
    sign = doc.add_table(rows=1, cols=2)
    left, right = sign.rows[0].cells
    left.paragraphs[0].add_run(_("Recipients:")).bold = True
    left.add_paragraph(_("- As above,"))
    left.add_paragraph(_("- Filed."))
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run(_("ON BEHALF OF THE STANDING COMMITTEE")).bold = True
    safe = "".join(c if c.isalnum() else "-" for c in document.symbol)
    return uploads.attachment(party_docx.to_bytes(doc), name=f"bao-cao-{safe}.docx", content_type=DOCX)
