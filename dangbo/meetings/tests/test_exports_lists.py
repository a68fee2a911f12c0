"""Excel exports of the meetings list and the visit log, tried by the cast."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.conftest import START, make_person
from dangbo.meetings import services
from dangbo.meetings.models import MeetingKind
from dangbo.meetings.selectors import thresholds_for_display
from dangbo.orgs import services as org_services
from dangbo.orgs.models import Person, UnitKind

from .conftest import full_points

pytestmark = pytest.mark.django_db

MEETING_HEADERS = [
    "Date", "Unit", "Kind", "Title", "Place", "Status", "Closed", "Members expected", "Present",
    "Excused", "Unexcused", "Score", "Grade",
]


def export(client, url, lang="en", **params):
    response = client.get(url, {**params, "format": "xlsx"}, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


def units_of(sheet) -> list[str]:
    return [row[1] for row in rows(sheet)]


def visited(sheet) -> list[str]:
    return [row[2] for row in rows(sheet)]


# --- meetings -------------------------------------------------------------------------------


def test_meetings_export_has_attendance_and_grade(cast, held, login):
    services.meeting_score(actor=None, meeting=held, rater="self", points=full_points(held))
    held.refresh_from_db()
    services.meeting_create(actor=None, unit=cast.cell1, kind=MeetingKind.REGULAR, date=dt.date(2025, 4, 7))
    sheet = export(login(cast.clerk), reverse("meetings:meeting_list"))
    assert [c.value for c in sheet[1]] == MEETING_HEADERS
    planned, done = rows(sheet)  # newest first, as on the page
    assert done[0].date() == dt.date(2025, 3, 3) and sheet["A3"].number_format == "DD/MM/YYYY"
    assert done[1:4] == ("Chi bộ Khu phố 1 – Đảng bộ Phường 1", held.get_kind_display(), "Sinh hoạt thường kỳ tháng 03/2025")
    assert done[7:11] == (4, 3, 1, 0)
    grade = {t.code: t.name for t in thresholds_for_display()}[held.grade]
    assert Decimal(str(done[11])) == held.score and done[12] == grade
    assert planned[7:12] == (None, None, None, None, None)  # not held: nothing to count


def test_meetings_export_keeps_the_filters(cast, held, login):
    services.meeting_create(actor=None, unit=cast.cell_dl, kind=MeetingKind.REGULAR, date=dt.date(2025, 3, 4))
    services.meeting_create(actor=None, unit=cast.cell1, kind=MeetingKind.REGULAR, date=dt.date(2025, 4, 7))
    client = login(cast.clerk)
    url = reverse("meetings:meeting_list")
    assert sorted(units_of(export(client, url))) == ["Chi bộ Khu phố 1 – Đảng bộ Phường 1", "Chi bộ Khu phố 1 – Đảng bộ Phường 1", "Chi bộ Khu phố 3 Đông Lương – Đảng bộ phường Đông Lương"]
    assert units_of(export(client, url, unit=cast.ward_dl.pk)) == ["Chi bộ Khu phố 3 Đông Lương – Đảng bộ phường Đông Lương"]
    (row,) = rows(export(client, url, unit=cast.ward1.pk, held="1", month="2025-03"))
    assert row[3] == held.title
    assert [r[0].date() for r in rows(export(client, url, held="0", unit=cast.ward1.pk))] == [dt.date(2025, 4, 7)]


def test_meetings_export_holds_nothing_of_the_sibling_ward(cast, held, login):
    services.meeting_create(actor=None, unit=cast.cell_dl, kind=MeetingKind.REGULAR, date=dt.date(2025, 3, 4))
    url = reverse("meetings:meeting_list")
    assert units_of(export(login(cast.outsider), url)) == ["Chi bộ Khu phố 3 Đông Lương – Đảng bộ phường Đông Lương"]
    assert units_of(export(login(cast.outsider), url, unit=cast.ward1.pk)) == ["Chi bộ Khu phố 3 Đông Lương – Đảng bộ phường Đông Lương"]
    assert units_of(export(login(cast.member), url)) == ["Chi bộ Khu phố 1 – Đảng bộ Phường 1"]


def test_meetings_export_exports_every_page(cast, login, settings, members):
    settings.PAGE_SIZE = 5
    for month in range(1, 13):
        services.meeting_create(actor=None, unit=cast.cell1, kind=MeetingKind.REGULAR, date=dt.date(2025, month, 6))
    assert len(rows(export(login(cast.clerk), reverse("meetings:meeting_list")))) == 12


def test_meetings_export_in_vietnamese(cast, held, login):
    sheet = export(login(cast.clerk), reverse("meetings:meeting_list"), lang="vi")
    assert sheet.title == "Sinh hoạt chi bộ"
    assert [c.value for c in sheet[1]][:3] == ["Ngày", "Đơn vị", "Loại"]


def test_the_list_links_its_export_with_the_filters(cast, held, login):
    body = login(cast.clerk).get(reverse("meetings:meeting_list"), {"unit": cast.ward1.pk, "held": "1"}).content.decode()
    assert f"?unit={cast.ward1.pk}&amp;held=1&amp;format=xlsx" in body


# --- visits ---------------------------------------------------------------------------------


@pytest.fixture
def visits(cast, leader):
    """A visit to a cell of each ward, by two leaders."""
    other = make_person("Võ Văn Hưng")
    services.visit_log(actor=None, person=leader.person, unit=cast.cell1, date=dt.date(2025, 3, 10),
                       raised="Đường kiệt ngập", decided="Giao phường khảo sát")
    services.visit_log(actor=None, person=other, unit=cast.cell_dl, date=dt.date(2025, 3, 12), raised="=1+1")


def test_visits_export(cast, visits, login):
    sheet = export(login(cast.clerk), reverse("meetings:visits"))
    assert [c.value for c in sheet[1]] == ["Date", "Leader", "Unit", "Kind", "Raised", "Decided"]
    dl, p1 = rows(sheet)
    assert p1[0].date() == dt.date(2025, 3, 10)
    assert p1[1:] == ("Hồ Sỹ Trung", "Chi bộ Khu phố 1 – Đảng bộ Phường 1", "Visit", "Đường kiệt ngập", "Giao phường khảo sát")
    assert dl[4] == "=1+1" and sheet["E2"].data_type == "s"  # typed text stays text


def test_visits_export_keeps_the_filter_and_the_scope(cast, visits, leader, login):
    url = reverse("meetings:visits")
    assert visited(export(login(cast.clerk), url, q="vo van")) == ["Chi bộ Khu phố 3 Đông Lương – Đảng bộ phường Đông Lương"]
    assert visited(export(login(cast.outsider), url)) == ["Chi bộ Khu phố 3 Đông Lương – Đảng bộ phường Đông Lương"]
    assert visited(export(login(leader), url)) == ["Chi bộ Khu phố 1 – Đảng bộ Phường 1"]  # the leader rule


def test_visits_export_in_vietnamese(cast, visits, login):
    sheet = export(login(cast.clerk), reverse("meetings:visits"), lang="vi")
    assert [c.value for c in sheet[1]] == [
        "Ngày", "Cán bộ lãnh đạo", "Đơn vị", "Loại", "Vấn đề được nêu", "Nội dung kết luận",
    ]


# --- the same number of queries whatever the data -------------------------------------------


def _add_cells_with_meetings_and_visits(ward, n, start=0):
    kind = UnitKind.objects.get(code="chi-bo")
    leader = Person.objects.get(full_name="Hồ Sỹ Trung")
    for i in range(start, start + n):
        cell = org_services.unit_create(actor=None, parent=ward, kind=kind, name=f"Chi bộ {i}", code=f"x-{ward.pk}-{i}")
        person = make_person(f"Đảng viên {i}")
        org_services.membership_create(actor=None, person=person, unit=cell, start=START)
        m = services.meeting_create(actor=None, unit=cell, kind=MeetingKind.REGULAR, date=dt.date(2025, 2, 6))
        services.meeting_record(actor=None, meeting=m, duration_minutes=90)
        services.meeting_roll_call(actor=None, meeting=m, entries=[{"person_id": person.pk, "status": "present"}])
        services.meeting_score(actor=None, meeting=m, rater="self", points=full_points(m))
        services.visit_log(actor=None, person=leader, unit=cell, date=dt.date(2025, 3, 1), meeting=m)


@pytest.mark.parametrize("name", ["meeting_list", "visits"])
def test_exports_run_a_fixed_number_of_queries(cast, login, leader, django_assert_num_queries, name):
    url = reverse(f"meetings:{name}")
    client = login(cast.clerk)
    _add_cells_with_meetings_and_visits(cast.ward1, 2)
    export(client, url)
    with CaptureQueriesContext(connection) as small:
        assert len(rows(export(client, url))) == 2
    _add_cells_with_meetings_and_visits(cast.ward1, 10, start=100)
    _add_cells_with_meetings_and_visits(cast.ward_dl, 4, start=200)
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(rows(export(client, url))) == 16
