"""The audit trail: every service writes one entry per change it makes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import yesno
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields``; foreign keys are stored as their text."""
    data: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.is_relation and field.many_to_one:
            related = getattr(obj, name)
            data[name] = str(related) if related is not None else None
        else:
            data[name] = _jsonable(getattr(obj, name))
    return data


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        before=before,
        after=after,
        reason=reason,
    )


def audit_for(obj: models.Model) -> models.QuerySet[AuditEntry]:
    """Entries about one object, newest first. The caller has checked it may see ``obj``."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
    ).select_related("actor")


# --- Showing an object's history ------------------------------------------------------------
#
# ``history(obj)`` reads the entries about one object (and, through ``include``, about its
# parts) in one query, the actor and the actor's person joined in, and turns them into rows
# a page shows with ``{% include "includes/history.html" %}``: when, who, a label for the
# action, the changed fields with their labels (old → new) and the reason.

#: A label for each action code; an action missing here is shown by its code.
#: Apps may add their own: ``ACTION_LABELS["thing.verb"] = _("Thing verbed")``.
ACTION_LABELS: dict[str, Any] = {
    # tasks
    "task.assign": _("Task assigned"),
    "task.update": _("Task changed"),
    "task.report": _("Progress reported"),
    "task.in_progress": _("Set in progress"),
    "task.awaiting": _("Sent for confirmation"),
    "task.done": _("Confirmed as done"),
    "task.paused": _("Task paused"),
    "task.cancelled": _("Task cancelled"),
    # inspection and supervision
    "inspection_program.create": _("Program created"),
    "inspection_program.update": _("Program corrected"),
    "inspection.create": _("Inspection added"),
    "inspection.update": _("Inspection corrected"),
    "inspection.conclude": _("Conclusion recorded"),
    # meetings
    "meeting.create": _("Meeting scheduled"),
    "meeting.update": _("Meeting changed"),
    "meeting.record": _("Minutes recorded"),
    "meeting.roll_call": _("Roll-call taken"),
    "meeting.guest": _("Guest added"),
    "meeting.close": _("Meeting closed"),
    "meeting.score": _("Meeting scored"),
    "meeting.correction": _("Correction after closing"),
    "meeting.decision": _("Decision recorded"),
    "meeting.decision_task": _("Decision made a task"),
    # criteria sets
    "criteria_set.version": _("New version made"),
    "criteria_set.thresholds": _("Grades changed"),
    "criteria_section.update": _("Section renamed"),
    "criterion.add": _("Criterion added"),
    "criterion.update": _("Criterion changed"),
    "criterion.remove": _("Criterion removed"),
    # documents and study sessions
    "document.register": _("Document registered"),
    "document.update": _("Document changed"),
    "document.status": _("Validity changed"),
    "document.relate": _("Related document added"),
    "document.unrelate": _("Related document removed"),
    "document.attach": _("File attached"),
    "study.create": _("Study session created"),
    "study.attendance": _("Attendance recorded"),
    "study.material": _("Material added"),
    # organisation
    "unit.create": _("Unit created"),
    "unit.update": _("Unit changed"),
    "unit.move": _("Unit moved"),
    "unit.merge": _("Merged into another unit"),
    "unit.merge_into": _("Units merged into this one"),
    "unit.split": _("Unit split"),
    "term.create": _("Term created"),
    "position.create": _("Position given"),
    "position.end": _("Position ended"),
    "membership.create": _("Membership recorded"),
    "membership.transfer": _("Membership transferred"),
    "grant.create": _("Access granted"),
    "person.create": _("Person added"),
    "person.link_user": _("Account linked"),
    "leader.assign": _("Leader assigned"),
    "leader.end": _("Leader assignment ended"),
    "leader.visit": _("Visit logged"),
    "working_group.create": _("Working group set up"),
    # accounts
    "api_token.create": _("API token created"),
    "api_token.revoke": _("API token revoked"),
    "user.password_change": _("Password changed"),
    "notification_preference.update": _("E-mail preference changed"),
}

#: Labels for keys of ``before``/``after`` that are not fields of the object's model: by key,
#: or by ``(action, key)`` when the same key means something else in one action.
FIELD_LABELS: dict[str | tuple[str, str], Any] = {
    "percent": _("Progress"),
    ("task.report", "text"): _("Report"),
    ("unit.move", "parent"): _("Parent unit"),
    "files": _("Files"),
    "total": _("Total"),
    "rater": _("Scored by"),
    "guest": _("Guest"),
    "grades": _("Grades"),
    "from": _("Based on"),
    "task": _("Task"),
    "units": _("Units followed"),
    "grade": _("Grade"),
    "score": _("Score"),
    "tokens_revoked": _("API tokens revoked"),
}
#: Keys whose numbers are percentages.
PERCENT_KEYS = {"percent", "progress"}
#: At most this many entries are read for one page.
HISTORY_LIMIT = 200
#: Rows shown before "show all".
HISTORY_COLLAPSE_AFTER = 10
_MAX_VALUE = 200
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_DECIMAL = re.compile(r"-?\d+\.\d+")


@dataclass(frozen=True)
class HistoryChange:
    """One field of an entry: ``old`` is None when the entry holds no earlier value."""

    label: str
    old: str | None
    new: str


@dataclass(frozen=True)
class HistoryRow:
    id: int
    when: dt.datetime
    who: str
    by_system: bool
    action: str
    label: str
    subject: str  # what the entry is about, when it is a part of the object (a criterion…)
    changes: list[HistoryChange]
    reason: str


@dataclass
class History:
    """The rows a page shows, newest first; ``truncated`` when older entries were left out."""

    rows: list[HistoryRow] = field(default_factory=list)
    truncated: bool = False
    collapse_after: int = HISTORY_COLLAPSE_AFTER

    def __iter__(self) -> Iterator[HistoryRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)

    @property
    def collapsed(self) -> bool:
        return len(self.rows) > self.collapse_after


def _actor_joins() -> list[str]:
    """The actor, and the actor's person when accounts have one (``orgs.Person.user``)."""
    return ["actor__person"] if hasattr(get_user_model(), "person") else ["actor"]


