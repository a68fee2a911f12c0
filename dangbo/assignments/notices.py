"""Notifications about tasks, through ``dangbo.core.notifications`` (bell and daily digest).

``send`` writes in the caller's transaction and returns how many notifications were
created; the core service is idempotent per (user, key), so the same key twice creates
nothing the second time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dangbo.core import notifications


def send(
    users: Sequence[Any], *, verb: str, title: str, url: str, key: str, obj: Any = None, body: str = ""
) -> int:
    users = [u for u in users if u is not None]
    if not users:
        return 0
    return notifications.notify(users, verb=verb, title=title, url=url, body=body, obj=obj, key=key)
