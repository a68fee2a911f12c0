"""The reports section as a ward secretary clicks it: the ward's page, the term review drafted
from data, a sentence reworded with its figures kept, the figures refreshed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from playwright.sync_api import Page, expect

from dangbo.orgs import services as orgs
from dangbo.plans import services as plans


def test_draft_and_reword_the_term_review(page: Page, cast, logged_in, axe_check, no_horizontal_scroll) -> None:
    term = orgs.term_create(actor=None, unit=cast.ward1, code="2020-2025", start=dt.date(2020, 6, 1),
                            end=dt.date(2025, 6, 30))
    ind = plans.indicator_create(actor=None, unit=cast.ward1, term=term, code="chi-bo-tot",
                                 name="Tỷ lệ chi bộ đạt loại Tốt", measure="%", direction="higher")
    plans.target_set(actor=None, indicator=ind, unit=cast.ward1, year=None, value=Decimal(80))
    plans.actual_record(actor=None, indicator=ind, unit=cast.ward1, year=2021, value=Decimal(70))
    page = logged_in(page, cast.ward_secretary)
    page.goto("/bao-cao/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đảng bộ Phường 1")
    axe_check(page)
    page.get_by_role("button", name="Lập dự thảo báo cáo tổng kết từ dữ liệu").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("đạt 70 % (mục tiêu 80 %): không đạt mục tiêu.")
    expect(main.get_by_role("link", name="70 %")).to_have_attribute("href", ind.get_absolute_url())
    axe_check(page)
    page.get_by_role("link", name="Sửa câu chữ").first.click()
    page.get_by_label("Câu chữ").fill("Tỷ lệ chi bộ Tốt mới đạt {actual}, chưa đạt mục tiêu {target}.")
    page.get_by_role("button", name="Lưu câu chữ").click()
    expect(main).to_contain_text("Tỷ lệ chi bộ Tốt mới đạt 70 %, chưa đạt mục tiêu 80 %.")
    plans.actual_record(actor=None, indicator=ind, unit=cast.ward1, year=2022, value=Decimal(76))
    page.get_by_role("button", name="Làm mới số liệu").click()
    expect(main).to_contain_text("Tỷ lệ chi bộ Tốt mới đạt 73 %, chưa đạt mục tiêu 80 %.")
    expect(main).to_contain_text("Phiên bản 3")
    axe_check(page)
    no_horizontal_scroll(page)
