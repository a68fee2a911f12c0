"""Every change to a theme, its items, their milestones and tasks goes through one of these.

Keyword-only arguments, one transaction, ``policy.require`` first, ``full_clean``, an audit
entry, and a ``ValidationError`` keyed by field on bad input (nothing is changed then). Tasks
are assigned through ``dangbo.assignments.services``, so their own rules hold here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangbo.assignments import services as task_services
from dangbo.assignments.models import Task
from dangbo.core import evidence as figures
from dangbo.core import policy, search, uploads, versions
from dangbo.core.audit import audit_record, snapshot
from dangbo.core.policy import Action, require
from dangbo.core.text import normalize
from dangbo.documents.models import Document
from dangbo.orgs.models import Person, Term, Unit
from dangbo.orgs.policy import require_person

from .commitments import suggest_status
from .models import (
    Commitment,
    CommitmentItem,
    CommitmentScan,
    ConfidenceRating,
    EvaluationGrade,
    EvaluationScale,
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    ItemStatus,
    Milestone,
    Theme,
    ThemeItem,
)

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
    item = ThemeItem.objects.select_for_update(of=("self",)).select_related("theme__unit").get(pk=item.pk)
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
        shared_down=True,
    )


def search_item(item: ThemeItem) -> search.SearchDocument:
    return search.SearchDocument(
        kind="theme_item", object_id=item.pk, unit_id=item.theme.unit_id, title=item.title,
        body=f"{item.get_kind_display()} {item.target} {item.theme.text}",
        date=dt.date(item.theme.year, 1, 1), url=item.get_absolute_url(), shared_down=True,
    )


# --- Responsibility commitments -------------------------------------------------------------

MIN_ITEMS, MAX_ITEMS = 2, 6
COMMITMENT_FIELDS = ["year", "upper_unit", "lower_unit", "upper_signer", "lower_signer", "title", "signed_on", "scale"]


def _check_closed(commitment: Commitment) -> None:
    if commitment.closed_on is not None:
        raise ValidationError(
            _("The year %(year)s of this commitment is closed; only an audited correction with a reason changes it.")
            % {"year": commitment.year}
        )


@transaction.atomic
def commitment_create(
    *,
    actor,
    year: int,
    upper_unit: Unit,
    lower_unit: Unit,
    title: str,
    items: Sequence[dict[str, Any]],
    upper_signer: Person | None = None,
    lower_signer: Person | None = None,
    signed_on: dt.date | None = None,
    scale: EvaluationScale | None = None,
) -> Commitment:
    """A signed commitment of ``lower_unit`` to ``upper_unit`` for ``year`` with its 2–6 items
    (``title``, ``target``, ``weight``, ``evidence``, ``cascades_from``, ``tasks``), whose
    weights sum to 100. The upper level's managers record it. All or nothing."""
    require(actor, upper_unit, Action.CHANGE)
    require(actor, lower_unit, Action.VIEW)
    for person in (upper_signer, lower_signer):
        if person is not None:
            require_person(actor, person)
    if not _above(upper_unit, lower_unit):
        raise ValidationError({"lower_unit": _("The committing unit is a unit below %(unit)s.") % {"unit": upper_unit.name}})
    if not MIN_ITEMS <= len(items) <= MAX_ITEMS:
        raise ValidationError({"items": _("A commitment holds %(min)d to %(max)d items.") % {"min": MIN_ITEMS, "max": MAX_ITEMS}})
    total = sum(int(item.get("weight") or 0) for item in items)
    if total != 100:
        raise ValidationError({"items": _("The weights of the items sum to %(total)d, not 100.") % {"total": total}})
    if Commitment.objects.filter(year=year, upper_unit=upper_unit, lower_unit=lower_unit).exists():
        raise ValidationError({"lower_unit": _("%(unit)s already has a commitment for %(year)s.")
                               % {"unit": lower_unit.name, "year": year}})
    scale = scale or EvaluationScale.objects.filter(effective_from__lte=dt.date(year, 12, 31)).order_by(
        "-effective_from", "-version").first()
    commitment = Commitment(
        year=year, upper_unit=upper_unit, lower_unit=lower_unit, upper_signer=upper_signer,
        lower_signer=lower_signer, title=normalize(title), signed_on=signed_on, scale=scale,
    )
    commitment.full_clean()
    commitment.save()
    for order, spec in enumerate(items, start=1):
        upper_item = spec.get("cascades_from")
        if upper_item is not None:
            require(actor, upper_item, Action.VIEW)
            if upper_item.commitment.lower_unit_id != upper_unit.pk or upper_item.commitment.year != year:
                raise ValidationError({"items": _("An item cascades from the upper level's own commitment of the same year.")})
        item = CommitmentItem(
            commitment=commitment, order=order, title=normalize(spec.get("title") or ""),
            target=(spec.get("target") or "").strip(), weight=int(spec.get("weight") or 0),
            evidence=(spec.get("evidence") or "").strip(), cascades_from=upper_item,
        )
        try:
            item.full_clean(exclude=["commitment"])
        except ValidationError as error:
            raise ValidationError({"items": _("Item %(n)d: %(errors)s") % {"n": order, "errors": " ".join(error.messages)}}) from error
        item.save()
        linked = list(spec.get("tasks") or [])
        for task in linked:
            require(actor, task, Action.VIEW)
        if linked:
            item.tasks.add(*linked)
    after = snapshot(commitment, COMMITMENT_FIELDS)
    after["items"] = [f"{i['title']} ({i['weight']}%)" for i in items]
    audit_record(actor=actor, action="commitment.create", obj=commitment, after=after)
    search.index(commitment)
    return commitment


