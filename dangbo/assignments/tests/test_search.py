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


def test_whoever_sees_every_top_unit_searches_without_a_unit_condition(cast, django_capture_on_commit_callbacks):
    """The city's clerk sees every unit (the only top unit is theirs): their search keeps no
    list of units (at national scale that list, 315,000 ids, made one search take minutes).
    Once a top unit exists that they do not see, the condition is back and keeps it out."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangbo.orgs import services as org_services
    from dangbo.orgs.models import UnitKind
    from dangbo.orgs.search import scope_for_user

    with django_capture_on_commit_callbacks(execute=True):
        ours = services.task_assign(actor=None, title="Tổng kết giải phóng mặt bằng", unit=cast.cell1,
                                    assigning_unit=cast.ward1, start=dt.date(2026, 1, 1), deadline=dt.date(2026, 6, 30))
    assert scope_for_user(cast.clerk).allowed_units is None
    with CaptureQueriesContext(connection) as captured:
        assert [h.object_id for h in search_for_user(cast.clerk, "giai phong mat bang").items] == [ours.pk]
    searched = [q["sql"] for q in captured.captured_queries if "matched" in q["sql"]]
    assert searched and not any("orgs_unit" in sql or "ANY(" in sql for sql in searched)

    with django_capture_on_commit_callbacks(execute=True):
        other = org_services.unit_create(actor=None, parent=None, kind=UnitKind.objects.get(code="dang-bo-huyen"),
                                         name="Đảng bộ tỉnh khác", code="tinh-khac")
        theirs = services.task_assign(actor=None, title="Giải phóng mặt bằng tỉnh khác", unit=other,
                                      assigning_unit=other, start=dt.date(2026, 1, 1), deadline=dt.date(2026, 6, 30))
    assert scope_for_user(cast.clerk).allowed_units is not None
    found = [h.object_id for h in search_for_user(cast.clerk, "giai phong mat bang").items]
    assert found == [ours.pk] and theirs.pk not in found
    assert not search_for_user(cast.outsider, "giai phong mat bang").items
