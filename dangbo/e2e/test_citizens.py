"""Citizens' cases as people click them: the ward receives a case on a phone, and the
petitioner follows it by code on a phone without logging in."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from dangbo.citizens import services
from dangbo.citizens.models import Case


def test_receive_a_case_on_a_phone(phone_page: Page, cast, logged_in, axe_check, no_horizontal_scroll) -> None:
    page = logged_in(phone_page, cast.ward_secretary)
    page.goto("/cong-dan/moi/")
    axe_check(page)
    no_horizontal_scroll(page)
    page.get_by_label("Nội dung").fill("")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".field-invalid").first).to_be_visible()
    box = page.get_by_role("combobox", name="Đơn vị xử lý")
    box.press_sequentially("phuong 1", delay=20)
    page.get_by_role("listbox", name="Các đơn vị tìm được").get_by_role("option").filter(has_text=cast.ward1.name).first.click()
    expect(page.locator("input[name=unit][data-picker-value]")).to_have_value(str(cast.ward1.pk))
    page.get_by_label("Loại").select_option("kien_nghi")
    page.get_by_label("Ngày tiếp nhận").fill("2026-04-24")
    page.get_by_label("Nội dung").fill("Đề nghị sửa mương thoát nước khu phố 2.")
    page.get_by_label("Họ tên người gửi").fill("Trần Thị Bé")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("status")).to_contain_text("Mã tra cứu")
    case = Case.objects.get()
    expect(page.get_by_role("main")).to_contain_text("13/05/2026")
    expect(page.get_by_role("main")).to_contain_text(case.code_display)


def test_follow_a_case_by_code_on_a_phone(phone_page: Page, cast, axe_check, no_horizontal_scroll) -> None:
    case = services.case_create(
        actor=None, unit=cast.ward1, kind="to_cao", channel="letter", received_on=dt.date(2026, 4, 24),
        content="Tố cáo nội dung mật", petitioners=[{"name": "Người Tố Cáo Bí Mật"}],
    )
    services.case_acknowledge(actor=None, case=case, outcome="accepted", on=dt.date(2026, 5, 4))
    page = phone_page
    page.goto("/cong-dan/tra-cuu/")
    axe_check(page)
    page.get_by_label("Mã vụ việc").fill("ZZZZZ-ZZZZZ")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("alert")).to_contain_text("Không có vụ việc nào mang mã này")
    page.get_by_label("Mã vụ việc").fill(case.code_display.lower())
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("main")).to_contain_text("Đã thông báo tiếp nhận")
    expect(page.get_by_role("main")).to_contain_text("04/05/2026")
    expect(page.get_by_role("main")).not_to_contain_text("Người Tố Cáo")
    expect(page.get_by_role("main")).not_to_contain_text("nội dung mật")
    axe_check(page)
    no_horizontal_scroll(page)


def test_reception_days_and_response_times_on_a_phone(phone_page: Page, cast, logged_in, axe_check, no_horizontal_scroll) -> None:
    from dangbo.orgs.models import Person

    head = Person.objects.get(user=cast.ward_secretary)
    services.reception_day_create(actor=None, unit=cast.ward1, host=head, date=dt.date(2026, 3, 5), status="planned")
    case = services.case_create(
        actor=None, unit=cast.ward1, kind="to_cao", channel="letter", received_on=dt.date(2026, 4, 24),
        content="Tố cáo", petitioners=[{"name": "Người Tố Cáo Bí Mật"}],
    )
    services.case_acknowledge(actor=None, case=case, outcome="accepted", on=dt.date(2026, 5, 4))
    page = logged_in(phone_page, cast.ward_secretary)
    page.goto("/cong-dan/tiep-dan/?month=2026-03")
    expect(page.get_by_role("main")).to_contain_text("Chưa đạt định mức")
    axe_check(page)
    no_horizontal_scroll(page)
    page.get_by_role("button", name="Đánh dấu đã tiếp").click()
    expect(page.get_by_role("main").locator("tbody").last).to_contain_text("Đã tổ chức")
    page.goto(f"/cong-dan/thoi-gian-tra-loi/?unit={cast.ward1.pk}&year=2026")
    expect(page.get_by_role("main")).to_contain_text("100%")
    axe_check(page)
    page.goto(f"/cong-dan/{case.pk}/")
    expect(page.get_by_role("main")).to_contain_text("Người Tố Cáo Bí Mật")
    axe_check(page)
    no_horizontal_scroll(page)