def _who(entry: AuditEntry) -> tuple[str, bool]:
    actor = entry.actor
    if actor is None:
        return capfirst(gettext("system")), True
    try:
        name = actor.person.full_name  # type: ignore[attr-defined]
    except (ObjectDoesNotExist, AttributeError):
        name = ""
    return name or actor.get_username(), False


def _model_field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if getattr(found, "concrete", False) else None


def _field_label(model: type[models.Model] | None, action: str, key: str, labels: Mapping[str, Any]) -> str:
    """The caller's label, this action's, the field's own (``verbose_name``), a shared one."""
    model_field = _model_field(model, key)
    label = labels.get(key) or FIELD_LABELS.get((action, key))
    if label is None and model_field is not None and getattr(model_field, "_verbose_name", None):
        label = model_field.verbose_name
    label = label or FIELD_LABELS.get(key) or (model_field.verbose_name if model_field is not None else key)
    return capfirst(str(label))


def _short(text: str) -> str:
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1].rstrip() + "…"


def _display(value: Any, *, key: str, model_field: Any, values: Mapping[str, Any]) -> str:
    """A stored value as a person reads it: choices by their label, dates as dd/mm/yyyy."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return capfirst(str(yesno(value)))
    if model_field is not None and model_field.choices:
        choices = {k: v for k, v in model_field.flatchoices}
        if value in choices:
            return str(choices[value])
    if isinstance(value, list):
        return _short(", ".join(filter(None, (_display(v, key=key, model_field=None, values=values) for v in value))))
    if isinstance(value, dict):
        parts = (_display(v, key=k, model_field=None, values=values) for k, v in value.items() if k != "code")
        return _short(" · ".join(filter(None, parts)))
    if isinstance(value, int | float | Decimal):
        return f"{value}%" if key in PERCENT_KEYS and model_field is None else str(value)
    text = str(value)
    if _ISO_DATETIME.fullmatch(text[:16]) and (moment := parse_datetime(text)) is not None:
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%d/%m/%Y %H:%M")
    if _ISO_DATE.fullmatch(text) and (day := parse_date(text)) is not None:
        return day.strftime("%d/%m/%Y")
    if _DECIMAL.fullmatch(text):  # "92.5" → "92,5" in Vietnamese
        return number_format(Decimal(text))
    if values and not (model_field is not None and model_field.choices):
        # "excused (Đi công tác)" → the label of "excused", then the note.
        head, sep, rest = text.partition(" (")
        if text in values:
            return str(values[text])
        if sep and head in values:
            return f"{values[head]}{sep}{rest}"
    return _short(text)


def _changes(
    entry: AuditEntry, model: type[models.Model] | None, labels: Mapping[str, Any], values: Mapping[str, Any]
) -> list[HistoryChange]:
    before = entry.before if isinstance(entry.before, dict) else None
    after = entry.after if isinstance(entry.after, dict) else {}
    keys = list(after) + [k for k in (before or {}) if k not in after]
    if model is not None:  # the model's field order first (jsonb keeps no order)
        order = {f.name: i for i, f in enumerate(model._meta.concrete_fields)}
        keys.sort(key=lambda k: order.get(k, len(order)))
    result = []
    for key in keys:
        model_field = _model_field(model, key)
        new = _display(after.get(key), key=key, model_field=model_field, values=values)
        if before is None:
            # Values given at creation: leave out the empty ones (no file, not combined…).
            if after.get(key) or (key in PERCENT_KEYS and model_field is None and new):
                result.append(HistoryChange(_field_label(model, entry.action, key, labels), None, new))
            continue
        old = _display(before.get(key), key=key, model_field=model_field, values=values)
        if old != new and not (entry.reason and new == entry.reason.strip()):  # the reason shows once
            result.append(HistoryChange(_field_label(model, entry.action, key, labels), old, new))
    return result


def history_rows(
    entries: Iterable[AuditEntry],
    *,
    about: models.Model | None = None,
    labels: Mapping[str, Any] | None = None,
    values: Mapping[str, Any] | None = None,
) -> list[HistoryRow]:
    """Display rows for ``entries`` (read with their actor and the actor's person joined).

    ``labels`` names keys that are neither fields nor in ``FIELD_LABELS`` (a roll-call keyed by
    person id); ``values`` names stored codes that are not a field's choices. An entry about
    another object than ``about`` carries that object's text as its subject."""
    labels = labels or {}
    values = values or {}
    main = (ContentType.objects.get_for_model(about, for_concrete_model=True).pk, about.pk) if about else None
    rows = []
    for entry in entries:
        model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
        who, by_system = _who(entry)
        label = ACTION_LABELS.get(entry.action)
        rows.append(
            HistoryRow(
                id=entry.pk,
                when=entry.created_at,
                who=who,
                by_system=by_system,
                action=entry.action,
                label=str(label) if label else entry.action,
                subject="" if main == (entry.content_type_id, entry.object_id) else entry.object_repr,
                changes=_changes(entry, model, labels, values),
                reason=entry.reason,
            )
        )
    return rows


def history(
    obj: models.Model,
    *,
    include: Iterable[models.QuerySet] = (),
    limit: int = HISTORY_LIMIT,
    labels: Mapping[str, Any] | None = None,
    values: Mapping[str, Any] | None = None,
) -> History:
    """The history of ``obj`` for its page, newest first, in one query whatever its length.

    ``include`` adds the entries about the objects of each queryset (the parts of ``obj``,
    e.g. a meeting's decisions), read through a subquery. The caller has checked that the
    user may see ``obj``."""
    condition = Q(content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True), object_id=obj.pk)
    for queryset in include:
        condition |= Q(
            content_type=ContentType.objects.get_for_model(queryset.model, for_concrete_model=True),
            object_id__in=queryset.values("pk"),
        )
    entries = list(
        AuditEntry.objects.filter(condition).select_related(*_actor_joins()).order_by("-created_at", "-id")[: limit + 1]
    )
    return History(
        rows=history_rows(entries[:limit], about=obj, labels=labels, values=values),
        truncated=len(entries) > limit,
    )
