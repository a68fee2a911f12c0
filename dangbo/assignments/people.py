"""Who is told about a task: the people in charge of a unit and the head of a unit.

* The people in charge of a task: its responsible person (when they have an account) and the
  account holders with a current manage grant directly on the unit in charge (the
  secretary and deputies of that committee or cell).
* The head of a unit: the holder of its first current position (by order) that grants
  manage rights, with an account; escalations go there.

Everything works on batches of units so the daily scan asks the database a fixed number of
questions whatever the number of tasks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from dangbo.orgs.models import Grant, Person, Position, Role


def managers_by_unit(unit_ids: Iterable[int]) -> dict[int, list[int]]:
    """``unit id → [user ids]`` with a current manage (or higher) grant directly on it."""
    result: dict[int, list[int]] = defaultdict(list)
    ids = sorted(set(unit_ids))
    for start in range(0, len(ids), 1000):
        rows = (
            Grant.objects.current(timezone.localdate())
            .filter(unit_id__in=ids[start : start + 1000], role__gte=Role.MANAGE, user__is_active=True)
            .values_list("unit_id", "user_id")
            .distinct()
        )
        for unit_id, user_id in rows:
            if user_id not in result[unit_id]:
                result[unit_id].append(user_id)
    return result


def heads_by_unit(unit_ids: Iterable[int]) -> dict[int, int]:
    """``unit id → user id`` of the unit's head (first current managing position)."""
    result: dict[int, int] = {}
    ids = sorted(set(unit_ids))
    for start in range(0, len(ids), 1000):
        rows = (
            Position.objects.current(timezone.localdate())
            .filter(
                unit_id__in=ids[start : start + 1000],
                role__gte=Role.MANAGE,
                person__user__isnull=False,
                person__user__is_active=True,
            )
            .order_by("unit_id", "sort_order", "start", "id")
            .values_list("unit_id", "person__user_id")
        )
        for unit_id, user_id in rows:
            result.setdefault(unit_id, user_id)
    return result


def someone_to_tell(tasks: QuerySet[Any], escalate_before) -> QuerySet[Any]:
    """The ids of ``tasks`` with someone the daily scan could notify: a responsible person
    with an active account, an account holder with a current manage grant on the unit in
    charge (``managers_by_unit``), or, once the deadline is before ``escalate_before``, a head
    of the assigning unit (``heads_by_unit``). The same rules as those functions, as one
    ``UNION`` of three subqueries, each read through its own index (unit, responsible
    person, assigning unit), so the scan need not walk the tasks nobody is told about."""
    today = timezone.localdate()
    managed = (
        Grant.objects.current(today)
        .filter(role__gte=Role.MANAGE, user__is_active=True)
        .values("unit_id")
    )
    headed = (
        Position.objects.current(today)
        .filter(role__gte=Role.MANAGE, person__user__isnull=False, person__user__is_active=True)
        .values("unit_id")
    )
    answering = Person.objects.filter(user__isnull=False, user__is_active=True).values("pk")
    tasks = tasks.order_by()
    return (
        tasks.filter(unit_id__in=managed).values("pk")
        .union(
            tasks.filter(responsible_id__in=answering).values("pk"),
            tasks.filter(deadline__lt=escalate_before, assigning_unit_id__in=headed).values("pk"),
        )
    )


def users_of_people(person_ids: Iterable[int]) -> dict[int, int]:
    """``person id → user id`` for the people with an active account."""
    ids = sorted({pk for pk in person_ids if pk})
    result: dict[int, int] = {}
    for start in range(0, len(ids), 1000):
        result.update(
            Person.objects.filter(
                pk__in=ids[start : start + 1000], user__isnull=False, user__is_active=True
            ).values_list("pk", "user_id")
        )
    return result


def users_by_id(user_ids: Iterable[int]) -> dict[int, Any]:
    User = get_user_model()
    ids = sorted(set(user_ids))
    result: dict[int, Any] = {}
    for start in range(0, len(ids), 1000):
        result.update(User.objects.in_bulk(ids[start : start + 1000]))
    return result


def in_charge_of(task) -> list[Any]:
    """The accounts in charge of one task (responsible person first)."""
    user_ids = list(managers_by_unit([task.unit_id]).get(task.unit_id, []))
    if task.responsible_id:
        user_id = users_of_people([task.responsible_id]).get(task.responsible_id)
        if user_id and user_id not in user_ids:
            user_ids.insert(0, user_id)
    users = users_by_id(user_ids)
    return [users[pk] for pk in user_ids if pk in users]


def managers_of(unit_id: int) -> list[Any]:
    user_ids = managers_by_unit([unit_id]).get(unit_id, [])
    users = users_by_id(user_ids)
    return [users[pk] for pk in user_ids if pk in users]