def item_suggestion(item: CommitmentItem) -> str:
    return suggest_status(item.tasks.values_list("status", "progress"))


@transaction.atomic
def commitment_status_set(
    *, actor, item: CommitmentItem, quarter: int, status: str, reason: str = "", correction: bool = False
) -> ItemStatus:
    """The unit confirms or corrects an item's status for a quarter. Departing from what the
    evidence suggests needs a reason. After the year is closed only a correction (``correction``,
    by the upper level, with a reason) changes it, and it is audited as such."""
    commitment = Commitment.objects.select_for_update().get(pk=item.commitment_id)
    if correction:
        require(actor, commitment, Action.CHANGE)
        if not reason.strip():
            raise ValidationError({"reason": _("A correction needs a reason.")})
    else:
        require(actor, commitment, Action.CONTRIBUTE)
        _check_closed(commitment)
    if not 1 <= quarter <= 4:
        raise ValidationError({"quarter": _("A quarter is 1 to 4.")})
    suggested = item_suggestion(item)
    if suggested and status != suggested and not reason.strip():
        raise ValidationError({"reason": _("The evidence suggests “%(suggested)s”: say why the status differs.")
                               % {"suggested": ItemStatus.Status(suggested).label}})
    row = ItemStatus.objects.filter(item=item, quarter=quarter).first()
    before = {"status": row.status, "reason": row.reason} if row else None
    row = row or ItemStatus(item=item, quarter=quarter)
    row.status, row.suggested, row.reason = status, suggested, reason.strip()
    row.full_clean()
    row.save()
    audit_record(
        actor=actor, action="commitment.correct" if correction else "commitment.status", obj=commitment,
        before=before, after={"item": item.title, "quarter": quarter, "status": row.get_status_display(),
                              "reason": row.reason},
        reason=reason.strip() if correction else "",
    )
    return row


@transaction.atomic
def commitment_comment(*, actor, status: ItemStatus, comment: str) -> ItemStatus:
    """The upper level comments on a quarterly status."""
    commitment = status.item.commitment
    require(actor, commitment, Action.CHANGE)
    _check_closed(commitment)
    status.comment = comment.strip()
    status.save(update_fields=["comment"])
    audit_record(actor=actor, action="commitment.comment", obj=commitment,
                 after={"item": status.item.title, "quarter": status.quarter, "comment": status.comment})
    return status


@transaction.atomic
def commitment_self_evaluate(*, actor, commitment: Commitment, self_evaluation: str, next_year: str = "") -> Commitment:
    """The head's self-evaluation at year end and the items proposed for next year."""
    require(actor, commitment, Action.CONTRIBUTE)
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    _check_closed(commitment)
    before = _values(commitment, ["self_evaluation", "next_year"])
    commitment.self_evaluation, commitment.next_year = self_evaluation.strip(), next_year.strip()
    _save_changes(actor=actor, obj=commitment, before=before, fields=["self_evaluation", "next_year"],
                  action="commitment.self_evaluate")
    return commitment


