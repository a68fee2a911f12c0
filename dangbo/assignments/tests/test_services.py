from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from dangbo.assignments import services
from dangbo.assignments.models import ProgressReport, Task
from dangbo.core.models import AuditEntry
from dangbo.documents import services as document_services
from dangbo.documents.models import DocumentRelation
from dangbo.orgs import services as org_services
from dangbo.orgs.models import UnitKind

D = dt.date
S = Task.Status
pytestmark = pytest.mark.django_db


def test_assign_keeps_paths_tree_and_audit(cast, make_task, make_document):
    document = make_document()
    task = make_task(source=document)
    assert task.unit_path == cast.ward1.path and task.assigning_path == cast.city.path
    assert task.root_id == task.pk and task.tree_path == f"/{task.pk}/" and task.depth == 1
    assert task.document == document and task.source_kind == Task.SourceKind.DOCUMENT
    assert task.source == document
    assert AuditEntry.objects.filter(action="task.assign", object_id=task.pk).exists()


def test_deadline_before_start_is_refused(cast, make_task):
    with pytest.raises(ValidationError) as error:
        make_task(start=D(2026, 5, 1), deadline=D(2026, 4, 1))
    assert "deadline" in error.value.message_dict
    assert "01/04/2026" in error.value.message_dict["deadline"][0]
    assert not Task.objects.exists()


def test_subtask_cannot_be_due_after_its_parent(cast, make_task):
    parent = make_task(deadline=D(2026, 6, 30))
    with pytest.raises(ValidationError) as error:
        services.subtask_create(actor=None, parent=parent, unit=cast.cell1, title="Chi bộ triển khai",
                                start=D(2026, 1, 1), deadline=D(2026, 7, 1))
    assert "30/06/2026" in error.value.message_dict["deadline"][0]
    child = services.subtask_create(actor=None, parent=parent, unit=cast.cell1, title="Chi bộ triển khai",
                                    start=D(2026, 1, 1), deadline=D(2026, 6, 30))
    assert child.root_id == parent.pk and child.depth == 2 and child.assigning_unit == cast.ward1
    assert child.tree_path == f"/{parent.pk}/{child.pk}/"


def test_subtask_goes_only_to_the_units_own_units(cast, make_task):
    parent = make_task()
    with pytest.raises(ValidationError) as error:
        services.subtask_create(actor=None, parent=parent, unit=cast.cell_dl, title="x", deadline=D(2026, 5, 1))
    assert "unit" in error.value.message_dict


def test_report_above_100_is_refused(cast, make_task):
    task = make_task()
    with pytest.raises(ValidationError) as error:
        services.report_submit(actor=cast.ward_secretary, task=task, percent=120)
    assert "percent" in error.value.message_dict
    assert not ProgressReport.objects.exists()


def test_parent_progress_is_the_average_or_weighted_average_of_children(cast, make_task):
    parent = make_task()
    a = services.subtask_create(actor=None, parent=parent, unit=cast.cell1, title="A", start=D(2026, 1, 1), deadline=D(2026, 6, 1))
    b = services.subtask_create(actor=None, parent=parent, unit=cast.cell1, title="B", start=D(2026, 1, 1), deadline=D(2026, 6, 1))
    services.report_submit(actor=None, task=a, percent=80)
    services.report_submit(actor=None, task=b, percent=20)
    parent.refresh_from_db()
    assert parent.progress == 50
    services.task_update(actor=None, task=a, title="A", start=a.start, deadline=a.deadline, weight=3)
    parent.refresh_from_db()
    assert parent.progress == 65  # (80*3 + 20*1) / 4
    grandchild = services.subtask_create(actor=None, parent=b, unit=cast.cell1, title="B1", start=D(2026, 1, 1), deadline=D(2026, 5, 1))
    services.report_submit(actor=None, task=grandchild, percent=100)
    parent.refresh_from_db()
    b.refresh_from_db()
    assert b.progress == 100 and parent.progress == 85  # rolled up two levels


