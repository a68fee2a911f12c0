"""The document register in a real browser: register a document and find it in the list."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from dangbo.documents.models import DocumentType


def test_register_a_document_and_see_it_in_the_register(page: Page, cast, logged_in, axe_check) -> None:
    logged_in(page, cast.ward_secretary)
    page.goto("/van-ban/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe_check(page)

    page.locator("a[href='/van-ban/moi/']").first.click()
    form = page.locator("form[enctype='multipart/form-data']")
    form.locator("[name=unit]").select_option(str(cast.ward1.pk))
    form.locator("[name=type]").select_option(str(DocumentType.objects.get(abbr="KH").pk))
    form.locator("[name=number]").fill("7")
    form.locator("[name=issuing_unit]").select_option(str(cast.ward1.pk))
    form.locator("[name=issuer_abbr]").fill("ĐU")
    form.locator("[name=date]").fill("2020-06-01")
    form.locator("[name=title]").fill("Kế hoạch phát triển đảng viên trên địa bàn dân cư")
    form.locator("[name=summary]").fill("Thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị.")
    axe_check(page)
    with page.expect_navigation():
        form.locator("[type=submit]").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("07-KH/ĐU")
    # the unregistered directive is offered for registration
    expect(page.locator("a[href^='/van-ban/moi/?']")).to_have_count(1)
    axe_check(page)
    page.locator("a[href$='/chuoi/']").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("07-KH/ĐU")
    axe_check(page)

    page.goto("/van-ban/")
    expect(page.get_by_role("link", name="07-KH/ĐU")).to_be_visible()
    page.locator("#doc-q").fill("phat trien dang vien")
    with page.expect_navigation():
        page.locator("form.filters [type=submit]").click()
    expect(page.get_by_role("link", name="07-KH/ĐU")).to_be_visible()
    axe_check(page)


def test_form_errors_are_shown_and_accessible(page: Page, cast, logged_in, axe_check) -> None:
    logged_in(page, cast.clerk)
    page.goto("/van-ban/moi/")
    with page.expect_navigation():
        page.locator("form[enctype='multipart/form-data'] [type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe_check(page)
