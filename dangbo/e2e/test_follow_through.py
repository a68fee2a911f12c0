"""Issue 11's follow-through as a ward secretary clicks it: a report on a cascaded task, the
evidence files, the implementation timeline, a document's tasks, a meeting decision."""

from __future__ import annotations

import datetime as dt
import os

from django.utils import timezone
from playwright.sync_api import Page, expect

from dangbo.assignments import services
from dangbo.assignments.models import Task

#: Set DANGBO_E2E_SHOTS to a folder to keep a screenshot of each walked page.
SHOTS = os.environ.get("DANGBO_E2E_SHOTS")


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _cascaded(cast) -> Task:
    today = timezone.localdate()
    parent = services.task_assign(
        actor=None, title="Kiện toàn tổ chức cơ sở đảng", unit=cast.ward1, assigning_unit=cast.city,
        start=today - dt.timedelta(days=30), deadline=today + dt.timedelta(days=60),
    )
    for title in ("Chi bộ rà soát đảng viên", "Chi bộ kiện toàn chi ủy"):
        services.subtask_create(actor=None, parent=parent, unit=cast.cell1, title=title,
                                deadline=today + dt.timedelta(days=30))
    return parent


def test_a_report_on_a_cascaded_task_is_kept_and_explained(page: Page, cast, logged_in, axe_check, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    parent = _cascaded(cast)
    logged_in(page, cast.ward_secretary)
    page.goto(f"/nhiem-vu/{parent.pk}/")
    note = page.locator("#rolled-up-note")
    expect(note).to_contain_text("tổng hợp từ 2 nhiệm vụ con")
    expect(page.get_by_label("Tiến độ (%)")).to_have_count(0)
    page.get_by_label("Nội dung báo cáo").fill("Đã họp chi ủy, phân công từng chi bộ")
    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.get_by_label("Tệp minh chứng").set_input_files(str(evidence))
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_role("status")).to_be_visible()
    reports = page.locator("ul.history").first
    expect(reports).to_contain_text("Đã họp chi ủy, phân công từng chi bộ")
    expect(reports).to_contain_text("tiến độ tổng hợp từ các nhiệm vụ con")
    expect(reports).to_contain_text("bien-ban.pdf")
    axe_check(page)
    _shot(page, "1-parent-report")
    with page.expect_download() as download:
        reports.get_by_role("link", name="bien-ban.pdf").click()
    assert download.value.suggested_filename == "bien-ban.pdf"
    assert open(download.value.path(), "rb").read() == b"%PDF-1.4\n%%EOF\n"


