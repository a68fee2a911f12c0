"""Every change to a theme, its items, their milestones and tasks goes through one of these.

Keyword-only arguments, one transaction, ``policy.require`` first, ``full_clean``, an audit
entry, and a ``ValidationError`` keyed by field on bad input (nothing is changed then). Tasks
are assigned through ``dangbo.assignments.services``, so their own rules hold here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangbo.assignments import services as task_services
from dangbo.assignments.models import Task
from dangbo.core import search, versions
from dangbo.core.audit import audit_record, snapshot
from dangbo.core.policy import Action, require
from dangbo.core.text import normalize
from dangbo.orgs.models import Person, Unit
from dangbo.orgs.policy import require_person

from .models import Milestone, Theme, ThemeItem

THEME_FIELDS = ["unit", "year", "text", "order", "adopted_from"]
THEME_EDIT_FIELDS = ["text", "order"]
ITEM_FIELDS = ["theme", "kind", "title", "target", "owner_person", "owner_unit", "upper", "order"]
ITEM_EDIT_FIELDS = ["kind", "title", "target", "owner_person", "owner_unit", "upper", "order"]


def _values(obj: Any, fields: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(obj, obj._meta.get_field(name).attname) for name in fields}


def _save_changes(*, actor, obj: Any, before: dict[str, Any], fields: Sequence[str], action: str) -> list[str]:
    now = _values(obj, fields)
    changed = [name for name in fields if now[name] != before[name]]
    if changed:
        old = type(obj)(**{obj._meta.get_field(name).attname: before[name] for name in changed})
        obj.save(update_fields=changed)
        audit_record(actor=actor, action=action, obj=obj, before=snapshot(old, changed), after=snapshot(obj, changed))
    return changed


def _above(upper: Unit, lower: Unit) -> bool:
    return lower.path != upper.path and lower.path.startswith(upper.path)


def _check_adopted(adopted_from: Theme | None, unit: Unit, year: int) -> None:
    if adopted_from is None:
        return
    if not _above(adopted_from.unit, unit) or adopted_from.year != year:
        raise ValidationError(
            {"adopted_from": _("A unit adopts the theme of a unit above it, for the same year.")}
        )


@transaction.atomic
def theme_create(
    *, actor, unit: Unit, year: int, text: str, order: int = 1, adopted_from: Theme | None = None
) -> Theme:
    """A theme of ``unit`` for ``year`` (the unit's managers). With ``adopted_from``, the unit
    takes up the theme of a unit above it for the same year."""
    require(actor, unit, Action.CHANGE)
    if adopted_from is not None:
        require(actor, adopted_from, Action.VIEW)
    _check_adopted(adopted_from, unit, year)
    theme = Theme(
        unit=unit, year=year, text=normalize(text or (adopted_from.text if adopted_from else "")),
        order=order, adopted_from=adopted_from,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    theme.full_clean()
    theme.save()
    audit_record(actor=actor, action="theme.create", obj=theme, after=snapshot(theme, THEME_FIELDS))
    search.index(theme)
    return theme


@transaction.atomic
def theme_update(*, actor, theme: Theme, text: str, order: int, expected_version: str | None = None) -> Theme:
    require(actor, theme, Action.CHANGE)
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    versions.check(theme, THEME_EDIT_FIELDS, expected_version)
    before = _values(theme, THEME_EDIT_FIELDS)
    theme.text = normalize(text)
    theme.order = order
    theme.full_clean()
    _save_changes(actor=actor, obj=theme, before=before, fields=THEME_EDIT_FIELDS, action="theme.update")
    search.index(theme)
    return theme


def _check_item(actor, *, theme: Theme, owner_person: Person | None, owner_unit: Unit | None,
                upper: ThemeItem | None) -> None:
    if owner_person is not None:
        require_person(actor, owner_person)
    if owner_unit is not None:
        require(actor, owner_unit, Action.VIEW)
        if not owner_unit.path.startswith(theme.unit.path) and not theme.unit.path.startswith(owner_unit.path):
            raise ValidationError({"owner_unit": _("The unit in charge is %(unit)s or a unit below it.")
                                   % {"unit": theme.unit.name}})
    if upper is not None:
        require(actor, upper, Action.VIEW)
        if not _above(upper.theme.unit, theme.unit) or upper.theme.year != theme.year:
            raise ValidationError(
                {"upper": _("An item serves an item of a unit above it, for the same year.")}
            )


@transaction.atomic
def item_create(
    *,
    actor,
    theme: Theme,
    title: str,
    kind: str = ThemeItem.Kind.FOCUS,
    target: str = "",
    owner_person: Person | None = None,
    owner_unit: Unit | None = None,
    upper: ThemeItem | None = None,
    order: int = 1,
) -> ThemeItem:
    """A focus task or a breakthrough of ``theme``; ``upper`` links it up to the item of a
    unit above that it serves (a ward's item under the city's)."""
    require(actor, theme, Action.CHANGE)
    _check_item(actor, theme=theme, owner_person=owner_person, owner_unit=owner_unit, upper=upper)
    item = ThemeItem(
        theme=theme, kind=kind, title=normalize(title), target=(target or "").strip(),
        owner_person=owner_person, owner_unit=owner_unit, upper=upper, order=order,
    )
    item.full_clean()
    item.save()
    audit_record(actor=actor, action="theme_item.create", obj=item, after=snapshot(item, ITEM_FIELDS))
    search.index(item)
    return item


@transaction.atomic
def item_update(
    *,
    actor,
    item: ThemeItem,
    title: str,
    kind: str,
    target: str = "",
    owner_person: Person | None = None,
    owner_unit: Unit | None = None,
    upper: ThemeItem | None = None,
    order: int = 1,
    expected_version: str | None = None,
) -> ThemeItem:
    require(actor, item, Action.CHANGE)
    item = ThemeItem.objects.select_for_update().select_related("theme__unit").get(pk=item.pk)
    versions.check(item, ITEM_EDIT_FIELDS, expected_version)
    _check_item(actor, theme=item.theme, owner_person=owner_person, owner_unit=owner_unit, upper=upper)
    before = _values(item, ITEM_EDIT_FIELDS)
    item.title, item.kind, item.target = normalize(title), kind, (target or "").strip()
    item.owner_person, item.owner_unit, item.upper, item.order = owner_person, owner_unit, upper, order
    item.full_clean()
    _save_changes(actor=actor, obj=item, before=before, fields=ITEM_EDIT_FIELDS, action="theme_item.update")
    search.index(item)
    return item


@transaction.atomic
def milestone_add(
    *, actor, item: ThemeItem, period: str, number: int, text: str, expected_progress: int = 0
) -> Milestone:
    """A milestone of ``item``: what should stand by the end of a month (1–12) or a quarter (1–4)."""
    require(actor, item, Action.CHANGE)
    if period == Milestone.Period.QUARTER and not 1 <= number <= 4:
        raise ValidationError({"number": _("A quarter is 1 to 4.")})
    milestone = Milestone(
        item=item, period=period, number=number, text=normalize(text), expected_progress=expected_progress
    )
    milestone.full_clean()
    milestone.save()
    audit_record(
        actor=actor, action="theme_item.milestone", obj=item,
        after={"milestone": f"{milestone.get_period_display()} {number}: {milestone.text}",
               "expected_progress": expected_progress},
    )
    return milestone


@transaction.atomic
def milestone_remove(*, actor, milestone: Milestone) -> None:
    item = milestone.item
    require(actor, item, Action.CHANGE)
    audit_record(
        actor=actor, action="theme_item.milestone_remove", obj=item,
        before={"milestone": f"{milestone.get_period_display()} {milestone.number}: {milestone.text}"},
    )
    milestone.delete()


@transaction.atomic
def item_link_tasks(*, actor, item: ThemeItem, tasks: Iterable[Task]) -> list[Task]:
    """Link existing tasks to ``item``: they deliver it and count in its progress. Each task
    must be one the actor sees (404 otherwise, as for a missing id). Returns the newly linked."""
    require(actor, item, Action.CHANGE)
    tasks = list(tasks)
    if not tasks:
        raise ValidationError({"tasks": _("Choose at least one task.")})
    for task in tasks:
        require(actor, task, Action.VIEW)
    already = set(item.tasks.filter(pk__in=[t.pk for t in tasks]).values_list("pk", flat=True))
    new = [t for t in tasks if t.pk not in already]
    if new:
        item.tasks.add(*new)
        audit_record(actor=actor, action="theme_item.link", obj=item, after={"tasks": [t.title for t in new]})
    return new


@transaction.atomic
def item_unlink_task(*, actor, item: ThemeItem, task: Task) -> None:
    require(actor, item, Action.CHANGE)
    if not item.tasks.filter(pk=task.pk).exists():
        raise ValidationError({"task": _("This task is not linked to the item.")})
    item.tasks.remove(task)
    audit_record(actor=actor, action="theme_item.unlink", obj=item, before={"tasks": [task.title]})


@transaction.atomic
def item_assign(
    *,
    actor,
    item: ThemeItem,
    units: Sequence[Unit],
    title: str,
    deadline: dt.date,
    start: dt.date | None = None,
    description: str = "",
    priority: int = Task.Priority.NORMAL,
    notify: bool = True,
) -> list[Task]:
    """Assign new tasks from the item in one step, one tracked task per unit (all nine wards at
    once when needed), assigned by the theme's unit and linked to the item."""
    require(actor, item, Action.CHANGE)
    if not units:
        raise ValidationError({"units": _("Choose at least one unit.")})
    tasks = task_services.task_assign_bulk(
        actor=actor, units=list(units), title=title, deadline=deadline, start=start,
        description=description, priority=priority, assigning_unit=item.theme.unit, source=item,
        notify=notify,
    )
    item.tasks.add(*tasks)
    audit_record(
        actor=actor, action="theme_item.assign", obj=item,
        after={"tasks": [t.title for t in tasks], "units": [u.name for u in units]},
    )
    return tasks


# --- Search --------------------------------------------------------------------------------


def search_theme(theme: Theme) -> search.SearchDocument:
    return search.SearchDocument(
        kind="theme", object_id=theme.pk, unit_id=theme.unit_id, title=theme.text[:300],
        body=f"{theme.year} {theme.unit.name}", date=dt.date(theme.year, 1, 1), url=theme.get_absolute_url(),
    )


def search_item(item: ThemeItem) -> search.SearchDocument:
    return search.SearchDocument(
        kind="theme_item", object_id=item.pk, unit_id=item.theme.unit_id, title=item.title,
        body=f"{item.get_kind_display()} {item.target} {item.theme.text}",
        date=dt.date(item.theme.year, 1, 1), url=item.get_absolute_url(),
    )
