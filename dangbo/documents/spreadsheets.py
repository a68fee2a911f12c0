"""The register as an XLSX workbook: export, template and import (openpyxl).

Import is all or nothing: every row goes through ``document_register`` inside one
transaction; if any row is refused, the whole import is rolled back and every bad row is
listed with its row number, column and reason.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dangbo.core.text import fold
from dangbo.core.xlsx import MAX_CELL_TEXT, capped, read_rows, too_long, workbook_response
from dangbo.orgs.models import Term, Unit

from . import services
from .models import Document, DocumentType, Field, Issuer
from .policy import nameable_q

MAX_ROWS = 5000

#: The columns of the register, in order: key, header. Import reads exactly these.
COLUMNS: list[tuple[str, object]] = [
    ("number", gettext_lazy("Number")),
    ("type", gettext_lazy("Type")),
    ("issuer", gettext_lazy("Issuer")),
    ("issuer_abbr", gettext_lazy("Issuer abbreviation")),
    ("date", gettext_lazy("Date")),
    ("title", gettext_lazy("Title")),
    ("signer", gettext_lazy("Signer")),
    ("term_code", gettext_lazy("Term")),
    ("fields", gettext_lazy("Fields")),
    ("status", gettext_lazy("Status")),
    ("summary", gettext_lazy("Summary")),
]
EXPORT_EXTRA: list[tuple[str, object]] = [
    ("symbol", gettext_lazy("Number and symbol")),
    ("unit", gettext_lazy("Registering unit")),
    ("id", gettext_lazy("ID")),
]
#: Which column a service's error about a field belongs to.
FIELD_COLUMN = {
    "number": "number", "type": "type", "type_abbr": "type", "issuer": "issuer",
    "issuing_unit": "issuer", "issuer_abbr": "issuer_abbr", "date": "date", "title": "title",
    "signer": "signer", "term": "term_code", "term_code": "term_code", "fields": "fields",
    "status": "status", "summary": "summary",
}


def _header(key: str) -> str:
    return str(dict(COLUMNS + EXPORT_EXTRA)[key])


def _bold_header(sheet, headers: list[str]) -> None:
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(len(header) + 4, 60))


def _save(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_response(documents: QuerySet[Document]) -> HttpResponse:
    """The documents (the caller's selector, filtered and sorted) as an XLSX download.

    Two queries whatever the number of rows: the documents, streamed, and their fields.
    """
    headers = [str(h) for _k, h in COLUMNS + EXPORT_EXTRA]
    return workbook_response("so-van-ban", _("Documents"), headers, _register_rows(documents))


def _register_rows(documents: QuerySet[Document]) -> Iterator[list]:
    codes: dict[int, list[str]] = {}
    links = (
        Document.fields.through.objects.filter(document__in=documents.order_by().values("pk"))
        .order_by("field__sort_order", "field__name")
        .values_list("document_id", "field__code")
    )
    for document_id, code in links:
        codes.setdefault(document_id, []).append(code)
    for d in capped(documents.defer("full_text")):
        yield [
            d.number,
            d.type_abbr,
            d.issuer.name if d.issuer else (d.issuing_unit.code if d.issuing_unit else ""),
            d.issuer_abbr,
            d.date,
            d.title,
            d.signer,
            d.term_code,
            ", ".join(codes.get(d.pk, [])),
            d.status,
            d.summary,
            d.symbol,
            d.unit.name,
            d.pk,
        ]


def template() -> bytes:
    """An empty register with its header row, and a sheet explaining the allowed values."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Documents")[:31]
    _bold_header(sheet, [str(h) for _k, h in COLUMNS])
    help_sheet = workbook.create_sheet(_("Instructions")[:31])
    help_sheet.append([_("Column"), _("What to write")])
    help_sheet.append([_header("number"), _("The number, e.g. 05 or 687.")])
    help_sheet.append([_header("type"), _("A type abbreviation from the list below, e.g. CT.")])
    help_sheet.append([_header("issuer"), _("An issuer's name from the list below, or the code of a unit.")])
    help_sheet.append([_header("issuer_abbr"), _("Optional: the issuer's abbreviation in the number, e.g. TU.")])
    help_sheet.append([_header("date"), _("The date, dd/mm/yyyy.")])
    help_sheet.append([_header("fields"), _("Field codes separated by commas.")])
    help_sheet.append([_header("status"), ", ".join(f"{v} ({label})" for v, label in Document.Status.choices)])
    help_sheet.append([])
    help_sheet.append([_("Types")])
    for t in DocumentType.objects.all():
        help_sheet.append([t.abbr, t.name])
    help_sheet.append([])
    help_sheet.append([_("Issuers")])
    for i in Issuer.objects.all():
        help_sheet.append([i.name, i.abbr])
    help_sheet.append([])
    help_sheet.append([_("Fields")])
    for f in Field.objects.all():
        help_sheet.append([f.code, f.name])
    help_sheet.column_dimensions["A"].width = 40
    help_sheet.column_dimensions["B"].width = 60
    return _save(workbook)


# --- import -----------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    created: list[Document] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class _Catalogues:
    """The catalogues read once for the whole import."""

    def __init__(self, user) -> None:
        self.types = {t.abbr: t for t in DocumentType.objects.all()}
        self.types_by_name = {fold(t.name): t for t in self.types.values()}
        issuers = list(Issuer.objects.select_related("unit"))
        self.issuers_by_name = {fold(i.name): i for i in issuers}
        by_abbr: dict[str, list[Issuer]] = {}
        for i in issuers:
            by_abbr.setdefault(i.abbr, []).append(i)
        self.issuers_by_abbr = {k: v[0] for k, v in by_abbr.items() if len(v) == 1}
        self.fields = {f.code: f for f in Field.objects.all()}
        self.fields_by_name = {fold(f.name): f for f in self.fields.values()}
        self.user = user
        self.statuses = {v: v for v, _label in Document.Status.choices}
        self.statuses.update({fold(str(label)): v for v, label in Document.Status.choices})


