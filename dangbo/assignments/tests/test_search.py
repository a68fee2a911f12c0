"""The one search box finds tasks, within the tasks' policy; the API says each hit's kind."""

from __future__ import annotations

import datetime as dt

import pytest

from dangbo.assignments import services
from dangbo.core.models import ApiToken
from dangbo.core.search import search_for_user

pytestmark = pytest.mark.django_db


def test_the_search_finds_a_task_by_its_words_without_accents(cast, django_capture_on_commit_callbacks, client):
    with django_capture_on_commit_callbacks(execute=True):
        task = services.task_assign(
            actor=None, title="Vận động nhân dân bàn giao mặt bằng đường Hùng Vương",
            description="Phối hợp giải phóng mặt bằng dự án mở rộng đường", unit=cast.cell1,
            assigning_unit=cast.ward1, start=dt.date(2026, 1, 1), deadline=dt.date(2026, 6, 30),
        )
    hits = search_for_user(cast.ward_secretary, "giai phong mat bang").items
    assert [(h.kind, h.object_id) for h in hits] == [("task", task.pk)]
    assert [h.object_id for h in search_for_user(cast.member, "hung vuong").items] == [task.pk]
    assert not search_for_user(cast.outsider, "giai phong mat bang").items
    with django_capture_on_commit_callbacks(execute=True):
        services.task_update(
            actor=None, task=task, title="Bàn giao mặt bằng đường Lê Duẩn", description="",
            start=task.start, deadline=task.deadline,
        )
    assert search_for_user(cast.ward_secretary, "le duan").items[0].object_id == task.pk
    assert not search_for_user(cast.ward_secretary, "hung vuong").items
    token = ApiToken.issue(user=cast.ward_secretary)[1]
    answer = client.get("/api/v1/search", {"q": "le duan"}, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert [(i["kind"], i["id"], i["url"]) for i in answer.json()["items"]] == [
        ("task", task.pk, task.get_absolute_url())
    ]
