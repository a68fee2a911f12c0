"""The organisation pages as people click them: the tree, a unit, a rename, a bad move."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from dangbo.orgs.models import Unit


def test_tree_opens_a_branch_and_leads_to_a_unit(page: Page, cast, logged_in, axe_check) -> None:
    logged_in(page, cast.clerk)
    page.goto("/to-chuc/")
    axe_check(page)
    page.get_by_role("button", name="Đảng bộ Phường 1", exact=False).first.click()
    cell_link = page.get_by_role("link", name="Chi bộ Khu phố 1", exact=True)
    expect(cell_link).to_be_visible()  # loaded on opening, by htmx
    cell_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chi bộ Khu phố 1")
    axe_check(page)


def test_outsider_sees_only_their_ward(page: Page, cast, logged_in) -> None:
    logged_in(page, cast.outsider)
    page.goto("/to-chuc/")
    expect(page.get_by_role("main")).to_contain_text("Đảng bộ phường Đông Lương")
    expect(page.get_by_role("main")).not_to_contain_text("Phường 1")
    response = page.goto(f"/to-chuc/don-vi/{cast.ward1.pk}/")
    assert response is not None and response.status == 404


def test_rename_with_an_error_then_success(page: Page, cast, logged_in, axe_check) -> None:
    logged_in(page, cast.ward_secretary)
    page.goto(f"/to-chuc/don-vi/{cast.cell1.pk}/")
    page.get_by_role("link", name="Đổi tên").click()
    page.locator("#id_code").fill("t-dl-kp3")  # another unit's code
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".field-invalid")).to_contain_text("Mã “t-dl-kp3” đã được dùng cho Chi bộ Khu phố 3 Đông Lương.")
    axe_check(page)
    page.locator("#id_code").fill("t-p1-kp1")
    page.locator("#id_name").fill("Chi bộ Khu phố 1 (mới)")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chi bộ Khu phố 1 (mới)")
    expect(page.get_by_role("status")).to_be_visible()
    assert Unit.objects.get(pk=cast.cell1.pk).name == "Chi bộ Khu phố 1 (mới)"


def test_unit_and_members_pages_on_a_phone(phone_page: Page, cast, logged_in, axe_check, no_horizontal_scroll) -> None:
    page = phone_page
    logged_in(page, cast.cell_secretary)
    page.goto(f"/to-chuc/don-vi/{cast.cell1.pk}/")
    no_horizontal_scroll(page)
    axe_check(page)
    page.get_by_role("link", name="Đảng viên").first.click()
    expect(page.get_by_role("main")).to_contain_text("Hoàng Văn Minh")
    no_horizontal_scroll(page)
    axe_check(page)


def test_people_search_without_accents(page: Page, cast, logged_in, axe_check) -> None:
    logged_in(page, cast.clerk)
    page.goto("/to-chuc/nguoi/")
    search = page.locator("#person-q")
    search.fill("hoang van minh")
    search.press("Enter")
    expect(page.get_by_role("link", name="Hoàng Văn Minh")).to_be_visible()
    axe_check(page)