@transaction.atomic
def commitment_evaluate(
    *, actor, commitment: Commitment, grades: dict[int, EvaluationGrade], grade: EvaluationGrade | None,
    conclusion: str, close: bool = False, today: dt.date | None = None,
) -> Commitment:
    """The upper level's year-end evaluation of each item (``{item id: grade}``) and of the
    whole commitment, on the commitment's scale; ``close`` closes the year."""
    require(actor, commitment, Action.CHANGE)
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    _check_closed(commitment)
    wrong_scale = [g for g in [*grades.values(), grade] if g is not None and g.scale_id != commitment.scale_id]
    if wrong_scale:
        raise ValidationError({"grade": _("Use a grade of the commitment's scale.")})
    items = {item.pk: item for item in commitment.items.all()}
    if set(grades) - set(items):
        raise ValidationError({"grades": _("Grade only this commitment's items.")})
    for pk, item_grade in grades.items():
        items[pk].grade = item_grade
        items[pk].save(update_fields=["grade"])
    before = _values(commitment, ["grade", "conclusion", "closed_on"])
    commitment.grade, commitment.conclusion = grade, conclusion.strip()
    if close:
        commitment.closed_on = today or timezone.localdate()
    _save_changes(actor=actor, obj=commitment, before=before, fields=["grade", "conclusion", "closed_on"],
                  action="commitment.evaluate")
    if grades:
        audit_record(actor=actor, action="commitment.evaluate_items", obj=commitment,
                     after={items[pk].title: g.label for pk, g in grades.items()})
    return commitment


# --- Indicators ----------------------------------------------------------------------------

INDICATOR_FIELDS = ["unit", "term", "code", "name", "measure", "direction", "aggregation", "due", "method", "computed_from"]
#: The figures about a unit and the units below it that an indicator may be computed from.
COMPUTED_SUBJECT = "unit_tree"


def _term_years(indicator: Indicator) -> tuple[int, int]:
    term = indicator.term
    return term.start.year, (term.end.year if term.end else term.start.year + 5)


@transaction.atomic
def indicator_create(
    *, actor, unit: Unit, term: Term, code: str, name: str, measure: str = "",
    direction: str = Indicator.Direction.HIGHER, aggregation: str = Indicator.Aggregation.NONE,
    due: dt.date | None = None, method: str = "", computed_from: str = "", today: dt.date | None = None,
) -> Indicator:
    """An indicator of ``unit`` for ``term``. With ``computed_from`` (the code of a figure
    dangbo computes, ``dangbo.core.evidence.figure_choices("unit_tree")``) its results are
    computed at once for the term's years so far, and again by the daily scan; never typed."""
    require(actor, unit, Action.CHANGE)
    require(actor, term, Action.VIEW)
    if not unit.path.startswith(term.unit.path):
        raise ValidationError({"term": _("Choose a term of %(unit)s or of a unit above it.") % {"unit": unit.name}})
    if computed_from and computed_from not in dict(figures.figure_choices(COMPUTED_SUBJECT)):
        raise ValidationError({"computed_from": _("dangbo does not compute this figure; choose one of the list.")})
    indicator = Indicator(
        unit=unit, term=term, code=code.strip(), name=normalize(name), measure=measure.strip(),
        direction=direction, aggregation=aggregation, due=due, method=method.strip(), computed_from=computed_from,
    )
    indicator.full_clean()
    indicator.save()
    audit_record(actor=actor, action="indicator.create", obj=indicator, after=snapshot(indicator, INDICATOR_FIELDS))
    search.index(indicator)
    if computed_from:
        indicator_compute(indicator=indicator, today=today or timezone.localdate())
    return indicator


def _computed_value(figure: figures.Figure) -> Decimal:
    """A share as a percentage (two decimals), a count as it is."""
    if figure.of is None:
        return Decimal(figure.value)
    return (Decimal(figure.value) * 100 / Decimal(figure.of)).quantize(Decimal("0.01"))


