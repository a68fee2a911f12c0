"""Every change to the organisation tree goes through one of these functions.

Each takes keyword-only arguments, runs in a transaction, validates with ``full_clean``,
writes an audit entry and raises ``ValidationError`` (in Vietnamese) on bad input, leaving
nothing changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangbo.core import policy, search, versions
from dangbo.core.audit import audit_record, snapshot
from dangbo.core.policy import Action, forget, require
from dangbo.core.text import normalize

from .hooks import paths_changed
from .models import Grant, Membership, Person, Position, Role, Term, Unit, UnitChange, UnitKind
from .policy import require_person, role_ceiling
from .search import reindex_units

UNIT_FIELDS = ["name", "short_name", "code", "kind", "valid_from", "valid_to"]
#: What the edit form changes; its version (``dangbo.core.versions``) is taken over these.
UNIT_EDIT_FIELDS = ["name", "short_name", "code"]
POSITION_FIELDS = ["person", "unit", "title", "body", "term", "start", "end", "role"]
TERM_FIELDS = ["unit", "code", "name", "start", "end"]
PERSON_FIELDS = [
    "full_name", "gender", "birth_date", "birth_year", "party_card_number", "status", "hometown",
    "ethnicity", "joined_on", "official_on",
]


def _user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _check_role_ceiling(actor, unit: Unit, role: int) -> None:
    """Nobody gives a role higher than their own over ``unit``."""
    if actor is not None and role > role_ceiling(actor, unit):
        raise ValidationError({"role": _("You cannot give a role higher than your own.")})


def _check_kind_under(kind: UnitKind, parent: Unit | None) -> None:
    if parent is None:
        return
    allowed = list(kind.allowed_parents.all())
    if allowed and parent.kind not in allowed:
        raise ValidationError(
            {
                "parent": _("A %(kind)s cannot sit under a %(parent)s.")
                % {"kind": kind.name, "parent": parent.kind.name}
            }
        )


def _check_code_free(code: str, exclude_pk: int | None = None) -> None:
    existing = Unit.objects.filter(code=code).exclude(pk=exclude_pk).first()
    if existing:
        raise ValidationError(
            {
                "code": _("The code “%(code)s” is already used by %(unit)s.")
                % {"code": code, "unit": existing.name}
            }
        )


@transaction.atomic
def unit_create(
    *,
    actor,
    parent: Unit | None,
    kind: UnitKind,
    name: str,
    code: str,
    short_name: str = "",
    valid_from: dt.date | None = None,
    decision: str = "",
) -> Unit:
    if parent is None:
        if actor is not None and not policy.is_everything(actor):
            raise PermissionDenied
    else:
        require(actor, parent, Action.CHANGE)
    name = normalize(name)
    _check_kind_under(kind, parent)
    _check_code_free(code)
    unit = Unit(
        kind=kind, name=name, short_name=normalize(short_name), code=code, valid_from=valid_from
    )
    unit.full_clean(exclude=["path", "depth", "numchild", "search_name"])
    if parent is None:
        unit = Unit.objects.add_root(instance=unit)
    else:
        parent = Unit.objects.get(pk=parent.pk)  # fresh numchild
        unit = Unit.objects.add_child(parent, instance=unit)
    change = UnitChange.objects.create(
        kind=UnitChange.Kind.CREATE,
        date=valid_from or timezone.localdate(),
        decision=decision,
        created_by=_user_or_none(actor),
    )
    change.to_units.add(unit)
    audit_record(actor=actor, action="unit.create", obj=unit, after=snapshot(unit, UNIT_FIELDS))
    transaction.on_commit(lambda: search.index(unit), robust=True)
    return unit


@transaction.atomic
def unit_update(
    *,
    actor,
    unit: Unit,
    name: str,
    short_name: str = "",
    code: str | None = None,
    date: dt.date | None = None,
    decision: str = "",
    reason: str = "",
    expected_version: str | None = None,
) -> Unit:
    """Rename a unit (or correct its short name or code). A rename is kept in its history.
    A stale ``expected_version`` (the edit form's) is refused: ``versions.StaleEdit``."""
    unit = require(actor, Unit.objects.select_for_update().filter(pk=unit.pk).first(), Action.CHANGE)
    versions.check(unit, UNIT_EDIT_FIELDS, expected_version)
    before = snapshot(unit, UNIT_FIELDS)
    old_name = unit.name
    unit.name = normalize(name)
    unit.short_name = normalize(short_name)
    if code is not None and code != unit.code:
        _check_code_free(code, exclude_pk=unit.pk)
        unit.code = code
    unit.full_clean(exclude=["path", "depth", "numchild", "search_name"])
    unit.save(update_fields=["name", "short_name", "code"])
    if old_name != unit.name:
        change = UnitChange.objects.create(
            kind=UnitChange.Kind.RENAME,
            date=date or timezone.localdate(),
            decision=decision,
            note=reason,
            details={"old_name": old_name, "new_name": unit.name},
            created_by=_user_or_none(actor),
        )
        change.from_units.add(unit)
        change.to_units.add(unit)
    audit_record(
        actor=actor,
        action="unit.update",
        obj=unit,
        before=before,
        after=snapshot(unit, UNIT_FIELDS),
        reason=reason,
    )
    transaction.on_commit(lambda: search.index(unit), robust=True)
    return unit


@transaction.atomic
def unit_move(
    *,
    actor,
    unit: Unit,
    new_parent: Unit,
    date: dt.date | None = None,
    decision: str = "",
    reason: str = "",
) -> Unit:
    """Move a unit (with everything below it) under another unit."""
    unit = require(actor, Unit.objects.filter(pk=unit.pk).first(), Action.REORGANISE)
    new_parent = require(actor, Unit.objects.filter(pk=new_parent.pk).first(), Action.REORGANISE)
    if new_parent.path.startswith(unit.path):
        raise ValidationError(
            {"new_parent": _("A unit cannot be moved under itself or under one of its own units.")}
        )
    if not new_parent.is_active:
        raise ValidationError(
            {"new_parent": _("%(unit)s no longer exists.") % {"unit": new_parent.name}}
        )
    _check_kind_under(unit.kind, new_parent)
    old_parent = Unit.objects.get_parent(unit)
    if old_parent and old_parent.pk == new_parent.pk:
        raise ValidationError(
            {"new_parent": _("The unit is already under %(unit)s.") % {"unit": new_parent.name}}
        )
    Unit.objects.move(unit, new_parent, pos="last-child")
    unit.refresh_from_db()
    paths_changed(unit)
    change = UnitChange.objects.create(
        kind=UnitChange.Kind.MOVE,
        date=date or timezone.localdate(),
        decision=decision,
        note=reason,
        details={
            "old_parent": old_parent.name if old_parent else None,
            "new_parent": new_parent.name,
        },
        created_by=_user_or_none(actor),
    )
    change.from_units.add(unit)
    change.to_units.add(unit)
    audit_record(
        actor=actor,
        action="unit.move",
        obj=unit,
        before={"parent": old_parent.name if old_parent else None},
        after={"parent": new_parent.name},
        reason=reason,
    )
    transaction.on_commit(lambda: search.index(unit), robust=True)
    return unit


def _sync_accounts(person_ids) -> None:
    """Re-derive the grants of the people (with a login) among ``person_ids``."""
    for person in Person.objects.filter(pk__in=set(person_ids), user__isnull=False).select_related("user"):
        grants_sync_for_person(person=person)


def _end_unit(unit: Unit, last_day: dt.date) -> None:
    """Close a unit on ``last_day``: its positions and memberships end with it."""
    unit.valid_to = last_day
    unit.save(update_fields=["valid_to"])
    affected = set(Position.objects.filter(unit=unit).values_list("person_id", flat=True))
    affected |= set(Membership.objects.filter(unit=unit).values_list("person_id", flat=True))
    Position.objects.filter(unit=unit, end__isnull=True).update(end=last_day)
    Position.objects.filter(unit=unit, end__gt=last_day).update(end=last_day)
    Membership.objects.filter(unit=unit, end__isnull=True).update(end=last_day)
    Membership.objects.filter(unit=unit, end__gt=last_day).update(end=last_day)
    _sync_accounts(affected)


def _transfer_members(source: Unit, target: Unit, first_day: dt.date) -> int:
    """Members of ``source`` on the day before ``first_day`` join ``target`` on ``first_day``."""
    moved = list(Membership.objects.current(first_day - dt.timedelta(days=1)).filter(unit=source))
    Membership.objects.bulk_create(
        [Membership(person_id=m.person_id, unit=target, start=first_day) for m in moved]
    )
    return len(moved)


def _check_reorganisation_date(units: Sequence[Unit], date: dt.date, *, closing: bool = True) -> None:
    """The units exist on ``date``; units that close must have begun before it."""
    for unit in units:
        if not unit.is_active:
            raise ValidationError(_("%(unit)s has already been closed.") % {"unit": unit.name})
        if unit.valid_from and (date <= unit.valid_from if closing else date < unit.valid_from):
            raise ValidationError(
                {"date": _("The date must be after %(unit)s was founded.") % {"unit": unit.name}}
            )


@transaction.atomic
def unit_merge(
    *,
    actor,
    sources: Sequence[Unit],
    target: Unit,
    date: dt.date,
    decision: str = "",
    reason: str = "",
) -> UnitChange:
    """Merge ``sources`` into ``target`` from ``date``.

    The sources close the day before; their active child units move under the target and
    their current members become members of the target. Everything that pointed at a source
    keeps pointing at it, so its history stays readable and attributed.
    """
    sources = [require(actor, Unit.objects.filter(pk=u.pk).first(), Action.REORGANISE) for u in sources]
    target = require(actor, Unit.objects.filter(pk=target.pk).first(), Action.REORGANISE)
    if not sources:
        raise ValidationError({"sources": _("Choose at least one unit to merge.")})
    if any(s.pk == target.pk for s in sources):
        raise ValidationError({"sources": _("A unit cannot be merged into itself.")})
    if any(target.path.startswith(s.path) for s in sources):
        raise ValidationError(
            {"target": _("The target cannot be a unit below one of the merged units.")}
        )
    _check_reorganisation_date(sources, date)
    _check_reorganisation_date([target], date, closing=False)
    last_day = date - dt.timedelta(days=1)
    details: dict[str, object] = {"members": {}, "children": {}}
    for source in sources:
        children = list(
            Unit.objects.filter(path__startswith=source.path, depth=source.depth + 1).active(date)
        )
        for child in children:
            child = Unit.objects.get(pk=child.pk)
            Unit.objects.move(child, Unit.objects.get(pk=target.pk), pos="last-child")
            paths_changed(Unit.objects.get(pk=child.pk))
        details["children"][source.name] = [c.name for c in children]  # type: ignore[index]
        details["members"][source.name] = _transfer_members(source, target, date)  # type: ignore[index]
        source.refresh_from_db()
        _end_unit(source, last_day)
        audit_record(
            actor=actor,
            action="unit.merge",
            obj=source,
            before={"valid_to": None},
            after={"valid_to": last_day.isoformat(), "merged_into": target.name},
            reason=reason,
        )
    change = UnitChange.objects.create(
        kind=UnitChange.Kind.MERGE,
        date=date,
        decision=decision,
        note=reason,
        details=details,
        created_by=_user_or_none(actor),
    )
    change.from_units.add(*sources)
    change.to_units.add(target)
    audit_record(
        actor=actor,
        action="unit.merge_into",
        obj=target,
        after={"merged": [s.name for s in sources]},
        reason=reason,
    )
    transaction.on_commit(lambda: reindex_units([*sources, target]), robust=True)
    return change


@transaction.atomic
def unit_split(
    *,
    actor,
    source: Unit,
    parts: Sequence[tuple[str, str]],
    date: dt.date,
    child_assignment: dict[int, int] | None = None,
    member_assignment: dict[int, int] | None = None,
    decision: str = "",
    reason: str = "",
) -> UnitChange:
    """Split ``source`` into new sibling units named by ``parts`` (name, code) from ``date``.

    ``child_assignment`` and ``member_assignment`` map a child unit id or person id to the
    index of the part it goes to; anything not mapped goes to the first part.
    """
    source = require(actor, Unit.objects.filter(pk=source.pk).first(), Action.REORGANISE)
    parent = Unit.objects.filter(path=source.parent_path).first() if source.depth > 1 else None
    if actor is not None and (parent is None or not policy.may(actor, Action.REORGANISE, parent)):
        raise PermissionDenied
    if len(parts) < 2:
        raise ValidationError({"parts": _("A split needs at least two new units.")})
    codes = [code for _name, code in parts]
    if len(set(codes)) != len(codes):
        raise ValidationError({"parts": _("Each new unit needs its own code.")})
    _check_reorganisation_date([source], date)
    parent = Unit.objects.get_parent(source)
    new_units = [
        unit_create(
            actor=actor,
            parent=parent,
            kind=source.kind,
            name=name,
            code=code,
            valid_from=date,
            decision=decision,
        )
        for name, code in parts
    ]
    child_assignment = child_assignment or {}
    member_assignment = member_assignment or {}
    for child in Unit.objects.filter(path__startswith=source.path, depth=source.depth + 1).active(
        date
    ):
        index = child_assignment.get(child.pk, 0)
        if not 0 <= index < len(new_units):
            raise ValidationError(
                {"children": _("Unknown part for %(unit)s.") % {"unit": child.name}}
            )
        child = Unit.objects.get(pk=child.pk)
        Unit.objects.move(child, Unit.objects.get(pk=new_units[index].pk), pos="last-child")
        paths_changed(Unit.objects.get(pk=child.pk))
    memberships = list(Membership.objects.current(date - dt.timedelta(days=1)).filter(unit=source))
    Membership.objects.bulk_create(
        [
            Membership(
                person_id=m.person_id,
                unit=new_units[member_assignment.get(m.person_id, 0)],
                start=date,
            )
            for m in memberships
        ]
    )
    source.refresh_from_db()
    _end_unit(source, date - dt.timedelta(days=1))
    change = UnitChange.objects.create(
        kind=UnitChange.Kind.SPLIT,
        date=date,
        decision=decision,
        note=reason,
        details={"parts": [u.name for u in new_units]},
        created_by=_user_or_none(actor),
    )
    change.from_units.add(source)
    change.to_units.add(*new_units)
    audit_record(
        actor=actor,
        action="unit.split",
        obj=source,
        before={"valid_to": None},
        after={
            "valid_to": source.valid_to.isoformat() if source.valid_to else None,
            "split_into": [u.name for u in new_units],
        },
        reason=reason,
    )
    transaction.on_commit(lambda: reindex_units([source, *new_units]), robust=True)
    return change


@transaction.atomic
def term_create(
    *, actor, unit: Unit, code: str, start: dt.date, end: dt.date | None = None, name: str = ""
) -> Term:
    require(actor, unit, Action.CHANGE)
    if Term.objects.filter(unit=unit, code=code).exists():
        raise ValidationError(
            {"code": _("%(unit)s already has a term %(code)s.") % {"unit": unit.name, "code": code}}
        )
    term = Term(unit=unit, code=code.strip(), start=start, end=end, name=normalize(name))
    if end and end < start:
        raise ValidationError({"end": _("The end date must not be before the start date.")})
    term.full_clean()
    term.save()
    audit_record(actor=actor, action="term.create", obj=term, after=snapshot(term, TERM_FIELDS))
    return term


def _check_position_dates(start: dt.date, end: dt.date | None) -> None:
    if end is not None and end < start:
        raise ValidationError({"end": _("The end date must not be before the start date.")})


@transaction.atomic
def position_create(
    *,
    actor,
    person: Person,
    unit: Unit,
    title: str,
    start: dt.date,
    end: dt.date | None = None,
    body: str = "",
    term: Term | None = None,
    role: int = Role.VIEW,
    sort_order: int = 100,
) -> Position:
    require(actor, unit, Action.CHANGE)
    require_person(actor, person)
    _check_role_ceiling(actor, unit, role)
    _check_position_dates(start, end)
    if term is not None and term.unit_id != unit.pk:
        raise ValidationError(
            {"term": _("The term must belong to %(unit)s.") % {"unit": unit.name}}
        )
    position = Position(
        person=person,
        unit=unit,
        title=normalize(title),
        body=body,
        term=term,
        start=start,
        end=end,
        role=role,
        sort_order=sort_order,
    )
    position.full_clean()
    position.save()
    grants_sync_for_person(person=person)
    audit_record(
        actor=actor,
        action="position.create",
        obj=position,
        after=snapshot(position, POSITION_FIELDS),
    )
    transaction.on_commit(lambda: search.index(person), robust=True)
    return position


@transaction.atomic
def position_end(*, actor, position: Position, end: dt.date, reason: str = "") -> Position:
    position = require(
        actor, Position.objects.select_for_update(of=("self",)).select_related("unit").filter(pk=position.pk).first(), Action.CHANGE
    )
    _check_position_dates(position.start, end)
    before = snapshot(position, POSITION_FIELDS)
    position.end = end
    position.save(update_fields=["end"])
    grants_sync_for_person(person=position.person)
    audit_record(
        actor=actor,
        action="position.end",
        obj=position,
        before=before,
        after=snapshot(position, POSITION_FIELDS),
        reason=reason,
    )
    transaction.on_commit(lambda: search.index(position.person), robust=True)
    return position


@transaction.atomic
def membership_create(*, actor, person: Person, unit: Unit, start: dt.date) -> Membership:
    require(actor, unit, Action.CHANGE)
    require_person(actor, person)
    if not unit.kind.holds_members:
        raise ValidationError(
            {
                "unit": _("Members belong to party cells, not to a %(kind)s.")
                % {"kind": unit.kind.name}
            }
        )
    current = (
        Membership.objects.filter(person=person)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .select_related("unit")
        .first()
    )
    if current:
        raise ValidationError(
            {
                "unit": _("%(person)s is already a member of %(unit)s; transfer them instead.")
                % {"person": person.full_name, "unit": current.unit.name}
            }
        )
    membership = Membership(person=person, unit=unit, start=start)
    membership.full_clean()
    membership.save()
    grants_sync_for_person(person=person)
    audit_record(
        actor=actor,
        action="membership.create",
        obj=membership,
        after=snapshot(membership, ["person", "unit", "start"]),
    )
    transaction.on_commit(lambda: search.index(person), robust=True)
    return membership


@transaction.atomic
def membership_transfer(
    *, actor, person: Person, to_unit: Unit, date: dt.date, reason: str = ""
) -> Membership:
    """Move a member to another cell: the old membership ends the day before ``date``."""
    require(actor, to_unit, Action.CHANGE)
    require(actor, person, Action.CHANGE)
    if not to_unit.kind.holds_members:
        raise ValidationError(
            {
                "to_unit": _("Members belong to party cells, not to a %(kind)s.")
                % {"kind": to_unit.kind.name}
            }
        )
    current = Membership.objects.current(date).filter(person=person).select_for_update().first()
    if current is None:
        raise ValidationError(
            _("%(person)s is not a member of any cell on that date.") % {"person": person.full_name}
        )
    if current.unit_id == to_unit.pk:
        raise ValidationError(
            {
                "to_unit": _("%(person)s is already a member of %(unit)s.")
                % {"person": person.full_name, "unit": to_unit.name}
            }
        )
    if date <= current.start:
        raise ValidationError(
            {"date": _("The transfer date must be after the current membership began.")}
        )
    current.end = date - dt.timedelta(days=1)
    current.save(update_fields=["end"])
    membership = Membership.objects.create(person=person, unit=to_unit, start=date)
    grants_sync_for_person(person=person)
    audit_record(
        actor=actor,
        action="membership.transfer",
        obj=membership,
        before={"unit": str(current.unit)},
        after={"unit": to_unit.name, "start": date.isoformat()},
        reason=reason,
    )
    transaction.on_commit(lambda: search.index(person), robust=True)
    return membership


def grants_sync_for_person(*, person: Person) -> None:
    """Rebuild the grants a person's account derives from positions and memberships."""
    if person.user_id is None:
        return
    user = person.user
    Grant.objects.filter(user=user).exclude(source=Grant.Source.DIRECT).delete()
    grants = [
        Grant(
            user=user,
            unit_id=p.unit_id,
            role=p.role,
            source=Grant.Source.POSITION,
            position=p,
            start=p.start,
            end=p.end,
        )
        for p in person.positions.all()
    ]
    grants += [
        Grant(
            user=user,
            unit_id=m.unit_id,
            role=Role.VIEW,
            source=Grant.Source.MEMBERSHIP,
            start=m.start,
            end=m.end,
        )
        for m in person.memberships.all()
    ]
    Grant.objects.bulk_create(grants)
    forget(user)


@transaction.atomic
def grant_create(
    *, actor, user, unit: Unit, role: int, start: dt.date, end: dt.date | None = None
) -> Grant:
    require(actor, unit, Action.REORGANISE)
    _check_role_ceiling(actor, unit, role)
    _check_position_dates(start, end)
    grant = Grant(user=user, unit=unit, role=role, source=Grant.Source.DIRECT, start=start, end=end)
    grant.full_clean()
    grant.save()
    forget(user)
    audit_record(
        actor=actor,
        action="grant.create",
        obj=grant,
        after={"user": user.get_username(), "unit": unit.name, "role": role},
    )
    return grant


@transaction.atomic
def person_create(
    *,
    actor,
    full_name: str,
    gender: str,
    birth_date: dt.date | None = None,
    birth_year: int | None = None,
    party_card_number: str | None = None,
    status: str = Person.Status.OFFICIAL,
    hometown: str = "",
    ethnicity: str = "Kinh",
    joined_on: dt.date | None = None,
    official_on: dt.date | None = None,
) -> Person:
    person = Person(
        full_name=normalize(full_name),
        gender=gender,
        birth_date=birth_date,
        birth_year=birth_year,
        party_card_number=party_card_number or None,
        status=status,
        hometown=normalize(hometown),
        ethnicity=ethnicity,
        joined_on=joined_on,
        official_on=official_on,
    )
    person.full_clean(exclude=["search_name"])
    person.save()
    audit_record(actor=actor, action="person.create", obj=person, after=snapshot(person, PERSON_FIELDS))
    transaction.on_commit(lambda: search.index(person), robust=True)
    return person


@transaction.atomic
def person_link_user(*, actor, person: Person, username: str, password: str | None = None, email: str = ""):
    """Give a person a login (or attach an existing one) and derive their grants.

    An account belongs to one person; a person's previous account loses the grants it derived
    from that person.
    """
    User = get_user_model()
    user, _created = User.objects.get_or_create(username=username, defaults={"email": email})
    owner = Person.objects.filter(user=user).exclude(pk=person.pk).first()
    if owner is not None:
        raise ValidationError(
            {"username": _("The account %(username)s already belongs to %(person)s.")
             % {"username": username, "person": owner.full_name}}
        )
    if person.user_id and person.user_id != user.pk:
        previous = person.user
        Grant.objects.filter(user=previous).exclude(source=Grant.Source.DIRECT).delete()
        forget(previous)
    update = []
    if password:
        user.set_password(password)
        update.append("password")
    if email and user.email != email:
        user.email = email
        update.append("email")
    if update:
        user.save(update_fields=update)
    person.user = user
    person.save(update_fields=["user"])
    grants_sync_for_person(person=person)
    audit_record(actor=actor, action="person.link_user", obj=person, after={"username": username})
    return user
