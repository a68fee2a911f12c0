"""Edit versions: a form read before someone else's save must not overwrite that save.

Every edit form carries the version of the object it was read at (the hidden field
``expected_version`` of :class:`dangbo.core.forms.VersionedForm`; the API sends it as an
``ETag`` and takes it back in ``If-Match``). The update service locks the row, then calls
:func:`check` with the fields the form edits, before it writes anything::

    task = Task.objects.select_for_update().get(pk=task.pk)
    versions.check(task, TASK_EDIT_FIELDS, expected_version)

A stale version raises :class:`StaleEdit` (a ``ValidationError``): nothing is written, and
the message names the fields that changed, with the values as the other person saved them.
``expected_version=None`` (commands, jobs, old clients) skips the check.

The version is a fingerprint of the edited fields' values, not an integer column:

* one short digest per field (:func:`token`), so a refusal can say exactly *which* fields
  the other person changed; an integer only says that something did;
* only the fields the form edits count: a task whose progress rolled up from a sub-unit's
  report while its edit form was open is not stale, and a roll-call row that nobody else
  touched is not stale because another row was saved;
* no migration on every model, and no writer has to remember to bump a counter: a change by
  ``QuerySet.update()``, a data migration or the shell is seen as well, since the values
  themselves are compared;
* the check runs after ``select_for_update()`` of the row, in the same transaction as the
  write, so it is as atomic as ``UPDATE … WHERE version = n``: a concurrent writer waits for
  the first one's commit and then compares against its values.

Changing a value back (A → B → A) is not a conflict: the values are what the form showed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.template.defaultfilters import yesno
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from .audit import _actor_joins, _who, audit_for

DIGEST_CHARS = 8  # hex characters per field: 32 bits, plenty to tell two saved values apart
SHOWN_CHARS = 120  # a long text is shown cut to this length in the message


def _canonical(value: Any) -> str:
    if isinstance(value, Decimal):
        value = str(value.normalize())
    elif isinstance(value, dt.date | dt.time):
        value = value.isoformat()
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


def _digest(name: str, value: Any) -> str:
    data = f"{name}\0{_canonical(value)}".encode()
    return hashlib.blake2b(data, digest_size=DIGEST_CHARS // 2).hexdigest()


def _field(obj: models.Model, name: str) -> Any:
    try:
        return obj._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def raw_values(obj: models.Model, fields: Sequence[str]) -> dict[str, Any]:
    """The stored values of ``fields``: a foreign key by its id, a many-to-many field as its
    sorted ids."""
    values: dict[str, Any] = {}
    for name in fields:
        field = _field(obj, name)
        if field is not None and field.many_to_many:
            values[name] = sorted(related.pk for related in getattr(obj, name).all()) if obj.pk else []
        elif field is not None and field.concrete:
            values[name] = getattr(obj, field.attname)
        else:
            values[name] = getattr(obj, name)
    return values


def token_of(values: Mapping[str, Any]) -> str:
    """The version of a set of values, in their order: one digest per value."""
    return "".join(_digest(name, value) for name, value in values.items())


def token(obj: models.Model, fields: Sequence[str]) -> str:
    """The version of ``obj`` as an edit form of ``fields`` reads it."""
    return token_of(raw_values(obj, fields))


def changed_fields(values: Mapping[str, Any], expected: str) -> list[str]:
    """The names whose value differs from the version ``expected`` (all of them when
    ``expected`` is not a version of these fields)."""
    names = list(values)
    if len(expected) != DIGEST_CHARS * len(names):
        return names
    return [
        name
        for index, name in enumerate(names)
        if expected[index * DIGEST_CHARS : (index + 1) * DIGEST_CHARS] != _digest(name, values[name])
    ]


def label(obj: models.Model, name: str) -> str:
    field = _field(obj, name)
    return capfirst(str(field.verbose_name)) if field is not None and hasattr(field, "verbose_name") else name


def display(obj: models.Model, name: str) -> str:
    """A field's current value as a person reads it (— when empty)."""
    field = _field(obj, name)
    if field is not None and field.many_to_many:
        text = ", ".join(str(related) for related in getattr(obj, name).all())
    else:
        value = getattr(obj, name)
        choices = dict(field.flatchoices) if field is not None and getattr(field, "choices", None) else {}
        if value is None or value == "":
            text = ""
        elif choices and value in choices:  # (a JSON value may be unhashable; it has no choices)
            text = str(choices[value])
        elif isinstance(value, bool):
            text = capfirst(str(yesno(value)))
        elif isinstance(value, dt.datetime):
            text = timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if timezone.is_aware(value) else f"{value:%d/%m/%Y %H:%M}"
        elif isinstance(value, dt.date):
            text = value.strftime("%d/%m/%Y")
        elif isinstance(value, dt.time):
            text = value.strftime("%H:%M")
        elif isinstance(value, Decimal):
            text = number_format(value.normalize())
        else:
            text = str(value)
    text = " ".join(text.split())
    return Truncator(text).chars(SHOWN_CHARS) if text else _("(empty)")


class StaleEdit(ValidationError):
    """Someone else saved the object after the form was read; nothing was written.

    ``changes`` lists ``(field, label, value now)``; ``version`` is the current version, which
    the form takes so that saving again (after reading the message) replaces those values.
    """

    def __init__(self, *, changes: Sequence[tuple[str, str, str]], version: str, who: str = "") -> None:
        self.changes = list(changes)
        self.version = version
        self.who = who
        super().__init__(self.describe(), code="stale")

    def describe(self, labels: Mapping[str, Any] | None = None) -> str:
        """The message, with the form's own labels where it has them."""
        labels = labels or {}
        listed = "; ".join(
            f"{capfirst(str(labels.get(name) or label))}: “{value}”" for name, label, value in self.changes
        )
        if self.who:
            return _(
                "%(who)s saved changes after you opened this form, so nothing of yours was saved. "
                "Their values now: %(changes)s. Your input is kept: save again to replace their "
                "values with yours, or cancel to keep theirs."
            ) % {"who": self.who, "changes": listed}
        return _(
            "Someone else saved changes after you opened this form, so nothing of yours was "
            "saved. Their values now: %(changes)s. Your input is kept: save again to replace "
            "their values with yours, or cancel to keep theirs."
        ) % {"changes": listed}


def last_editor(obj: models.Model, changed: Sequence[str]) -> str:
    """Who saved the latest audited change of one of ``changed`` (the keys of the audit
    entries' ``after``); empty when unknown."""
    for entry in audit_for(obj).select_related(*_actor_joins())[:20]:
        after = entry.after if isinstance(entry.after, dict) else {}
        if any(name in after for name in changed):
            name, is_system = _who(entry)
            return "" if is_system else name
    return ""


def check(obj: models.Model, fields: Sequence[str], expected: str | None) -> None:
    """Refuse with :class:`StaleEdit` when ``obj``'s ``fields`` are no longer at the version
    ``expected``. Call it on the row locked with ``select_for_update()``, before any write;
    ``None`` or an empty version skips the check."""
    if not expected:
        return
    values = raw_values(obj, fields)
    changed = changed_fields(values, expected)
    if not changed:
        return
    raise StaleEdit(
        changes=[(name, label(obj, name), display(obj, name)) for name in changed],
        version=token_of(values),
        who=last_editor(obj, changed),
    )
