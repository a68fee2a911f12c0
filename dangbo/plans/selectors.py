"""Reads of themes and their items, filtered by the one policy inside the SQL."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet

from dangbo.assignments.models import Task
from dangbo.core import policy
from dangbo.core.policy import Action
from dangbo.orgs.models import Unit

from .models import Milestone, Theme, ThemeItem
from .progress import ItemProgress, item_progress


def get_theme_for_user(user, pk, action: Action | str = Action.VIEW) -> Theme:
    return policy.get_for_user(user, Theme.objects.select_related("unit", "adopted_from__unit"), pk, action)


def get_item_for_user(user, pk, action: Action | str = Action.VIEW) -> ThemeItem:
    qs = ThemeItem.objects.select_related("theme__unit", "owner_person", "owner_unit", "upper__theme__unit")
    return policy.get_for_user(user, qs, pk, action)


def _items_prefetch() -> Prefetch:
    return Prefetch(
        "items", queryset=ThemeItem.objects.select_related("owner_person", "owner_unit").order_by("kind", "order", "id")
    )


def theme_list(*, user, year: int | None = None, unit: Unit | None = None) -> QuerySet[Theme]:
    """Themes the user may see, newest year first; ``unit`` keeps that unit's and those below."""
    qs = policy.visible(user, Theme).select_related("unit", "adopted_from__unit")
    if year is not None:
        qs = qs.filter(year=year)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs.order_by("-year", "unit__path", "order", "id")


def theme_years(*, user) -> list[int]:
    return list(policy.visible(user, Theme).order_by("-year").values_list("year", flat=True).distinct())


def themes_with_items(themes, *, today: dt.date) -> tuple[list[Theme], dict[int, ItemProgress]]:
    """The themes with their items prefetched and every item's progress (a fixed number of
    queries)."""
    themes = list(themes.prefetch_related(_items_prefetch()))
    items = [item for theme in themes for item in theme.items.all()]
    return themes, item_progress(items, today)


def lower_items(*, user, item: ThemeItem) -> list[ThemeItem]:
    """The items of units below that serve ``item`` and that the user may see."""
    qs = policy.visible(user, ThemeItem.objects.filter(upper=item)).select_related(
        "theme__unit", "owner_person", "owner_unit"
    )
    return list(qs.order_by("theme__unit__path", "order", "id"))


def item_tasks(*, user, item: ThemeItem) -> QuerySet[Task]:
    """The item's own tasks the user may see."""
    return policy.visible(user, item.tasks.all()).select_related("unit").order_by("deadline", "id")


def item_milestones(*, item: ThemeItem) -> list[Milestone]:
    return list(item.milestones.all())


def linkable_tasks(*, user, item: ThemeItem) -> QuerySet[Task]:
    """Open tasks the user sees under the theme's unit, not yet linked to ``item``."""
    return (
        policy.visible(user, Task.objects.filter(status__in=Task.OPEN))
        .filter(unit_path__startswith=item.theme.unit.path)
        .exclude(theme_items=item)
        .select_related("unit")
        .order_by("deadline", "id")
    )


def upper_item_choices(*, user, theme: Theme) -> QuerySet[ThemeItem]:
    """Items of the units above the theme's, for the same year, that the user may see."""
    above = [p for p in policy.ancestors(theme.unit.path) if p != theme.unit.path]
    return (
        policy.visible(user, ThemeItem)
        .filter(theme__year=theme.year, theme__unit__path__in=above)
        .select_related("theme__unit")
        .order_by("theme__unit__path", "order", "id")
    )


def upper_theme_choices(*, user, unit: Unit, year: int | None = None) -> QuerySet[Theme]:
    above = [p for p in policy.ancestors(unit.path) if p != unit.path]
    qs = policy.visible(user, Theme).filter(unit__path__in=above).select_related("unit")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "unit__path", "order")
