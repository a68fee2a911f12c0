"""The units picker (orgs.forms.UnitsPicker) as people use it on a phone: type, pick two
units (one with the keyboard, one with a tap), remove one, save and see the result."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from dangbo.conftest import add_cells
from dangbo.e2e.helpers import pick_two_and_remove_the_first
from dangbo.orgs.models import Unit


def test_pick_two_units_remove_one_and_save(
    phone_page: Page, cast, logged_in, axe_check, no_horizontal_scroll
) -> None:
    add_cells(cast.ward1, 3)  # "Chi bộ Mới 0..2" beside Chi bộ Khu phố 1
    one, two, target = Unit.objects.filter(name__startswith="Chi bộ Mới").order_by("name")
    page = phone_page
    logged_in(page, cast.clerk)
    page.goto(f"/to-chuc/don-vi/{cast.cell1.pk}/hop-nhat/")
    expect(page.locator("option")).to_have_count(0)

    box = page.get_by_role("combobox", name="Sáp nhập cùng")
    box.press_sequentially("chi bo moi", delay=20)
    options = page.get_by_role("listbox", name="Các đơn vị tìm được").get_by_role("option")
    expect(options).to_have_count(3)
    expect(page.get_by_role("listbox")).not_to_contain_text("Đông Lương")
    box.fill("")
    pick_two_and_remove_the_first(
        page, box, found="Các đơn vị tìm được", chosen="Các đơn vị đã chọn", typed=("chi bo moi", "moi 1", "moi 2"),
        names=(one.label, two.label), field="others", checks=(no_horizontal_scroll, axe_check),
    )

    target_box = page.get_by_role("combobox", name="Sáp nhập vào")
    target_box.press_sequentially("moi 2", delay=20)
    page.locator("#id_target_listbox").get_by_role("option").first.click()
    page.get_by_label("Ngày hiệu lực").fill("01/07/2025")
    with page.expect_navigation():
        page.get_by_role("button", name="Sáp nhập", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(target.name)
    expect(page.get_by_role("main")).to_contain_text("Đã sáp nhập các đơn vị vào")
    ended = set(Unit.objects.filter(valid_to=dt.date(2025, 6, 30)).values_list("pk", flat=True))
    assert ended == {cast.cell1.pk, two.pk}
