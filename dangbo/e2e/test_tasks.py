"""Tasks as people click them: report progress (a wrong value, then a right one), ask for
confirmation, the city confirms; the dashboard and a document's timeline on a phone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import Page, expect

from dangbo.assignments import services
from dangbo.assignments.models import Task


def _task(cast, **kw) -> Task:
    today = timezone.localdate()
    return services.task_assign(
        actor=None, title="Tổ chức đối thoại với Nhân dân khu phố 3", unit=cast.ward1,
        assigning_unit=cast.city, start=today - dt.timedelta(days=30),
        deadline=today + dt.timedelta(days=30), **kw,
    )


def test_report_then_confirm(make_page, cast, logged_in, axe_check) -> None:
    task = _task(cast)
    page: Page = make_page(locale="en-US")
    logged_in(page, cast.ward_secretary)
    page.goto(f"/nhiem-vu/{task.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(task.title)
    axe_check(page)
    page.get_by_label("Progress (%)").fill("120")
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator(".field-invalid")).to_contain_text("less than or equal to 100")
    page.get_by_label("Progress (%)").fill("100")
    page.get_by_label("Report").fill("Đã tổ chức đối thoại, 120 người dự")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Đã tổ chức đối thoại")
    page.get_by_role("button", name="Report completion for confirmation").click()
    expect(page.locator(".lead .badge").first).to_have_text("Awaiting confirmation")
    expect(page.get_by_role("button", name="Confirm completion")).to_have_count(0)  # not theirs to confirm

    page = make_page(locale="en-US")
    logged_in(page, cast.clerk)
    page.goto("/nhiem-vu/cua-toi/")
    page.get_by_role("link", name=task.title).first.click()
    page.get_by_role("button", name="Confirm completion").click()
    expect(page.locator(".lead .badge").first).to_have_text("Done")
    assert Task.objects.get(pk=task.pk).status == "done"


def test_pausing_asks_for_the_reason(make_page, cast, logged_in, axe_check) -> None:
    task = _task(cast)
    page: Page = make_page(locale="en-US")
    logged_in(page, cast.clerk)
    page.goto(f"/nhiem-vu/{task.pk}/")
    reason = page.get_by_label("Reason").first
    expect(reason).to_be_hidden()  # folded until asked for
    page.get_by_text("Pause…").click()
    axe_check(page)
    page.get_by_role("button", name="Pause", exact=True).click()
    assert Task.objects.get(pk=task.pk).status == task.status  # the browser wants the reason
    reason.fill("Chờ kinh phí năm sau")
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(page.locator(".lead .badge").first).to_have_text("Paused")
    expect(page.locator(".lead")).to_contain_text("Chờ kinh phí năm sau")


def test_dashboard_on_a_phone(make_page, cast, logged_in, axe_check, no_horizontal_scroll) -> None:
    _task(cast)
    page: Page = make_page(locale="en-US", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    logged_in(page, cast.clerk)
    page.goto("/nhiem-vu/tong-quan/")
    expect(page.get_by_role("heading", level=1)).to_have_text(cast.city.name)
    expect(page.get_by_role("main")).to_contain_text("Đảng bộ Phường 1")
    no_horizontal_scroll(page)
    axe_check(page)
    page.goto("/nhiem-vu/")
    no_horizontal_scroll(page)
    axe_check(page)