def test_cancelled_children_leave_the_rollup(cast, make_task):
    parent = make_task()
    a = services.subtask_create(actor=None, parent=parent, unit=cast.cell1, title="A", deadline=D(2026, 6, 1), start=D(2026, 1, 1))
    b = services.subtask_create(actor=None, parent=parent, unit=cast.cell1, title="B", deadline=D(2026, 6, 1), start=D(2026, 1, 1))
    services.report_submit(actor=None, task=a, percent=60)
    services.task_transition(actor=cast.ward_secretary, task=b, to=S.CANCELLED, reason="Trùng nội dung")
    parent.refresh_from_db()
    assert parent.progress == 60


def test_latest_report_by_time_wins(cast, make_task):
    task = make_task()
    late = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    services.report_submit(actor=None, task=task, percent=40, reported_at=late)
    services.report_submit(actor=None, task=task, percent=30, reported_at=late - dt.timedelta(hours=1))
    task.refresh_from_db()
    assert task.progress == 40 and task.reports.count() == 2 and task.status == S.IN_PROGRESS


def test_completion_is_confirmed_by_the_assigning_unit_only(cast, make_task):
    task = make_task()
    services.task_transition(actor=cast.ward_secretary, task=task, to=S.IN_PROGRESS)
    services.task_transition(actor=cast.ward_secretary, task=task, to=S.AWAITING)
    with pytest.raises(PermissionDenied):
        services.task_transition(actor=cast.ward_secretary, task=task, to=S.DONE)
    with pytest.raises(Http404):  # the member's grant is on the cell: the ward's task is out of sight
        services.task_transition(actor=cast.member, task=task, to=S.DONE)
    task = services.task_transition(actor=cast.clerk, task=task, to=S.DONE, today=D(2026, 5, 5))
    assert task.status == S.DONE and task.progress == 100 and task.done_on == D(2026, 5, 5)


def test_pause_and_cancel_need_a_reason_and_bad_moves_are_refused(cast, make_task):
    task = make_task()
    with pytest.raises(ValidationError) as error:
        services.task_transition(actor=cast.clerk, task=task, to=S.PAUSED)
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.task_transition(actor=cast.clerk, task=task, to=S.DONE)  # not awaiting
    services.task_transition(actor=cast.clerk, task=task, to=S.PAUSED, reason="Chờ quy hoạch")
    task.refresh_from_db()
    assert task.status_reason == "Chờ quy hoạch"
    with pytest.raises(ValidationError):
        services.report_submit(actor=None, task=task, percent=10)


def test_open_subtasks_block_completion(cast, make_task):
    parent = make_task()
    services.subtask_create(actor=None, parent=parent, unit=cast.cell1, title="A", deadline=D(2026, 6, 1), start=D(2026, 1, 1))
    with pytest.raises(ValidationError):
        services.task_transition(actor=cast.ward_secretary, task=parent, to=S.AWAITING)


def test_bulk_assignment_creates_one_tracked_task_per_ward(cast):
    kind = UnitKind.objects.get(code="dang-bo-xa")
    wards = [cast.ward1, cast.ward_dl] + [
        org_services.unit_create(actor=None, parent=cast.city, kind=kind, name=f"Đảng bộ Phường {n}", code=f"t-p{n}")
        for n in range(2, 9)
    ]
    tasks = services.task_assign_bulk(
        actor=cast.clerk, units=wards, assigning_unit=cast.city, title="Tổ chức đối thoại với Nhân dân",
        start=D(2026, 1, 1), deadline=D(2026, 6, 30),
    )
    assert len(tasks) == 9 and len({t.batch for t in tasks}) == 1
    assert sorted(t.unit_id for t in tasks) == sorted(w.pk for w in wards)
    with pytest.raises(ValidationError):
        services.task_assign_bulk(actor=cast.clerk, units=[], assigning_unit=cast.city, title="x", deadline=D(2026, 1, 1))


