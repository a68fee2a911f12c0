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


def test_reword_a_periodic_report_and_refresh_its_figures(page: Page, cast, logged_in, axe_check,
                                                          no_horizontal_scroll) -> None:
    from dangbo.people.admission import services as admission
    from dangbo.people.admission.models import Candidate
    from dangbo.reports import services

    def admit(name: str, day: dt.date) -> None:
        candidate = admission.candidate_create(actor=None, unit=cast.cell1, full_name=name, gender="f",
                                               birth_date=dt.date(1998, 1, 1), added_on=dt.date(2025, 9, 1))
        Candidate.objects.filter(pk=candidate.pk).update(decision_on=day)

    admit("Quần chúng A", dt.date(2026, 3, 2))
    report = services.periodic_draft(actor=None, unit=cast.ward1, period="month", start=dt.date(2026, 3, 1))
    page = logged_in(page, cast.ward_secretary)
    page.goto(report.get_absolute_url())
    main = page.get_by_role("main")
    sentence = page.locator("#s-periodicadmitted")
    expect(sentence).to_contain_text("Kết nạp 1 đảng viên.")
    sentence.get_by_role("link", name="Sửa câu chữ").click()
    page.get_by_label("Câu chữ").fill("Trong tháng, Đảng bộ kết nạp được {admitted}.")
    page.get_by_role("button", name="Lưu câu chữ").click()
    expect(main).to_contain_text("Trong tháng, Đảng bộ kết nạp được 1 đảng viên.")
    axe_check(page)
    admit("Quần chúng B", dt.date(2026, 3, 20))
    page.get_by_role("button", name="Làm mới số liệu").click()
    expect(main).to_contain_text("Trong tháng, Đảng bộ kết nạp được 2 đảng viên.")
    expect(main).to_contain_text("Phiên bản 3")
    expect(main.get_by_role("link", name="Tải DOCX")).to_be_visible()
    no_horizontal_scroll(page)