@transaction.atomic
def indicator_compute(*, indicator: Indicator, today: dt.date, years: Iterable[int] | None = None) -> int:
    """Compute the yearly results of a computed indicator from the figure it names, for its
    unit and every unit it has a target for, over ``years`` (the term's years up to
    ``today``'s by default); each stored with the ``computed`` flag and the page of the
    records counted. A unit with nothing to count in a year gets no result. Returns the
    number of results changed (one history entry for the whole run when any changed)."""
    if not indicator.computed_from:
        return 0
    first, last = _term_years(indicator)
    wanted = sorted({y for y in (years if years is not None else range(first, today.year + 1)) if first <= y <= min(last, today.year)})
    if not wanted:
        return 0
    scope = indicator.unit.path
    unit_ids = sorted({indicator.unit_id, *indicator.targets.filter(unit__path__startswith=scope).values_list("unit_id", flat=True)})
    existing = {
        (row.unit_id, row.year): row
        for row in IndicatorActual.objects.filter(indicator=indicator, unit_id__in=unit_ids, year__in=wanted, quarter__isnull=True)
    }
    label = str(figures.figure_label(indicator.computed_from))[:300]
    changed: list[dict[str, Any]] = []
    for year in wanted:
        found = figures.collect(
            COMPUTED_SUBJECT, unit_ids, dt.date(year, 1, 1), dt.date(year, 12, 31), codes={indicator.computed_from}
        )
        for unit_id, offered in found.items():
            figure = offered.get(indicator.computed_from)
            if figure is None or figure.of == 0:
                continue
            value = _computed_value(figure)
            row = existing.get((unit_id, year))
            if row is not None and row.computed and row.value == value and row.records_url == figure.url:
                continue
            row = row or IndicatorActual(indicator=indicator, unit_id=unit_id, year=year, value=value)
            row.value, row.computed, row.records_url = value, True, figure.url[:500]
            row.source = label
            row.evidence = f"{figure.value}/{figure.of}" if figure.of is not None else str(figure.value)
            row.entered_by, row.entered_at = None, timezone.now()
            row.save()
            changed.append({"unit": unit_id, "year": year, "value": str(value)})
    if changed:
        audit_record(actor=None, action="indicator.compute", obj=indicator, after={"results": changed[:50]})
    return len(changed)


def refresh_computed_indicators(today: dt.date) -> int:
    """The daily scan's part: compute again this year's results (and last year's, for late
    records) of every computed indicator whose term covers them. Returns 0: it notifies
    nobody."""
    indicators = (
        Indicator.objects.exclude(computed_from="").select_related("unit", "term")
        .filter(term__start__year__lte=today.year).order_by("pk")
    )
    for indicator in indicators.iterator(chunk_size=200):
        indicator_compute(indicator=indicator, today=today, years=[today.year - 1, today.year])
    return 0


def _check_scope(indicator: Indicator, unit: Unit) -> None:
    if not unit.path.startswith(indicator.unit.path):
        raise ValidationError({"unit": _("%(unit)s is outside the scope of this indicator (%(scope)s and the units below it).")
                               % {"unit": unit.name, "scope": indicator.unit.name}})


def _check_year(indicator: Indicator, year: int | None) -> None:
    if year is None:
        return
    first, last = _term_years(indicator)
    if not first <= year <= last:
        raise ValidationError({"year": _("%(year)s is outside the term %(term)s (%(first)s–%(last)s).")
                               % {"year": year, "term": indicator.term.code, "first": first, "last": last}})


@transaction.atomic
def target_set(*, actor, indicator: Indicator, unit: Unit, year: int | None, value: Decimal) -> IndicatorTarget:
    """The target of ``unit`` for ``year`` of the term (``None``: the whole term)."""
    require(actor, indicator, Action.CHANGE)
    _check_scope(indicator, unit)
    _check_year(indicator, year)
    row = IndicatorTarget.objects.filter(indicator=indicator, unit=unit, year=year).first()
    before = {"value": str(row.value)} if row else None
    row = row or IndicatorTarget(indicator=indicator, unit=unit, year=year, value=value)
    row.value = value
    row.full_clean(validate_constraints=False)
    row.save()
    audit_record(actor=actor, action="indicator.target", obj=indicator, before=before,
                 after={"unit": unit.name, "year": year, "value": str(value)})
    return row


