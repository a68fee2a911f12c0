from __future__ import annotations

import datetime as dt

import pytest

from dangbo.assignments import services
from dangbo.assignments.models import Task

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def api(login):
    def _api(user):
        client = login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return _api


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_list_filters_and_scope(cast, api, make_task, make_document):
    document = make_document()
    overdue = make_task(title="Quá hạn", deadline=D(2020, 1, 1), start=D(2019, 1, 1))
    in_cell = make_task(title="Của chi bộ", unit=cast.cell1, source=document)
    other = make_task(title="Đông Lương", unit=cast.ward_dl)
    client = api(cast.clerk)
    body = client.get("/api/v1/tasks", {"unit": cast.ward1.pk}).json()
    assert {t["id"] for t in body["items"]} == {overdue.pk, in_cell.pk} and body["count"] == 2
    assert [t["id"] for t in client.get("/api/v1/tasks", {"overdue": "true"}).json()["items"]] == [overdue.pk]
    assert [t["id"] for t in client.get("/api/v1/tasks", {"document": document.pk}).json()["items"]] == [in_cell.pk]
    assert client.get("/api/v1/tasks", {"deadline_from": "2026-01-01", "limit": 1}).json()["count"] == 2
    assert client.get("/api/v1/tasks", {"status": "done"}).json()["count"] == 0
    outsider = api(cast.outsider)
    assert [t["id"] for t in outsider.get("/api/v1/tasks").json()["items"]] == [other.pk]
    assert outsider.get("/api/v1/tasks", {"unit": cast.ward1.pk}).status_code == 404
    assert outsider.get(f"/api/v1/tasks/{overdue.pk}").status_code == 404
    bad = client.get("/api/v1/tasks", {"limit": 0})
    assert bad.status_code == 422 and "limit" in bad.json()["fields"]


def test_create_subtasks_and_errors(cast, api):
    client = api(cast.clerk)
    payload = {"title": "Tổng kết Chỉ thị 05", "unit_id": cast.ward1.pk, "assigning_unit_id": cast.city.pk,
               "start": "2026-02-01", "deadline": "2026-01-01"}
    response = _post(client, "/api/v1/tasks", payload)
    assert response.status_code == 400 and "deadline" in response.json()["fields"]
    payload["deadline"] = "2026-06-30"
    response = _post(client, "/api/v1/tasks", payload)
    assert response.status_code == 201
    task_id = response.json()["id"]
    assert _post(api(cast.ward_secretary), "/api/v1/tasks", payload).status_code == 404  # the city is above them
    assert _post(api(cast.outsider), "/api/v1/tasks", payload).status_code == 404
    read_only = {**payload, "unit_id": cast.cell1.pk, "assigning_unit_id": cast.cell1.pk}
    assert _post(api(cast.member), "/api/v1/tasks", read_only).status_code == 403
    sub = {"title": "Chi bộ thực hiện", "unit_id": cast.cell1.pk, "deadline": "2026-07-30"}
    response = _post(api(cast.ward_secretary), f"/api/v1/tasks/{task_id}/subtasks", sub)
    assert response.status_code == 400 and "parent" in response.json()["fields"]["deadline"][0]
    sub["deadline"] = "2026-06-01"
    sub["start"] = "2026-02-01"
    response = _post(api(cast.ward_secretary), f"/api/v1/tasks/{task_id}/subtasks", sub)
    assert response.status_code == 201 and response.json()["parent_id"] == task_id
    assert _post(api(cast.cell_secretary), f"/api/v1/tasks/{task_id}/subtasks", sub).status_code == 404
    assert _post(api(cast.member), f"/api/v1/tasks/{response.json()['id']}/subtasks", sub).status_code == 403
    detail = api(cast.clerk).get(f"/api/v1/tasks/{task_id}").json()
    assert detail["children_ids"] == [response.json()["id"]]


def test_reports(cast, api, make_task):
    task = make_task(unit=cast.cell1)
    url = f"/api/v1/tasks/{task.pk}/reports"
    client = api(cast.cell_secretary)
    response = _post(client, url, {"percent": 101})
    assert response.status_code == 422 and "percent" in response.json()["fields"]
    response = _post(client, url, {"percent": 45, "text": "Đã triển khai"})
    assert response.status_code == 201 and response.json()["percent"] == 45
    assert Task.objects.get(pk=task.pk).progress == 45
    assert _post(api(cast.member), url, {"percent": 50}).status_code == 403
    assert _post(api(cast.outsider), url, {"percent": 50}).status_code == 404
    body = api(cast.member).get(url).json()
    assert body["count"] == 1 and body["items"][0]["text"] == "Đã triển khai"
    services.task_transition(actor=None, task=task, to="awaiting")
    response = _post(api(cast.cell_secretary), url, {"percent": 90})
    assert response.status_code == 400 and response.json()["error"]
