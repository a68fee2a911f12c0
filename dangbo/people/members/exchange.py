"""The roster in and out of a workbook shaped like the national member database's export
(columns in ``COLUMNS``, documented in docs/trao-doi-dang-vien.md).

* ``export_workbook(actor, unit)``: the members on the roll of ``unit`` and the cells below it,
  one row each; personal data only where the one policy lets ``actor`` read it; the export is
  audited (``member.export`` on the unit).
* ``import_workbook(actor, upload, dry_run)``: every row or none. Members are matched by party
  card number, then citizen ID: a match is updated where a filled cell differs (an empty cell
  keeps what is recorded) and moved when the cell differs; the rest are created. Any bad row
  (an unknown cell, a bad date, a card number twice) refuses the whole file and every bad row is
  named; a dry run reports the same and changes nothing. Importing the same file twice changes
  nothing; exporting and importing again is lossless.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangbo.core import policy
from dangbo.core.audit import audit_record
from dangbo.core.policy import Level
from dangbo.core.text import fold
from dangbo.core.xlsx import Sheet, read_rows, too_long, workbook_bytes
from dangbo.orgs.models import Membership, Person, Unit
from dangbo.orgs.policy import sensitive_reader

from . import selectors, services
from .policy import board_covers

#: The national member database's export, column by column: (key, header).
COLUMNS: list[tuple[str, str]] = [
    ("number", "STT"),
    ("party_card_number", "Số thẻ đảng viên"),
    ("citizen_id", "Số CCCD"),
    ("full_name", "Họ và tên"),
    ("birth_date", "Ngày sinh"),
    ("gender", "Giới tính"),
    ("ethnicity", "Dân tộc"),
    ("hometown", "Quê quán"),
    ("address", "Nơi thường trú"),
    ("phone", "Điện thoại"),
    ("joined_on", "Ngày vào Đảng"),
    ("official_on", "Ngày chính thức"),
    ("status", "Loại đảng viên"),
    ("cell_code", "Mã chi bộ"),
    ("cell_name", "Tên chi bộ"),
    ("start", "Ngày sinh hoạt tại chi bộ"),
]
KEYS = [key for key, _h in COLUMNS]
GENDERS: dict[str, str] = {Person.Gender.MALE: "Nam", Person.Gender.FEMALE: "Nữ"}
STATUSES: dict[str, str] = {Person.Status.OFFICIAL: "Chính thức", Person.Status.PROBATION: "Dự bị"}
SENSITIVE = ("birth_date", "citizen_id", "phone", "address")
MANAGERS_ONLY = ("party_card_number", "hometown")
DATE_KEYS = ("birth_date", "joined_on", "official_on", "start")
#: What a row may change on a matched member (the cell is a transfer, not a field).
RECORD_KEYS = [
    "party_card_number", "citizen_id", "full_name", "birth_date", "gender", "ethnicity", "hometown",
    "address", "phone", "joined_on", "official_on", "status",
]
MAX_ROWS = 20_000


# --- Export ---------------------------------------------------------------------------------


def _export_rows(actor, unit: Unit) -> list[list[Any]]:
    memberships: Any
    if actor is None:
        memberships = Membership.objects.filter(end__isnull=True, unit__path__startswith=unit.path)
        memberships = memberships.select_related("person", "unit").order_by("unit__path", "person__search_name", "person_id")
        reads = lambda path: True  # noqa: E731 - the trusted system
        manages = lambda path: True  # noqa: E731
    else:
        memberships = selectors.roster(user=actor, unit=unit, status="active")
        reads = sensitive_reader(actor)
        manages = lambda path: policy.covers(actor, Level.MANAGE, path)  # noqa: E731
    rows = []
    for number, m in enumerate(memberships, start=1):
        p = m.person
        sensitive, managed = reads(m.unit.path), manages(m.unit.path)
        values = {
            "number": number,
            "party_card_number": p.party_card_number or "" if managed else "",
            "citizen_id": p.citizen_id or "" if sensitive else "",
            "full_name": p.full_name,
            "birth_date": p.birth_date if sensitive else None,
            "gender": GENDERS.get(p.gender, ""),
            "ethnicity": p.ethnicity,
            "hometown": p.hometown if managed else "",
            "address": p.address if sensitive else "",
            "phone": p.phone if sensitive else "",
            "joined_on": p.joined_on,
            "official_on": p.official_on,
            "status": STATUSES.get(p.status, p.get_status_display()),
            "cell_code": m.unit.code,
            "cell_name": m.unit.name,
            "start": m.start,
        }
        rows.append([values[key] for key in KEYS])
    return rows


def export_workbook(*, actor, unit: Unit) -> bytes:
    """The roster of ``unit`` (and the cells below) as a workbook; the export is audited."""
    policy.require(actor, unit)
    rows = _export_rows(actor, unit)
    audit_record(
        actor=actor, action="member.export", obj=unit, after={"rows": len(rows), "personal_data": True}
    )
    return workbook_bytes([Sheet("Danh sách đảng viên", [h for _k, h in COLUMNS], rows)])


# --- Import ---------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def refused(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def applied(self) -> bool:
        return not self.dry_run and not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "refused": self.refused, "errors": [{"row": e.row, "message": e.message} for e in self.errors],
        }

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False)


class _Rollback(Exception):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            continue
    raise ValueError(text)


def _is_header(row: tuple) -> bool:
    return [fold(_text(v)) for v in row[: len(COLUMNS)]] == [fold(h) for _k, h in COLUMNS]


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for messages in error.message_dict.values() for m in messages]
    return list(error.messages)


def _parse(number: int, row: tuple, cells: dict[str, Unit]) -> tuple[dict[str, Any], list[str]]:
    cells_text = dict(zip(KEYS, list(row) + [None] * (len(KEYS) - len(row)), strict=False))
    values: dict[str, Any] = {}
    problems: list[str] = []
    headers = dict(COLUMNS)
    for key, raw in cells_text.items():
        if too_long(raw):
            problems.append(_("%(column)s: the text is too long.") % {"column": headers[key]})
            continue
        if key in DATE_KEYS:
            try:
                values[key] = _date(raw)
            except ValueError:
                problems.append(
                    _("%(column)s: “%(value)s” is not a date (dd/mm/yyyy).") % {"column": headers[key], "value": _text(raw)}
                )
        elif key != "number":
            values[key] = _text(raw)
    if not values.get("full_name"):
        problems.append(_("%(column)s is empty.") % {"column": headers["full_name"]})
    gender = values.get("gender", "")
    if gender:
        found = {fold(v): k for k, v in GENDERS.items()}.get(fold(gender))
        if found is None:
            problems.append(_("%(column)s: write Nam or Nữ.") % {"column": headers["gender"]})
        values["gender"] = found or ""
    status = values.get("status", "")
    if status:
        found = {fold(v): k for k, v in STATUSES.items()}.get(fold(status))
        if found is None:
            problems.append(_("%(column)s: write Chính thức or Dự bị.") % {"column": headers["status"]})
        values["status"] = found or ""
    if not values.get("party_card_number") and not values.get("citizen_id"):
        problems.append(_("A row needs the party card number or the citizen ID, to find the member again."))
    code = values.pop("cell_code", "")
    values.pop("cell_name", None)
    if not code:
        problems.append(_("%(column)s is empty.") % {"column": headers["cell_code"]})
    else:
        cell = cells.get(code)
        if cell is None:
            problems.append(_("There is no cell with the code “%(code)s”.") % {"code": code})
        elif not cell.kind.holds_members:
            problems.append(_("“%(unit)s” is not a party cell.") % {"unit": cell.name})
        values["cell"] = cell
    return values, problems


def _find(values: dict[str, Any]) -> Person | None:
    card, citizen = values.get("party_card_number"), values.get("citizen_id")
    if card:
        found = Person.objects.filter(party_card_number=card).first()
        if found:
            return found
    if citizen:
        return Person.objects.filter(citizen_id=citizen).first()
    return None


def _apply(actor, values: dict[str, Any]) -> str:
    """Create, update or leave one member; returns which of the three happened."""
    cell: Unit = values["cell"]
    if actor is not None and not board_covers(actor, cell.path):
        raise ValidationError(_("You may not import members into %(unit)s.") % {"unit": cell.name})
    person = _find(values)
    record = {key: values[key] for key in RECORD_KEYS if values.get(key) not in (None, "")}
    if person is None:
        start = values.get("start") or values.get("joined_on")
        if start is None:
            raise ValidationError(_("A new member needs the date they joined the cell or the party."))
        if not record.get("gender"):
            raise ValidationError(_("%(column)s is empty.") % {"column": "Giới tính"})
        services.member_create(
            actor=actor, cell=cell, start=start, **{"status": Person.Status.OFFICIAL, **record}
        )
        return "created"
    if person.status not in services.MEMBER_STATUSES:
        raise ValidationError(
            _("%(person)s is no longer on the roll (%(status)s).")
            % {"person": person.full_name, "status": person.get_status_display()}
        )
    current = Membership.objects.filter(person=person, end__isnull=True).select_related("unit").first()
    if current is None:
        raise ValidationError(
            _("%(person)s has left the city; record a transfer into the city instead.") % {"person": person.full_name}
        )
    changes = {key: value for key, value in record.items() if getattr(person, key) != value}
    moved = current.unit_id != cell.pk
    if changes:
        services.member_update(actor=actor, person=person, **changes)
    if moved:
        start = values.get("start")
        if start is None:
            raise ValidationError(_("Moving a member to another cell needs the date they joined it."))
        services.member_transfer(actor=actor, person=person, to_unit=cell, date=start)
    return "updated" if changes or moved else "unchanged"


def import_workbook(*, actor, upload, dry_run: bool = False) -> ImportResult:
    """Import every row of the workbook, or none (see the module's docstring)."""
    result = ImportResult(dry_run=dry_run)
    rows = read_rows(upload, columns=len(COLUMNS), max_rows=MAX_ROWS)
    try:
        with transaction.atomic():
            first = next(rows, None)
            if first is None or not _is_header(first[1]):
                raise ValidationError(
                    {"file": _("The first row must be the header row: %(headers)s.")
                     % {"headers": ", ".join(h for _k, h in COLUMNS)}}
                )
            parsed = list(rows)
            codes = {_text(r[KEYS.index("cell_code")]) for _n, r in parsed if len(r) > KEYS.index("cell_code")}
            cells = {u.code: u for u in Unit.objects.filter(code__in=codes).select_related("kind")}
            seen: dict[tuple[str, str], int] = {}
            for number, row in parsed:
                values, problems = _parse(number, row, cells)
                for key, label in (("party_card_number", "Số thẻ đảng viên"), ("citizen_id", "Số CCCD")):
                    if values.get(key):
                        earlier = seen.setdefault((key, values[key]), number)
                        if earlier != number:
                            problems.append(
                                _("%(column)s %(value)s is also on row %(row)s.")
                                % {"column": label, "value": values[key], "row": earlier}
                            )
                if not problems:
                    try:
                        with transaction.atomic():
                            outcome = _apply(actor, values)
                        setattr(result, outcome, getattr(result, outcome) + 1)
                    except ValidationError as error:
                        problems.extend(_messages(error))
                    except PermissionDenied:
                        problems.append(_("You may not change this member's record."))
                result.errors.extend(RowError(number, message) for message in problems)
            if not parsed:
                raise ValidationError({"file": _("The workbook has no rows to import.")})
            if result.errors or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    finally:
        rows.close()
    return result
