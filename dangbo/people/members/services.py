"""Every change to a party member's record goes through one of these functions.

Each takes keyword-only arguments, starts with ``policy.require``, runs in a transaction,
validates with ``full_clean``, writes a ``MemberEvent`` where the member's record moves and an
audit entry on the person, and raises ``ValidationError`` (in Vietnamese) on bad input, leaving
nothing changed. ``actor=None`` is the trusted system (the demo loader, the import command).

Dates: a transfer on day D ends the old membership on D − 1 and starts the new one on D; leaving
the roll on day D ends the membership on D − 1. So a cell's roster on any day (the memberships
current that day) holds exactly who was in it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangbo.core import policy, search, versions
from dangbo.core.audit import audit_record
from dangbo.core.policy import Action
from dangbo.core.text import normalize
from dangbo.orgs import services as orgs
from dangbo.orgs.models import Membership, Person, Unit
from dangbo.orgs.policy import SENSITIVE_FIELDS, require_person

from .models import LEAVING_KINDS, MemberEvent

#: What the member form edits; its version is taken over these.
EDIT_FIELDS = [
    "full_name", "gender", "birth_date", "ethnicity", "hometown", "party_card_number", "citizen_id",
    "phone", "address", "joined_on", "official_on", "status",
]
TEXT_FIELDS = {"full_name", "ethnicity", "hometown", "phone", "address"}
#: What the audit trail writes instead of a sensitive value: the history is read by more
#: people than the personal data.
MASK = "●●●"
MEMBER_STATUSES = (Person.Status.OFFICIAL, Person.Status.PROBATION)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _audit_values(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key in SENSITIVE_FIELDS:
            out[key] = MASK if value not in (None, "") else ""
        elif isinstance(value, dt.date):
            out[key] = value.isoformat()
        else:
            out[key] = value if value is None or isinstance(value, int | str) else str(value)
    return out


def _check_cell(unit: Unit, field: str = "unit") -> None:
    if not unit.kind.holds_members:
        raise ValidationError(
            {field: _("Members belong to party cells, not to a %(kind)s.") % {"kind": unit.kind.name}}
        )


def _check_not_future(day: dt.date, field: str = "date") -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(values)
    for key in TEXT_FIELDS & set(cleaned):
        cleaned[key] = normalize(cleaned[key] or "")
    for key in ("party_card_number", "citizen_id"):
        if key in cleaned:
            cleaned[key] = (cleaned[key] or "").strip() or None
    return cleaned


def _check_dates(person: Person) -> None:
    if person.joined_on and person.official_on and person.official_on < person.joined_on:
        raise ValidationError({"official_on": _("The official date cannot be before the admission date.")})
    if person.birth_date and person.joined_on and person.joined_on < person.birth_date:
        raise ValidationError({"joined_on": _("The admission date cannot be before the birth date.")})


def _event(actor, person: Person, kind: str, date: dt.date, **fields) -> MemberEvent:
    event = MemberEvent(person=person, kind=kind, date=date, created_by=_user(actor), **fields)
    event.full_clean()
    event.save()
    return event


def _current_membership(person: Person, *, lock: bool = True) -> Membership:
    rows = Membership.objects.filter(person=person, end__isnull=True).select_related("unit", "unit__kind")
    current = (rows.select_for_update(of=("self",)) if lock else rows).first()
    if current is None:
        raise ValidationError(
            _("%(person)s is not on the roll of any cell.") % {"person": person.full_name}
        )
    return current


def _end_membership(membership: Membership, date: dt.date) -> None:
    if date <= membership.start:
        raise ValidationError(
            {"date": _("The date must be after %(date)s, when the member joined %(unit)s.")
             % {"date": f"{membership.start:%d/%m/%Y}", "unit": membership.unit.name}}
        )
    membership.end = date - dt.timedelta(days=1)
    membership.save(update_fields=["end"])


def _reindex(person: Person) -> None:
    transaction.on_commit(lambda: search.index(person), robust=True)


@transaction.atomic
def member_create(
    *,
    actor,
    cell: Unit,
    start: dt.date,
    full_name: str,
    gender: str,
    status: str = Person.Status.OFFICIAL,
    **fields: Any,
) -> Person:
    """A new member on the roll of ``cell`` from ``start`` (their record and their membership)."""
    policy.require(actor, cell, Action.CHANGE)
    person = _create(actor, cell, start, {"full_name": full_name, "gender": gender, "status": status, **fields})
    _event(actor, person, MemberEvent.Kind.ADMITTED, start, to_unit=cell)
    return person


def _create(actor, cell: Unit, start: dt.date, values: dict[str, Any]) -> Person:
    _check_cell(cell, "cell")
    _check_not_future(start, "start")
    if values.get("status") not in MEMBER_STATUSES:
        raise ValidationError({"status": _("A new member is an official or a probationary member.")})
    unknown = set(values) - set(EDIT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    values = _clean(values)
    person = Person(**values)
    person.full_clean(exclude=["search_name"])
    _check_dates(person)
    person.save()
    Membership.objects.create(person=person, unit=cell, start=start)
    orgs.grants_sync_for_person(person=person)
    audit_record(
        actor=actor, action="member.create", obj=person,
        after=_audit_values({**values, "cell": cell.name, "start": start}),
    )
    _reindex(person)
    return person


@transaction.atomic
def member_admit(*, actor, person: Person, cell: Unit, date: dt.date, decision: str = "") -> Membership:
    """Put someone who is on no roll (a newly admitted member, say) on the roll of ``cell``."""
    policy.require(actor, cell, Action.CHANGE)
    require_person(actor, person)
    _check_cell(cell, "cell")
    _check_not_future(date)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if Membership.objects.filter(person=person, end__isnull=True).exists():
        raise ValidationError(
            {"cell": _("%(person)s is already on the roll of a cell; transfer them instead.")
             % {"person": person.full_name}}
        )
    if person.status in (Person.Status.LEFT, Person.Status.DECEASED):
        raise ValidationError({"cell": _("%(person)s is no longer a party member.") % {"person": person.full_name}})
    membership = orgs.membership_create(actor=actor, person=person, unit=cell, start=date)
    changed = []
    if person.status == Person.Status.NON_MEMBER:
        person.status = Person.Status.PROBATION
        changed.append("status")
    if person.joined_on is None:
        person.joined_on = date
        changed.append("joined_on")
    if changed:
        person.save(update_fields=changed)
    _event(actor, person, MemberEvent.Kind.ADMITTED, date, to_unit=cell, decision=decision)
    audit_record(
        actor=actor, action="member.admit", obj=person,
        after={"cell": cell.name, "start": date.isoformat(), "decision": decision},
    )
    _reindex(person)
    return membership


@transaction.atomic
def member_update(*, actor, person: Person, expected_version: str | None = None, **values: Any) -> Person | None:
    """Change a member's record; ``None`` when nothing changed. A field the actor may not
    read (sensitive personal data) may not be changed by them either."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    policy.require(actor, person, Action.CHANGE)
    unknown = set(values) - set(EDIT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if actor is not None:
        hidden = policy.hidden_fields(actor, person) & set(values)
        if hidden:
            raise PermissionDenied
    versions.check(person, EDIT_FIELDS, expected_version)
    values = _clean(values)
    before = {key: getattr(person, key) for key in values}
    changed = [key for key, value in values.items() if before[key] != value]
    if not changed:
        return None
    for key in changed:
        setattr(person, key, values[key])
    person.full_clean(exclude=["search_name"])
    _check_dates(person)
    person.save(update_fields=changed)
    audit_record(
        actor=actor, action="member.update", obj=person,
        before=_audit_values({k: before[k] for k in changed}),
        after=_audit_values({k: values[k] for k in changed}),
    )
    _reindex(person)
    return person


@transaction.atomic
def member_transfer(
    *, actor, person: Person, to_unit: Unit, date: dt.date, decision: str = "", reason: str = ""
) -> MemberEvent:
    """Move a member to another cell of the city from ``date``."""
    policy.require(actor, person, Action.CHANGE)
    policy.require(actor, to_unit, Action.CHANGE)
    _check_cell(to_unit, "to_unit")
    _check_not_future(date)
    current = _current_membership(person)
    if current.unit_id == to_unit.pk:
        raise ValidationError(
            {"to_unit": _("%(person)s is already a member of %(unit)s.")
             % {"person": person.full_name, "unit": to_unit.name}}
        )
    _end_membership(current, date)
    Membership.objects.create(person=person, unit=to_unit, start=date)
    orgs.grants_sync_for_person(person=person)
    event = _event(
        actor, person, MemberEvent.Kind.TRANSFER, date, from_unit=current.unit, to_unit=to_unit,
        decision=decision.strip(), reason=reason.strip(),
    )
    audit_record(
        actor=actor, action="member.transfer", obj=person,
        before={"cell": current.unit.name}, after={"cell": to_unit.name, "date": date.isoformat(), "decision": decision},
        reason=reason,
    )
    _reindex(person)
    return event


@transaction.atomic
def member_transfer_out(
    *, actor, person: Person, date: dt.date, destination: str, letter_number: str = "",
    decision: str = "", reason: str = "",
) -> MemberEvent:
    """A member leaves the city for a party organisation elsewhere (chuyển sinh hoạt đảng đi):
    their membership ends, they stay a party member; the introduction letter is made from the
    event (``letters.introduction_docx``)."""
    policy.require(actor, person, Action.CHANGE)
    destination = normalize(destination or "")
    if not destination:
        raise ValidationError({"destination": _("Name the party organisation the member moves to.")})
    _check_not_future(date)
    current = _current_membership(person)
    _end_membership(current, date)
    orgs.grants_sync_for_person(person=person)
    event = _event(
        actor, person, MemberEvent.Kind.TRANSFER_OUT, date, from_unit=current.unit,
        other_organisation=destination, letter_number=letter_number.strip(), decision=decision.strip(),
        reason=reason.strip(),
    )
    audit_record(
        actor=actor, action="member.transfer_out", obj=person,
        before={"cell": current.unit.name},
        after={"destination": destination, "date": date.isoformat(), "letter_number": letter_number},
        reason=reason,
    )
    _reindex(person)
    return event


@transaction.atomic
def member_transfer_in(
    *,
    actor,
    cell: Unit,
    date: dt.date,
    origin: str,
    letter_number: str = "",
    person: Person | None = None,
    full_name: str = "",
    gender: str = "",
    status: str = Person.Status.OFFICIAL,
    **fields: Any,
) -> MemberEvent:
    """A member arrives from a party organisation outside the city (chuyển sinh hoạt đảng đến)
    with their introduction letter: someone already known (a member who once left) or new."""
    policy.require(actor, cell, Action.CHANGE)
    _check_cell(cell, "cell")
    _check_not_future(date)
    origin = normalize(origin or "")
    if not origin:
        raise ValidationError({"origin": _("Name the party organisation the member comes from.")})
    if person is None:
        values = {"full_name": full_name, "gender": gender, "status": status, **fields}
        person = _create(actor, cell, date, values)
    else:
        require_person(actor, person)
        if person.status not in MEMBER_STATUSES:
            raise ValidationError(_("%(person)s is no longer a party member.") % {"person": person.full_name})
        if Membership.objects.filter(person=person, end__isnull=True).exists():
            raise ValidationError(
                {"cell": _("%(person)s is already on the roll of a cell; transfer them instead.")
                 % {"person": person.full_name}}
            )
        orgs.membership_create(actor=actor, person=person, unit=cell, start=date)
    event = _event(
        actor, person, MemberEvent.Kind.TRANSFER_IN, date, to_unit=cell, other_organisation=origin,
        letter_number=letter_number.strip(),
    )
    audit_record(
        actor=actor, action="member.transfer_in", obj=person,
        after={"origin": origin, "cell": cell.name, "date": date.isoformat(), "letter_number": letter_number},
    )
    return event


@transaction.atomic
def member_leave(
    *, actor, person: Person, kind: str, date: dt.date, reason: str, decision: str = ""
) -> MemberEvent:
    """Take a member off the roll: struck off (xóa tên), out of the party (ra khỏi Đảng) or
    deceased (từ trần), with the reason and, except for a death, the decision."""
    policy.require(actor, person, Action.CHANGE)
    if kind not in LEAVING_KINDS:
        raise ValidationError({"kind": _("Choose how the member leaves the roll.")})
    reason, decision = reason.strip(), decision.strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("Give the reason.")
    if kind != MemberEvent.Kind.DECEASED and not decision:
        errors["decision"] = _("Give the number of the decision.")
    if errors:
        raise ValidationError(errors)
    _check_not_future(date)
    person = Person.objects.select_for_update().get(pk=person.pk)
    current = _current_membership(person)
    _end_membership(current, date)
    before = person.status
    person.status = Person.Status.DECEASED if kind == MemberEvent.Kind.DECEASED else Person.Status.LEFT
    person.save(update_fields=["status"])
    orgs.grants_sync_for_person(person=person)
    event = _event(actor, person, kind, date, from_unit=current.unit, decision=decision, reason=reason)
    audit_record(
        actor=actor, action=f"member.{kind}", obj=person,
        before={"status": before, "cell": current.unit.name},
        after={"status": person.status, "date": date.isoformat(), "decision": decision},
        reason=reason,
    )
    _reindex(person)
    return event


def letter_read(*, actor, event: MemberEvent, personal: bool) -> None:
    """Write down that ``actor`` took an introduction letter (with personal data or not)."""
    audit_record(
        actor=actor, action="member.letter", obj=event.person,
        after={"event": str(event), "personal_data": personal},
    )
