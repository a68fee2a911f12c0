"""The task list's unit filter: a typed picker like the meeting list's (a province sees
thousands of units, so the page lists none of them); picking a unit reloads the rows and keeps
``?unit=`` in the address."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from dangbo.assignments import services


def test_pick_a_unit_by_typing_and_the_tasks_follow(make_page, cast, logged_in, axe_check) -> None:
    today = timezone.localdate()
    for unit, title in ((cast.cell1, "Chi bộ Khu phố 1 rà soát đảng viên"), (cast.cell_dl, "Đông Lương họp dân")):
        services.task_assign(actor=None, title=title, unit=unit, assigning_unit=cast.city,
                             start=today - dt.timedelta(days=10), deadline=today + dt.timedelta(days=30))
    page: Page = make_page(locale="en-US")
    logged_in(page, cast.clerk)
    page.goto("/nhiem-vu/")
    rows = page.locator("#task-results tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("form.filters option").filter(has_text="Khu phố")).to_have_count(0)

    box = page.get_by_role("combobox", name="Unit (and below)")
    box.press_sequentially("khu pho 1", delay=20)
    options = page.get_by_role("listbox", name="Units found").get_by_role("option")
    expect(options).to_have_count(1)
    axe_check(page)
    box.press("ArrowDown")
    box.press("Enter")

    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Chi bộ Khu phố 1 rà soát đảng viên")
    expect(page).to_have_url(re.compile(rf"/nhiem-vu/\?q=&unit={cast.cell1.pk}&"))

    page.get_by_role("combobox", name="Unit (and below)").fill("")
    expect(rows).to_have_count(2)