@transaction.atomic
def actual_record(
    *, actor, indicator: Indicator, unit: Unit, year: int, value: Decimal, quarter: int | None = None,
    source: str = "", evidence: str = "",
) -> IndicatorActual:
    """What ``unit`` achieved in ``year`` (or one quarter), with its source and evidence. The
    unit's contributors enter it; the unit must lie in the indicator's scope and the year in
    its term."""
    require(actor, indicator, Action.VIEW)
    require(actor, unit, Action.CONTRIBUTE)
    if indicator.computed_from:
        raise ValidationError({"value": _(
            "dangbo computes this indicator's results from its records (%(figure)s); they are not entered by hand."
        ) % {"figure": figures.figure_label(indicator.computed_from)}})
    _check_scope(indicator, unit)
    _check_year(indicator, year)
    row = IndicatorActual.objects.filter(indicator=indicator, unit=unit, year=year, quarter=quarter).first()
    before = {"value": str(row.value), "source": row.source} if row else None
    row = row or IndicatorActual(indicator=indicator, unit=unit, year=year, quarter=quarter, value=value)
    row.value, row.source, row.evidence = value, source.strip(), evidence.strip()
    row.entered_by = actor if getattr(actor, "is_authenticated", False) else None
    row.full_clean(validate_constraints=False)
    row.save()
    audit_record(actor=actor, action="indicator.actual", obj=indicator, before=before,
                 after={"unit": unit.name, "year": year, "quarter": quarter, "value": str(value), "source": row.source})
    return row


def search_commitment(commitment: Commitment) -> search.SearchDocument:
    return search.SearchDocument(
        kind="commitment", object_id=commitment.pk, unit_id=commitment.lower_unit_id, title=commitment.title,
        body=" ".join([commitment.lower_unit.name, *(i.title for i in commitment.items.all())]),
        date=dt.date(commitment.year, 1, 1), url=commitment.get_absolute_url(),
    )


def search_indicator(indicator: Indicator) -> search.SearchDocument:
    return search.SearchDocument(
        kind="indicator", object_id=indicator.pk, unit_id=indicator.unit_id, title=indicator.name,
        number=indicator.code, body=f"{indicator.term.code} {indicator.method}", url=indicator.get_absolute_url(),
    )


# --- Delivery confidence -------------------------------------------------------------------


@transaction.atomic
def rating_record(
    *, actor, item: ThemeItem, level: int, reason: str, month: dt.date | None = None, rater: Person | None = None
) -> ConfidenceRating:
    """A leader's delivery confidence in ``item`` for a month (this month by default), with a
    reason. The item's owner rates it, and so may the leaders who manage the theme's unit;
    rating the same month again replaces the earlier rating (audited)."""
    require(actor, item, Action.VIEW)
    if actor is not None:
        rater = policy.person_of(actor)
        if rater is None or (rater.pk != item.owner_person_id and not policy.may(actor, Action.CHANGE, item)):
            raise PermissionDenied
    if rater is None:
        raise ValidationError({"rater": _("Say who rates the item.")})
    month = (month or timezone.localdate()).replace(day=1)
    row = ConfidenceRating.objects.filter(item=item, month=month, rater=rater).first()
    before = {"level": row.get_level_display(), "reason": row.reason} if row else None
    row = row or ConfidenceRating(item=item, month=month, rater=rater, level=level)
    row.level, row.reason = level, (reason or "").strip()
    row.full_clean(validate_constraints=False)
    row.save()
    audit_record(actor=actor, action="theme_item.confidence", obj=item, before=before,
                 after={"month": f"{month:%m/%Y}", "rater": rater.full_name, "level": row.get_level_display(),
                        "reason": row.reason})
    return row


