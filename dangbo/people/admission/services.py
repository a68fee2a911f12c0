"""Changes to candidates: add one, then each step with its date and paper, or stop.

Every service starts with the policy (``actor=None`` is the trusted system: the demo loader),
takes the candidate's row for update, refuses a step out of order, validates everything before
it writes anything, keeps ``stage`` and ``due_date`` (the deadline of the step now awaited, by
the rule set in force on the day the step started) and leaves an audit entry. A ceremony makes
the person a probationary member of the cell; recognition makes them official on the day the
probation months end, however late the review or the decision came.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangbo.core import search
from dangbo.core.audit import audit_record, snapshot
from dangbo.core.policy import Action, require
from dangbo.core.text import fold, normalize
from dangbo.orgs import services as orgs
from dangbo.orgs.models import Membership, Person, Unit
from dangbo.orgs.policy import require_person

from . import rules as arithmetic
from .models import AdmissionRules, AdmissionTarget, Candidate, Sector, Stage

AUDIT_FIELDS = (
    "unit", "sector", "stage", "due_date", "certificate_number", "certificate_on", "certificate_valid_to",
    "forms_done", "resolution_on", "decision_extended", "decision_number", "decision_on", "ceremony_on",
    "helper", "probation_end", "review_on", "recognition_extended", "recognition_number", "recognition_on",
    "official_on", "stopped_on", "stop_reason",
)
TARGET_FIELDS = ("unit", "year", "total", "residential", "enterprise")

#: Words in a cell's name that tell where its members live or work (folded, without diacritics).
RESIDENTIAL_WORDS = ("khu pho", "thon", "to dan pho", "khoi pho", "ban ", "khu dan cu", "ap ")
ENTERPRISE_WORDS = ("cong ty", "doanh nghiep", "hop tac xa", "tnhh", "co phan")


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def guess_sector(unit: Unit) -> str:
    """The sector a cell's name suggests: a residential area (khu phố, thôn), a private
    enterprise (công ty), else an agency or school."""
    name = f" {fold(unit.name)} "
    if any(word in name for word in ENTERPRISE_WORDS):
        return Sector.ENTERPRISE
    if any(f" {word}" in name for word in RESIDENTIAL_WORDS):
        return Sector.RESIDENTIAL
    return Sector.OTHER


def _rules(day: dt.date) -> AdmissionRules:
    try:
        return AdmissionRules.in_force(day)
    except AdmissionRules.DoesNotExist:
        raise ValidationError(_("No admission rules are in force: ask the office to add them.")) from None


def _step(actor, candidate: Candidate, *stages: str) -> Candidate:
    """How every step begins: the actor may change the candidate, the row is read again under
    its lock, and the candidate is at one of ``stages``."""
    require(actor, candidate, Action.CHANGE)
    candidate = Candidate.objects.select_for_update(of=("self",)).select_related("person", "unit").get(pk=candidate.pk)
    _expect(candidate, *stages)
    return candidate


def _expect(candidate: Candidate, *stages: str) -> None:
    if candidate.stage not in stages:
        raise ValidationError(
            _("%(person)s is at the step “%(stage)s”: that step comes first.")
            % {"person": candidate.person.full_name, "stage": candidate.get_stage_display()}
        )


def _not_future(field: str, day: dt.date | None, errors: dict[str, list[str]]) -> None:
    if day is None:
        errors.setdefault(field, []).append(_("Enter the date."))
    elif day > timezone.localdate():
        errors.setdefault(field, []).append(_("This date is in the future."))


def _not_before(field: str, day: dt.date | None, earlier: dt.date | None, what: str, errors: dict[str, list[str]]) -> None:
    if day is not None and earlier is not None and day < earlier:
        errors.setdefault(field, []).append(
            _("This date cannot be before the %(what)s (%(date)s).") % {"what": what, "date": _d(earlier)}
        )


def _decision_number(number: str | None, errors: dict[str, list[str]]) -> str:
    number = normalize(number or "")
    if not number:
        errors.setdefault("number", []).append(_("Enter the decision's number."))
    return number


def _age_error(birth_date: dt.date | None, on: dt.date, rules: AdmissionRules) -> str | None:
    if birth_date is None:
        return _("Enter the birth date: the age is counted in months.")
    if not arithmetic.age_allowed(birth_date, on, min_months=rules.min_age_months, max_months=rules.max_age_months):
        months = arithmetic.age_in_months(birth_date, on)
        return _(
            "On %(date)s the candidate is %(years)s years and %(months)s months old: %(rules)s admits from "
            "full %(low)s to full %(high)s years, counted in months."
        ) % {
            "date": _d(on), "years": months // 12, "months": months % 12, "rules": rules.code,
            "low": rules.min_age_months // 12, "high": rules.max_age_months // 12,
        }
    return None


def _save(actor, candidate: Candidate, before: dict[str, Any], fields: Iterable[str], action: str, reason: str = "") -> Candidate:
    candidate.full_clean()
    candidate.save(update_fields=[*fields, "stage", "due_date"])
    _reindex(candidate)
    audit_record(
        actor=actor, action=action, obj=candidate, before=before, after=snapshot(candidate, AUDIT_FIELDS),
        reason=reason,
    )
    return candidate


@transaction.atomic
def candidate_create(
    *,
    actor,
    unit: Unit,
    full_name: str = "",
    gender: str = Person.Gender.MALE,
    birth_date: dt.date | None = None,
    added_on: dt.date,
    sector: str = "",
    person: Person | None = None,
) -> Candidate:
    """Add a candidate to ``unit`` (a party cell): a new person by name, gender and birth date,
    or a ``person`` already known. The age is checked in months on ``added_on``."""
    require(actor, unit, Action.CHANGE)
    if person is not None:
        require_person(actor, person)
    errors: dict[str, list[str]] = {}
    if not unit.kind.holds_members:
        errors.setdefault("unit", []).append(
            _("Candidates belong to party cells, not to a %(kind)s.") % {"kind": unit.kind.name}
        )
    elif not unit.is_active:
        errors.setdefault("unit", []).append(_("%(unit)s no longer exists.") % {"unit": unit.name})
    _not_future("added_on", added_on, errors)
    name = normalize(full_name or "")
    if person is None and not name:
        errors.setdefault("full_name", []).append(_("Enter the candidate's full name."))
    birth = person.birth_date if person is not None else birth_date
    if added_on:
        problem = _age_error(birth, added_on, _rules(added_on))
        if problem:
            errors.setdefault("birth_date", []).append(problem)
    if person is not None:
        if person.status in (Person.Status.OFFICIAL, Person.Status.PROBATION):
            errors.setdefault("person", []).append(_("%(person)s is already a party member.") % {"person": person.full_name})
        elif Candidate.objects.open().filter(person=person).exists():
            errors.setdefault("person", []).append(_("%(person)s is already a candidate.") % {"person": person.full_name})
    if sector and sector not in Sector.values:
        errors.setdefault("sector", []).append(_("Choose a sector from the list."))
    if errors:
        raise ValidationError(errors)
    if person is None:
        person = orgs.person_create(
            actor=actor, full_name=name, gender=gender, birth_date=birth_date, status=Person.Status.NON_MEMBER
        )
    candidate = Candidate(
        person=person, unit=unit, sector=sector or guess_sector(unit), stage=Stage.AWARENESS, added_on=added_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    candidate.full_clean()
    candidate.save()
    audit_record(actor=actor, action="candidate.create", obj=candidate, after=snapshot(candidate, AUDIT_FIELDS))
    _reindex(candidate)
    return candidate


@transaction.atomic
def candidate_certificate(*, actor, candidate: Candidate, number: str, on: dt.date) -> Candidate:
    """Step 1: the awareness-class certificate. The file must reach the cell's resolution while
    the certificate is valid: its expiry is the next deadline."""
    candidate = _step(actor, candidate, Stage.AWARENESS)
    errors: dict[str, list[str]] = {}
    _not_future("on", on, errors)
    _not_before("on", on, candidate.added_on, _("day the candidate was added"), errors)
    number = normalize(number or "")
    if not number:
        errors.setdefault("number", []).append(_("Enter the certificate's number."))
    if errors:
        raise ValidationError(errors)
    before = snapshot(candidate, AUDIT_FIELDS)
    rules = _rules(on)
    candidate.certificate_number = number[:60]
    candidate.certificate_on = on
    candidate.certificate_valid_to = arithmetic.add_months(on, rules.certificate_months)
    candidate.stage = Stage.FILE
    candidate.due_date = candidate.certificate_valid_to
    return _save(actor, candidate, before, ["certificate_number", "certificate_on", "certificate_valid_to"], "candidate.certificate")


@transaction.atomic
def candidate_forms(*, actor, candidate: Candidate, forms: Iterable[str]) -> Candidate:
    """Step 2: tick the KNĐ forms of the file that are ready."""
    candidate = _step(actor, candidate, Stage.FILE)
    known = _rules(candidate.certificate_on or candidate.added_on).form_codes()
    chosen = list(dict.fromkeys(forms))
    unknown = [code for code in chosen if code not in known]
    if unknown:
        raise ValidationError({"forms": _("Unknown forms: %(codes)s.") % {"codes": ", ".join(unknown)}})
    before = snapshot(candidate, AUDIT_FIELDS)
    candidate.forms_done = [code for code in known if code in chosen]
    return _save(actor, candidate, before, ["forms_done"], "candidate.forms")


@transaction.atomic
def candidate_resolution(*, actor, candidate: Candidate, on: dt.date) -> Candidate:
    """Step 2 ends: the cell resolves to propose admission (6-KNĐ). The file must be complete,
    the certificate valid and the age within the limits on that day; the decision is due within
    the working days of the rules."""
    candidate = _step(actor, candidate, Stage.FILE)
    errors: dict[str, list[str]] = {}
    _not_future("on", on, errors)
    _not_before("on", on, candidate.certificate_on, _("certificate"), errors)
    if on and candidate.certificate_valid_to and on > candidate.certificate_valid_to:
        errors.setdefault("on", []).append(
            _("The awareness-class certificate expired on %(date)s: the candidate attends the class again.")
            % {"date": _d(candidate.certificate_valid_to)}
        )
    rules = _rules(on or timezone.localdate())
    missing = [code for code in rules.form_codes() if code not in candidate.forms_done]
    if missing:
        errors.setdefault("forms", []).append(
            _("The file still lacks: %(codes)s.") % {"codes": ", ".join(missing)}
        )
    if on:
        problem = _age_error(candidate.person.birth_date, on, rules)
        if problem:
            errors.setdefault("on", []).append(problem)
    if errors:
        raise ValidationError(errors)
    before = snapshot(candidate, AUDIT_FIELDS)
    candidate.resolution_on = on
    candidate.stage = Stage.DECISION
    candidate.due_date = rules.stage(Stage.DECISION).deadline(on)
    return _save(actor, candidate, before, ["resolution_on"], "candidate.resolution")


@transaction.atomic
def candidate_extend(*, actor, candidate: Candidate, reason: str) -> Candidate:
    """Extend the deadline of the decision (or of the recognition) once, by the working days
    the rules allow."""
    candidate = _step(actor, candidate, Stage.DECISION, Stage.RECOGNITION)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors.setdefault("reason", []).append(_("Give the reason for the extension."))
    deciding = candidate.stage == Stage.DECISION
    already = candidate.decision_extended if deciding else candidate.recognition_extended
    if already:
        errors.setdefault("reason", []).append(_("The deadline has already been extended once."))
    start = candidate.resolution_on if deciding else candidate.review_on
    assert start is not None  # noqa: S101 - set by the step before
    step = _rules(start).stage(candidate.stage)
    if not step.extension_days:
        errors.setdefault("reason", []).append(_("The rules allow no extension of this step."))
    if errors:
        raise ValidationError(errors)
    before = snapshot(candidate, AUDIT_FIELDS)
    if deciding:
        candidate.decision_extended = True
    else:
        candidate.recognition_extended = True
    candidate.due_date = step.deadline(start, extended=True)
    field = "decision_extended" if deciding else "recognition_extended"
    return _save(actor, candidate, before, [field], "candidate.extend", reason=reason[:2000])


@transaction.atomic
def candidate_decision(*, actor, candidate: Candidate, on: dt.date, number: str) -> Candidate:
    """Step 3: the committee's admission decision (9-KNĐ); the ceremony is due within the
    working days of the rules."""
    candidate = _step(actor, candidate, Stage.DECISION)
    errors: dict[str, list[str]] = {}
    _not_future("on", on, errors)
    _not_before("on", on, candidate.resolution_on, _("cell's resolution"), errors)
    number = _decision_number(number, errors)
    if errors:
        raise ValidationError(errors)
    before = snapshot(candidate, AUDIT_FIELDS)
    candidate.decision_on = on
    candidate.decision_number = number[:60]
    candidate.stage = Stage.CEREMONY
    candidate.due_date = _rules(on).stage(Stage.CEREMONY).deadline(on)
    return _save(actor, candidate, before, ["decision_on", "decision_number"], "candidate.decision")


@transaction.atomic
def candidate_ceremony(*, actor, candidate: Candidate, on: dt.date, helper: Person | None) -> Candidate:
    """Step 4: the admission ceremony. The person becomes a probationary member of the cell
    from that day, for the months of probation, with ``helper`` (an official member) at their
    side; the cell's review is due within the working days of the rules after probation ends."""
    candidate = _step(actor, candidate, Stage.CEREMONY)
    if helper is not None:
        require_person(actor, helper)
    errors: dict[str, list[str]] = {}
    _not_future("on", on, errors)
    if on and candidate.decision_on and on < candidate.decision_on:
        errors.setdefault("on", []).append(
            _("The ceremony cannot come before the admission decision (%(date)s).") % {"date": _d(candidate.decision_on)}
        )
    if helper is None:
        errors.setdefault("helper", []).append(_("Name the official member who helps the new member."))
    elif helper.pk == candidate.person_id or helper.status != Person.Status.OFFICIAL:
        errors.setdefault("helper", []).append(
            _("%(person)s is not an official party member.") % {"person": helper.full_name}
        )
    current = Membership.objects.current().filter(person=candidate.person).select_related("unit").first()
    if current is not None and current.unit_id != candidate.unit_id:
        errors.setdefault("on", []).append(
            _("%(person)s is a member of %(unit)s.") % {"person": candidate.person.full_name, "unit": current.unit.name}
        )
    if errors:
        raise ValidationError(errors)
    before = snapshot(candidate, AUDIT_FIELDS)
    rules = _rules(on)
    candidate.ceremony_on = on
    candidate.helper = helper
    candidate.probation_end = arithmetic.probation_end(on, rules.probation_months)
    candidate.stage = Stage.PROBATION
    candidate.due_date = rules.stage(Stage.PROBATION).deadline(candidate.probation_end)
    person = candidate.person
    person_before = snapshot(person, ("status", "joined_on"))
    person.status = Person.Status.PROBATION
    person.joined_on = on
    person.save(update_fields=["status", "joined_on"])
    audit_record(actor=actor, action="person.admitted", obj=person, before=person_before,
                 after=snapshot(person, ("status", "joined_on")))
    if current is None:
        # On the cell's roll through the members' service: the member's history shows the admission.
        from dangbo.people.members import services as members

        members.member_admit(actor=actor, person=person, cell=candidate.unit, date=on,
                             decision=candidate.decision_number)
    return _save(actor, candidate, before, ["ceremony_on", "helper", "probation_end"], "candidate.ceremony")


