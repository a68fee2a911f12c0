"""The task, inspection and program pages show their history (``includes/history.html``)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.assignments import services

D = dt.date
pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 10, 2, 30, tzinfo=dt.UTC)  # 09:30 in Hà Nội


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def page(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def history_of(body: str) -> str:
    """The history section of a page."""
    return body.split('<section class="history-section"', 1)[1].split("</section>", 1)[0]


# --- Task --------------------------------------------------------------------------------------


def test_the_task_page_shows_a_progress_report_and_a_status_change(cast, login, make_task):
    task = make_task()
    url = reverse("assignments:task_detail", args=[task.pk])
    services.report_submit(actor=cast.ward_secretary, task=task, percent=40, text="Đã họp chi bộ")
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        services.task_transition(actor=cast.ward_secretary, task=task, to="awaiting")
    history = history_of(page(login(cast.clerk), url))
    report = history.split('data-action="task.report"', 1)[1].split("</li>", 1)[0]
    assert "10/06/2026 09:30" in report and "Trần Văn Phú" in report
    assert "Progress reported" in report and "40%" in report and "Đã họp chi bộ" in report
    awaiting = history.split('data-action="task.awaiting"', 1)[1].split("</li>", 1)[0]
    assert "Sent for confirmation" in awaiting
    assert "<del>In progress</del> → <ins>Awaiting confirmation</ins>" in awaiting  # labels, not codes
    # Newest first: the status change, the report, the assignment by the system.
    assert history.index("task.awaiting") < history.index("task.report") < history.index("task.assign")
    assert "System" in history.split('data-action="task.assign"', 1)[1]


def test_everyone_who_sees_the_task_sees_its_history_and_the_outsider_gets_404(cast, login, make_task):
    task = make_task(unit=cast.cell1)
    services.report_submit(actor=cast.cell_secretary, task=task, percent=10)
    url = reverse("assignments:task_detail", args=[task.pk])
    assert "Progress reported" in history_of(page(login(cast.member), url))  # read-only member
    assert login(cast.outsider).get(url).status_code == 404


def test_the_task_page_runs_a_fixed_number_of_queries_whatever_its_history(cast, login, make_task):
    task = make_task()
    url = reverse("assignments:task_detail", args=[task.pk])
    client = login(cast.clerk)
    client.get(url)  # warm caches (content types, sessions)
    services.report_submit(actor=cast.ward_secretary, task=task, percent=5)
    with CaptureQueriesContext(connection) as few:
        page(client, url)
    actors = [cast.ward_secretary, cast.clerk, None]
    for n in range(30):
        services.report_submit(actor=actors[n % 3], task=task, percent=6 + n)
    with CaptureQueriesContext(connection) as many:
        body = page(client, url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "Show all (32)" in body  # folded after 10


# --- Inspection and program ---------------------------------------------------------------------


@pytest.fixture
def program(cast):
    return services.program_create(actor=cast.ward_secretary, unit=cast.ward1, year=2026, title="Chương trình kiểm tra 2026")


@pytest.fixture
def inspection(cast, program):
    return services.inspection_create(
        actor=cast.ward_secretary, program=program, kind="inspection", target_unit=cast.cell1,
        subject="Thực hiện Quy chế dân chủ", period_start=D(2026, 3, 1), period_end=D(2026, 3, 10),
    )


def test_the_inspection_page_shows_its_conclusion_and_corrections(cast, login, inspection):
    services.inspection_conclude(actor=cast.ward_secretary, inspection=inspection,
                                 findings="Chưa công khai các khoản đóng góp.", conclusion="Cơ bản thực hiện tốt.")
    services.inspection_update(
        actor=cast.clerk, inspection=inspection, kind="supervision", subject=inspection.subject,
        period_start=D(2026, 3, 1), period_end=D(2026, 3, 20), findings="Chưa công khai các khoản đóng góp.",
    )
    url = reverse("assignments:inspection_detail", args=[inspection.pk])
    history = history_of(page(login(cast.cell_secretary), url))  # the inspected cell reads it
    assert "Conclusion recorded" in history and "Cơ bản thực hiện tốt." in history
    corrected = history.split('data-action="inspection.update"', 1)[1].split("</li>", 1)[0]
    assert "Inspection corrected" in corrected and "Nguyễn Thị Vân" in corrected
    assert "<del>Inspection</del> → <ins>Supervision</ins>" in corrected
    assert "<del>10/03/2026</del> → <ins>20/03/2026</ins>" in corrected
    assert "Inspection added" in history
    assert login(cast.outsider).get(url).status_code == 404


def test_the_program_page_shows_its_corrections(cast, login, program):
    services.program_update(actor=cast.ward_secretary, program=program, title="Chương trình kiểm tra, giám sát 2026", year=2026)
    url = reverse("assignments:program_detail", args=[program.pk])
    history = history_of(page(login(cast.clerk), url))
    corrected = history.split('data-action="inspection_program.update"', 1)[1].split("</li>", 1)[0]
    assert "Program corrected" in corrected
    assert "<del>Chương trình kiểm tra 2026</del> → <ins>Chương trình kiểm tra, giám sát 2026</ins>" in corrected
    assert "Program created" in history
    assert login(cast.outsider).get(url).status_code == 404


@pytest.mark.parametrize("name", ["inspection_detail", "program_detail"])
def test_inspection_pages_run_a_fixed_number_of_queries_whatever_their_history(cast, login, program, inspection, name):
    obj = inspection if name == "inspection_detail" else program
    url = reverse(f"assignments:{name}", args=[obj.pk])
    client = login(cast.ward_secretary)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        page(client, url)
    for n in range(25):
        if name == "inspection_detail":
            services.inspection_update(
                actor=[cast.clerk, cast.ward_secretary, None][n % 3], inspection=inspection, kind="inspection",
                subject=f"Thực hiện Quy chế dân chủ ({n})", period_start=D(2026, 3, 1), period_end=D(2026, 3, 10),
            )
        else:
            services.program_update(actor=[cast.clerk, cast.ward_secretary, None][n % 3], program=program,
                                    title=f"Chương trình kiểm tra 2026 ({n})", year=2026)
    with CaptureQueriesContext(connection) as many:
        page(client, url)
    assert len(many.captured_queries) == len(few.captured_queries)
