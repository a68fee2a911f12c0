"""The office's calendar and deadline rules: who may change them, and the changes.

``CalendarDay`` (the year's extra days off and make-up working days) and ``DeadlineRule``
(versioned deadlines, each with its source document) are data every app reads. Everyone who
signs in may read them; only the office may change them: someone holding an admin grant on a
unit at the top of the tree (the city or province office, its administrators), decided from the
grants like every other permission. Every change is audited, and the page shows the history.

A new version of a rule starts on a day: the version in force that day, if it has no end or ends
later, is ended the day before (``deadline_rule_add``). Versions of a rule never overlap, and a
version never ends before it starts (``clean`` and a database constraint).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import holidays as holiday_data
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from . import policy
from .audit import History, _actor_joins, audit_record, history_rows, snapshot
from .models import AuditEntry, CalendarDay, DeadlineRule
from .policy import Action, Level


def is_office(user) -> bool:
    """Does ``user`` administer a unit at the top of the tree (the city's office)?"""
    if policy.is_everything(user):
        return True
    return any(role >= Level.ADMIN and len(policy.ancestors(path)) == 1 for path, role in policy.grants(user))


class OfficeDataPolicy(policy.Policy[Any]):
    """Read by everyone who signs in; changed by the office (``is_office``)."""

    def may(self, user, action: Action, obj) -> bool:
        if action == Action.VIEW:
            return True
        return action == Action.CHANGE and is_office(user)

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        return Q() if action == Action.VIEW or (action == Action.CHANGE and is_office(user)) else Q(pk__in=[])


policy.register(CalendarDay)(type("CalendarDayPolicy", (OfficeDataPolicy,), {}))
policy.register(DeadlineRule)(type("DeadlineRulePolicy", (OfficeDataPolicy,), {}))

CALENDAR_FIELDS = ("date", "kind", "source", "note")
RULE_FIELDS = ("code", "name", "days", "counting", "source", "effective_from", "effective_to")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _require_office(actor, obj) -> None:
    """The office's door for data that belongs to no unit: 403 for anyone else."""
    policy.require(actor, obj, Action.CHANGE)


# --- Calendar days -------------------------------------------------------------------------


@transaction.atomic
def calendar_day_set(*, actor, date: dt.date, kind: str, source: str, note: str = "") -> CalendarDay:
    """Add (or correct) the announcement for ``date``: an extra day off on a day that would be
    worked, or a Saturday or Sunday made a working day."""
    day = CalendarDay.objects.select_for_update().filter(date=date).first() or CalendarDay(date=date)
    _require_office(actor, day)
    before = snapshot(day, CALENDAR_FIELDS) if day.pk else None
    errors: dict[str, list[str]] = {}
    source = (source or "").strip()
    if not source:
        errors.setdefault("source", []).append(_("Name the document that announces this day."))
    weekend = date.weekday() >= 5
    public = date in holiday_data.country_holidays("VN", years=date.year)
    if kind == CalendarDay.Kind.WORKDAY and not weekend:
        errors.setdefault("kind", []).append(_("A make-up working day is a Saturday or a Sunday."))
    if kind == CalendarDay.Kind.OFF and (weekend or public):
        errors.setdefault("kind", []).append(_("This day is already off."))
    if errors:
        raise ValidationError(errors)
    day.kind = kind
    day.source = source
    day.note = (note or "").strip()
    day.full_clean()
    day.save()
    audit_record(actor=_user(actor), action="calendar_day.set", obj=day, before=before,
                 after=snapshot(day, CALENDAR_FIELDS))
    return day


@transaction.atomic
def calendar_day_delete(*, actor, day: CalendarDay) -> None:
    """Remove an announcement entered by mistake (the history keeps what it said)."""
    _require_office(actor, day)
    before = snapshot(day, CALENDAR_FIELDS)
    audit_record(actor=_user(actor), action="calendar_day.delete", obj=day, before=before)
    day.delete()


# --- Deadline rules ------------------------------------------------------------------------


def rule_codes() -> list[tuple[str, str]]:
    """The rules the apps installed (code, latest name): the office versions them, it does not
    invent new ones (no code would read them)."""
    names: dict[str, str] = {}
    for code, name in DeadlineRule.objects.order_by("code", "effective_from").values_list("code", "name"):
        names[code] = name
    return sorted(names.items())


@transaction.atomic
def deadline_rule_add(
    *, actor, code: str, name: str, days: int, counting: str, source: str, effective_from: dt.date,
    effective_to: dt.date | None = None,
) -> DeadlineRule:
    """A new version of rule ``code`` from ``effective_from``. The version in force that day
    ends the day before; a later version already entered must not be overlapped."""
    rule = DeadlineRule(
        code=(code or "").strip(), name=(name or "").strip(), days=days, counting=counting,
        source=(source or "").strip(), effective_from=effective_from, effective_to=effective_to,
    )
    _require_office(actor, rule)
    versions = list(DeadlineRule.objects.select_for_update().filter(code=rule.code).order_by("effective_from"))
    if not versions:
        raise ValidationError({"code": _("Choose one of the rules the application uses.")})
    rule.full_clean(validate_unique=False)
    if any(v.effective_from == effective_from for v in versions):
        raise ValidationError({"effective_from": _("A version of this rule already starts on this day.")})
    later = [v for v in versions if v.effective_from > effective_from]
    if later and (effective_to is None or effective_to >= later[0].effective_from):
        raise ValidationError({"effective_to": _(
            "A later version starts on %(day)s: end this one before it."
        ) % {"day": later[0].effective_from.strftime("%d/%m/%Y")}})
    for previous in versions:
        if previous.effective_from < effective_from and (
            previous.effective_to is None or previous.effective_to >= effective_from
        ):
            before = snapshot(previous, RULE_FIELDS)
            previous.effective_to = effective_from - dt.timedelta(days=1)
            previous.save(update_fields=["effective_to"])
            audit_record(actor=_user(actor), action="deadline_rule.end", obj=previous, before=before,
                         after=snapshot(previous, RULE_FIELDS))
    rule.save()
    audit_record(actor=_user(actor), action="deadline_rule.add", obj=rule, after=snapshot(rule, RULE_FIELDS))
    return rule


@transaction.atomic
def deadline_rule_end(*, actor, rule: DeadlineRule, effective_to: dt.date | None) -> DeadlineRule:
    """End a version on ``effective_to`` (``None``: in force until further notice). It may not
    end before it starts, nor run into the next version."""
    _require_office(actor, rule)
    rule = DeadlineRule.objects.select_for_update().get(pk=rule.pk)
    before = snapshot(rule, RULE_FIELDS)
    rule.effective_to = effective_to
    rule.full_clean(validate_unique=False)
    following = (
        DeadlineRule.objects.filter(code=rule.code, effective_from__gt=rule.effective_from)
        .order_by("effective_from").first()
    )
    if following and (effective_to is None or effective_to >= following.effective_from):
        raise ValidationError({"effective_to": _(
            "A later version starts on %(day)s: end this one before it."
        ) % {"day": following.effective_from.strftime("%d/%m/%Y")}})
    rule.save(update_fields=["effective_to"])
    audit_record(actor=_user(actor), action="deadline_rule.end", obj=rule, before=before,
                 after=snapshot(rule, RULE_FIELDS))
    return rule


# --- Reading -------------------------------------------------------------------------------


def calendar_days(year: int):
    return CalendarDay.objects.filter(year=year).order_by("date")


def deadline_rules():
    return DeadlineRule.objects.order_by("code", "-effective_from")


def recent_changes(model: type[CalendarDay] | type[DeadlineRule], limit: int = 50) -> History:
    """The latest changes to the calendar or to the rules (removed rows too), in one query."""
    from django.contrib.contenttypes.models import ContentType

    entries = list(
        AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))
        .select_related(*_actor_joins()).order_by("-created_at", "-id")[: limit + 1]
    )
    return History(rows=history_rows(entries[:limit]), truncated=len(entries) > limit)
