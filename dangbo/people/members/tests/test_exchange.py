"""The roster in and out of the national database's workbook shape, and the two commands."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.core.audit import audit_for
from dangbo.core.models import AuditEntry
from dangbo.core.uploads import XLSX
from dangbo.core.xlsx import Sheet, workbook_bytes
from dangbo.orgs.models import Membership, Person
from dangbo.people.members import exchange, services
from dangbo.people.members.models import MemberEvent

from .test_services import add

D = dt.date
FIELDS = ["full_name", "gender", "birth_date", "citizen_id", "phone", "address", "ethnicity", "hometown",
          "party_card_number", "joined_on", "official_on", "status"]


def upload(data: bytes, name: str = "ds.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


def book(rows: list[list]) -> bytes:
    return workbook_bytes([Sheet("DS", [h for _k, h in exchange.COLUMNS], rows)])


def row(**values) -> list:
    base = {
        "number": 1, "party_card_number": "93.555001", "citizen_id": "045085555001", "full_name": "Đặng Văn Nhập",
        "birth_date": D(1990, 2, 3), "gender": "Nam", "ethnicity": "Kinh", "hometown": "Cam Lộ",
        "address": "5 Hùng Vương", "phone": "0911111111", "joined_on": D(2015, 5, 19), "official_on": D(2016, 5, 19),
        "status": "Chính thức", "cell_code": "t-p1-kp1", "cell_name": "Chi bộ Khu phố 1", "start": D(2020, 1, 2),
    }
    base.update(values)
    return [base[k] for k in exchange.KEYS]


def snapshot(cell) -> dict:
    members = Membership.objects.filter(unit=cell, end__isnull=True).select_related("person")
    return {m.person.party_card_number: ([getattr(m.person, f) for f in FIELDS], m.start) for m in members}


def test_round_trip_is_lossless(cast):
    add(cast, cell=cast.cell_dl, official_on=D(2011, 5, 19), hometown="Triệu Phong", ethnicity="Vân Kiều")
    add(cast, cell=cast.cell_dl, name="Trần Văn Hai", card="93.000102", citizen_id="045085001235", birth_date=None,
        phone="", status="probation")
    before = snapshot(cast.cell_dl)
    data = exchange.export_workbook(actor=None, unit=cast.ward_dl)
    # Wipe the members, then import the workbook into the same tree.
    people = Person.objects.filter(party_card_number__in=before)
    MemberEvent.objects.filter(person__in=people).delete()
    Membership.objects.filter(person__in=people).delete()
    people.delete()
    result = exchange.import_workbook(actor=None, upload=upload(data))
    assert result.as_dict() == {"created": 2, "updated": 0, "unchanged": 0, "refused": 0, "errors": []}
    assert snapshot(cast.cell_dl) == before
    # Exporting again gives the same rows.
    again = exchange.export_workbook(actor=None, unit=cast.ward_dl)
    rows = lambda b: list(load_workbook(io.BytesIO(b)).active.iter_rows(values_only=True))  # noqa: E731
    assert rows(again) == rows(data)


def test_same_file_twice_changes_nothing(cast):
    data = book([row(), row(number=2, party_card_number="", citizen_id="045085555002", full_name="Chỉ Có CCCD")])
    first = exchange.import_workbook(actor=None, upload=upload(data))
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    entries = AuditEntry.objects.count()
    second = exchange.import_workbook(actor=None, upload=upload(data))
    assert second.as_dict() == {"created": 0, "updated": 0, "unchanged": 2, "refused": 0, "errors": []}
    assert AuditEntry.objects.count() == entries


def test_matched_by_card_then_citizen_id_updated_and_moved(cast):
    exchange.import_workbook(actor=None, upload=upload(book([row()])))
    person = Person.objects.get(party_card_number="93.555001")
    # Same card: the phone changes and the member moves to the sibling ward's cell.
    data = book([row(phone="0922222222", cell_code="t-dl-kp3", start=D(2024, 8, 1))])
    result = exchange.import_workbook(actor=None, upload=upload(data))
    assert (result.created, result.updated) == (0, 1)
    person.refresh_from_db()
    assert person.phone == "0922222222"
    assert Membership.objects.get(person=person, end__isnull=True).unit == cast.cell_dl
    # No card in the row: found by the citizen ID.
    result = exchange.import_workbook(actor=None, upload=upload(book([row(party_card_number="", address="7 Trần Phú", cell_code="t-dl-kp3", start=D(2024, 8, 1))])))
    assert result.updated == 1
    person.refresh_from_db()
    assert person.address == "7 Trần Phú"


def test_any_bad_row_changes_nothing_and_every_bad_row_is_named(cast):
    data = book([
        row(),
        row(number=2, party_card_number="93.555002", citizen_id="045085555002", cell_code="khong-co"),
        row(number=3, party_card_number="93.555003", citizen_id="045085555003", birth_date="31/02/1990"),
        row(number=4, citizen_id="045085555004"),  # the card number of row 2 again
        row(number=5, party_card_number="93.555005", citizen_id="12", cell_code="t-phuong1"),
    ])
    result = exchange.import_workbook(actor=None, upload=upload(data))
    assert result.created == 1 and result.refused == 4
    by_row = {e.row: e.message for e in result.errors}
    assert set(by_row) == {3, 4, 5, 6}
    assert "khong-co" in by_row[3]
    assert "Ngày sinh" in by_row[4]
    assert "row 2" in by_row[5] or "dòng 2" in by_row[5]
    assert "Chi bộ" not in by_row[6] or by_row[6]
    assert not Person.objects.filter(party_card_number__startswith="93.555").exists()


def test_a_row_that_cannot_be_matched_is_refused(cast):
    result = exchange.import_workbook(actor=None, upload=upload(book([row(party_card_number="", citizen_id="")])))
    assert result.refused == 1 and result.created == 0


def test_dry_run_reports_and_changes_nothing(cast):
    result = exchange.import_workbook(actor=None, upload=upload(book([row()])), dry_run=True)
    assert result.created == 1 and not result.applied
    assert not Person.objects.filter(party_card_number="93.555001").exists()


def test_a_file_without_the_header_is_refused(cast):
    from django.core.exceptions import ValidationError

    data = workbook_bytes([Sheet("DS", ["Tên", "Tuổi"], [["A", 1]])])
    with pytest.raises(ValidationError):
        exchange.import_workbook(actor=None, upload=upload(data))


def test_the_board_imports_only_into_its_units(cast):
    data = book([row(cell_code="t-dl-kp3")])
    from dangbo.conftest import make_person
    from dangbo.orgs import services as orgs

    board = make_person("Trưởng Ban Tổ chức", "btc")
    orgs.position_create(actor=None, person=board, unit=cast.ward1, title="Chuyên viên", start=D(2020, 1, 1), role=40)
    result = exchange.import_workbook(actor=board.user, upload=upload(data))
    assert result.refused == 1 and "Đông Lương" in result.errors[0].message


def test_export_hides_what_the_user_may_not_read_and_is_audited(cast):
    add(cast)
    data = exchange.export_workbook(actor=cast.ward_secretary, unit=cast.ward1)
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    (values,) = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True) if "Hạnh" in r[3]]
    assert values["Họ và tên"] == "Lê Thị Hạnh" and values["Số CCCD"] in (None, "")
    assert values["Số thẻ đảng viên"] == "93.000101"  # a manager of the cell reads the card number
    assert audit_for(cast.ward1).filter(action="member.export").exists()


def test_commands(cast, tmp_path, capsys):
    add(cast)
    Person.objects.filter(user=cast.member).update(party_card_number="93.000777")
    path = tmp_path / "ds.xlsx"
    call_command("export_members", "--unit", str(cast.city.pk), str(path))
    assert audit_for(cast.city).filter(action="member.export").exists()
    capsys.readouterr()
    call_command("import_members", str(path), "--dry-run")
    assert json.loads(capsys.readouterr().out) == {"created": 0, "updated": 0, "unchanged": 2, "refused": 0, "errors": []}
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(book([row(cell_code="khong-co")]))
    with pytest.raises(SystemExit):
        call_command("import_members", str(bad))
    out = json.loads(capsys.readouterr().out)
    assert out["refused"] == 1 and out["errors"][0]["row"] == 2


def test_import_page_dry_run_then_import(cast, login):
    client = login(cast.clerk)
    url = reverse("people:member_import")
    response = client.post(url, {"file": upload(book([row()])), "dry_run": "on"})
    assert response.status_code == 200 and response.context["result"].created == 1
    assert not Person.objects.filter(party_card_number="93.555001").exists()
    response = client.post(url, {"file": upload(book([row()]))})
    assert response.status_code == 302
    assert Person.objects.filter(party_card_number="93.555001").exists()
    services.MASK  # noqa: B018 - the import's audit entries mask personal data like any other
    entry = AuditEntry.objects.filter(action="member.create").latest("pk")
    assert entry.after["citizen_id"] == services.MASK
