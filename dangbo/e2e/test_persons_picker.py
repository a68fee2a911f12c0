"""The persons picker (orgs.forms.PersonsPicker) as people use it on a phone: setting up a
working group, type, pick two members (one with the keyboard, one with a tap), remove one,
save and see the group with the member kept."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from dangbo.conftest import START, make_person
from dangbo.e2e.helpers import pick_two_and_remove_the_first
from dangbo.meetings.models import WorkingGroup
from dangbo.orgs import services


def test_pick_two_members_remove_one_and_save(
    phone_page: Page, cast, logged_in, axe_check, no_horizontal_scroll
) -> None:
    one, two, three = (make_person(f"Nguyễn Văn Mới {i}") for i in range(3))
    for person in (one, two, three):
        services.position_create(actor=None, person=person, unit=cast.cell1, title="Ủy viên", start=START)
    page = phone_page
    logged_in(page, cast.ward_secretary)
    page.goto("/sinh-hoat/to-cong-tac/")
    page.get_by_text("Thành lập tổ công tác").click()
    expect(page.locator("form option")).to_have_count(0)  # neither people nor units listed

    unit_box = page.get_by_role("combobox", name="Đơn vị thành lập")
    unit_box.press_sequentially("phuong 1", delay=20)
    page.locator("#id_unit_listbox").get_by_role("option").first.click()
    page.get_by_role("textbox", name="Tên", exact=True).fill("Tổ công tác 687")

    box = page.get_by_role("combobox", name="Thành viên")
    box.press_sequentially("nguyen van moi", delay=20)
    options = page.get_by_role("listbox", name="Những người tìm thấy").get_by_role("option")
    expect(options).to_have_count(3)
    expect(options.first).to_contain_text("sinh năm 1980")  # what tells namesakes apart
    box.fill("")

    def detail_shown(page: Page) -> None:
        chips = page.get_by_role("list", name="Những người đã chọn").get_by_role("listitem")
        expect(chips.nth(1)).to_contain_text("Chi bộ Khu phố 1")  # a chip says who it is

    pick_two_and_remove_the_first(
        page, box, found="Những người tìm thấy", chosen="Những người đã chọn", typed=("nguyen van moi", "moi 1", "moi 2"),
        names=(one.full_name, two.full_name), field="members", checks=(detail_shown, no_horizontal_scroll, axe_check),
    )

    followed = page.get_by_role("combobox", name="Phụ trách")
    followed.press_sequentially("khu pho 1", delay=20)
    page.locator("#id_followed_units_listbox").get_by_role("option").first.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổ công tác 687")
    expect(page.get_by_role("main")).to_contain_text(two.full_name)
    expect(page.get_by_role("main")).not_to_contain_text(one.full_name)
    group = WorkingGroup.objects.get()
    assert set(group.members.values_list("person_id", flat=True)) == {two.pk}
    assert group.unit == cast.ward1
