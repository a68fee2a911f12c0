"""The request every view of dangbo receives, and the middleware that completes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import cached_property

from dangbo.core import policy


class Request(HttpRequest):
    """A request after ``PersonMiddleware``: ``person`` is the user's person, or ``None`` for
    an anonymous user or an account linked to nobody. Views annotate ``request: Request``."""

    person: Any
    nav_section: str


def _person(request: HttpRequest) -> Any:
    return policy.person_of(request.user)


_typed: dict[type, type] = {}


def _with_person(cls: type) -> type:
    """``cls`` with a ``person`` read on first use and kept: a request that never asks (the
    API, static files) costs no query."""
    if cls not in _typed:
        _typed[cls] = type(cls.__name__, (cls,), {"person": cached_property(_person)})
    return _typed[cls]


class PersonMiddleware:
    """Give every request its ``person``, read once through the one policy's reader; no view
    looks the person up itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.__class__ = _with_person(type(request))
        return self.get_response(request)
