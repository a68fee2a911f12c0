"""The home page on a phone in the morning: a ward secretary sees what to act on first (one
column, nothing wider than the screen) and opens the overdue tasks from their count."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import Page, expect

from dangbo.assignments import services as task_services
from dangbo.documents import services as document_services
from dangbo.documents.models import DocumentType
from dangbo.meetings import services as meeting_services
from dangbo.meetings.models import MeetingKind
from dangbo.orgs.models import Person


def test_ward_secretary_reads_the_dashboard_on_a_phone(
    make_page, cast, logged_in, axe_check, no_horizontal_scroll
) -> None:
    today = timezone.localdate()
    days = dt.timedelta
    overdue = task_services.task_assign(
        actor=None, title="Kiện toàn chi ủy Khu phố 1 sau đại hội chi bộ nhiệm kỳ 2025–2027",
        unit=cast.ward1, assigning_unit=cast.city, start=today - days(60), deadline=today - days(5),
    )
    task_services.task_assign(
        actor=None, title="Sơ kết 6 tháng sinh hoạt chi bộ", unit=cast.cell1, assigning_unit=cast.ward1,
        start=today - days(10), deadline=today + days(3),
    )
    meeting = meeting_services.meeting_create(
        actor=None, unit=cast.cell1, kind=MeetingKind.REGULAR, date=today,
        title="Sinh hoạt thường kỳ", place="Nhà văn hóa khu phố 1",
    )
    meeting_services.meeting_guest_add(actor=None, meeting=meeting, person=Person.objects.get(user=cast.ward_secretary))
    document = document_services.document_register(
        actor=None, unit=cast.ward1, type=DocumentType.objects.get(abbr="KH"), number="21", date=today,
        title="Kế hoạch chỉnh trang đô thị, xây dựng nếp sống văn minh trên địa bàn Phường 1",
        issuing_unit=cast.ward1, issuer_abbr="ĐU",
    )
    document_services.study_session_create(
        actor=None, unit=cast.ward1, title="Hội nghị quán triệt kế hoạch chỉnh trang đô thị",
        date=today + days(7), documents=[document], required_units=[cast.cell1],
    )

    page: Page = make_page(
        locale="en-US", viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True, has_touch=True,
    )
    logged_in(page, cast.ward_secretary)  # the login leads to the home page
    main = page.get_by_role("main")
    tasks = main.locator("section[aria-labelledby=home-tasks]")
    meetings = main.locator("section[aria-labelledby=home-meetings]")
    documents = main.locator("section[aria-labelledby=home-documents]")
    expect(tasks.get_by_role("heading", level=2)).to_have_text("To do")
    expect(tasks).to_contain_text(overdue.title)
    expect(meetings).to_contain_text("Chi bộ Khu phố 1")
    expect(meetings).to_contain_text("Sinh hoạt thường kỳ")
    expect(documents).to_contain_text(document.symbol)
    expect(documents).to_contain_text("Hội nghị quán triệt kế hoạch chỉnh trang đô thị")

    # One column: the panels stack, full width, before "My units".
    boxes = [panel.bounding_box() for panel in (tasks, meetings, documents)]
    assert all(box is not None for box in boxes)
    lefts = {round(box["x"]) for box in boxes if box}
    assert len(lefts) == 1, lefts
    tops = [box["y"] for box in boxes if box]
    assert tops == sorted(tops)
    units_heading = main.get_by_role("heading", name="My units", level=2).bounding_box()
    assert units_heading is not None and units_heading["y"] > tops[-1]
    no_horizontal_scroll(page)
    axe_check(page)

    # The overdue count opens the task list filtered to the overdue tasks.
    with page.expect_navigation():
        tasks.get_by_role("link", name="1 Overdue").tap()
    assert page.url.endswith("/nhiem-vu/?flag=overdue")
    expect(page.get_by_role("main")).to_contain_text(overdue.title)
    expect(page.get_by_role("main")).not_to_contain_text("Sơ kết 6 tháng")
