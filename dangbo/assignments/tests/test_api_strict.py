"""``/api/v1/tasks`` refuses what a person would not type, in the one error shape."""

from __future__ import annotations

import pytest
from django.utils import translation

from dangbo.assignments.models import ProgressReport, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(login):
    def _api(user, language="en"):
        client = login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        return client

    return _api


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def _refused(response, field, status=422):
    body = response.json()
    assert response.status_code == status, body
    assert set(body) == {"error", "fields"} and list(body["fields"]) == [field], body
    assert field in body["error"], body  # the message names the field
    return body


@pytest.fixture
def payload(cast):
    return {"title": "Tổng kết Chỉ thị 05", "unit_id": cast.ward1.pk, "assigning_unit_id": cast.city.pk,
            "start": "2026-02-01", "deadline": "2026-06-30"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start", 0),  # pydantic would read 1 January 1970
        ("deadline", 1767225600),  # a timestamp
        ("deadline", "1767225600"),
        ("deadline", "30/06/2026"),
        ("start", "1929-12-31"),  # before the Party
        ("deadline", True),
        ("priority", True),
        ("priority", "2"),
        ("priority", 2.0),
        ("weight", -3),
        ("weight", "5"),
        ("responsible_id", True),
        ("unit_id", "12"),
        ("coordinating_unit_ids", [True]),
    ],
)
def test_task_create_refuses_values_nobody_types(cast, api, payload, field, value):
    response = _post(api(cast.clerk), "/api/v1/tasks", {**payload, field: value})
    fields = response.json()["fields"]
    _refused(response, next(iter(fields)) if field == "coordinating_unit_ids" else field)
    assert not Task.objects.exists()


def test_task_create_still_takes_what_a_person_types(cast, api, payload):
    response = _post(api(cast.clerk), "/api/v1/tasks", {**payload, "priority": 3, "weight": 5})
    assert response.status_code == 201, response.json()
    assert response.json()["start"] == "2026-02-01" and response.json()["priority"] == 3


def test_subtask_refuses_a_number_for_a_date(cast, api, payload):
    parent = _post(api(cast.clerk), "/api/v1/tasks", payload).json()["id"]
    response = _post(api(cast.ward_secretary), f"/api/v1/tasks/{parent}/subtasks",
                     {"title": "Chi bộ thực hiện", "unit_id": cast.cell1.pk, "deadline": 0})
    _refused(response, "deadline")
    assert Task.objects.count() == 1


# (null is refused on a task without sub-tasks by the service: see test_parent_reports.py)
@pytest.mark.parametrize("percent", [True, False, "50", 50.0, -1, 101])
def test_report_refuses_a_percentage_that_is_not_a_whole_number(cast, api, make_task, percent):
    task = make_task(unit=cast.cell1)
    response = _post(api(cast.cell_secretary), f"/api/v1/tasks/{task.pk}/reports", {"percent": percent})
    _refused(response, "percent")
    assert not ProgressReport.objects.exists()


def test_the_refusal_is_in_vietnamese_and_names_the_field(cast, api, make_task):
    task = make_task(unit=cast.cell1)
    response = _post(api(cast.cell_secretary, "vi"), f"/api/v1/tasks/{task.pk}/reports", {"percent": "50"})
    with translation.override("vi"):
        expected = translation.gettext("Enter a whole number.")
    body = _refused(response, "percent")
    assert expected != "Enter a whole number." and body["fields"]["percent"] == [expected]
    assert body["error"] == f"percent: {expected}"


def test_filters_take_a_date_as_written_only(cast, api, make_task):
    make_task()
    client = api(cast.clerk)
    assert client.get("/api/v1/tasks", {"deadline_from": "1900-01-01"}).json()["count"] == 1
    _refused(client.get("/api/v1/tasks", {"deadline_from": "0"}), "deadline_from")


def test_outsider_is_refused_before_the_values_matter(cast, api, make_task):
    task = make_task(unit=cast.cell1)
    assert _post(api(cast.outsider), f"/api/v1/tasks/{task.pk}/reports", {"percent": 50}).status_code == 404
