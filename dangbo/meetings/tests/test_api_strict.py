"""``/api/v1/meetings`` refuses what a person would not type, and answers what its schema says."""

from __future__ import annotations

import datetime as dt

import jsonschema_rs
import pytest

from dangbo.meetings.models import Attendance, Meeting, MeetingScore

from .conftest import full_points

pytestmark = pytest.mark.django_db
API = "/api/v1/meetings"


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def _refused(response, field, status):
    body = response.json()
    assert response.status_code == status, body
    assert set(body) == {"error", "fields"} and field in body["fields"], body
    assert field in body["error"], body
    return body


def _nothing_recorded(meeting) -> bool:
    return not Attendance.objects.filter(meeting=meeting).exclude(status=Attendance.Status.UNKNOWN).exists()


def test_roll_call_refuses_the_same_person_twice(cast, meeting, members, login):
    payload = {"entries": [{"person_id": members[0].pk, "status": "present"},
                           {"person_id": members[1].pk, "status": "present"},
                           {"person_id": members[0].pk, "status": "unexcused"}]}
    body = _refused(_post(login(cast.cell_secretary), f"{API}/{meeting.pk}/roll-call", payload), "entries.2", 400)
    assert body["fields"] == {"entries.2": ["This person is already in the roll-call above."]}
    assert _nothing_recorded(meeting)


@pytest.mark.parametrize("person_id", [True, str, 1.0, -1])
def test_roll_call_refuses_an_id_that_is_not_a_whole_number(cast, meeting, members, login, person_id):
    value = str(members[0].pk) if person_id is str else person_id
    payload = {"entries": [{"person_id": value, "status": "present"}]}
    _refused(_post(login(cast.cell_secretary), f"{API}/{meeting.pk}/roll-call", payload), "entries.0.person_id", 422)
    assert _nothing_recorded(meeting)


@pytest.mark.parametrize("points", [True, "many", "1e1", "NaN", None])
def test_scoring_refuses_points_that_are_not_a_number(cast, held, login, points):
    given = {k: str(v) for k, v in full_points(held).items()} | {"1": points}
    response = _post(login(cast.cell_secretary), f"{API}/{held.pk}/scores", {"rater": "self", "points": given})
    _refused(response, "points.1", 422)
    assert not MeetingScore.objects.exists()


def test_scoring_takes_numbers_and_decimals_written_as_text(cast, held, login):
    given = {k: float(v) for k, v in full_points(held).items()} | {"1": "4,5"}
    response = _post(login(cast.cell_secretary), f"{API}/{held.pk}/scores", {"rater": "self", "points": given})
    assert response.status_code == 200, response.json()
    assert MeetingScore.objects.get().items.filter(criterion__code="1").get().points == 4.5


def test_scoring_refuses_no_points_in_the_one_shape(cast, held, login):
    response = _post(login(cast.cell_secretary), f"{API}/{held.pk}/scores", {"rater": "self", "points": {}})
    assert _refused(response, "points", 422)["fields"] == {"points": ["Give the points for each criterion."]}


def test_outsider_cannot_probe_with_bad_values(cast, meeting, login):
    payload = {"entries": [{"person_id": cast.member.person.pk, "status": "present"}]}
    assert _post(login(cast.outsider), f"{API}/{meeting.pk}/roll-call", payload).status_code == 404


def _response_schema(client, operation_id: str) -> dict:
    spec = client.get("/api/v1/openapi.json").json()
    for path in spec["paths"].values():
        for operation in path.values():
            if operation.get("operationId") == operation_id:
                schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
                return {**schema, "components": spec["components"]}
    raise AssertionError(operation_id)


def test_meeting_detail_matches_its_openapi_schema(cast, held, login):
    """``start_time`` as the schema declares it (a format "time" wants a UTC offset)."""
    Meeting.objects.filter(pk=held.pk).update(start_time=dt.time(19, 30))
    client = login(cast.member)
    body = client.get(f"{API}/{held.pk}").json()
    assert body["start_time"] == "19:30"
    validator = jsonschema_rs.validator_for(_response_schema(client, "meetings_detail"), validate_formats=True)
    errors = [e.message for e in validator.iter_errors(body)]
    assert errors == []
    Meeting.objects.filter(pk=held.pk).update(start_time=None)
    assert validator.is_valid(client.get(f"{API}/{held.pk}").json())
