"""Lists as Excel workbooks: one helper that every "Export to Excel" link goes through.

``workbook_response(filename, sheet_title, headers, rows)`` writes the rows with openpyxl in
write-only mode (rows go to the file as they come, nothing is kept per row) and answers
an attachment named ``<filename>-<yyyymmdd>.xlsx``. Every sheet has a bold, frozen header
row with an auto-filter, column widths fitted to the header and the first rows, dates as
real Excel dates shown dd/mm/yyyy, numbers as numbers, and text always as text (a value
starting with "=" is never a formula). At most ``MAX_ROWS`` rows are written; when more
rows match, the sheet ends with a line saying so.

Pass rows straight from a selector's queryset through ``capped(queryset)``: one query,
read in chunks, never more than ``limit + 1`` rows from the database.

Imports read a workbook through ``read_rows(upload, columns=…, max_rows=…)``: the upload
goes through ``dangbo.core.uploads.check`` first (an archive that unpacks to too much is
refused before openpyxl sees it), then the first sheet is read row by row in openpyxl's
read-only mode, only its first ``columns`` cells, never more than ``max_rows`` rows with
something in them. A cell longer than Excel allows (``MAX_CELL_TEXT``) is for the caller
to refuse, by its row (``too_long``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from . import uploads

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The most rows one sheet of an export holds; a note at the end says when more matched.
MAX_ROWS = 50_000
#: How many rows are read from the database at a time.
CHUNK_SIZE = 2_000
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
#: Rows looked at to fit the column widths (they are held back until the widths are set).
SAMPLE_ROWS = 100
MIN_WIDTH, MAX_WIDTH = 8, 60
#: Excel keeps at most this many characters in a cell.
MAX_CELL_TEXT = 32_767
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Sheet:
    """One sheet of a workbook: a title, the header row and the data rows."""

    title: str
    headers: Sequence[object]
    rows: Iterable[Sequence[object]]
    widths: Sequence[int | None] | None = None
    limit: int = MAX_ROWS


def capped(queryset, *, limit: int = MAX_ROWS, chunk_size: int = CHUNK_SIZE) -> Iterator:
    """The first ``limit + 1`` rows of ``queryset`` (one more than a sheet holds, so the
    sheet can tell that more matched), streamed from one query.

    ``queryset`` must not use ``prefetch_related`` (that would cost a query per chunk):
    read related rows in one query of their own, keyed by the rows' ids.
    """
    return queryset[: limit + 1].iterator(chunk_size=chunk_size)


def workbook_response(
    filename: str,
    sheet_title: str,
    headers: Sequence[object],
    rows: Iterable[Sequence[object]],
    *,
    widths: Sequence[int | None] | None = None,
    limit: int = MAX_ROWS,
) -> HttpResponse:
    """A one-sheet workbook as a download named ``<filename>-<today>.xlsx``."""
    return sheets_response(filename, [Sheet(sheet_title, headers, rows, widths, limit)])


def sheets_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    """A workbook of several sheets as a download named ``<filename>-<today>.xlsx``."""
    name = f"{filename}-{timezone.localdate():%Y%m%d}.xlsx"
    return uploads.attachment(workbook_bytes(sheets), name=name, content_type=XLSX)


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    book = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(book.create_sheet(sheet_title(sheet.title)), sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_title(title: object) -> str:
    """A title Excel accepts: at most 31 characters, none of ``[]:*?/\\``."""
    text = " ".join(_SHEET_TITLE_FORBIDDEN.sub(" ", str(title)).split())
    return text[:31].strip() or "Sheet"


def _write_sheet(ws: WriteOnlyWorksheet, sheet: Sheet) -> None:
    headers = [str(h) for h in sheet.headers]
    rows = iter(sheet.rows)
    # Widths and the frozen row go before the first row in a write-only sheet, so the first
    # rows are held back to measure them.
    sample = list(islice(rows, min(SAMPLE_ROWS, sheet.limit + 1)))
    widths = _widths(headers, sample, sheet.widths)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, _clean_text(header))
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    written = 0
    truncated = False
    for row in _chain(sample, rows):
        if written >= sheet.limit:
            truncated = True
            break
        ws.append([_cell(ws, value) for value in row])
        written += 1
    if headers:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{written + 1}"
    if truncated:
        ws.append([])
        note = WriteOnlyCell(
            ws,
            _("Only the first %(n)s rows are exported. Narrow the filters to export the rest.")
            % {"n": number_format(sheet.limit, force_grouping=True)},
        )
        note.font = Font(bold=True, italic=True)
        ws.append([note])


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


def _clean_text(value: object) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return text[:MAX_CELL_TEXT]


def _cell(ws: WriteOnlyWorksheet, value: object) -> object:
    """A value as openpyxl should write it: dates and text as styled cells, numbers as is."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        cell = WriteOnlyCell(ws, value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(ws, value)
        cell.number_format = DATE_FORMAT
        return cell
    text = _clean_text(value)
    if text.startswith("="):
        cell = WriteOnlyCell(ws, text)
        cell.data_type = "s"  # text that looks like a formula stays text
        return cell
    return text


def _display_length(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def _widths(headers: list[str], sample: list, given: Sequence[int | None] | None) -> list[float]:
    widths = []
    for index, header in enumerate(headers):
        chosen = given[index] if given is not None and index < len(given) else None
        if chosen:
            widths.append(float(chosen))
            continue
        longest = max([len(header), *(_display_length(row[index]) for row in sample if index < len(row))])
        widths.append(float(min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)))
    return widths


# --- Reading an imported workbook -----------------------------------------------------------


def read_rows(
    upload, *, columns: int, max_rows: int, field: str = "file"
) -> Generator[tuple[int, tuple[object, ...]], None, None]:
    """``(row number, the row's first `columns` values)`` for each row of the first sheet
    with something in it, the header included; ``ValidationError`` keyed by ``field`` when
    the file is not a workbook or holds more than ``max_rows`` such rows after the header."""
    checked = uploads.check(upload, accept=uploads.WORKBOOK, field=field)
    try:
        book = load_workbook(io.BytesIO(checked.data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl reports a broken workbook in many ways
        raise ValidationError({field: _("The file is not an Excel (XLSX) workbook.")}) from error
    try:
        if not book.worksheets:
            raise ValidationError({field: _("The file is not an Excel (XLSX) workbook.")})
        rows = book.worksheets[0].iter_rows(max_col=columns, values_only=True)
        for number, row in enumerate(rows, start=1):
            if row is None or all(value is None or str(value).strip() == "" for value in row):
                continue
            if number > max_rows + 1:
                raise ValidationError(
                    {field: _("A workbook may hold at most %(n)s rows.")
                     % {"n": number_format(max_rows, force_grouping=True)}}
                )
            yield number, tuple(row)
    finally:
        book.close()


def too_long(value: object) -> bool:
    """Whether a cell's text is longer than Excel itself allows."""
    return isinstance(value, str) and len(value) > MAX_CELL_TEXT
