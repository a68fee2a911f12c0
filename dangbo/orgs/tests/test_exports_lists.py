"""Excel exports of the people list, a unit's members and the units, tried by the cast."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.conftest import START
from dangbo.orgs import services
from dangbo.orgs.models import Membership, Person, Position, UnitKind

pytestmark = pytest.mark.django_db


def export(client, url, lang="en", **params):
    response = client.get(url, {**params, "format": "xlsx"}, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return load_workbook(io.BytesIO(response.content)).active


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


def column(sheet, index: int) -> list:
    return [row[index] for row in rows(sheet)]


def _add_people(unit, count, start=0):
    """``count`` members of ``unit``, every other one also holding a position there."""
    people = Person.objects.bulk_create(
        [Person(full_name=f"Người {start + i}", search_name=f"nguoi {start + i}", gender="f") for i in range(count)]
    )
    Membership.objects.bulk_create([Membership(person=p, unit=unit, start=dt.date(2020, 1, 1)) for p in people])
    Position.objects.bulk_create(
        [Position(person=p, unit=unit, title="Chi ủy viên", start=dt.date(2020, 1, 1)) for p in people[::2]]
    )


def _add_cells(parent, count, start=0):
    kind = UnitKind.objects.get(code="chi-bo")
    for i in range(count):
        services.unit_create(actor=None, parent=parent, kind=kind, name=f"Chi bộ số {start + i}", code=f"cb-{start + i}")


# --- people -------------------------------------------------------------------------------


def test_people_export_has_every_person_with_cell_and_positions(cast, login):
    sheet = export(login(cast.clerk), reverse("orgs:person_list"))
    assert [c.value for c in sheet[1]] == [
        "Full name", "Gender", "Birth year", "Status", "Cell", "Current positions",
    ]
    by_name = {row[0]: row for row in rows(sheet)}
    assert by_name["Trần Văn Phú"] == (
        "Trần Văn Phú", "Male", 1980, "Official member", None, "Bí thư Đảng ủy (Đảng bộ Phường 1)",
    )
    assert by_name["Hoàng Văn Minh"][4] == "Chi bộ Khu phố 1"
    assert by_name["Hoàng Văn Minh"][5] is None
    assert len(by_name) == 5
    assert sheet.freeze_panes == "A2" and sheet[1][0].font.b


def test_people_export_keeps_the_search(cast, login):
    sheet = export(login(cast.clerk), reverse("orgs:person_list"), q="minh")
    assert column(sheet, 0) == ["Hoàng Văn Minh"]


def test_people_export_holds_nothing_of_the_sibling_ward(cast, login):
    names = column(export(login(cast.outsider), reverse("orgs:person_list")), 0)
    assert names == ["Lê Đình Lương"]
    names = column(export(login(cast.member), reverse("orgs:person_list")), 0)
    assert "Lê Đình Lương" not in names and "Hoàng Văn Minh" in names


def test_people_export_exports_every_page(cast, login, settings):
    settings.PAGE_SIZE = 2
    assert len(rows(export(login(cast.clerk), reverse("orgs:person_list")))) == 5


def test_people_export_in_vietnamese(cast, login):
    sheet = export(login(cast.clerk), reverse("orgs:person_list"), lang="vi")
    assert sheet.title == "Cán bộ – Đảng viên"
    assert [c.value for c in sheet[1]][:2] == ["Họ và tên", "Giới tính"]
    assert "Nam" in column(sheet, 1)


def test_anonymous_cannot_export(client, cast):
    response = client.get(reverse("orgs:person_list"), {"format": "xlsx"})
    assert response.status_code == 302


# --- a unit's members ------------------------------------------------------------------------


def test_members_export_of_a_ward(cast, login):
    url = reverse("orgs:unit_members", args=[cast.ward1.pk])
    sheet = export(login(cast.ward_secretary), url)
    assert [c.value for c in sheet[1]] == [
        "Full name", "Gender", "Birth year", "Status", "Cell", "Since", "Until",
    ]
    (row,) = rows(sheet)
    assert row[:5] == ("Hoàng Văn Minh", "Male", 1980, "Official member", "Chi bộ Khu phố 1")
    assert row[5].date() == START and row[6] is None
    assert sheet.cell(row=2, column=6).number_format == "DD/MM/YYYY"


def test_members_export_keeps_the_filters(cast, login):
    person = Person.objects.get(user=cast.member)
    services.membership_transfer(actor=None, person=person, to_unit=cast.cell_dl, date=dt.date(2024, 7, 1))
    url = reverse("orgs:unit_members", args=[cast.ward1.pk])
    client = login(cast.ward_secretary)
    assert rows(export(client, url)) == []
    (row,) = rows(export(client, url, past="1"))
    assert row[6].date() == dt.date(2024, 6, 30)
    _add_people(cast.cell1, 3)
    assert column(export(client, url, q="nguoi 1"), 0) == ["Người 1"]


def test_members_export_of_another_ward_is_not_found(cast, login):
    url = reverse("orgs:unit_members", args=[cast.ward1.pk])
    assert login(cast.outsider).get(url, {"format": "xlsx"}).status_code == 404


# --- units ----------------------------------------------------------------------------------


def test_units_export_is_the_tree_with_parents_and_members(cast, login):
    sheet = export(login(cast.clerk), reverse("orgs:unit_list"))
    assert [c.value for c in sheet[1]] == [
        "Code", "Name", "Kind", "Level", "Parent unit", "Active from", "Active until",
        "Members", "Members including units below",
    ]
    by_code = {row[0]: row for row in rows(sheet)}
    assert column(sheet, 0)[0] == "t-dongha"  # tree order: the root first
    assert set(by_code) == {"t-dongha", "t-vanphong", "t-phuong1", "t-p1-kp1", "t-dongluong", "t-dl-kp3"}
    cell = by_code["t-p1-kp1"]
    assert cell[1] == "Chi bộ Khu phố 1" and cell[2] == cast.cell1.kind.name
    assert cell[3] == cast.cell1.kind.level.name and cell[4] == "Đảng bộ Phường 1"
    assert cell[7:] == (1, 1)
    assert by_code["t-phuong1"][7:] == (0, 1) and by_code["t-dongha"][4] is None


def test_units_export_keeps_the_search_and_the_closed_filter(cast, login):
    client = login(cast.clerk)
    assert column(export(client, reverse("orgs:unit_list"), q="phuong 1"), 0) == ["t-phuong1"]
    cast.cell_dl.valid_to = dt.date(2024, 1, 1)
    cast.cell_dl.save(update_fields=["valid_to"])
    assert "t-dl-kp3" not in column(export(client, reverse("orgs:unit_list")), 0)
    sheet = export(client, reverse("orgs:unit_list"), closed="1")
    closed = next(row for row in rows(sheet) if row[0] == "t-dl-kp3")
    assert closed[6].date() == dt.date(2024, 1, 1)


def test_units_export_holds_nothing_of_the_sibling_ward(cast, login):
    sheet = export(login(cast.outsider), reverse("orgs:unit_list"))
    assert column(sheet, 0) == ["t-dongluong", "t-dl-kp3"]
    sheet = export(login(cast.member), reverse("orgs:unit_list"))
    assert column(sheet, 0) == ["t-p1-kp1"]


def test_units_export_in_vietnamese(cast, login):
    sheet = export(login(cast.clerk), reverse("orgs:unit_list"), lang="vi")
    assert [c.value for c in sheet[1]][:3] == ["Mã", "Tên", "Loại đơn vị"]


# --- every export: the same number of queries whatever the data --------------------------------


@pytest.mark.parametrize(("name", "arg"), [("person_list", None), ("unit_members", "ward1"), ("unit_list", None)])
def test_exports_run_a_fixed_number_of_queries(cast, login, django_assert_num_queries, name, arg):
    client = login(cast.clerk)
    url = reverse(f"orgs:{name}", args=[getattr(cast, arg).pk] if arg else [])
    _add_people(cast.cell1, 3)
    _add_cells(cast.ward1, 2)
    export(client, url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        small_rows = len(rows(export(client, url)))
    _add_people(cast.cell1, 120, start=100)
    _add_cells(cast.ward1, 15, start=100)
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(rows(export(client, url))) > small_rows


def test_the_lists_link_their_export_with_the_filters(cast, login):
    client = login(cast.clerk)
    body = client.get(reverse("orgs:unit_list"), {"q": "phuong", "closed": "1", "page": "1"}).content.decode()
    assert 'href="?q=phuong&amp;closed=1&amp;format=xlsx"' in body
    assert 'href="?format=xlsx"' in client.get(reverse("orgs:unit_list")).content.decode()
    body = client.get(reverse("orgs:person_list"), {"q": "minh"}).content.decode()
    assert 'href="?q=minh&amp;format=xlsx"' in body
    body = client.get(reverse("orgs:unit_members", args=[cast.ward1.pk]), {"past": "1"}).content.decode()
    assert 'href="?past=1&amp;format=xlsx"' in body