@transaction.atomic
def candidate_review(*, actor, candidate: Candidate, on: dt.date, passed: bool, reason: str = "") -> Candidate:
    """Step 5: the cell reviews the probationary member once the probation months have ended
    (13-KNĐ). Passed: the recognition decision is due; not passed: the cell proposes removal
    and the candidacy stops with the reason."""
    candidate = _step(actor, candidate, Stage.PROBATION)
    errors: dict[str, list[str]] = {}
    _not_future("on", on, errors)
    if on and candidate.probation_end and on < candidate.probation_end:
        errors.setdefault("on", []).append(
            _("Probation ends on %(date)s: the cell reviews the member after that.") % {"date": _d(candidate.probation_end)}
        )
    reason = (reason or "").strip()
    if not passed and not reason:
        errors.setdefault("reason", []).append(_("Give the reason the cell does not recognise the member."))
    if errors:
        raise ValidationError(errors)
    before = snapshot(candidate, AUDIT_FIELDS)
    candidate.review_on = on
    fields = ["review_on"]
    if passed:
        candidate.stage = Stage.RECOGNITION
        candidate.due_date = _rules(on).stage(Stage.RECOGNITION).deadline(on)
    else:
        candidate.stage = Stage.STOPPED
        candidate.due_date = None
        candidate.stopped_on = on
        candidate.stop_reason = reason[:2000]
        fields += ["stopped_on", "stop_reason"]
    return _save(actor, candidate, before, fields, "candidate.review", reason=reason[:2000])


