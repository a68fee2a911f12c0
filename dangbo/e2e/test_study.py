"""Study sessions in a real browser: record one, then tick attendance on a phone."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from dangbo.conftest import START, make_person
from dangbo.documents import services
from dangbo.documents.models import DocumentType, Issuer, StudyAttendance, StudySession
from dangbo.orgs import services as org_services


def test_record_a_session_and_take_attendance_on_a_phone(
    page: Page, phone_page: Page, cast, logged_in, axe_check, no_horizontal_scroll
) -> None:
    for i in range(3):
        person = make_person(f"Đảng viên thử {i}")
        org_services.membership_create(actor=None, person=person, unit=cast.cell1, start=START)
    directive = services.document_register(
        actor=None, unit=cast.city, type=DocumentType.objects.get(abbr="NQ"), number="18",
        date=dt.date(2017, 10, 25), title="Một số vấn đề về tiếp tục đổi mới, sắp xếp tổ chức bộ máy",
        issuer=Issuer.objects.get(name="Ban Chấp hành Trung ương"),
    )

    logged_in(page, cast.ward_secretary)
    page.goto(directive.get_absolute_url())
    page.locator(f"a[href='/van-ban/hoc-tap/moi/?document={directive.pk}']").click()
    form = page.locator("form[enctype='multipart/form-data']")
    expect(form.locator("[name=documents]")).to_have_value("18-NQ/TW, 2017")
    form.locator("[name=unit_q]").press_sequentially("phuong 1", delay=20)
    form.locator("#id_unit_listbox").get_by_role("option").filter(has_text=cast.ward1.name).first.click()
    expect(form.locator("input[name=unit][data-picker-value]")).to_have_value(str(cast.ward1.pk))
    form.locator("[name=date]").fill("2021-03-01")
    form.locator("[name=place]").fill("Nhà văn hóa Khu phố 1")
    form.locator("[name=required_units_q]").press_sequentially("khu pho 1", delay=20)
    form.locator("#id_required_units_listbox").get_by_role("option").filter(has_text=cast.cell1.name).first.click()
    expect(form.locator(f"input[type=hidden][name=required_units][value='{cast.cell1.pk}']")).to_have_count(1)
    axe_check(page)
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    session = StudySession.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(session.title)
    axe_check(page)

    logged_in(phone_page, cast.cell_secretary)
    phone_page.goto(f"/van-ban/hoc-tap/{session.pk}/diem-danh/{cast.cell1.pk}/")
    boxes = phone_page.locator("input[name=present]")
    expect(boxes).to_have_count(4)  # three members and cast.member
    phone_page.get_by_label("Đảng viên thử 0").check()
    phone_page.get_by_label("Đảng viên thử 2").check()
    axe_check(phone_page)
    no_horizontal_scroll(phone_page)
    with phone_page.expect_navigation():
        phone_page.locator("form.card [type=submit]").click()
    expect(phone_page.locator("td").filter(has_text="50%")).to_have_count(1)
    assert StudyAttendance.objects.filter(session=session, attended=True).count() == 2

    page.goto(directive.get_absolute_url())
    expect(page.locator(".study-completion")).to_contain_text("50%")
    axe_check(page)
