"""A cell secretary takes the roll on a phone, and a ward secretary reads the quality page."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from dangbo.conftest import START, make_person
from dangbo.meetings import services
from dangbo.meetings.models import Attendance, MeetingKind
from dangbo.orgs import services as org_services
from dangbo.orgs.models import Person


def _meeting(cast):
    people = [Person.objects.get(user=cast.member)]
    for name in ["Lê Thị Hằng", "Nguyễn Văn Bình"]:
        person = make_person(name)
        org_services.membership_create(actor=None, person=person, unit=cast.cell1, start=START)
        people.append(person)
    day = dt.date.today() - dt.timedelta(days=1)  # noqa: DTZ011 - the live server's real clock
    meeting = services.meeting_create(actor=None, unit=cast.cell1, kind=MeetingKind.REGULAR, date=day)
    return meeting, people


def test_roll_call_on_a_phone(phone_page: Page, cast, logged_in, axe_check, no_horizontal_scroll) -> None:
    meeting, people = _meeting(cast)
    logged_in(phone_page, cast.cell_secretary)
    phone_page.goto(f"/sinh-hoat/{meeting.pk}/diem-danh/")
    expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
    no_horizontal_scroll(phone_page)
    axe_check(phone_page)

    first = phone_page.locator(f"#row-{people[0].pk}")
    box = first.locator("label.opt").first.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 80  # big tap targets
    first.locator("label.opt-present").click()
    expect(phone_page.locator(f"#row-{people[0].pk} .saved")).to_be_visible()

    second = phone_page.locator(f"#row-{people[1].pk}")
    expect(second.locator(".reason")).to_be_hidden()
    second.locator("label.opt-excused").click()
    reason = phone_page.locator(f"#reason-{people[1].pk}")
    expect(reason).to_be_visible()
    reason.fill("Ốm")
    reason.press("Tab")
    expect(phone_page.locator(f"#row-{people[1].pk} .saved")).to_be_visible()

    phone_page.locator(f"#row-{people[2].pk} label.opt-unexcused").click()
    expect(phone_page.locator(f"#row-{people[2].pk} .saved")).to_be_visible()
    expect(phone_page.locator("#rollcall-summary")).to_contain_text("1/3")
    statuses = dict(Attendance.objects.filter(meeting=meeting).values_list("person_id", "status"))
    assert statuses == {people[0].pk: "present", people[1].pk: "excused", people[2].pk: "unexcused"}
    assert Attendance.objects.get(meeting=meeting, person=people[1]).reason == "Ốm"


def test_ward_quality_page_draws_its_chart(page: Page, cast, logged_in, axe_check) -> None:
    _meeting(cast)
    logged_in(page, cast.ward_secretary)
    page.goto(f"/sinh-hoat/chat-luong/{cast.ward1.pk}/")
    expect(page.locator("canvas[data-chart]")).to_be_visible()
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length === 1")
    expect(page.get_by_role("link", name="Chi bộ Khu phố 1")).to_be_visible()
    axe_check(page)


