"""The page frame (top bar, navigation, language switch) on desktop and phone."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def test_home_page_passes_axe(page: Page, cast, logged_in, axe_check) -> None:
    logged_in(page, cast.clerk)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe_check(page)


def test_home_at_phone_width_does_not_scroll_sideways_and_the_menu_opens(
    phone_page: Page, cast, logged_in, no_horizontal_scroll
) -> None:
    page = phone_page
    logged_in(page, cast.ward_secretary)
    no_horizontal_scroll(page)

    toggle = page.locator("button[aria-controls=sidenav]")
    nav = page.locator("#sidenav")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()

    toggle.tap()

    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link").first).to_be_visible()
    no_horizontal_scroll(page)


def test_switching_language_to_english_changes_the_ui_text(page: Page, cast, logged_in) -> None:
    logged_in(page, cast.clerk)
    html = page.locator("html")
    nav = page.locator("#sidenav")
    expect(html).to_have_attribute("lang", "vi")
    vietnamese = nav.inner_text()

    with page.expect_navigation():
        page.locator("form.lang-switch button[name=language][value=en]").click()

    expect(html).to_have_attribute("lang", "en")
    expect(nav).to_contain_text("Overview")
    expect(page.locator("header")).to_contain_text("Log out")
    assert nav.inner_text() != vietnamese, "the navigation reads the same in both languages"
    # …and back: the switch now offers Vietnamese.
    with page.expect_navigation():
        page.locator("form.lang-switch button[name=language][value=vi]").click()
    expect(html).to_have_attribute("lang", "vi")
    assert nav.inner_text() == vietnamese
