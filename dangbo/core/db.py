"""Read replicas: reads go to a streaming standby, writes and everything near them to the primary.

``DANGBO_DATABASE_REPLICAS`` lists the replicas' URLs (comma-separated); settings names them
``replica1``, ``replica2``… and installs :class:`ReplicaRouter` and :class:`PrimaryPinMiddleware`.
Without the variable neither is installed and everything runs on ``default``.

The rules, in the order the router applies them:

- Every write goes to the primary, and once a request (or a job) has written, the rest of it
  reads from the primary too: it must see what it just wrote.
- A read inside a transaction on the primary stays there (``transaction.atomic`` reads the rows it
  will change), and ``select_for_update`` is a write for Django, so it never reaches a replica.
- Read-your-writes across requests: a request that wrote (any non-GET/HEAD/OPTIONS request, or
  a GET that wrote) sets a short cookie; the same browser's requests read from the primary until
  it expires (``DANGBO_REPLICA_PIN_SECONDS``, 5 by default; streaming lag is milliseconds).
- Otherwise a read goes to a replica chosen at random.

Migrations run on the primary only (the standby receives them through replication).
"""

from __future__ import annotations

import contextvars
import random
from collections.abc import Callable

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"
PIN_COOKIE = "dangbo_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_pinned: contextvars.ContextVar[bool] = contextvars.ContextVar("dangbo_db_pinned", default=False)
_wrote: contextvars.ContextVar[bool] = contextvars.ContextVar("dangbo_db_wrote", default=False)


def replicas() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


def pinned() -> bool:
    """Whether this request or job reads from the primary from now on."""
    return _pinned.get()


def pin() -> None:
    _pinned.set(True)


class ReplicaRouter:
    def __init__(self) -> None:
        self.replicas = replicas()

    def db_for_read(self, model, **hints) -> str:
        if not self.replicas or _pinned.get() or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return random.choice(self.replicas)  # noqa: S311 - load spreading, not security

    def db_for_write(self, model, **hints) -> str:
        _pinned.set(True)
        _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # every alias holds the same data

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints) -> bool:
        return db == PRIMARY


class PrimaryPinMiddleware:
    """Pins a request to the primary when it writes or when the browser wrote a moment ago.

    First in MIDDLEWARE, so the session and the user are read by the same rule."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        unsafe = request.method not in SAFE_METHODS
        pinned_token = _pinned.set(unsafe or PIN_COOKIE in request.COOKIES)
        wrote_token = _wrote.set(False)
        try:
            response = self.get_response(request)
            if unsafe or _wrote.get():
                response.set_cookie(
                    PIN_COOKIE, "1", max_age=settings.DANGBO_REPLICA_PIN_SECONDS, httponly=True,
                    samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
                )
            return response
        finally:
            _wrote.reset(wrote_token)
            _pinned.reset(pinned_token)
