"""The bell and the notifications page as people use them, on a desktop and on a phone."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from dangbo.core import notifications


def _notify(user, n: int) -> None:
    for i in range(1, n + 1):
        notifications.notify(
            user, verb="task.assigned", title=f"Nhiệm vụ số {i}", url="/to-chuc/",
            body="Hạn 30/11/2026", level="urgent" if i == 1 else "info",
        )


def test_bell_menu_then_page_mark_read_and_all_read(page: Page, cast, logged_in, axe_check) -> None:
    _notify(cast.clerk, 3)
    logged_in(page, cast.clerk)
    bell = page.locator("[data-bell]")
    expect(bell).to_have_accessible_name(re.compile(r"\b3\b"))
    expect(bell.locator(".bell-count")).to_have_text("3")
    axe_check(page)

    # On a wide screen the bell opens the latest unread ones under it.
    expect(bell).to_have_attribute("aria-expanded", "false")
    bell.click()
    menu = page.locator("#bell-menu")
    expect(menu).to_be_visible()
    expect(bell).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name=re.compile("Nhiệm vụ số"))).to_have_count(3)
    axe_check(page)
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(bell).to_be_focused()

    bell.click()
    menu.locator("a[href='/thong-bao/']").click()
    expect(page).to_have_url(re.compile(r"/thong-bao/$"))
    rows = page.locator("tr.notification")
    expect(rows).to_have_count(3)
    axe_check(page)

    # Mark one read: the row and the bell change in place (htmx).
    second = rows.filter(has_text="Nhiệm vụ số 2")
    second.locator("button").click()
    expect(page.locator("tr.notification.is-unread")).to_have_count(2)
    expect(second.locator("[id$='-state']")).to_be_focused()  # focus stays on the row
    expect(bell.locator(".bell-count")).to_have_text("2")
    expect(page.locator("[data-bell]")).to_have_accessible_name(re.compile(r"\b2\b"))

    # Mark all read: the page reloads, the badge is gone.
    page.locator("main form[action$='/da-doc-het/'] button").click()
    expect(page.locator("tr.notification.is-unread")).to_have_count(0)
    expect(page.locator("[data-bell] .bell-count")).to_have_count(0)
    expect(page.locator("[data-bell]")).to_have_accessible_name(re.compile(r"\b0\b"))
    expect(page.get_by_role("status")).to_be_visible()
    axe_check(page)


def test_on_a_phone_the_bell_leads_to_the_page(
    phone_page: Page, cast, logged_in, axe_check, no_horizontal_scroll
) -> None:
    page = phone_page
    _notify(cast.member, 2)
    logged_in(page, cast.member)
    bell = page.locator("[data-bell]")
    expect(bell).to_be_visible()
    expect(bell.locator(".bell-count")).to_have_text("2")
    no_horizontal_scroll(page)
    bell.tap()
    expect(page).to_have_url(re.compile(r"/thong-bao/$"))
    expect(page.locator("tr.notification")).to_have_count(2)
    no_horizontal_scroll(page)
    axe_check(page)

    # Following a notification marks it read and leads to its page.
    page.get_by_role("link", name="Nhiệm vụ số 2").tap()
    expect(page).to_have_url(re.compile(r"/to-chuc/$"))
    expect(page.locator("[data-bell] .bell-count")).to_have_text("1")

    # The e-mail preference, on the same page.
    page.goto("/thong-bao/#cai-dat")
    checkbox = page.locator("input[name=email_digest]")
    expect(checkbox).to_be_checked()
    checkbox.uncheck()
    page.locator("#cai-dat button[type=submit]").tap()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator("input[name=email_digest]")).not_to_be_checked()
    no_horizontal_scroll(page)
