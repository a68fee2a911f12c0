"""``/api/v1/meetings``: lists, detail, roll-call and scoring, with the one error shape."""

from __future__ import annotations

import datetime as dt

import pytest

from dangbo.meetings import services
from dangbo.meetings.models import MeetingKind

from .conftest import full_points

pytestmark = pytest.mark.django_db
API = "/api/v1/meetings"


def test_list_filters_by_unit_with_descendants_kind_month_and_held(cast, held, login):
    services.meeting_create(actor=None, unit=cast.cell_dl, kind=MeetingKind.THEMATIC, date=dt.date(2025, 4, 2))
    client = login(cast.clerk)
    assert client.get(API).json()["count"] == 2
    body = client.get(API, {"unit": cast.ward1.pk, "kind": "regular", "month": "2025-03", "held": "true"}).json()
    assert body["count"] == 1 and body["items"][0]["id"] == held.pk and body["items"][0]["present"] == 3
    assert client.get(API, {"held": "false"}).json()["count"] == 1
    assert client.get(API, {"month": "2025-13"}).status_code == 422
    assert client.get(API, {"limit": 0}).json()["fields"] == {"limit": ["Ensure this value is greater than or equal to 1."]}
    assert login(cast.outsider).get(API).json()["count"] == 1
    assert login(cast.outsider).get(API, {"unit": cast.ward1.pk}).status_code == 404


def test_detail_has_attendance_and_scores_with_their_version(cast, held, login):
    services.meeting_score(actor=None, meeting=held, rater="self", points=full_points(held))
    body = login(cast.member).get(f"{API}/{held.pk}").json()
    assert len(body["attendance"]) == 4 and body["scores"][0]["criteria_set_version"] == 1
    assert body["scores"][0]["grade"] == "tot" and len(body["scores"][0]["items"]) == 13
    assert login(cast.outsider).get(f"{API}/{held.pk}").status_code == 404


def test_roll_call_by_api(cast, meeting, members, login):
    client = login(cast.cell_secretary)
    payload = {"entries": [{"person_id": members[0].pk, "status": "present"},
                           {"person_id": members[1].pk, "status": "excused", "reason": "Ốm"}]}
    response = client.post(f"{API}/{meeting.pk}/roll-call", payload, content_type="application/json")
    assert response.status_code == 200 and response.json()["present"] == 1
    # the cell's secretary holds a position in the cell but is not one of its members
    bad = client.post(f"{API}/{meeting.pk}/roll-call", {"entries": [{"person_id": cast.cell_secretary.person.pk, "status": "present"}]},
                      content_type="application/json")
    assert bad.status_code == 400 and "entries.0" in bad.json()["fields"]
    # someone who is no person of the cell at all: the same answer as a missing id, no name given
    for person_id in (cast.clerk.person.pk, cast.outsider.person.pk, 999999):
        probe = client.post(f"{API}/{meeting.pk}/roll-call", {"entries": [{"person_id": person_id, "status": "present"}]},
                            content_type="application/json")
        assert probe.status_code == 404 and "error" in probe.json(), person_id
    assert login(cast.member).post(f"{API}/{meeting.pk}/roll-call", payload, content_type="application/json").status_code == 403
    assert login(cast.outsider).post(f"{API}/{meeting.pk}/roll-call", payload, content_type="application/json").status_code == 404


def test_scoring_by_api_and_its_errors(cast, held, leader, login):
    points = {k: str(v) for k, v in full_points(held).items()}
    response = login(leader).post(f"{API}/{held.pk}/scores", {"rater": "leader", "points": points},
                                  content_type="application/json")
    assert response.status_code == 200 and response.json()["grade"] == "tot"
    too_high = dict(points, **{"7": "15"})
    bad = login(cast.cell_secretary).post(f"{API}/{held.pk}/scores", {"rater": "self", "points": too_high},
                                          content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["fields"] == {"points.7": ["Criterion 7 allows at most 10.0 points."]}
    assert login(cast.cell_secretary).post(f"{API}/{held.pk}/scores", {"rater": "leader", "points": points},
                                           content_type="application/json").status_code == 403


def test_closed_meeting_edit_is_a_clear_error(cast, held, login):
    services.meeting_close(actor=None, meeting=held)
    client = login(cast.cell_secretary)
    payload = {"entries": [{"person_id": cast.member.person.pk, "status": "unexcused"}]}
    bad = client.post(f"{API}/{held.pk}/roll-call", payload, content_type="application/json")
    assert bad.status_code == 400 and "reason" in bad.json()["fields"]
    payload["reason"] = "Sửa sai sót"
    assert client.post(f"{API}/{held.pk}/roll-call", payload, content_type="application/json").status_code == 200