def test_flags_are_computed(cast, make_task):
    task = make_task(start=D(2026, 1, 1), deadline=D(2026, 12, 31))
    assert task.behind_from is not None
    assert not task.is_behind(D(2026, 3, 1))
    assert task.is_behind(D(2026, 6, 1))  # 0 % done at 41 % of the time
    assert Task.objects.behind(D(2026, 6, 1)).filter(pk=task.pk).exists()
    services.report_submit(actor=None, task=task, percent=50)
    task.refresh_from_db()
    assert not task.is_behind(D(2026, 6, 1))
    assert task.is_overdue(D(2027, 1, 1)) and Task.objects.overdue(D(2027, 1, 1)).filter(pk=task.pk).exists()
    old = make_task(start=D(2023, 1, 1), deadline=D(2027, 6, 30))
    assert old.is_long_running(D(2026, 11, 25))
    assert list(Task.objects.long_running(D(2026, 11, 25))) == [old]


def test_lineage_from_central_resolution_to_cell_and_back(cast, make_task, make_document):
    from dangbo.assignments import selectors

    central = make_document(number="05", abbr="CT", issuer_abbr="TW", title="Chỉ thị 05")
    city_plan = make_document(number="12", abbr="KH", issuer_abbr="TU", title="Kế hoạch thực hiện Chỉ thị 05")
    document_services.document_relate(actor=None, document=city_plan, target=central, kind=DocumentRelation.Kind.IMPLEMENTS)
    ward_task = make_task(source=city_plan)
    cell_task = services.subtask_create(actor=None, parent=ward_task, unit=cast.cell1, title="Chi bộ thực hiện", deadline=D(2026, 6, 1), start=D(2026, 1, 1))
    assert cell_task.document == city_plan
    down = list(selectors.document_tasks(user=cast.clerk, document=central))
    assert cell_task in down and ward_task in down
    up = selectors.task_lineage(user=cast.cell_secretary, task=cell_task)
    assert [t.pk for t in up["ancestors"]] == [ward_task.pk]
    assert [d.pk for d, _visible in up["documents"]] == [central.pk]


def test_deadline_move_respects_subtasks(cast, make_task):
    parent = make_task(deadline=D(2026, 12, 31))
    services.subtask_create(actor=None, parent=parent, unit=cast.cell1, title="A", start=D(2026, 1, 1), deadline=D(2026, 10, 1))
    with pytest.raises(ValidationError) as error:
        services.task_update(actor=None, task=parent, title=parent.title, start=parent.start, deadline=D(2026, 9, 1))
    assert "01/10/2026" in error.value.message_dict["deadline"][0]


@time_machine.travel(dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC), tick=False)
def test_recommendation_becomes_a_task_of_the_inspected_unit(cast):
    program = services.program_create(actor=None, unit=cast.city, year=2026, title="Chương trình kiểm tra năm 2026")
    inspection = services.inspection_create(
        actor=None, program=program, kind="inspection", target_unit=cast.ward1,
        subject="Thực hiện Quy chế dân chủ", period_start=D(2026, 2, 1), period_end=D(2026, 2, 20),
    )
    rec = services.recommendation_add(actor=None, inspection=inspection, text="Khắc phục hạn chế về sinh hoạt chi bộ", deadline=D(2026, 6, 30))
    assert rec.task.unit == cast.ward1 and rec.task.assigning_unit == cast.city
    assert rec.task.source_kind == Task.SourceKind.RECOMMENDATION and rec.task.source == rec
    with pytest.raises(ValidationError):
        services.inspection_create(
            actor=None, program=program, kind="inspection", target_unit=cast.ward1,
            subject="x", period_start=D(2026, 2, 1), period_end=D(2026, 1, 20),
        )


def test_moving_a_unit_carries_its_tasks_into_the_new_scope(cast, make_task):
    """Tasks copy their unit's path; a move (or merge) refreshes the copies."""
    from dangbo.assignments.selectors import task_list
    from dangbo.orgs.models import Unit

    task = make_task(unit=cast.cell1, assigning_unit=cast.city)
    org_services.unit_move(actor=None, unit=cast.cell1, new_parent=cast.ward_dl, date=D(2026, 2, 1))
    task.refresh_from_db()
    cell = Unit.objects.get(pk=cast.cell1.pk)
    assert task.unit_path == cell.path
    assert task in task_list(user=cast.outsider)
    assert task not in task_list(user=cast.ward_secretary)