def test_a_refused_evidence_file_is_told_beside_the_field(page: Page, cast, logged_in, axe_check, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    parent = _cascaded(cast)
    leaf = parent.children.get(title="Chi bộ rà soát đảng viên")
    logged_in(page, cast.cell_secretary)
    page.goto(f"/nhiem-vu/{leaf.pk}/")
    page.get_by_label("Tiến độ (%)").fill("40")
    fake = tmp_path / "bien-ban.pdf"
    fake.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00PE executable")
    page.get_by_label("Tệp minh chứng").set_input_files(str(fake))
    page.get_by_role("button", name="Gửi báo cáo").click()
    field = page.locator(".field-invalid")
    expect(field).to_have_count(1)
    expect(field).to_contain_text("bien-ban.pdf")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Tệp minh chứng")).to_have_attribute("aria-invalid", "true")
    axe_check(page)
    _shot(page, "3-refused-upload")


def test_the_timeline_draws_a_bar_for_each_task(page: Page, cast, logged_in, axe_check) -> None:
    from dangbo.documents import services as documents
    from dangbo.documents.models import DocumentType

    today = timezone.localdate()
    document = documents.document_register(
        actor=None, unit=cast.city, type=DocumentType.objects.get(abbr="KH"), number="12",
        date=today - dt.timedelta(days=400), title="Kế hoạch thực hiện Nghị quyết", issuer_abbr="TU",
        issuing_unit=cast.city,
    )
    for days, length in ((400, 183), (363, 700), (100, 91)):
        services.task_assign(actor=None, title=f"Triển khai giai đoạn {days}", unit=cast.ward1, assigning_unit=cast.city,
                             start=today - dt.timedelta(days=days), deadline=today - dt.timedelta(days=days - length),
                             document=document)
    logged_in(page, cast.clerk)
    page.goto(f"/nhiem-vu/van-ban/{document.pk}/")
    bars = page.locator(".gantt-bar")
    expect(bars).to_have_count(3)
    track = page.locator(".gantt-row:not(.gantt-head) .gantt-track").first.bounding_box()
    for i in range(3):
        box = bars.nth(i).bounding_box()
        assert box and track and 10 < box["width"] < track["width"], box  # drawn, and not full width
    expect(page.locator(".gantt-today").first).to_be_attached()
    axe_check(page)
    _shot(page, "6-timeline")


def test_a_document_leads_to_its_tasks_and_to_assigning_one(page: Page, cast, logged_in, axe_check) -> None:
    from dangbo.documents import services as documents
    from dangbo.documents.models import DocumentType

    today = timezone.localdate()
    document = documents.document_register(
        actor=None, unit=cast.city, type=DocumentType.objects.get(abbr="KH"), number="15",
        date=today - dt.timedelta(days=40), title="Kế hoạch chuyển đổi số", issuer_abbr="TU", issuing_unit=cast.city,
    )
    services.task_assign(actor=None, title="Số hóa hồ sơ đảng viên", unit=cast.ward1, assigning_unit=cast.city,
                         start=today - dt.timedelta(days=30), deadline=today + dt.timedelta(days=30), document=document)
    logged_in(page, cast.ward_secretary)
    page.goto(f"/van-ban/{document.pk}/")
    expect(page.get_by_role("heading", name="Tình hình thực hiện")).to_be_visible()
    expect(page.locator(".task-summary")).to_contain_text("1 nhiệm vụ")
    axe_check(page)
    _shot(page, "5-document")
    page.locator(".page-head").get_by_role("link", name="Nhiệm vụ và tiến độ").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("15-KH/TU")
    expect(page.locator(".gantt-bar")).to_have_count(1)
    page.go_back()
    page.locator(".page-head").get_by_role("link", name="Giao nhiệm vụ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Giao nhiệm vụ")
    expect(page.locator("#id_document")).to_have_value(document.symbol)


def test_a_meeting_decision_becomes_a_task_in_one_click(page: Page, cast, logged_in, axe_check) -> None:
    from dangbo.meetings import services as meetings
    from dangbo.meetings.models import MeetingKind

    today = timezone.localdate()
    meeting = meetings.meeting_create(actor=None, unit=cast.cell1, kind=MeetingKind.REGULAR,
                                      date=today - dt.timedelta(days=2), title="Sinh hoạt thường kỳ")
    meetings.decision_create(actor=None, meeting=meeting, text="Vận động đảng viên đóng đảng phí đầy đủ",
                             deadline=today + dt.timedelta(days=30))
    meetings.decision_create(actor=None, meeting=meeting, text="Thăm hỏi gia đình chính sách")
    logged_in(page, cast.cell_secretary)
    page.goto(f"/sinh-hoat/{meeting.pk}/")
    rows = page.locator("table.responsive tbody tr").filter(has_text="đảng phí")
    rows.get_by_role("button", name="Giao thành nhiệm vụ").click()
    expect(page.get_by_role("status")).to_contain_text("Quyết định đã được giao thành nhiệm vụ")
    row = page.locator("table.responsive tbody tr").filter(has_text="đảng phí")
    expect(row.get_by_role("link", name="Vận động đảng viên đóng đảng phí đầy đủ")).to_be_visible()
    expect(row).to_contain_text("Đã hoàn thành 0%")
    other = page.locator("table.responsive tbody tr").filter(has_text="chính sách")
    other.get_by_label("Thời hạn").fill((today + dt.timedelta(days=20)).isoformat())
    other.get_by_role("button", name="Giao thành nhiệm vụ").click()
    expect(page.locator("table.responsive tbody tr").filter(has_text="chính sách").get_by_role("link")).to_be_visible()
    axe_check(page)
    _shot(page, "7-decisions")
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vận động đảng viên đóng đảng phí đầy đủ")
    expect(page.locator(".facts").first).to_contain_text("Quyết định tại buổi họp")
    _shot(page, "7-task")


def test_the_assignment_screen_picks_units_from_a_tree(page: Page, cast, logged_in, axe_check) -> None:
    logged_in(page, cast.clerk)
    page.goto("/nhiem-vu/giao/")
    expect(page.locator(".subnav ul")).to_have_css("display", "flex")  # the tab bar's stylesheet is loaded
    tree = page.locator("[data-unit-tree]")
    ward = tree.locator(".unit-tree-list > li").filter(has_text=cast.ward1.name)
    expect(ward.locator("details")).not_to_have_attribute("open", "")
    expect(tree.get_by_label(cast.cell1.name, exact=False)).to_be_hidden()  # folded
    axe_check(page)
    # Type to filter: only the ward holding the cell stays, unfolded.
    tree.get_by_label("Tìm đơn vị").fill("khu pho 1")
    expect(tree.locator(".unit-tree-list > li:visible")).to_have_count(1)
    expect(tree.get_by_label(cast.cell1.name, exact=False)).to_be_visible()
    tree.get_by_label("Tìm đơn vị").fill("")
    # "All units below" the ward, by keyboard.
    ward.locator("summary").focus()
    page.keyboard.press("Enter")
    ward.get_by_role("button", name=f"Tất cả đơn vị trực thuộc {cast.ward1.name}").focus()
    page.keyboard.press("Enter")
    expect(tree.get_by_label(cast.cell1.name, exact=False)).to_be_checked()
    expect(tree.locator("[data-unit-count]")).to_have_text("Đã chọn 1 đơn vị")
    tree.get_by_role("button", name="Tất cả phường").click()
    expect(tree.get_by_label(cast.ward_dl.name, exact=True)).to_be_checked()
    tree.get_by_role("button", name="Bỏ chọn tất cả").click()
    # Clicking the caption ticks nothing; sending with no unit tells it at the top and beside the field.
    page.locator("legend", has_text="Đơn vị chủ trì").click()
    expect(tree.locator("input:checked")).to_have_count(0)
    page.get_by_label("Tiêu đề").fill("Tổ chức đối thoại với Nhân dân")
    page.get_by_label("Thời hạn").fill((timezone.localdate() + dt.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Giao", exact=True).click()
    summary = page.locator(".form-errors")
    expect(summary.get_by_role("link", name="Đơn vị chủ trì")).to_be_visible()
    expect(page.locator("fieldset.field-invalid .error")).to_be_visible()
    axe_check(page)
    _shot(page, "4-assign-error")
    summary.get_by_role("link", name="Đơn vị chủ trì").click()
    ward.locator("summary").click()
    ward.get_by_label(cast.cell1.name, exact=False).check()
    ward.get_by_label(cast.ward1.name, exact=True).check()
    page.get_by_role("button", name="Giao", exact=True).click()
    expect(page.locator(".messages[role=status]")).to_contain_text("2")
    assert Task.objects.filter(title="Tổ chức đối thoại với Nhân dân").count() == 2


def test_cascading_picks_the_responsible_person_with_the_picker(page: Page, cast, logged_in, axe_check) -> None:
    parent = _cascaded(cast)
    logged_in(page, cast.ward_secretary)
    page.goto(f"/nhiem-vu/{parent.pk}/cu-the-hoa/")
    page.get_by_role("group", name="Đơn vị chủ trì").locator("summary").click()
    page.get_by_label(cast.cell1.name, exact=False).check()
    box = page.get_by_role("combobox", name="Người chịu trách nhiệm")
    box.fill("pham thi")
    page.get_by_role("listbox").get_by_role("option").filter(has_text="Phạm Thị Hoa").first.click()
    axe_check(page)
    page.get_by_role("button", name="Giao nhiệm vụ con").click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator(".facts").first).to_contain_text("Phạm Thị Hoa")
    _shot(page, "4-cascade-picker")
