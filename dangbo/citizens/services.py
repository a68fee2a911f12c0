"""Changes to citizens' cases: receive, acknowledge, answer, close, make a task.

Every service starts with the policy (``actor=None`` is the trusted system: the demo loader,
a data migration), validates everything before it writes anything, and leaves an audit entry
— without the petitioners' personal data, so that the history of a denunciation protects
its denouncer too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangbo.core import search, workdays
from dangbo.core.audit import audit_record, snapshot
from dangbo.core.models import DeadlineRule
from dangbo.core.policy import Action, require
from dangbo.core.text import fold, normalize
from dangbo.orgs.models import Person, Unit
from dangbo.orgs.policy import require_person

from .models import (
    ACKNOWLEDGE_RULE,
    ANSWER_RULE,
    Case,
    Dialogue,
    IdentityReader,
    Petitioner,
    ReceptionDay,
    new_code,
)

S = Case.State
#: The fields a case's history shows (never the petitioners).
AUDIT_FIELDS = (
    "kind", "channel", "unit", "received_on", "state", "acknowledge_by", "answer_by",
    "acknowledged_on", "ack_outcome", "answered_on", "closed_on", "complexity", "remote",
)
MAX_PETITIONERS = 200


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def answer_rule(kind: str, received_on: dt.date, variant: str = "") -> DeadlineRule:
    """The answer rule of a case of ``kind`` received on ``received_on``: the variant's rule
    (a complex case, a remote area: ``Case.answer_variant``), else the kind's own rule
    (``citizens.answer.khieu_nai``: Luật Khiếu nại; ``citizens.answer.to_cao``: Luật Tố cáo),
    else the general ``citizens.answer`` — the first with a version in force."""
    codes = [f"{ANSWER_RULE}.{kind}.{variant}"] if variant else []
    for code in [*codes, f"{ANSWER_RULE}.{kind}"]:
        try:
            return DeadlineRule.current(code, received_on)
        except DeadlineRule.DoesNotExist:
            continue
    return DeadlineRule.current(ANSWER_RULE, received_on)


def deadlines(received_on: dt.date, kind: str = "") -> tuple[dt.date, dt.date]:
    """The acknowledgement and answer deadlines of a case received on ``received_on``, by the
    rule versions in force that day. The answer counts from the acceptance (thụ lý): until the
    case is accepted, from the last day it may be (the acknowledgement deadline);
    ``case_acknowledge`` counts it again from the day it was."""
    try:
        acknowledge = DeadlineRule.current(ACKNOWLEDGE_RULE, received_on)
        answer = answer_rule(kind, received_on)
    except DeadlineRule.DoesNotExist:
        raise ValidationError(
            {"received_on": _("No deadline rule is in force on this date: ask the office to add one.")}
        ) from None
    acknowledge_by = acknowledge.deadline(received_on)
    return acknowledge_by, answer.deadline(acknowledge_by)


def _petitioners(rows: Iterable[Mapping[str, Any]]) -> list[Petitioner]:
    people = []
    for i, row in enumerate(rows):
        name = normalize(row.get("name") or "")
        address = normalize(row.get("address") or "")
        phone = normalize(row.get("phone") or "")
        if not (name or address or phone):
            continue
        if not name:
            raise ValidationError({"petitioners": _("Each petitioner needs a name.")})
        people.append(Petitioner(name=name[:200], name_key=fold(name)[:200], address=address[:300],
                                 phone=phone[:30], order=i))
    if not people:
        raise ValidationError({"petitioners": _("Enter at least one petitioner.")})
    if len(people) > MAX_PETITIONERS:
        raise ValidationError({"petitioners": _("At most 200 petitioners per case.")})
    return people


@transaction.atomic
def case_create(
    *,
    actor,
    unit: Unit,
    kind: str,
    channel: str,
    content: str,
    received_on: dt.date,
    petitioners: Iterable[Mapping[str, Any]],
    reception_day: ReceptionDay | None = None,
    dialogue: Dialogue | None = None,
) -> Case:
    """Receive a case for ``unit`` (the handling unit). Its deadlines come from the rules.
    ``reception_day`` or ``dialogue`` say where it was raised (the actor must see them)."""
    require(actor, unit, Action.CONTRIBUTE)
    for where in (reception_day, dialogue):
        if where is not None:
            require(actor, where, Action.VIEW)
    errors: dict[str, list[str]] = {}
    content = (content or "").strip()
    if not content:
        errors.setdefault("content", []).append(_("Write what the petitioner raised."))
    if received_on and received_on > timezone.localdate():
        errors.setdefault("received_on", []).append(_("A case cannot be received in the future."))
    if not unit.is_active:
        errors.setdefault("unit", []).append(_("%(unit)s no longer exists.") % {"unit": unit.name})
    try:
        people = _petitioners(petitioners)
    except ValidationError as error:
        errors.setdefault("petitioners", []).extend(error.message_dict["petitioners"])
    if errors:
        raise ValidationError(errors)
    acknowledge_by, answer_by = deadlines(received_on, kind)
    case = Case(
        unit=unit, kind=kind, channel=channel, content=content, received_on=received_on,
        received_by=_user(actor), acknowledge_by=acknowledge_by, answer_by=answer_by,
        reception_day=reception_day, dialogue=dialogue,
    )
    case.full_clean(exclude=["code"])
    for _attempt in range(5):  # a code already taken (1 in 10^14): draw again
        try:
            with transaction.atomic():
                case.code = new_code()
                case.save()
            break
        except IntegrityError:
            case.pk = None
    else:  # pragma: no cover
        raise RuntimeError("could not draw a free case code")
    for person in people:
        person.case = case
    Petitioner.objects.bulk_create(people)
    audit_record(
        actor=_user(actor), action="case.create", obj=case,
        after=snapshot(case, AUDIT_FIELDS) | {"petitioners": len(people)},
    )
    _reindex(case)
    return case


def search_case(case: Case) -> search.SearchDocument:
    """The search box's view of a case: its kind, code, content and answer; the petitioners'
    names only when the case is not a denunciation (a protected identity is never indexed)."""
    names = "" if case.kind == Case.Kind.TO_CAO else " ".join(p.name for p in case.petitioners.all())
    return search.SearchDocument(
        kind="case", object_id=case.pk, unit_id=case.unit_id,
        title=f"{case.get_kind_display()} {case.code_display}: {case.content[:150]}",
        number=case.code, body="\n".join(part for part in (case.content, case.answer, names) if part),
        date=case.received_on, url=case.get_absolute_url(),
        facets={"kind": case.kind, "state": case.state},
    )


def _reindex(case: Case) -> None:
    pk = case.pk
    transaction.on_commit(lambda: search.index(Case.objects.filter(pk=pk)))


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("unit").get(pk=case.pk)


def _day(on: dt.date | None, case: Case, field: str) -> dt.date:
    day = on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({field: _("This date is in the future.")})
    if day < case.received_on:
        raise ValidationError({field: _("This date is before the case was received.")})
    return day


@transaction.atomic
def case_acknowledge(
    *, actor, case: Case, outcome: str, note: str = "", on: dt.date | None = None,
    complexity: str = "", remote: bool | None = None,
) -> Case:
    """Send the written acknowledgement: accepted, transferred to the competent body (named
    in ``note``) or returned (the reason in ``note``)."""
    require(actor, case, Action.CHANGE)
    case = _lock(case)
    if case.state != S.RECEIVED:
        raise ValidationError(_("This case has already been acknowledged."))
    if outcome not in Case.Outcome.values:
        raise ValidationError({"outcome": _("Choose how the case is acknowledged.")})
    note = (note or "").strip()
    if outcome != Case.Outcome.ACCEPTED and not note:
        raise ValidationError({"note": _("Name the competent body or give the reason.")})
    if complexity and complexity not in Case.Complexity.values:
        raise ValidationError({"complexity": _("Choose how complex the case is.")})
    before = snapshot(case, AUDIT_FIELDS)
    case.complexity = complexity or case.complexity
    case.remote = case.remote if remote is None else bool(remote)
    case.acknowledged_on = _day(on, case, "on")
    case.ack_outcome = outcome
    case.ack_note = note
    case.state = S.ACKNOWLEDGED
    case.ack_days = workdays.between(case.received_on, case.acknowledged_on)
    fields = ["acknowledged_on", "ack_outcome", "ack_note", "state", "ack_days", "complexity", "remote"]
    if outcome == Case.Outcome.ACCEPTED:  # the answer counts from the acceptance (thụ lý)
        try:
            rule = answer_rule(case.kind, case.received_on, case.answer_variant)
            case.answer_by = rule.deadline(case.acknowledged_on)
            fields.append("answer_by")
        except DeadlineRule.DoesNotExist:  # the rule was removed since: keep the deadline given
            pass
    case.save(update_fields=fields)
    audit_record(actor=_user(actor), action="case.acknowledge", obj=case, before=before,
                 after=snapshot(case, AUDIT_FIELDS))
    _reindex(case)
    return case


@transaction.atomic
def case_answer(*, actor, case: Case, answer: str, on: dt.date | None = None) -> Case:
    """Record the answer given to the petitioner (shown on the public page)."""
    require(actor, case, Action.CHANGE)
    case = _lock(case)
    if case.state == S.RECEIVED:
        raise ValidationError(_("Acknowledge the case before answering it."))
    if case.state != S.ACKNOWLEDGED:
        raise ValidationError(_("This case has already been answered."))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    before = snapshot(case, AUDIT_FIELDS)
    day = _day(on, case, "on")
    if case.acknowledged_on and day < case.acknowledged_on:
        raise ValidationError({"on": _("The answer cannot come before the acknowledgement.")})
    case.answered_on = day
    case.answer = answer
    case.state = S.ANSWERED
    case.answer_days = workdays.between(case.received_on, day)
    case.save(update_fields=["answered_on", "answer", "state", "answer_days"])
    audit_record(actor=_user(actor), action="case.answer", obj=case, before=before,
                 after=snapshot(case, AUDIT_FIELDS))
    _reindex(case)
    return case


@transaction.atomic
def case_close(*, actor, case: Case, on: dt.date | None = None) -> Case:
    """Close an answered case, or one transferred or returned at acknowledgement."""
    require(actor, case, Action.CHANGE)
    case = _lock(case)
    closable = case.state == S.ANSWERED or (
        case.state == S.ACKNOWLEDGED and case.ack_outcome != Case.Outcome.ACCEPTED
    )
    if not closable:
        raise ValidationError(_("Only an answered case, or one transferred or returned, can be closed."))
    before = snapshot(case, AUDIT_FIELDS)
    case.closed_on = _day(on, case, "on")
    case.state = S.CLOSED
    case.save(update_fields=["closed_on", "state"])
    audit_record(actor=_user(actor), action="case.close", obj=case, before=before,
                 after=snapshot(case, AUDIT_FIELDS))
    _reindex(case)
    return case


@transaction.atomic
def case_make_task(
    *, actor, case: Case, title: str, deadline: dt.date, unit: Unit | None = None, description: str = "",
    start: dt.date | None = None,
):
    """Make the case a task (source = the case) of ``unit`` (the handling unit or one below),
    assigned by the handling unit; it is then followed like any other task."""
    from dangbo.assignments.services import task_assign

    require(actor, case, Action.CHANGE)
    unit = unit or case.unit
    if not unit.path.startswith(case.unit.path):
        raise ValidationError({"unit": _("The task goes to the handling unit or a unit below it.")})
    if case.state == S.CLOSED:
        raise ValidationError(_("A closed case cannot become a task."))
    task = task_assign(
        actor=actor, title=title, unit=unit, assigning_unit=case.unit, deadline=deadline,
        description=description or case.content, source=case, start=start, notify=actor is not None,
    )
    audit_record(actor=_user(actor), action="case.task", obj=case, after={"task": task.title})
    return task


@transaction.atomic
def case_merge(*, actor, case: Case, into: Case, on: dt.date | None = None) -> Case:
    """Close ``case`` as a duplicate of ``into`` (same kind, same handling unit): the petitioners
    it adds join ``into`` (a collective case), its code tells the petitioner which code to follow,
    and both histories keep the merge. Returns ``into``."""
    require(actor, case, Action.CHANGE)
    require(actor, into, Action.CHANGE)
    if case.pk == into.pk:
        raise ValidationError({"into": _("Choose another case to merge into.")})
    first, second = sorted((case.pk, into.pk))
    locked = {c.pk: c for c in Case.objects.select_for_update(of=("self",)).filter(pk__in=[first, second])}
    case, into = locked[case.pk], locked[into.pk]
    if case.state == S.CLOSED:
        raise ValidationError(_("A closed case cannot be merged."))
    if into.state == S.CLOSED or into.merged_into_id:
        raise ValidationError({"into": _("The case to keep is closed: merge into an open one.")})
    if case.kind != into.kind or case.unit_id != into.unit_id:
        raise ValidationError({"into": _("Only cases of the same kind and the same handling unit can be merged.")})
    day = _day(on, case, "on")
    known = set(into.petitioners.values_list("name_key", flat=True))
    order = into.petitioners.count()
    added: list[Petitioner] = []
    for person in case.petitioners.order_by("order", "id"):
        if person.name_key in known:
            continue
        known.add(person.name_key)
        added.append(Petitioner(case=into, name=person.name, name_key=person.name_key, address=person.address,
                                phone=person.phone, order=order + len(added)))
    Petitioner.objects.bulk_create(added)
    before = snapshot(case, AUDIT_FIELDS)
    case.merged_into = into
    case.state = S.CLOSED
    case.closed_on = day
    case.answer = _("Merged into case %(code)s: follow it with that code.") % {"code": into.code_display}
    case.save(update_fields=["merged_into", "state", "closed_on", "answer"])
    # Codes and counts only: the history of a denunciation names nobody.
    audit_record(actor=_user(actor), action="case.merge", obj=case, before=before,
                 after=snapshot(case, AUDIT_FIELDS) | {"merged_into": into.code_display})
    audit_record(actor=_user(actor), action="case.merge_in", obj=into,
                 after={"merged": case.code_display, "petitioners": len(added)})
    _reindex(case)
    _reindex(into)
    return into


def case_task_done(task, day: dt.date) -> None:
    """A task made from a case is confirmed done: its result answers the case (the last
    progress report, else the task's title) and closes it. A case not yet acknowledged, or
    already answered, is left to its unit."""
    from django.contrib.contenttypes.models import ContentType

    if task.source_content_type_id != ContentType.objects.get_for_model(Case).pk:
        return
    case = Case.objects.filter(pk=task.source_object_id).select_related("unit").first()
    if case is None or case.state != S.ACKNOWLEDGED or case.ack_outcome != Case.Outcome.ACCEPTED:
        return
    report = task.reports.exclude(text="").order_by("-id").values_list("text", flat=True).first()
    answer = report or _("Resolved: %(title)s") % {"title": task.title}
    case = case_answer(actor=None, case=case, answer=answer, on=max(day, case.acknowledged_on or day))
    case_close(actor=None, case=case, on=case.answered_on)


@transaction.atomic
def case_identity_share(*, actor, case: Case, person: Person) -> IdentityReader:
    """The head of the handling unit names a staff member who may read the denouncer's
    identity. Only the head may name anyone; the person must hold a position in the unit."""
    from .policy import heads_unit

    require(actor, case, Action.CHANGE)
    require_person(actor, person)
    if case.kind != Case.Kind.TO_CAO:
        raise ValidationError(_("Only a denunciation has a protected identity."))
    if actor is not None and not heads_unit(actor, case.unit.path):
        raise PermissionDenied(_("Only the head of the handling unit names who may read the identity."))
    if not person.positions.filter(unit__path__startswith=case.unit.path).exists():
        raise ValidationError({"person": _("Name someone who holds a position in %(unit)s.") % {"unit": case.unit.name}})
    reader, _created = IdentityReader.objects.get_or_create(
        case=case, person=person, defaults={"named_by": _user(actor)}
    )
    audit_record(actor=_user(actor), action="case.identity_share", obj=case, after={"person": person.full_name})
    return reader


def identity_read(*, actor, case: Case) -> None:
    """Record that ``actor`` read the protected identity of a denunciation."""
    if case.kind == Case.Kind.TO_CAO:
        audit_record(actor=_user(actor), action="case.identity_read", obj=case)


def duplicates_shown(*, actor, cases: Iterable[Case]) -> None:
    """A denunciation offered as a possible duplicate tells the reader who denounced it (the
    same petitioner): a reading of the protected identity, audited like the others."""
    for case in cases:
        identity_read(actor=actor, case=case)


# --- Reception days and dialogues --------------------------------------------------------------


def _check_host(actor, host: Person, unit: Unit) -> None:
    require_person(actor, host)
    if not host.positions.filter(unit__path__startswith=unit.path).exists():
        raise ValidationError({"host": _("The host must hold a position in %(unit)s.") % {"unit": unit.name}})


@transaction.atomic
def reception_day_create(
    *, actor, unit: Unit, host: Person, date: dt.date, kind: str = ReceptionDay.Kind.SCHEDULED,
    place: str = "", note: str = "", status: str = ReceptionDay.Status.PLANNED,
) -> ReceptionDay:
    """Put a reception day of ``unit``'s head (``host``) on the calendar, or record one held."""
    require(actor, unit, Action.CHANGE)
    _check_host(actor, host, unit)
    if status == ReceptionDay.Status.HELD and date > timezone.localdate():
        raise ValidationError({"status": _("A reception day in the future cannot have been held.")})
    day = ReceptionDay(unit=unit, host=host, date=date, kind=kind, place=normalize(place), note=note.strip(),
                       status=status)
    day.full_clean()
    day.save()
    audit_record(actor=_user(actor), action="reception_day.create", obj=day,
                 after=snapshot(day, ("unit", "host", "date", "kind", "status", "place")))
    return day


@transaction.atomic
def reception_day_set_status(*, actor, day: ReceptionDay, status: str) -> ReceptionDay:
    """Mark a planned reception day held or cancelled (or planned again)."""
    require(actor, day, Action.CHANGE)
    day = ReceptionDay.objects.select_for_update().get(pk=day.pk)
    if status not in ReceptionDay.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    if status == ReceptionDay.Status.HELD and day.date > timezone.localdate():
        raise ValidationError({"status": _("A reception day in the future cannot have been held.")})
    before = snapshot(day, ("status",))
    day.status = status
    day.save(update_fields=["status"])
    audit_record(actor=_user(actor), action="reception_day.status", obj=day, before=before,
                 after=snapshot(day, ("status",)))
    return day


@transaction.atomic
def dialogue_create(
    *, actor, unit: Unit, host: Person, date: dt.date, topics: str, place: str = "",
    participants: str = "", minutes: str = "",
) -> Dialogue:
    """Record a leader's dialogue with the cadres, members and citizens of ``unit``."""
    require(actor, unit, Action.CHANGE)
    require_person(actor, host)
    if date > timezone.localdate():
        raise ValidationError({"date": _("Record a dialogue once it has been held.")})
    dialogue = Dialogue(unit=unit, host=host, date=date, topics=(topics or "").strip(), place=normalize(place),
                        participants=(participants or "").strip(), minutes=(minutes or "").strip())
    dialogue.full_clean()
    dialogue.save()
    audit_record(actor=_user(actor), action="dialogue.create", obj=dialogue,
                 after=snapshot(dialogue, ("unit", "host", "date", "place", "topics")))
    return dialogue


def dialogue_record_opinion(*, actor, dialogue: Dialogue, kind: str, content: str,
                            petitioners: Iterable[Mapping[str, Any]]) -> Case:
    """An opinion raised at a dialogue becomes a case of the dialogue's unit."""
    require(actor, dialogue, Action.CHANGE)
    return case_create(
        actor=actor, unit=dialogue.unit, kind=kind, channel=Case.Channel.DIALOGUE, content=content,
        received_on=dialogue.date, petitioners=petitioners, dialogue=dialogue,
    )
