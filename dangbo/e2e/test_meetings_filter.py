"""The meeting list's unit filter: a typed picker (the country has ~315,000 units, so the page
lists none of them); picking a unit reloads the rows and keeps ``?unit=`` in the address."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from dangbo.meetings import services
from dangbo.meetings.models import MeetingKind


def test_pick_a_unit_by_typing_and_the_rows_follow(make_page, cast, logged_in, axe_check) -> None:
    services.meeting_create(actor=None, unit=cast.cell1, kind=MeetingKind.REGULAR, date=dt.date(2025, 3, 3))
    services.meeting_create(actor=None, unit=cast.cell_dl, kind=MeetingKind.REGULAR, date=dt.date(2025, 3, 4))
    page: Page = make_page(locale="en-US")
    logged_in(page, cast.clerk)
    page.goto("/sinh-hoat/")
    rows = page.locator("#meeting-rows tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("form.filters option").filter(has_text="Khu phố")).to_have_count(0)

    box = page.get_by_role("combobox", name="Unit")
    box.press_sequentially("khu pho 1", delay=20)
    options = page.get_by_role("listbox", name="Units found").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Chi bộ Khu phố 1")
    axe_check(page)
    box.press("ArrowDown")
    box.press("Enter")

    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Chi bộ Khu phố 1")
    expect(page).to_have_url(re.compile(rf"/sinh-hoat/\?unit={cast.cell1.pk}&kind=&"))

    # The address opened again draws the filter with the unit chosen.
    page.reload()
    expect(page.get_by_role("combobox", name="Unit")).to_have_value(f"Chi bộ Khu phố 1 – {cast.ward1.name}")
    expect(rows).to_have_count(1)

    # Emptying the box shows every meeting again.
    page.get_by_role("combobox", name="Unit").fill("")
    expect(rows).to_have_count(2)
    expect(page).to_have_url(re.compile(r"/sinh-hoat/\?unit=&kind="))


def test_choose_a_month_from_the_list_on_a_phone(phone_page: Page, cast, logged_in, axe_check,
                                                 no_horizontal_scroll) -> None:
    """The month is a list of months by year ("Tháng 3/2025"), drawn alike in every browser
    (the native month box is "--------- ----" in Chromium); choosing one reloads the rows and
    keeps ``?month=YYYY-MM``, the form the home panel's link uses."""
    today = timezone.localdate()
    this_month, last_year = today.replace(day=3), today.replace(year=today.year - 1, day=4)
    for day in (this_month, last_year):
        services.meeting_create(actor=None, unit=cast.cell1, kind=MeetingKind.REGULAR, date=day)
    page = phone_page
    logged_in(page, cast.clerk)
    page.goto("/sinh-hoat/")
    rows = page.locator("#meeting-rows tbody tr")
    expect(rows).to_have_count(2)
    month = page.get_by_role("combobox", name="Tháng")
    expect(month).to_have_value("")
    expect(month.locator("option:checked")).to_have_text("Mọi tháng")
    expect(page.locator('input[type="month"]')).to_have_count(0)

    month.select_option(label=f"Tháng {last_year.month}/{last_year.year}")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"{last_year:%d/%m/%Y}")
    expect(page).to_have_url(re.compile(rf"[?&]month={last_year:%Y-%m}(&|$)"))
    axe_check(page)
    no_horizontal_scroll(page)

    # The home panel's link (?kind=regular&month=YYYY-MM) opens with its month chosen.
    page.goto(f"/sinh-hoat/?kind=regular&month={today:%Y-%m}")
    expect(page.get_by_role("combobox", name="Tháng").locator("option:checked")).to_have_text(
        f"Tháng {today.month}/{today.year}")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"{this_month:%d/%m/%Y}")
