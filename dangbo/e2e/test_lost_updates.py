"""Two people edit the same task in two browsers: the second, stale save is refused, says
who saved what, keeps what the second person typed, and a second click applies it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import Page, expect

from dangbo.assignments import services
from dangbo.assignments.models import Task


def test_a_stale_task_edit_in_a_second_browser_is_refused(make_page, cast, logged_in, axe_check) -> None:
    today = timezone.localdate()
    task = services.task_assign(
        actor=None, title="Rà soát đảng viên", unit=cast.cell1, assigning_unit=cast.ward1,
        start=today - dt.timedelta(days=10), deadline=today + dt.timedelta(days=60),
    )
    clerk: Page = make_page()
    secretary: Page = make_page()
    logged_in(clerk, cast.clerk)
    logged_in(secretary, cast.ward_secretary)
    for page in (clerk, secretary):
        page.goto(f"/nhiem-vu/{task.pk}/sua/")

    clerk.get_by_label("Tiêu đề").fill("Rà soát, phân loại đảng viên")
    clerk.get_by_role("button", name="Lưu").click()
    expect(clerk.get_by_role("heading", level=1)).to_have_text("Rà soát, phân loại đảng viên")

    secretary.get_by_label("Nội dung").fill("Báo cáo trước ngày 15.")
    secretary.get_by_role("button", name="Lưu").click()
    alert = secretary.get_by_role("alert")
    expect(alert).to_contain_text("Nguyễn Thị Vân đã lưu thay đổi sau khi bạn mở biểu mẫu này")
    expect(alert).to_contain_text("Tiêu đề: “Rà soát, phân loại đảng viên”")
    expect(secretary.get_by_label("Nội dung")).to_have_value("Báo cáo trước ngày 15.")
    axe_check(secretary)
    stored = Task.objects.get(pk=task.pk)
    assert (stored.title, stored.description) == ("Rà soát, phân loại đảng viên", "")

    secretary.get_by_role("button", name="Lưu").click()  # having read it: keep mine
    expect(secretary.get_by_role("heading", level=1)).to_have_text("Rà soát đảng viên")
    assert Task.objects.get(pk=task.pk).description == "Báo cáo trước ngày 15."