@transaction.atomic
def candidate_recognise(*, actor, candidate: Candidate, on: dt.date, number: str) -> Candidate:
    """Step 6: the committee's recognition decision. The member is official from the day the
    probation months ended, whatever the delays."""
    candidate = _step(actor, candidate, Stage.RECOGNITION)
    errors: dict[str, list[str]] = {}
    _not_future("on", on, errors)
    _not_before("on", on, candidate.review_on, _("cell's review"), errors)
    number = _decision_number(number, errors)
    if errors:
        raise ValidationError(errors)
    before = snapshot(candidate, AUDIT_FIELDS)
    candidate.recognition_on = on
    candidate.recognition_number = number[:60]
    candidate.official_on = candidate.probation_end
    candidate.stage = Stage.OFFICIAL
    candidate.due_date = None
    person = candidate.person
    person_before = snapshot(person, ("status", "official_on"))
    person.status = Person.Status.OFFICIAL
    person.official_on = candidate.official_on
    person.save(update_fields=["status", "official_on"])
    audit_record(actor=actor, action="person.recognised", obj=person, before=person_before,
                 after=snapshot(person, ("status", "official_on")))
    return _save(actor, candidate, before, ["recognition_on", "recognition_number", "official_on"], "candidate.recognise")


@transaction.atomic
def candidate_stop(*, actor, candidate: Candidate, on: dt.date, reason: str) -> Candidate:
    """Stop a candidacy before its end (the person withdrew, moved away, was found unsuitable)."""
    candidate = _step(actor, candidate, Stage.AWARENESS, Stage.FILE, Stage.DECISION, Stage.CEREMONY)
    errors: dict[str, list[str]] = {}
    _not_future("on", on, errors)
    reason = (reason or "").strip()
    if not reason:
        errors.setdefault("reason", []).append(_("Give the reason."))
    if errors:
        raise ValidationError(errors)
    before = snapshot(candidate, AUDIT_FIELDS)
    candidate.stage = Stage.STOPPED
    candidate.due_date = None
    candidate.stopped_on = on
    candidate.stop_reason = reason[:2000]
    return _save(actor, candidate, before, ["stopped_on", "stop_reason"], "candidate.stop", reason=reason[:2000])


