"""Logging in through the real form, in a real browser."""

from __future__ import annotations

from urllib.parse import urlparse

from playwright.sync_api import Page, expect


def test_login_lands_on_home_showing_the_users_name(page: Page, cast, logged_in) -> None:
    logged_in(page, cast.clerk)

    assert urlparse(page.url).path == "/"
    name = cast.clerk.person.full_name
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.locator("header")).to_contain_text(name)


def test_wrong_password_shows_an_error_and_stays_on_the_login_page(page: Page, cast) -> None:
    page.goto("/dang-nhap/")
    page.locator("input[name=username]").fill(cast.clerk.get_username())
    page.locator("input[name=password]").fill("not-the-password")
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()

    assert urlparse(page.url).path == "/dang-nhap/"
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("input[name=password]")).to_be_visible()
    expect(page.locator("input[name=username]")).to_have_value(cast.clerk.get_username())


def test_login_page_passes_axe(page: Page, axe_check) -> None:
    page.goto("/dang-nhap/")
    expect(page.locator("input[name=username]")).to_be_visible()
    axe_check(page)


def test_login_page_with_an_error_passes_axe(page: Page, cast, axe_check) -> None:
    page.goto("/dang-nhap/")
    page.locator("input[name=username]").fill(cast.member.get_username())
    page.locator("input[name=password]").fill("wrong")
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe_check(page)
