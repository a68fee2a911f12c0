"""notify_many: many notifications at once, with notify()'s rules (idempotent per key)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from dangbo.core import notifications
from dangbo.core.models import Notification

pytestmark = pytest.mark.django_db


def item(user, n: int, **extra):
    return (user, {"verb": "task.overdue", "title": f"Quá hạn {n} ngày", "url": f"/nhiem-vu/{n}/",
                   "key": f"task.overdue:{n}:2026-11-25", **extra})


def test_writes_every_item_with_its_fields(cast):
    created = notifications.notify_many([
        item(cast.clerk, 1, body="Hạn 20/11/2026", obj=cast.ward1, level="warning"),
        item(cast.ward_secretary, 2),
    ])
    assert created == 2
    first = Notification.objects.get(user=cast.clerk)
    assert (first.verb, first.title, first.url, first.body, first.level, first.key) == (
        "task.overdue", "Quá hạn 1 ngày", "/nhiem-vu/1/", "Hạn 20/11/2026", "warning", "task.overdue:1:2026-11-25"
    )
    assert (first.content_type.model_class(), first.object_id) == (type(cast.ward1), cast.ward1.pk)
    assert Notification.objects.get(user=cast.ward_secretary).object_id is None


def test_the_same_user_and_key_is_never_written_twice(cast):
    notifications.notify(cast.clerk, verb="task.overdue", title="Đã có", key="task.overdue:1:2026-11-25")
    created = notifications.notify_many([
        item(cast.clerk, 1),  # stored already
        item(cast.clerk, 2),
        item(cast.clerk, 2),  # twice in the items: the first wins
        item(cast.ward_secretary, 1),  # the same key for someone else is new
        (cast.clerk, {"verb": "task.note", "title": "Không khóa"}),  # no key: always written
        (cast.clerk, {"verb": "task.note", "title": "Không khóa"}),
    ])
    assert created == 4
    assert Notification.objects.filter(user=cast.clerk, key="task.overdue:1:2026-11-25").get().title == "Đã có"
    assert Notification.objects.filter(user=cast.clerk, key="task.overdue:2:2026-11-25").count() == 1
    assert Notification.objects.filter(key="").count() == 2
    again = notifications.notify_many([item(cast.clerk, 1), item(cast.clerk, 2), item(cast.ward_secretary, 1)])
    assert again == 0
    assert Notification.objects.count() == 5


def test_inactive_and_missing_users_are_skipped(cast):
    cast.member.is_active = False
    cast.member.save(update_fields=["is_active"])
    assert notifications.notify_many([item(cast.member, 1), item(None, 2), item(cast.clerk, 3)]) == 1
    assert list(Notification.objects.values_list("user_id", flat=True)) == [cast.clerk.pk]


def test_cost_is_per_batch_not_per_item(cast):
    users = [cast.clerk, cast.ward_secretary, cast.outsider, cast.cell_secretary]
    items = [item(user, n, obj=cast.ward1) for n in range(30) for user in users]  # 120 items
    with CaptureQueriesContext(connection) as small:
        assert notifications.notify_many(items[:8], batch_size=50) == 8
    with CaptureQueriesContext(connection) as large:
        assert notifications.notify_many(items, batch_size=50) == 112  # the first 8 are there
    # One insert per batch of 50 (the stored keys skipped by the database): 3 batches.
    inserts = [q for q in large.captured_queries if "INSERT INTO" in q["sql"]]
    assert len(inserts) == 3 and len(large.captured_queries) == 3
    assert len(small.captured_queries) == 1
    assert Notification.objects.count() == 120
    assert notifications.notify_many(items, batch_size=50) == 0


def test_belongs_to_the_callers_transaction(cast):
    with pytest.raises(RuntimeError), transaction.atomic():
        notifications.notify_many([item(cast.clerk, 1)])
        raise RuntimeError
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"verb": "", "title": "x"},
        {"verb": "task.x", "title": ""},
        {"verb": "task.x", "title": "x", "level": "loud"},
        {"verb": "task.x", "title": "x", "url": "https://example.com/"},
        {"verb": "task.x", "title": "x", "colour": "red"},
    ],
)
def test_refuses_bad_arguments(cast, fields):
    with pytest.raises(ValueError):
        notifications.notify_many([(cast.clerk, fields)])
    assert not Notification.objects.exists()


def test_a_bad_item_after_a_good_one_of_the_same_kind_is_refused(cast):
    good = (cast.clerk, {"verb": "task.x", "title": "x"})
    with pytest.raises(ValueError):
        notifications.notify_many([good, (cast.clerk, {"verb": "task.x", "title": ""})])
    with pytest.raises(ValueError):
        notifications.notify_many([good, (cast.clerk, {"verb": "task.x", "title": "x", "key": "k" * 201})])