@transaction.atomic
def candidate_probationary(
    *, actor, person: Person, unit: Unit, ceremony_on: dt.date, helper: Person | None = None,
    decision_on: dt.date | None = None,
) -> Candidate:
    """Follow a probationary member admitted before dangbo kept the way in (the roster's
    ``joined_on``): their candidacy starts at probation, with the deadlines of the rules."""
    require(actor, unit, Action.CHANGE)
    require_person(actor, person)
    if person.status != Person.Status.PROBATION:
        raise ValidationError({"person": _("%(person)s is not a probationary member.") % {"person": person.full_name}})
    if Candidate.objects.filter(person=person).exclude(stage=Stage.STOPPED).exists():
        raise ValidationError({"person": _("%(person)s is already followed here.") % {"person": person.full_name}})
    rules = _rules(ceremony_on)
    end = arithmetic.probation_end(ceremony_on, rules.probation_months)
    candidate = Candidate(
        person=person, unit=unit, sector=guess_sector(unit), stage=Stage.PROBATION, added_on=ceremony_on,
        decision_on=decision_on, ceremony_on=ceremony_on, helper=helper, probation_end=end,
        due_date=rules.stage(Stage.PROBATION).deadline(end),
    )
    candidate.full_clean()
    candidate.save()
    audit_record(actor=actor, action="candidate.probationary", obj=candidate, after=snapshot(candidate, AUDIT_FIELDS))
    return candidate


