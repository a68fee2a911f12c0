"""The task rules hold in the services, whatever calls them: the page, the API, a command.

The probe's fault: Phường 1's secretary made a person of Đông Lương responsible for a task
(through ``POST /api/v1/tasks`` and ``/subtasks``), which showed that person's name, let
person ids be probed (201 against 404), and notified the other ward's secretary.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from dangbo.assignments import services
from dangbo.assignments.models import (
    Inspection,
    InspectionProgram,
    ProgressReport,
    Recommendation,
    ReportFile,
    Task,
)
from dangbo.core import policy
from dangbo.core.models import Notification
from dangbo.core.policy import Action

D = dt.date
pytestmark = pytest.mark.django_db
MISSING = 987654


def _fields(cast, **kw):
    fields = {"title": "Rà soát đảng viên", "unit": cast.cell1, "assigning_unit": cast.ward1,
              "start": D(2026, 1, 1), "deadline": D(2026, 6, 30)}
    return {**fields, **kw}


def _post(client, url, data):
    return client.post(url, data, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


# --- Through the service ----------------------------------------------------------------------


def test_a_person_of_another_ward_cannot_be_made_responsible(cast):
    stranger = policy.person_of(cast.outsider)
    with pytest.raises(Http404):
        services.task_assign(actor=cast.ward_secretary, responsible=stranger, **_fields(cast))
    assert not Task.objects.exists()
    assert not Notification.objects.filter(user=cast.outsider).exists()


def test_the_responsible_person_belongs_to_the_unit_in_charge(cast):
    ward_head = policy.person_of(cast.ward_secretary)  # visible, but not in the cell
    with pytest.raises(ValidationError) as error:
        services.task_assign(actor=cast.ward_secretary, responsible=ward_head, **_fields(cast))
    assert "responsible" in error.value.message_dict
    member = policy.person_of(cast.member)
    task = services.task_assign(actor=cast.ward_secretary, responsible=member, **_fields(cast))
    assert task.responsible == member
    assert Notification.objects.filter(user=cast.member, verb="task.assigned").exists()


def test_cascade_and_update_refuse_a_stranger_as_responsible(cast, make_task):
    parent = make_task(unit=cast.ward1, assigning_unit=cast.city)
    stranger = policy.person_of(cast.outsider)
    with pytest.raises(Http404):
        services.subtask_create(actor=cast.ward_secretary, parent=parent, unit=cast.cell1, title="Chi bộ làm",
                                deadline=D(2026, 6, 1), responsible=stranger)
    assert not parent.children.exists()
    task = make_task(unit=cast.cell1, assigning_unit=cast.ward1)
    with pytest.raises(Http404):
        services.task_update(actor=cast.ward_secretary, task=task, title="Sửa", start=task.start,
                             deadline=task.deadline, responsible=stranger)
    assert not Task.objects.filter(responsible=stranger).exists()
    assert not Notification.objects.filter(user=cast.outsider).exists()


def test_an_unchanged_responsible_person_is_kept_on_edit(cast, make_task):
    """Editing other fields does not re-check a person chosen earlier (who may have moved)."""
    task = make_task(unit=cast.cell1, assigning_unit=cast.ward1, responsible=policy.person_of(cast.outsider))
    updated = services.task_update(actor=cast.ward_secretary, task=task, title="Đổi tên", start=task.start,
                                   deadline=task.deadline, responsible=task.responsible)
    assert updated.title == "Đổi tên"


def test_the_assigning_unit_needs_change_rights(cast):
    with pytest.raises(Http404):  # Phường 1 is not visible to Đông Lương
        services.task_assign(actor=cast.outsider, **_fields(cast))
    with pytest.raises(PermissionDenied):  # the member sees the cell, cannot assign for it
        services.task_assign(actor=cast.member, **_fields(cast, assigning_unit=cast.cell1))
    with pytest.raises(Http404):  # the ward is above the cell secretary
        services.task_assign(actor=cast.cell_secretary, **_fields(cast))
    assert not Task.objects.exists()


def test_units_documents_and_sources_must_be_visible(cast, make_task, make_document):
    with pytest.raises(Http404):
        services.task_assign(actor=cast.ward_secretary, **_fields(cast, unit=cast.cell_dl))
    with pytest.raises(Http404):
        services.task_assign(actor=cast.ward_secretary, coordinating_units=[cast.ward_dl], **_fields(cast))
    theirs = make_document(unit=cast.ward_dl, number="07")
    with pytest.raises(Http404):
        services.task_assign(actor=cast.ward_secretary, document=theirs, **_fields(cast))
    with pytest.raises(Http404):
        services.task_assign(actor=cast.ward_secretary, source=theirs, **_fields(cast))
    their_task = make_task(unit=cast.ward_dl)
    with pytest.raises(Http404):
        services.task_assign(actor=cast.ward_secretary, source=their_task, **_fields(cast))
    assert Task.objects.count() == 1
    mine = services.task_assign(actor=cast.ward_secretary, document=make_document(), **_fields(cast))
    assert mine.document is not None  # a city document shared down is visible to the ward


def test_changes_to_a_task_need_the_right_role(cast, make_task):
    task = make_task(unit=cast.cell1, assigning_unit=cast.ward1)
    edit = {"title": "Sửa", "start": task.start, "deadline": task.deadline}
    with pytest.raises(Http404):
        services.task_update(actor=cast.outsider, task=task, **edit)
    with pytest.raises(PermissionDenied):  # the cell is in charge, the ward assigned it
        services.task_update(actor=cast.cell_secretary, task=task, **edit)
    with pytest.raises(Http404):
        services.task_update(actor=cast.ward_secretary, task=task, coordinating_units=[cast.ward_dl], **edit)
    with pytest.raises(Http404):
        services.report_submit(actor=cast.outsider, task=task, percent=10)
    with pytest.raises(PermissionDenied):
        services.report_submit(actor=cast.member, task=task, percent=10)
    with pytest.raises(PermissionDenied):
        services.subtask_create(actor=cast.member, parent=task, unit=cast.cell1, title="Con", deadline=D(2026, 6, 1))
    with pytest.raises(Http404):
        services.task_transition(actor=cast.outsider, task=task, to="in_progress")
    assert Task.objects.get(pk=task.pk).title == task.title and not ProgressReport.objects.exists()


def test_inspection_services_check_the_program_unit(cast, make_document):
    with pytest.raises(Http404):
        services.program_create(actor=cast.outsider, unit=cast.ward1, year=2026, title="Chương trình")
    program = services.program_create(actor=cast.ward_secretary, unit=cast.ward1, year=2026, title="Chương trình")
    with pytest.raises(Http404):
        services.program_update(actor=cast.ward_secretary, program=program, title="Sửa", year=2026,
                                document=make_document(unit=cast.ward_dl, number="08"))
    period = {"kind": "inspection", "subject": "Thu nộp đảng phí", "period_start": D(2026, 3, 1), "period_end": D(2026, 3, 31)}
    with pytest.raises(Http404):
        services.inspection_create(actor=cast.ward_secretary, program=program, target_unit=cast.cell_dl, **period)
    with pytest.raises(Http404):  # the ward's program is above the cell
        services.inspection_create(actor=cast.cell_secretary, program=program, target_unit=cast.cell1, **period)
    inspection = services.inspection_create(actor=cast.ward_secretary, program=program, target_unit=cast.cell1, **period)
    with pytest.raises(PermissionDenied):  # the inspected cell reads it, does not conclude it
        services.inspection_conclude(actor=cast.cell_secretary, inspection=inspection, findings="", conclusion="Tốt")
    with pytest.raises(PermissionDenied):
        services.recommendation_add(actor=cast.cell_secretary, inspection=inspection, text="Khắc phục", deadline=D(2026, 6, 1))
    with pytest.raises(Http404):
        services.inspection_update(actor=cast.outsider, inspection=inspection, kind="inspection", subject="Sửa",
                                   period_start=D(2026, 3, 1), period_end=D(2026, 3, 31))
    assert not Recommendation.objects.exists() and Inspection.objects.get().conclusion == ""
    assert InspectionProgram.objects.get().title == "Chương trình"


def test_reports_files_and_recommendations_follow_their_task_or_inspection(cast, make_task, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    task = make_task(unit=cast.cell1, assigning_unit=cast.ward1)
    upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    report = services.report_submit(actor=cast.cell_secretary, task=task, percent=20, files=[upload])
    evidence = ReportFile.objects.get(report=report)
    for obj in (report, evidence):
        assert policy.may(cast.member, Action.VIEW, obj)
        assert not policy.may(cast.outsider, Action.VIEW, obj)
        assert list(policy.visible(cast.outsider, type(obj))) == []
        assert list(policy.visible(cast.member, type(obj))) == [obj]
        with pytest.raises(Http404):
            policy.get_for_user(cast.outsider, type(obj), obj.pk)


# --- Through the API --------------------------------------------------------------------------


@pytest.fixture
def api(login):
    return login


def test_api_answers_a_forbidden_person_as_a_missing_one(cast, api):
    client = api(cast.ward_secretary)
    payload = {"title": "Rà soát đảng viên", "unit_id": cast.cell1.pk, "assigning_unit_id": cast.ward1.pk,
               "start": "2026-01-01", "deadline": "2026-06-30"}
    missing = _post(client, "/api/v1/tasks", {**payload, "responsible_id": MISSING})
    forbidden = _post(client, "/api/v1/tasks", {**payload, "responsible_id": policy.person_of(cast.outsider).pk})
    assert missing.status_code == forbidden.status_code == 404
    assert forbidden.json() == missing.json() and set(missing.json()) == {"error", "fields"}
    assert not Task.objects.exists()
    assert not Notification.objects.filter(user=cast.outsider).exists()
    outside = _post(client, "/api/v1/tasks", {**payload, "responsible_id": policy.person_of(cast.ward_secretary).pk})
    assert outside.status_code == 400 and "responsible" in outside.json()["fields"]
    member = policy.person_of(cast.member)
    created = _post(client, "/api/v1/tasks", {**payload, "responsible_id": member.pk})
    assert created.status_code == 201 and created.json()["responsible_id"] == member.pk
    assert _post(api(cast.outsider), "/api/v1/tasks", {**payload, "responsible_id": member.pk}).status_code == 404


def test_api_subtasks_answer_a_forbidden_person_as_a_missing_one(cast, api, make_task):
    parent = make_task(unit=cast.ward1, assigning_unit=cast.city)
    url = f"/api/v1/tasks/{parent.pk}/subtasks"
    client = api(cast.ward_secretary)
    sub = {"title": "Chi bộ thực hiện", "unit_id": cast.cell1.pk, "start": "2026-02-01", "deadline": "2026-06-01"}
    missing = _post(client, url, {**sub, "responsible_id": MISSING})
    forbidden = _post(client, url, {**sub, "responsible_id": policy.person_of(cast.outsider).pk})
    assert missing.status_code == forbidden.status_code == 404
    assert forbidden.json() == missing.json()
    assert not parent.children.exists()
    assert not Notification.objects.filter(user=cast.outsider).exists()
    cell_head = policy.person_of(cast.cell_secretary)
    created = _post(client, url, {**sub, "responsible_id": cell_head.pk})
    assert created.status_code == 201 and created.json()["responsible_id"] == cell_head.pk
    assert _post(api(cast.outsider), url, {**sub, "responsible_id": cell_head.pk}).status_code == 404


def test_api_refuses_coordinating_units_and_documents_out_of_sight(cast, api, make_document):
    client = api(cast.ward_secretary)
    payload = {"title": "Rà soát", "unit_id": cast.cell1.pk, "assigning_unit_id": cast.ward1.pk,
               "start": "2026-01-01", "deadline": "2026-06-30"}
    assert _post(client, "/api/v1/tasks", {**payload, "coordinating_unit_ids": [cast.ward_dl.pk]}).status_code == 404
    theirs = make_document(unit=cast.ward_dl, number="07")
    assert _post(client, "/api/v1/tasks", {**payload, "document_id": theirs.pk}).status_code == 404
    assert _post(client, "/api/v1/tasks", {**payload, "unit_id": cast.cell_dl.pk}).status_code == 404
    assert not Task.objects.exists()


# --- Through the form pages -------------------------------------------------------------------


def test_form_pages_refuse_a_stranger_as_responsible(cast, login, make_task):
    parent = make_task(unit=cast.ward1, assigning_unit=cast.city)
    stranger = policy.person_of(cast.outsider)
    cascade = reverse("assignments:subtask_create", args=[parent.pk])
    data = {"title": "Chi bộ tổ chức", "units": [cast.cell1.pk], "start": "2026-01-01", "deadline": "2026-06-01",
            "priority": 2, "responsible": stranger.pk}
    response = login(cast.ward_secretary).post(cascade, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "not among the people you may choose" in response.content.decode()
    assert stranger.full_name not in response.content.decode()
    assert login(cast.outsider).post(cascade, data).status_code == 404
    assert not parent.children.exists()
    task = make_task(unit=cast.cell1, assigning_unit=cast.ward1)
    edit = reverse("assignments:task_edit", args=[task.pk])
    data = {"title": "Sửa", "start": "2026-01-01", "deadline": "2026-06-01", "priority": 2, "responsible": stranger.pk}
    response = login(cast.ward_secretary).post(edit, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "not among the people you may choose" in response.content.decode()
    assert login(cast.outsider).post(edit, data).status_code == 404
    assert Task.objects.get(pk=task.pk).responsible is None
    assert not Notification.objects.filter(user=cast.outsider).exists()
