"""The one search box finds meetings by their title, agenda and conclusions, within the
meetings' policy; the API says each hit's kind."""

from __future__ import annotations

import datetime as dt

import pytest

from dangbo.core.models import ApiToken
from dangbo.core.search import search_for_user
from dangbo.meetings import services
from dangbo.meetings.models import MeetingKind

pytestmark = pytest.mark.django_db


def test_the_search_finds_a_meeting_by_its_agenda(cast, django_capture_on_commit_callbacks, client):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_create(
            actor=None, unit=cast.cell1, kind=MeetingKind.THEMATIC,
            date=dt.date(2026, 3, 2), title="Sinh hoạt chuyên đề", agenda="Bàn việc phòng chống ngập úng mùa mưa bão",
        )
    hits = search_for_user(cast.cell_secretary, "phong chong ngap ung").items
    assert [(h.kind, h.object_id) for h in hits] == [("meeting", meeting.pk)]
    assert search_for_user(cast.member, "ngap ung").items
    assert not search_for_user(cast.outsider, "ngap ung").items
    token = ApiToken.issue(user=cast.ward_secretary)[1]
    answer = client.get("/api/v1/search", {"q": "ngap ung"}, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert [(i["kind"], i["id"]) for i in answer.json()["items"]] == [("meeting", meeting.pk)]