@transaction.atomic
def target_set(*, actor, unit: Unit, year: int, total: int, residential: int = 0, enterprise: int = 0) -> AdmissionTarget:
    """Set a unit's admission target for a year (a new row or a change of the existing one)."""
    require(actor, unit, Action.CHANGE)
    target = AdmissionTarget.objects.select_for_update().filter(unit=unit, year=year).first()
    before = snapshot(target, TARGET_FIELDS) if target else None
    if target is None:
        target = AdmissionTarget(unit=unit, year=year)
    target.total, target.residential, target.enterprise = total, residential, enterprise
    target.updated_at = timezone.now()
    target.full_clean()
    target.save()
    audit_record(actor=actor, action="admission_target.set", obj=target, before=before, after=snapshot(target, TARGET_FIELDS))
    return target


def search_candidate(candidate: Candidate) -> search.SearchDocument:
    """The search box's view of a candidate: the name, the cell, the stage (no birth date)."""
    return search.SearchDocument(
        kind="candidate", object_id=candidate.pk, unit_id=candidate.unit_id,
        title=candidate.person.full_name, number="",
        body=f"{candidate.unit.name}\n{candidate.get_stage_display()}",
        date=candidate.added_on, url=candidate.get_absolute_url(), facets={"stage": candidate.stage},
    )


def _reindex(candidate: Candidate) -> None:
    pk = candidate.pk
    transaction.on_commit(lambda: search.index(Candidate.objects.filter(pk=pk)), robust=True)
