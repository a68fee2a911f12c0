"""Party members on a phone: the roster, a member's record, a transfer out of the city."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from dangbo.people.members import services


def test_transfer_a_member_out_on_a_phone(phone_page: Page, cast, logged_in, axe_check, no_horizontal_scroll) -> None:
    person = services.member_create(
        actor=None, cell=cast.cell1, start=dt.date(2021, 3, 1), full_name="Lê Thị Hạnh", gender="f",
        citizen_id="045085001234", phone="0912345678",
    )
    page = logged_in(phone_page, cast.cell_secretary)
    page.goto("/dang-vien/")
    axe_check(page)
    no_horizontal_scroll(page)
    page.get_by_role("link", name="Lê Thị Hạnh").click()
    expect(page.get_by_role("main")).to_contain_text("045085001234")
    axe_check(page)
    no_horizontal_scroll(page)
    page.get_by_role("link", name="Chuyển sinh hoạt ra khỏi thành phố").click()
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".field-invalid").first).to_be_visible()
    page.get_by_label("Từ ngày").fill("2024-02-01")
    page.get_by_label("Đến tổ chức đảng").fill("Đảng bộ phường An Hòa, Huế")
    page.get_by_label("Số giấy giới thiệu").fill("15-GGT/ĐU")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("main")).to_contain_text("Đảng bộ phường An Hòa, Huế")
    with page.expect_download() as download:
        page.get_by_role("link", name="Giấy giới thiệu (DOCX)").click()
    assert download.value.suggested_filename.endswith(f"-{person.pk}.docx")
    axe_check(page)
