"""The meeting pages, tried by the cast: allowed, read-only, outsider; fixed query counts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.conftest import START, make_person
from dangbo.core.models import AuditEntry
from dangbo.meetings import services
from dangbo.meetings.models import Attendance, Meeting, MeetingKind, MeetingScore
from dangbo.orgs import services as org_services
from dangbo.orgs.models import UnitKind

from .conftest import full_points

pytestmark = pytest.mark.django_db


def status(client, url, method="get", data=None):
    return getattr(client, method)(url, data or {}).status_code


@pytest.mark.parametrize(("user", "expected"), [
    ("clerk", 200), ("ward_secretary", 200), ("cell_secretary", 200), ("member", 200), ("outsider", 404),
])
def test_meeting_page_by_role(cast, held, login, user, expected):
    assert status(login(getattr(cast, user)), reverse("meetings:meeting_detail", args=[held.pk])) == expected


@pytest.mark.parametrize("name", ["meeting_edit", "meeting_record", "roll_call", "guest_add", "decision_add"])
def test_change_pages_need_manage(cast, held, login, name):
    url = reverse(f"meetings:{name}", args=[held.pk])
    assert status(login(cast.member), url) == 403
    assert status(login(cast.outsider), url) == 404
    assert status(login(cast.cell_secretary), url) == 200
    assert status(login(cast.ward_secretary), url) == 200


def test_scoring_pages_follow_the_rater(cast, held, leader, login):
    url = lambda rater: reverse("meetings:meeting_score", args=[held.pk, rater])  # noqa: E731
    assert status(login(cast.cell_secretary), url("self")) == 200
    assert status(login(cast.cell_secretary), url("ward")) == 403
    assert status(login(cast.ward_secretary), url("ward")) == 200
    assert status(login(cast.member), url("self")) == 403
    assert status(login(cast.outsider), url("self")) == 404
    # The leader rule: assigned to Phường 1, no grant there, yet sees and scores as leader.
    assert status(login(leader), reverse("meetings:meeting_detail", args=[held.pk])) == 200
    assert status(login(leader), url("leader")) == 200
    assert status(login(leader), url("self")) == 403
    assert status(login(cast.ward_secretary), url("leader")) == 403


def test_leader_scores_through_the_form(cast, held, leader, login):
    client = login(leader)
    data = {f"c_{c.pk}": str(c.max_points) for c in held.criteria_set.criteria.all()}
    response = client.post(reverse("meetings:meeting_score", args=[held.pk, "leader"]), data)
    assert response.status_code == 302
    score = MeetingScore.objects.get(meeting=held, rater="leader")
    assert score.grade == "tot" and score.rater_person == leader.person


def test_score_form_shows_the_field_and_reason_above_the_maximum(cast, held, login):
    first = held.criteria_set.criteria.order_by("order").first()
    data = {f"c_{c.pk}": str(c.max_points) for c in held.criteria_set.criteria.all()}
    data[f"c_{first.pk}"] = "11"
    response = login(cast.cell_secretary).post(reverse("meetings:meeting_score", args=[held.pk, "self"]), data)
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 10.0" in response.content.decode()
    assert not MeetingScore.objects.exists()


def test_roll_call_page_saves_all_rows(cast, meeting, members, login):
    client = login(cast.cell_secretary)
    data = {f"status-{p.pk}": "present" for p in members}
    data[f"status-{members[1].pk}"] = "excused"
    data[f"reason-{members[1].pk}"] = "Ốm"
    response = client.post(reverse("meetings:roll_call", args=[meeting.pk]), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.present_count, meeting.excused_count) == (3, 1)


def test_roll_call_page_shows_the_error_on_its_row(cast, meeting, members, login):
    data = {f"status-{members[1].pk}": "excused"}
    response = login(cast.cell_secretary).post(reverse("meetings:roll_call", args=[meeting.pk]), data)
    assert response.status_code == 400
    assert "Give the reason for the excused absence." in response.content.decode()


def test_roll_call_row_saves_one_member_by_htmx(cast, meeting, members, login):
    url = reverse("meetings:roll_call_row", args=[meeting.pk, members[0].pk])
    response = login(cast.cell_secretary).post(url, {f"status-{members[0].pk}": "present"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="row-{members[0].pk}"' in body and "saved" in body and 'id="rollcall-summary"' in body
    assert Attendance.objects.get(meeting=meeting, person=members[0]).status == "present"
    assert status(login(cast.member), url, "post", {f"status-{members[0].pk}": "present"}) == 403


def test_closing_from_the_page(cast, held, login):
    client = login(cast.cell_secretary)
    client.post(reverse("meetings:meeting_close", args=[held.pk]))
    held.refresh_from_db()
    assert held.is_closed
    response = client.post(reverse("meetings:meeting_edit", args=[held.pk]), {"title": "X", "date": "2025-03-03"})
    assert response.status_code == 200 and "The meeting is closed" in response.content.decode()


def test_schedule_the_year_from_the_form(cast, members, login):
    response = login(cast.cell_secretary).post(
        reverse("meetings:schedule_year"), {"unit": cast.cell1.pk, "year": 2025}
    )
    assert response.status_code == 302
    assert Meeting.objects.filter(unit=cast.cell1, kind=MeetingKind.REGULAR).count() == 12
    # The member cannot schedule: the form offers no unit of theirs.
    response = login(cast.member).post(reverse("meetings:schedule_year"), {"unit": cast.cell1.pk, "year": 2025})
    assert response.status_code == 200 and Meeting.objects.count() == 12


def test_list_shows_only_visible_meetings(cast, held, login):
    services.meeting_create(actor=None, unit=cast.cell_dl, kind=MeetingKind.REGULAR, date=dt.date(2025, 3, 4))
    body = login(cast.outsider).get(reverse("meetings:meeting_list")).content.decode()
    assert "Chi bộ Khu phố 3 Đông Lương" in body and "Chi bộ Khu phố 1<" not in body
    body = login(cast.clerk).get(reverse("meetings:meeting_list") + f"?unit={cast.ward1.pk}&held=1&month=2025-03").content.decode()
    assert "Chi bộ Khu phố 1" in body and "Đông Lương" not in body.split("<tbody>")[-1]


def test_the_month_is_chosen_from_a_list_and_the_links_month_still_filters(cast, login):
    """The month filter is a list of months by year ("Tháng 3/2025"), not the browser's month
    box (drawn as "--------- ----"); ``?month=YYYY-MM`` (the home panel's link) still filters and
    shows its month chosen; a bad month is told next to the field and the other filters hold."""
    for unit, day in ((cast.cell1, dt.date(2025, 3, 3)), (cast.cell1, dt.date(2025, 4, 7)),
                      (cast.cell_dl, dt.date(2025, 3, 4))):
        services.meeting_create(actor=None, unit=unit, kind=MeetingKind.REGULAR, date=day)
    url = reverse("meetings:meeting_list")
    client = login(cast.clerk)
    page = client.get(url).content.decode()
    assert 'type="month"' not in page and '<select name="month"' in page
    assert '<option value="" selected>All months</option>' in page
    assert '<optgroup label="2026">' in page and '<optgroup label="2020">' in page  # today 20/03/2025
    assert '<optgroup label="2019">' not in page
    body = client.get(url, {"unit": cast.ward1.pk, "month": "2025-03"}).content.decode()
    assert '<option value="2025-03" selected>Month 3/2025</option>' in body
    rows = body.split("<tbody>")[-1]
    assert "03/03/2025" in rows and "07/04/2025" not in rows and "Đông Lương" not in rows
    # A month out of the list's years, from a link, is listed and chosen.
    assert '<option value="2012-11" selected>Month 11/2012</option>' in client.get(url, {"month": "2012-11"}).content.decode()
    for bad in ("2025-13", "03/2025", "tháng ba", "0000-01"):
        response = client.get(url, {"unit": cast.ward1.pk, "month": bad})
        assert response.status_code == 200
        assert "Choose a month from the list." in response.content.decode()
        rows = response.content.decode().split("<tbody>")[-1]
        assert "07/04/2025" in rows and "Đông Lương" not in rows  # the unit still filters
    vietnamese = client.get(url, {"month": "2025-13"}, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Chọn một tháng trong danh sách." in vietnamese and ">Mọi tháng</option>" in vietnamese
    assert ">Tháng 3/2025</option>" in vietnamese
    outsider = login(cast.outsider).get(url, {"month": "2025-03"}).content.decode().split("<tbody>")[-1]
    assert "04/03/2025" in outsider and "03/03/2025" not in outsider


def test_unit_filter_lists_no_unit_whatever_their_number(cast, held, login, django_assert_num_queries):
    """The filter is a typed picker: the page names the chosen unit only, and its queries
    do not grow with the units the user sees."""
    kind = UnitKind.objects.get(code="chi-bo")
    client = login(cast.clerk)
    url = reverse("meetings:meeting_list") + f"?unit={cast.ward1.pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        body = client.get(url).content.decode()
    for i in range(30):
        org_services.unit_create(actor=None, parent=cast.ward_dl, kind=kind, name=f"Chi bộ Mới {i}", code=f"moi-{i}")
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get(url).content.decode()
    assert "Chi bộ Mới" not in body and f'<option value="{cast.cell1.pk}"' not in body
    assert 'data-unit-picker' in body and reverse("meetings:unit_lookup") in body
    assert f'name="unit" value="{cast.ward1.pk}"' in body and cast.ward1.name in body
    rows = body.split("<tbody>")[-1]
    assert "Chi bộ Khu phố 1" in rows


def test_unit_filter_keeps_its_url_parameter_and_refuses_units_out_of_sight(cast, held, login):
    services.meeting_create(actor=None, unit=cast.cell_dl, kind=MeetingKind.REGULAR, date=dt.date(2025, 3, 4))
    # ?unit=<id> of a unit the outsider does not see: a field error, not somebody else's meetings.
    body = login(cast.outsider).get(reverse("meetings:meeting_list") + f"?unit={cast.ward1.pk}").content.decode()
    assert "not among the units you may choose" in body or "không nằm trong" in body
    assert "Chi bộ Khu phố 1<" not in body
    # Without scripts: the typed text comes back with the units found, to choose one.
    body = login(cast.clerk).get(reverse("meetings:meeting_list") + "?unit=&unit_q=khu+pho+1").content.decode()
    assert f'type="radio" name="unit" value="{cast.cell1.pk}"' in body


def test_unit_lookup_finds_units_the_user_sees_by_name(cast, login):
    url = reverse("meetings:unit_lookup")
    data = login(cast.clerk).get(url, {"q": "khu pho 1"}).json()
    assert [i["id"] for i in data["items"]] == [cast.cell1.pk] and data["more"] is False
    assert cast.ward1.name in data["items"][0]["name"]  # the label names the parent
    assert login(cast.outsider).get(url, {"q": "khu pho 1"}).json()["items"] == []
    assert login(cast.clerk).get(url, {"q": "k"}).json() == {"items": [], "more": False, "message": ""}
    assert login(cast.clerk).get(url, {"q": "\x00pho"}).status_code == 200


def test_unit_lookup_runs_one_query_and_stops_at_the_limit(cast, login, django_assert_num_queries):
    kind = UnitKind.objects.get(code="chi-bo")
    for i in range(20):
        org_services.unit_create(actor=None, parent=cast.ward1, kind=kind, name=f"Chi bộ Tổ {i}", code=f"to-{i}")
    client = login(cast.clerk)
    url = reverse("meetings:unit_lookup")
    client.get(url, {"q": "to"})
    with CaptureQueriesContext(connection) as short:
        client.get(url, {"q": "t"})  # too short to look up: the request's own queries
    with django_assert_num_queries(len(short.captured_queries) + 1):
        data = client.get(url, {"q": "chi bo to"}).json()
    assert len(data["items"]) == 15 and data["more"] is True


def _add_cells_with_meetings(ward, n, start=0):
    kind = UnitKind.objects.get(code="chi-bo")
    for i in range(start, start + n):
        cell = org_services.unit_create(actor=None, parent=ward, kind=kind, name=f"Chi bộ {i}", code=f"x-{ward.pk}-{i}")
        person = make_person(f"Đảng viên {i}")
        org_services.membership_create(actor=None, person=person, unit=cell, start=START)
        for month in (1, 2):
            m = services.meeting_create(actor=None, unit=cell, kind=MeetingKind.REGULAR, date=dt.date(2025, month, 6))
            services.meeting_record(actor=None, meeting=m, duration_minutes=90)
            services.meeting_roll_call(actor=None, meeting=m, entries=[{"person_id": person.pk, "status": "present"}])
            services.meeting_score(actor=None, meeting=m, rater="self", points=full_points(m))


@pytest.mark.parametrize("page", ["list", "ward", "city", "cell", "coverage", "assignments", "visits"])
def test_list_pages_run_a_fixed_number_of_queries(cast, login, django_assert_num_queries, page, leader):
    urls = {
        "list": reverse("meetings:meeting_list") + f"?unit={cast.city.pk}",
        "ward": reverse("meetings:quality", args=[cast.ward1.pk]),
        "city": reverse("meetings:quality", args=[cast.city.pk]),
        "cell": reverse("meetings:quality", args=[cast.cell1.pk]),
        "coverage": reverse("meetings:coverage") + f"?unit={cast.city.pk}",
        "assignments": reverse("meetings:leader_assignments"),
        "visits": reverse("meetings:visits"),
    }
    url = urls[page]
    client = login(cast.clerk)
    _add_cells_with_meetings(cast.ward1, 2)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _add_cells_with_meetings(cast.ward1, 12, start=100)
    _add_cells_with_meetings(cast.ward_dl, 5, start=200)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_quality_pages_by_level(cast, held, login):
    services.meeting_score(actor=None, meeting=held, rater="self", points=full_points(held))
    _add_cells_with_meetings(cast.ward1, 2)
    client = login(cast.clerk)
    city = client.get(reverse("meetings:quality", args=[cast.city.pk]) + "?months=6").content.decode()
    assert "Đảng bộ Phường 1" in city and 'id="chart-data"' in city and "chart-4.6.1.umd.min.js" in city
    ward = client.get(reverse("meetings:quality", args=[cast.ward1.pk])).content.decode()
    assert "Chi bộ 0" in ward and "Months without a regular meeting" in ward
    cell = client.get(reverse("meetings:quality", args=[cast.cell1.pk])).content.decode()
    assert "Months without a held regular meeting" in cell and "02/2025" in cell  # February: flagged
    other = Meeting.objects.filter(unit__name="Chi bộ 0").first().unit
    cell = client.get(reverse("meetings:quality", args=[other.pk])).content.decode()
    assert "Đảng viên 0" in cell and "Months without a held regular meeting" in cell
    assert status(login(cast.outsider), reverse("meetings:quality", args=[cast.ward1.pk])) == 404
    assert status(login(cast.member), reverse("meetings:quality", args=[cast.cell1.pk])) == 200


def test_exports_in_the_partys_format(cast, held, login):
    from docx import Document

    client = login(cast.member)
    response = client.get(reverse("meetings:meeting_export", args=[held.pk, "bien-ban", "docx"]))
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    header = "\n".join(c.text for c in doc.tables[0].rows[0].cells)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header and "CHI BỘ KHU PHỐ 1" in header
    assert "ngày 03 tháng 03 năm 2025" in header
    assert "BIÊN BẢN" in text and "có mặt: 3" in text
    assert doc.styles["Normal"].font.name == "Times New Roman"
    sheet = client.get(reverse("meetings:meeting_export", args=[held.pk, "diem-danh", "docx"]))
    assert "Đi công tác" in "\n".join(c.text for t in Document(io.BytesIO(sheet.content)).tables for r in t.rows for c in r.cells)
    pdf = client.get(reverse("meetings:meeting_export", args=[held.pk, "bien-ban", "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert status(login(cast.outsider), reverse("meetings:meeting_export", args=[held.pk, "bien-ban", "pdf"])) == 404


def test_ical_feed_lists_the_meetings_a_member_is_expected_at(cast, held, login):
    from icalendar import Calendar

    page = login(cast.member).get(reverse("meetings:my_view")).content.decode()
    url = page.split('id="ical-url" readonly value="')[1].split('"')[0]
    response = login(cast.outsider).get(url.replace("http://testserver", ""))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Sinh hoạt thường kỳ tháng 03/2025 – Chi bộ Khu phố 1"]
    assert status(login(cast.member), reverse("meetings:ical", args=["forged:token"])) == 404


def test_coverage_finds_cells_no_leader_attended(cast, held, leader, login):
    client = login(cast.clerk)
    body = client.get(reverse("meetings:coverage") + f"?unit={cast.ward1.pk}&uncovered=1").content.decode()
    assert "Chi bộ Khu phố 1" in body
    services.meeting_guest_add(actor=None, meeting=held, person=leader.person)
    body = client.get(reverse("meetings:coverage") + f"?unit={cast.ward1.pk}&uncovered=1").content.decode()
    assert "Chi bộ Khu phố 1" not in body
    mine = login(leader).get(reverse("meetings:my_view")).content.decode()
    assert "Đảng bộ Phường 1" in mine


def test_a_leader_logs_a_visit_with_a_decision(cast, leader, login):
    response = login(leader).post(reverse("meetings:visits"), {
        "person": leader.person.pk, "unit": cast.cell1.pk, "kind": "visit", "date": "2025-03-10",
        "raised": "Đường kiệt ngập", "decided": "Giao phường khảo sát", "decision_text": "Khảo sát đường kiệt",
        "deadline": "2025-04-10",
    })
    assert response.status_code == 302
    visit = cast.cell1.leader_visits.get()
    assert visit.decisions.get().text == "Khảo sát đường kiệt"
    # Someone who neither follows nor manages the unit cannot log there.
    response = login(cast.outsider).post(reverse("meetings:visits"), {
        "person": leader.person.pk, "unit": cast.cell1.pk, "kind": "visit", "date": "2025-03-10",
    })
    assert response.status_code == 200 and cast.cell1.leader_visits.count() == 1


def test_a_refused_decision_leaves_no_half_logged_visit(cast, leader, login):
    response = login(leader).post(reverse("meetings:visits"), {
        "person": leader.person.pk, "unit": cast.cell1.pk, "kind": "visit", "date": "2025-03-10",
        "raised": "Đường kiệt ngập", "decision_text": "Khảo sát đường kiệt", "deadline": "2025-03-01",
    })
    assert response.status_code == 200 and response.context["form"].errors
    assert not cast.cell1.leader_visits.exists()


def test_criteria_pages(cast, login):
    client = login(cast.clerk)
    body = client.get(reverse("meetings:criteria_list")).content.decode()
    assert "12-HD/BTCTW" in body and "42-HD/BTCTW" in body
    from dangbo.meetings.models import CriteriaSet

    v2 = CriteriaSet.objects.get(version=2)
    assert "Thời lượng sinh hoạt" in client.get(reverse("meetings:criteria_detail", args=[v2.pk])).content.decode()
    response = client.post(reverse("meetings:criteria_new_version", args=[v2.pk]),
                           {"effective_from": "2026-01-01", "source_document": "Quyết định của Thành ủy"})
    assert response.status_code == 302 and CriteriaSet.objects.filter(version=3).exists()
    assert status(login(cast.member), reverse("meetings:criteria_new_version", args=[v2.pk])) == 403
    assert status(login(cast.ward_secretary), reverse("meetings:criteria_new_version", args=[v2.pk])) == 403


def test_edit_a_meeting_with_a_start_time(cast, meeting, login):
    """A meeting's start time goes into the audit trail (it answered 500)."""
    data = {"title": meeting.title, "date": "2025-03-03", "start_time": "19:30", "place": "Nhà văn hóa"}
    response = login(cast.cell_secretary).post(reverse("meetings:meeting_edit", args=[meeting.pk]), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.start_time == dt.time(19, 30)
    entry = AuditEntry.objects.filter(action="meeting.update").latest("id")
    assert entry.after["start_time"] == "19:30:00"
    # Edited again: the old time is read back from the trail.
    data["start_time"] = "20:00"
    assert login(cast.cell_secretary).post(reverse("meetings:meeting_edit", args=[meeting.pk]), data).status_code == 302
    entry = AuditEntry.objects.filter(action="meeting.update").latest("id")
    assert (entry.before["start_time"], entry.after["start_time"]) == ("19:30:00", "20:00:00")
    body = login(cast.cell_secretary).get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "19:30" in body and "20:00" in body
    assert status(login(cast.outsider), reverse("meetings:meeting_edit", args=[meeting.pk]), "post", data) == 404


def test_create_a_meeting_with_a_start_time(cast, members, login):
    data = {"unit": cast.cell1.pk, "kind": MeetingKind.REGULAR, "date": "2025-04-07", "start_time": "07:30"}
    response = login(cast.cell_secretary).post(reverse("meetings:meeting_create"), data)
    assert response.status_code == 302
    meeting = Meeting.objects.get(unit=cast.cell1, date=dt.date(2025, 4, 7))
    assert meeting.start_time == dt.time(7, 30)
    assert AuditEntry.objects.get(action="meeting.create", object_id=meeting.pk).after["start_time"] == "07:30:00"
    assert status(login(cast.outsider), reverse("meetings:meeting_create"), "post", data) == 200
    assert Meeting.objects.count() == 1


def test_schedule_the_year_with_a_start_time(cast, members, login):
    data = {"unit": cast.cell1.pk, "year": 2025, "start_time": "19:30"}
    response = login(cast.cell_secretary).post(reverse("meetings:schedule_year"), data)
    assert response.status_code == 302
    meetings = Meeting.objects.filter(unit=cast.cell1, kind=MeetingKind.REGULAR)
    assert meetings.count() == 12 and {m.start_time for m in meetings} == {dt.time(19, 30)}
