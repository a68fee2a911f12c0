"""No lost updates: two secretaries save the roll-call (or edit the meeting) from stale pages."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse

from dangbo.core.tests.forms import form_data, session
from dangbo.meetings import services
from dangbo.meetings.models import Attendance

pytestmark = pytest.mark.django_db
STALE = "đã lưu thay đổi sau khi bạn mở biểu mẫu này"


def statuses(meeting) -> dict[int, tuple[str, str]]:
    return {a.person_id: (a.status, a.reason) for a in Attendance.objects.filter(meeting=meeting)}


def test_whole_page_roll_calls_from_stale_pages_keep_both_secretaries_rows(cast, held, members):
    """Each secretary changes a different member: both changes stay; the stale page's
    untouched rows do not put back what the other one changed."""
    url = reverse("meetings:roll_call", args=[held.pk])
    cell, ward = session(cast.cell_secretary), session(cast.ward_secretary)
    assert session(cast.outsider).get(url).status_code == 404
    page_cell, page_ward = cell.get(url), ward.get(url)

    assert ward.post(url, form_data(page_ward.content, **{f"status-{members[0].pk}": "unexcused"})).status_code == 302
    changes = {f"status-{members[1].pk}": "excused", f"reason-{members[1].pk}": "Ốm"}
    assert cell.post(url, form_data(page_cell.content, **changes)).status_code == 302

    now = statuses(held)
    assert now[members[0].pk] == ("unexcused", "")  # the ward secretary's, not put back to present
    assert now[members[1].pk] == ("excused", "Ốm")  # the cell secretary's
    held.refresh_from_db()
    assert (held.present_count, held.excused_count, held.unexcused_count) == (1, 2, 1)


def test_a_stale_roll_call_of_the_same_member_is_refused_with_what_changed(cast, held, members):
    url = reverse("meetings:roll_call", args=[held.pk])
    cell, ward = session(cast.cell_secretary), session(cast.ward_secretary)
    page_cell, page_ward = cell.get(url), ward.get(url)
    target = members[2]

    assert ward.post(url, form_data(page_ward.content, **{f"status-{target.pk}": "unexcused"})).status_code == 302
    mine = {
        f"status-{target.pk}": "excused", f"reason-{target.pk}": "Đi viện",
        f"status-{members[1].pk}": "unexcused",
    }
    refused = cell.post(url, form_data(page_cell.content, **mine))
    assert refused.status_code == 409
    page = html.unescape(refused.content.decode())
    assert STALE in page and "Trần Văn Phú" in page
    assert f"{target.full_name}: “Vắng không lý do”" in page
    assert 'value="Đi viện"' in page  # the cell secretary's input is kept
    now = statuses(held)
    assert now[target.pk] == ("unexcused", "")
    assert now[members[1].pk] == ("present", "")  # refused entirely: nothing written

    # Saving again, having read the message, records the cell secretary's answers.
    assert cell.post(url, form_data(refused.content)).status_code == 302
    now = statuses(held)
    assert now[target.pk] == ("excused", "Đi viện") and now[members[1].pk] == ("unexcused", "")


def test_the_roll_call_row_by_htmx_is_refused_when_stale(cast, held, members):
    url = reverse("meetings:roll_call", args=[held.pk])
    cell = session(cast.cell_secretary)
    page = form_data(cell.get(url).content)
    person = members[0]
    services.meeting_roll_call(actor=cast.ward_secretary, meeting=held,
                               entries=[{"person_id": person.pk, "status": "unexcused"}])
    row = {k: v for k, v in page.items() if k.endswith(f"-{person.pk}")} | {f"status-{person.pk}": "excused",
                                                                            f"reason-{person.pk}": "Ốm"}
    response = cell.post(reverse("meetings:roll_call_row", args=[held.pk, person.pk]), row, HTTP_HX_REQUEST="true")
    assert STALE in html.unescape(response.content.decode())
    assert statuses(held)[person.pk] == ("unexcused", "")


def test_a_stale_meeting_edit_is_refused(cast, held):
    url = reverse("meetings:meeting_edit", args=[held.pk])
    cell, ward = session(cast.cell_secretary), session(cast.ward_secretary)
    page_cell, page_ward = cell.get(url), ward.get(url)
    assert ward.post(url, form_data(page_ward.content, place="Hội trường khu phố")).status_code == 302
    refused = cell.post(url, form_data(page_cell.content, agenda="1. Nội dung mới."))
    assert refused.status_code == 200 and STALE in html.unescape(refused.content.decode())
    held.refresh_from_db()
    assert held.place == "Hội trường khu phố" and held.agenda.startswith("1. Kiểm điểm")


def test_stale_minutes_are_refused(cast, held):
    url = reverse("meetings:meeting_record", args=[held.pk])
    cell, ward = session(cast.cell_secretary), session(cast.ward_secretary)
    page_cell, page_ward = cell.get(url), ward.get(url)
    assert ward.post(url, form_data(page_ward.content, conclusions="Kết luận của Đảng ủy.")).status_code == 302
    refused = cell.post(url, form_data(page_cell.content, minutes="Biên bản sửa."))
    assert refused.status_code == 200 and STALE in html.unescape(refused.content.decode())
    held.refresh_from_db()
    assert (held.conclusions, held.minutes) == ("Kết luận của Đảng ủy.", "Diễn biến.")


def test_stale_criterion_and_section_edits_are_refused(cast):
    from dangbo.meetings.models import CriteriaSet

    base = CriteriaSet.objects.get(code="khung-100", version=2)
    draft = services.criteria_set_new_version(
        actor=None, base=base, unit=cast.ward1, effective_from=dt.date(2026, 1, 1), source_document="QĐ của Đảng ủy",
    )
    criterion = draft.criteria.order_by("order").first()
    section = draft.sections.order_by("order").first()
    ward, clerk = session(cast.ward_secretary), session(cast.clerk)
    for url, first, second in [
        (reverse("meetings:criterion_edit", args=[criterion.pk]), {"guidance": "Hướng dẫn mới."}, {"title": "Tiêu chí sửa"}),
        (reverse("meetings:section_edit", args=[section.pk]), {"title": "Phần I (sửa)"}, {"title": "Phần một"}),
    ]:
        page_ward, page_clerk = ward.get(url), clerk.get(url)
        assert ward.post(url, form_data(page_ward.content, **first)).status_code == 302
        refused = clerk.post(url, form_data(page_clerk.content, **second))
        assert refused.status_code == 200 and STALE in html.unescape(refused.content.decode())
    criterion.refresh_from_db()
    section.refresh_from_db()
    assert criterion.guidance == "Hướng dẫn mới." and criterion.title != "Tiêu chí sửa"
    assert section.title == "Phần I (sửa)"


def test_the_roll_call_api_refuses_a_stale_row_with_409(cast, held, members, login):
    client = login(cast.cell_secretary)
    url = f"/api/v1/meetings/{held.pk}"
    rows = {r["person_id"]: r for r in client.get(url).json()["attendance"]}
    person = members[0]
    services.meeting_roll_call(actor=cast.ward_secretary, meeting=held,
                               entries=[{"person_id": person.pk, "status": "unexcused"}])
    entry = {"person_id": person.pk, "status": "excused", "reason": "Ốm", "version": rows[person.pk]["version"]}
    response = client.post(f"{url}/roll-call", {"entries": [entry]}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["fields"] == {str(person.pk): ["Unexcused absence"]}
    assert statuses(held)[person.pk] == ("unexcused", "")
