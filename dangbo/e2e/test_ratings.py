"""Ratings as people click them: a cell secretary opens a member's 2025 rating, reads the gate
before picking a grade, corrects a figure with its reason and saves."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from dangbo.orgs.models import Person
from dangbo.people.ratings import services
from dangbo.people.ratings.models import Rating
from dangbo.people.ratings.tests.factories import task


def test_rate_a_member_with_a_gate_and_an_adjustment(make_page, cast, logged_in, axe_check) -> None:
    member = Person.objects.get(user=cast.member)
    task(cast, responsible=member, done_on=dt.date(2025, 6, 29))
    services.discipline_record(actor=None, person=member, date=dt.date(2025, 4, 1), form="khien_trach",
                               decision="3-QĐ/ĐU")
    rating = services.rating_open(actor=None, person=member, year=2025, level="cell")
    page: Page = make_page(locale="vi-VN")
    logged_in(page, cast.cell_secretary)
    page.goto(f"/danh-gia/{rating.pk}/")
    expect(page.get_by_role("main")).to_contain_text("Xuất sắc không thể: bị kỷ luật năm 2025")
    axe_check(page)
    page.get_by_label("Tiêu chí chung").fill("27")
    page.locator("#id_grade").select_option("tot")
    page.locator("#id_fig_tasks_exceeded").fill("1")
    page.locator("#id_why_tasks_exceeded").fill("Nhiệm vụ ghi trong sổ nghị quyết")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu đánh giá, xếp loại.")
    saved = Rating.objects.get(pk=rating.pk)
    assert saved.grade == "tot" and saved.adjusted["tasks_exceeded"]["value"] == 1


def test_rate_a_ward_leader_from_the_campaigns_leaders_section(make_page, cast, logged_in, axe_check) -> None:
    task(cast, unit=cast.cell1, done_on=dt.date(2025, 7, 20))  # a late task in the ward's tree
    campaign = services.campaign_open(actor=None, unit=cast.city, year=2025)
    services.campaign_prefill(campaign_id=campaign.pk)
    page: Page = make_page(locale="vi-VN")
    logged_in(page, cast.clerk)
    page.goto(f"/danh-gia/dot/{campaign.pk}/")
    leaders = page.locator("#leaders")
    expect(leaders).to_contain_text("Cán bộ lãnh đạo, quản lý")
    axe_check(page)
    row = leaders.get_by_role("row").filter(has_text="Trần Văn Phú")
    row.get_by_role("link", name="chưa đánh giá").last.click()
    expect(page.get_by_role("main")).to_contain_text(
        "Tốt không thể: đơn vị lãnh đạo, quản lý chưa hoàn thành 100% nhiệm vụ đúng hạn")
    axe_check(page)
    page.get_by_label("Tiêu chí chung").fill("26")
    page.locator("#id_grade").select_option("hoan_thanh")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu đánh giá, xếp loại.")
    saved = Rating.objects.get(person__user=cast.ward_secretary, capacity="leader", level="city")
    assert saved.grade == "hoan_thanh" and saved.rater_unit == cast.city
