"""API of plans: ``/themes`` and ``/themes/{id}``, scoped by the one policy.

A theme answers ``{"id", "unit_id", "year", "text", "items": [{"id", "kind", "title",
"progress", "on_track", "task_ids"}]}``; ``progress`` and ``on_track`` are computed from the
item's tasks (``dangbo.plans.progress``).
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from dangbo.core import policy
from dangbo.core.api import ERRORS, caller
from dangbo.orgs.models import Unit

from . import selectors
from .models import Theme

themes_router = Router(tags=["plans"])

MAX_LIMIT = 200


class ThemeItemOut(Schema):
    id: int
    kind: Literal["focus", "breakthrough"]
    title: str
    progress: int
    on_track: bool
    task_ids: list[int]


class ThemeOut(Schema):
    id: int
    unit_id: int
    year: int
    text: str
    items: list[ThemeItemOut]


class ThemePage(Schema):
    items: list[ThemeOut]
    count: int


class ThemeFilters(Schema):
    unit: int | None = Field(None, ge=1, description="A unit's id: its themes and those of the units below it.")
    year: int | None = Field(None, ge=1990, le=2100)
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000_000)


def _out(themes) -> list[dict]:
    themes, progress = selectors.themes_with_items(themes, today=timezone.localdate())
    return [
        {
            "id": theme.pk, "unit_id": theme.unit_id, "year": theme.year, "text": theme.text,
            "items": [
                {
                    "id": item.pk, "kind": item.kind, "title": item.title,
                    "progress": progress[item.pk].progress, "on_track": progress[item.pk].on_track,
                    "task_ids": progress[item.pk].task_ids,
                }
                for item in theme.items.all()
            ],
        }
        for theme in themes
    ]


@themes_router.get("", response={200: ThemePage, **ERRORS}, operation_id="themes_list", summary="List annual themes")
def themes_list(request: HttpRequest, filters: Query[ThemeFilters]):
    """Themes the caller may see, newest year first, with their items' computed progress."""
    user = caller(request)
    unit = policy.get_for_user(user, Unit, filters.unit) if filters.unit else None
    themes = selectors.theme_list(user=user, year=filters.year, unit=unit)
    count = themes.count()
    page = Theme.objects.filter(pk__in=list(themes[filters.offset : filters.offset + filters.limit].values_list("pk", flat=True)))
    return {"items": _out(page.order_by("-year", "unit__path", "order", "id")), "count": count}


@themes_router.get("/{id}", response={200: ThemeOut, **ERRORS}, operation_id="themes_detail", summary="One annual theme")
def themes_detail(request: HttpRequest, id: int):
    theme = selectors.get_theme_for_user(caller(request), id)
    return _out(Theme.objects.filter(pk=theme.pk))[0]