_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    match = _DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    return dt.date.fromisoformat(text)


def _row_values(row, catalogues: _Catalogues, unit: Unit) -> tuple[dict, list[tuple[str, str]]]:
    """The service's arguments for a row, and the (column, message) problems found."""
    cells = dict(zip([k for k, _h in COLUMNS], list(row) + [None] * len(COLUMNS), strict=False))
    problems: list[tuple[str, str]] = []
    values: dict = {"unit": unit}
    values["number"] = _text(cells["number"])
    if not values["number"]:
        problems.append(("number", _("The number is missing.")))
    type_text = _text(cells["type"])
    doc_type = catalogues.types.get(type_text) or catalogues.types_by_name.get(fold(type_text))
    if doc_type is None:
        problems.append(("type", _("“%(value)s” is not a known document type.") % {"value": type_text}))
    else:
        values["type"] = doc_type
        if type_text and type_text != doc_type.abbr and type_text in catalogues.types:
            values["type_abbr"] = type_text
    issuer_text = _text(cells["issuer"])
    issuer = catalogues.issuers_by_name.get(fold(issuer_text)) or catalogues.issuers_by_abbr.get(issuer_text)
    if issuer is not None:
        values["issuer"] = issuer
    elif issuer_text:
        issuing_unit = Unit.objects.filter(nameable_q(catalogues.user), code=issuer_text).first()
        if issuing_unit is None:
            problems.append(("issuer", _("“%(value)s” is neither a known issuer nor the code of a unit you may see.") % {"value": issuer_text}))
        else:
            values["issuing_unit"] = issuing_unit
    else:
        problems.append(("issuer", _("The issuer is missing.")))
    values["issuer_abbr"] = _text(cells["issuer_abbr"])
    try:
        values["date"] = _parse_date(cells["date"])
    except (ValueError, TypeError):
        problems.append(("date", _("“%(value)s” is not a date (dd/mm/yyyy).") % {"value": _text(cells["date"])}))
    values["title"] = _text(cells["title"])
    values["signer"] = _text(cells["signer"])
    term_code = _text(cells["term_code"])
    values["term_code"] = term_code
    if term_code:
        term = Term.objects.filter(code=term_code, unit__path__in=[unit.path[:i] for i in range(4, len(unit.path) + 1, 4)]).order_by("-unit__depth").first()
        values["term"] = term
    chosen = []
    for code in re.split(r"[,;\n]+", _text(cells["fields"])):
        code = code.strip()
        if not code:
            continue
        found = catalogues.fields.get(code) or catalogues.fields_by_name.get(fold(code))
        if found is None:
            problems.append(("fields", _("“%(value)s” is not a known field.") % {"value": code}))
        else:
            chosen.append(found)
    values["fields"] = chosen
    status_text = _text(cells["status"])
    if status_text:
        status = catalogues.statuses.get(status_text) or catalogues.statuses.get(fold(status_text))
        if status is None:
            problems.append(("status", _("“%(value)s” is not a known status.") % {"value": status_text}))
        else:
            values["status"] = status
    values["summary"] = _text(cells["summary"])
    return values, problems


def _is_header(row) -> bool:
    """The template's header row, in any of the site's languages (accents optional)."""
    found = [fold(_text(h)) for h in row[: len(COLUMNS)]]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            if found == [fold(str(h)) for _k, h in COLUMNS]:
                return True
    return False


class _Rollback(Exception):
    pass


def import_register(*, actor, unit: Unit, upload) -> ImportResult:
    """Register every row of the workbook in ``unit``'s register, or none of them."""
    rows = read_rows(upload, columns=len(COLUMNS), max_rows=MAX_ROWS)
    expected = [str(h) for _k, h in COLUMNS]
    try:
        with transaction.atomic():
            first = next(rows, None)
            if first is None or not _is_header(first[1]):
                raise ValidationError(
                    {"file": _("The first row must be the template's header row: %(headers)s.") % {"headers": ", ".join(expected)}}
                )
            catalogues = _Catalogues(actor)
            result = ImportResult()
            headers = dict(COLUMNS)
            for number, row in rows:
                long = [key for (key, _h), value in zip(COLUMNS, row, strict=False) if too_long(value)]
                if long:
                    message = _("The text is longer than %(n)s characters.") % {
                        "n": number_format(MAX_CELL_TEXT, force_grouping=True)
                    }
                    result.errors.extend(RowError(number, str(headers[key]), message) for key in long)
                    continue
                values, problems = _row_values(row, catalogues, unit)
                if not problems:
                    try:
                        with transaction.atomic():
                            result.created.append(services.document_register(actor=actor, **values))
                    except ValidationError as error:
                        for key, messages in error.message_dict.items():
                            problems.extend((FIELD_COLUMN.get(key, ""), m) for m in messages)
                for key, message in problems:
                    result.errors.append(RowError(number, str(headers.get(key, "—")), message))
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.created = []
    finally:
        rows.close()
    if not result.errors and not result.created:
        raise ValidationError({"file": _("The workbook has no rows to import.")})
    return result
