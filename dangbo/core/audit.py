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
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import yesno
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_duration
from django.utils.duration import duration_iso_string
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext

from .models import AuditEntry


def _jsonable(value: Any) -> Any:
    """``value`` as plain JSON that the field it came from reads back (``field.to_python``):
    dates and times in ISO 8601, durations as ISO 8601 durations, decimals and UUIDs as text,
    files by their stored name, sets as sorted lists; anything else as its text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, bytes | bytearray | memoryview):
        return f"{len(value)} B"  # the trail keeps no binary content
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((_jsonable(v) for v in value), key=lambda v: (str(type(v)), str(v)))
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)  # Decimal, UUID, lazy text, a model instance, an address…


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields``; related objects are stored as their text."""
    data: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.is_relation and (field.many_to_one or field.one_to_one) and field.concrete:
            if getattr(obj, field.attname) is None:
                data[name] = None
            else:
                data[name] = str(getattr(obj, name))
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


def audit_record_many(*, actor: Any, action: str, entries: Iterable[tuple[models.Model, dict[str, Any] | None]]) -> int:
    """``audit_record`` for many objects at once (``(obj, after)`` pairs): one INSERT per
    1,000 entries, for the jobs that change thousands of rows. Returns how many were written."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    rows = [
        AuditEntry(actor=user, action=action, content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
                   object_id=obj.pk, object_repr=str(obj)[:300], after=after)
        for obj, after in entries
    ]
    AuditEntry.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


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

#: A label for each action code; an action missing here is shown by its code. Filled by the
#: apps through ``register_labels``.
ACTION_LABELS: dict[str, Any] = {}
#: Labels for keys of ``before``/``after`` that are not fields of the object's model: by key,
#: or by ``(action, key)`` when the same key means something else in one action.
FIELD_LABELS: dict[str | tuple[str, str], Any] = {}
#: Keys whose numbers (when they are not a field of the model) are percentages.
PERCENT_KEYS: set[str] = set()
#: Labels of the stored codes of keys that are not fields of the model, by ``(action, key)``
#: (a relation's kind ``implements`` → "Triển khai thực hiện").
VALUE_LABELS: dict[tuple[str, str], Mapping[str, Any]] = {}
#: Keys kept beside another key that says the same thing, by ``(action, key)``: the key they
#: fold into (a document's term, stored also as its code, shows once: by the code). A folded
#: key shows only when the other one shows no change.
FOLDED_KEYS: dict[tuple[str, str], str] = {}


def register_labels(
    *,
    actions: Mapping[str, Any] | None = None,
    fields: Mapping[str | tuple[str, str], Any] | None = None,
    percent_keys: Iterable[str] = (),
    values: Mapping[tuple[str, str], Mapping[str, Any]] | None = None,
    folded: Mapping[tuple[str, str], str] | None = None,
) -> None:
    """How an app's entries read in a history (call it from ``AppConfig.ready``): a label for
    each of its action codes (``"task.assign": _("Task assigned")``), for the keys of its
    ``before``/``after`` that are not fields of the model (``"percent"``, or
    ``("unit.move", "parent")`` for one action only), and the keys holding a percentage. A
    field of the model needs nothing: its ``verbose_name`` is its label. ``values`` names the
    codes stored under such a key (``{("document.relate", "kind"): {"implements": _(…)}}``).
    ``folded`` names the keys that repeat another one (``{("document.update", "term"):
    "term_code"}``): an entry shows one of the two."""
    ACTION_LABELS.update(actions or {})
    FOLDED_KEYS.update(folded or {})
    VALUE_LABELS.update(values or {})
    FIELD_LABELS.update(fields or {})
    PERCENT_KEYS.update(percent_keys)


#: At most this many entries are read for one page.
HISTORY_LIMIT = 200
#: Rows shown before "show all".
HISTORY_COLLAPSE_AFTER = 10
_MAX_VALUE = 200
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_DECIMAL = re.compile(r"-?\d+\.\d+")
_ISO_TIME = re.compile(r"\d{2}:\d{2}:\d{2}(\.\d+)?")
_ISO_DURATION = re.compile(r"-?P\d+DT\d{2}H\d{2}M\d{2}(\.\d+)?S")


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
    if _ISO_TIME.fullmatch(text):  # "19:30:00" → "19:30"
        return text[:5] if text[6:8] == "00" and not text[8:] else text
    if _ISO_DURATION.fullmatch(text) and (span := parse_duration(text)) is not None:
        return str(span)
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
    entry: AuditEntry, model: type[models.Model] | None, labels: Mapping[str, Any], values: Mapping[str, Any],
    omit: Iterable[str] = (),
) -> list[HistoryChange]:
    before = entry.before if isinstance(entry.before, dict) else None
    after = entry.after if isinstance(entry.after, dict) else {}
    keys = [k for k in list(after) + [k for k in (before or {}) if k not in after] if k not in omit]
    if model is not None:  # the model's field order first (jsonb keeps no order)
        order = {f.name: i for i, f in enumerate(model._meta.concrete_fields)}
        keys.sort(key=lambda k: order.get(k, len(order)))
    result: dict[str, HistoryChange] = {}
    for key in keys:
        model_field = _model_field(model, key)
        key_values = {**values, **VALUE_LABELS.get((entry.action, key), {})}
        new = _display(after.get(key), key=key, model_field=model_field, values=key_values)
        if before is None:
            # Values given at creation: leave out the empty ones (no file, not combined…).
            if after.get(key) or (key in PERCENT_KEYS and model_field is None and new):
                result[key] = HistoryChange(_field_label(model, entry.action, key, labels), None, new)
            continue
        old = _display(before.get(key), key=key, model_field=model_field, values=key_values)
        if old != new and not (entry.reason and new == entry.reason.strip()):  # the reason shows once
            result[key] = HistoryChange(_field_label(model, entry.action, key, labels), old, new)
    return [change for key, change in result.items() if FOLDED_KEYS.get((entry.action, key)) not in result]


def history_rows(
    entries: Iterable[AuditEntry],
    *,
    about: models.Model | None = None,
    labels: Mapping[str, Any] | None = None,
    values: Mapping[str, Any] | None = None,
    omit: Iterable[str] = (),
) -> list[HistoryRow]:
    """Display rows for ``entries`` (read with their actor and the actor's person joined).
    ``omit``: keys never shown (internal codes).

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
                changes=_changes(entry, model, labels, values, frozenset(omit)),
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