@transaction.atomic
def commitment_item_link_tasks(*, actor, item: CommitmentItem, tasks: Iterable[Task]) -> list[Task]:
    """Link tasks that evidence a commitment item (the committing unit or the upper level);
    their progress pre-fills the item's quarterly status. Each task must be one the actor sees."""
    commitment = item.commitment
    if actor is not None and not policy.may(actor, Action.CHANGE, commitment):
        require(actor, commitment, Action.CONTRIBUTE)
    _check_closed(commitment)
    tasks = list(tasks)
    if not tasks:
        raise ValidationError({"tasks": _("Choose at least one task.")})
    for task in tasks:
        require(actor, task, Action.VIEW)
    already = set(item.tasks.filter(pk__in=[t.pk for t in tasks]).values_list("pk", flat=True))
    new = [t for t in tasks if t.pk not in already]
    if new:
        item.tasks.add(*new)
        audit_record(actor=actor, action="commitment.link", obj=commitment,
                     after={"item": item.title, "tasks": [t.title for t in new]})
    return new


# --- Tasks proposed from a plan's text -----------------------------------------------------


@dataclass
class AcceptedProposal:
    """A proposal the office accepts, as it edited it."""

    title: str
    units: Sequence[Unit]
    deadline: dt.date | None
    coordinating: Sequence[Unit] = ()
    item: ThemeItem | None = None
    passage: str = ""


@transaction.atomic
def document_proposals_accept(*, actor, document: Document, accepted: Sequence[AcceptedProposal]) -> list[Task]:
    """The accepted proposals become tracked tasks, one per unit in charge, assigned by the
    document's registering unit and linked to the document (and to the theme item chosen).
    Every proposal is checked before anything is saved: a missing unit, title or deadline is a
    ``ValidationError`` keyed ``"<index>-<field>"``."""
    require(actor, document, Action.VIEW)
    require(actor, document.unit, Action.CHANGE)
    if not accepted:
        raise ValidationError({"__all__": _("Accept at least one proposal.")})
    errors: dict[str, str] = {}
    for index, proposal in enumerate(accepted):
        if not normalize(proposal.title):
            errors[f"{index}-title"] = _("Write the task.")
        if not proposal.units:
            errors[f"{index}-units"] = _("Choose the unit(s) in charge.")
        if proposal.deadline is None:
            errors[f"{index}-deadline"] = _("Set the deadline.")
        if proposal.item is not None and not policy.may(actor, Action.CHANGE, proposal.item):
            errors[f"{index}-item"] = _("You may not link tasks to this item.")
    if errors:
        raise ValidationError(errors)
    tasks: list[Task] = []
    for index, proposal in enumerate(accepted):
        try:
            made = task_services.task_assign_bulk(
                actor=actor, units=list(proposal.units), title=proposal.title, deadline=proposal.deadline,
                assigning_unit=document.unit, source=document, coordinating_units=list(proposal.coordinating),
                description=proposal.passage,
            )
        except ValidationError as error:
            raise ValidationError({f"{index}-{key}": value for key, value in error.message_dict.items()}) from None
        if proposal.item is not None:
            proposal.item.tasks.add(*made)
            audit_record(actor=actor, action="theme_item.link", obj=proposal.item,
                         after={"tasks": [t.title for t in made]})
        tasks.extend(made)
    audit_record(
        actor=actor, action="document.task_proposals", obj=document,
        after={"tasks": [t.title for t in tasks], "units": sorted({t.unit.name for t in tasks})},
    )
    return tasks


#: A signed commitment's scan: a PDF or a picture.
SCAN_FORMATS = ("pdf", "png", "jpeg")


@transaction.atomic
def commitment_scan_attach(*, actor, commitment: Commitment, upload: Any) -> CommitmentScan:
    """Keep the signed commitment's scan (checked like every upload); the latest scan is the
    commitment's. The upper level, which records the commitment, attaches it."""
    require(actor, commitment, Action.CHANGE)
    _check_closed(commitment)
    checked = uploads.check(upload, accept=SCAN_FORMATS, field="scan")
    scan = CommitmentScan(
        commitment=commitment, name=checked.name, content_type=checked.content_type, size=checked.size,
        sha256=checked.sha256, uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    scan.file.save(checked.name, ContentFile(checked.data), save=False)
    try:
        scan.full_clean(exclude=["file"])
        scan.save()
    except Exception:
        scan.file.delete(save=False)
        raise
    audit_record(actor=actor, action="commitment.scan", obj=commitment, after={"scan": scan.name})
    return scan
