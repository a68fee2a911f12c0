"""The one search box, in a real browser: type, read the marked hits, open one."""

from __future__ import annotations

from urllib.parse import urlparse

from django.urls import reverse
from playwright.sync_api import Page, expect

from dangbo.core import search


def test_ward_secretary_searches_from_the_top_box_and_opens_a_hit(
    page: Page, cast, logged_in, axe_check
) -> None:
    search.rebuild()
    logged_in(page, cast.ward_secretary)
    box = page.get_by_role("searchbox").first
    box.fill("chi bo khu pho")
    with page.expect_navigation():
        box.press("Enter")

    assert urlparse(page.url).path == reverse("core:search")
    # Units are named with their parent ("… – Đảng bộ Phường 1"); the words typed are marked.
    link = page.locator(".search-hits").get_by_role("link", name="Chi bộ Khu phố 1 – Đảng bộ Phường 1", exact=True)
    expect(link.locator("mark").nth(0)).to_have_text("Chi")
    expect(link.locator("mark").nth(3)).to_have_text("phố")
    axe_check(page)

    with page.expect_navigation():
        link.click()
    assert urlparse(page.url).path == reverse("orgs:unit_detail", args=[cast.cell1.pk])


def test_outsider_finds_nothing_of_another_ward_and_gets_advice(
    page: Page, cast, logged_in, axe_check
) -> None:
    search.rebuild()
    logged_in(page, cast.outsider)
    page.goto(reverse("core:search") + "?q=tran+van+phu")
    expect(page.locator(".search-hits")).to_have_count(0)
    expect(page.locator(".empty")).to_be_visible()
    axe_check(page)


def test_search_page_fits_a_phone(phone_page: Page, cast, logged_in, no_horizontal_scroll) -> None:
    search.rebuild()
    logged_in(phone_page, cast.clerk)
    phone_page.goto(reverse("core:search") + "?q=dang+bo")
    expect(phone_page.locator(".search-hits > li").first).to_be_visible()
    no_horizontal_scroll(phone_page)
