"""Every change to cadres goes through one of these functions: keyword-only arguments, a
transaction, ``policy.require`` first, ``full_clean``, an audit entry, and a ``ValidationError``
in Vietnamese keyed by field on bad input, leaving nothing changed.

A rotation or an appointment ends in a position in orgs through orgs' own services
(``position_create``, ``position_end``), which check the actor's right over the unit and the
role ceiling again.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dangbo.core import search, versions
from dangbo.core.audit import audit_record, snapshot
from dangbo.core.policy import Action, require
from dangbo.core.text import normalize
from dangbo.orgs import services as orgs
from dangbo.orgs.models import Person, Position, Role, Unit
from dangbo.orgs.policy import require_person

from . import rules
from .models import (
    Award,
    CadreProfile,
    Move,
    Plan,
    PlanCandidate,
    PlanningRule,
    Streamlining,
    Training,
)

PROFILE_FIELDS = ["person", "unit", "education", "field_of_study", "theory", "note"]
PROFILE_EDIT_FIELDS = ["education", "field_of_study", "theory", "note"]
TRAINING_FIELDS = ["name", "kind", "institution", "start", "end", "certificate"]
AWARD_FIELDS = ["title", "date", "decision", "issuer"]
PLAN_FIELDS = ["unit", "term_code", "start_year", "end_year", "rule", "decision", "decided_on"]
CANDIDATE_FIELDS = ["person", "title", "all_met", "young", "note"]
MOVE_FIELDS = [
    "kind", "person", "unit", "title", "from_position", "proposed_on", "start", "end", "decision",
    "decided_on", "status", "position", "completed_on",
]
STREAMLINING_FIELDS = ["unit", "year", "staff", "reduced", "note"]


# --- Search ---------------------------------------------------------------------------------


def search_cadre(profile: CadreProfile) -> search.SearchDocument:
    return search.SearchDocument(
        kind="cadre", object_id=profile.pk, unit_id=profile.unit_id, title=profile.person.full_name,
        body=" ".join(filter(None, [
            profile.unit.name, profile.get_education_display(), profile.field_of_study, profile.get_theory_display(),
        ])),
        url=profile.get_absolute_url(),
    )


def search_plan(plan: Plan) -> search.SearchDocument:
    return search.SearchDocument(
        kind="cadre_plan", object_id=plan.pk, unit_id=plan.unit_id, title=str(plan),
        number=plan.decision, body=plan.rule.source, date=dt.date(plan.start_year, 1, 1), url=plan.get_absolute_url(),
    )


# --- Records -------------------------------------------------------------------------------


@transaction.atomic
def profile_create(
    *, actor, person: Person, unit: Unit, education: int = 0, field_of_study: str = "", theory: int = 0,
    note: str = "",
) -> CadreProfile:
    require(actor, unit, Action.CHANGE)
    require_person(actor, person)
    if CadreProfile.objects.filter(person=person).exists():
        raise ValidationError({"person": _("%(name)s already has a cadre record.") % {"name": person.full_name}})
    profile = CadreProfile(
        person=person, unit=unit, education=education, field_of_study=normalize(field_of_study),
        theory=theory, note=note.strip(),
    )
    profile.full_clean()
    profile.save()
    audit_record(actor=actor, action="cadre.create", obj=profile, after=snapshot(profile, PROFILE_FIELDS))
    transaction.on_commit(lambda: search.index(profile), robust=True)
    return profile


@transaction.atomic
def profile_update(
    *, actor, profile: CadreProfile, education: int, field_of_study: str, theory: int, note: str = "",
    expected_version: str | None = None,
) -> CadreProfile:
    require(actor, profile, Action.CHANGE)
    profile = CadreProfile.objects.select_for_update(of=("self",)).select_related("unit", "person").get(pk=profile.pk)
    versions.check(profile, PROFILE_EDIT_FIELDS, expected_version)
    before = snapshot(profile, PROFILE_EDIT_FIELDS)
    profile.education, profile.field_of_study, profile.theory = education, normalize(field_of_study), theory
    profile.note = note.strip()
    profile.full_clean()
    profile.save(update_fields=PROFILE_EDIT_FIELDS)
    audit_record(
        actor=actor, action="cadre.update", obj=profile, before=before, after=snapshot(profile, PROFILE_EDIT_FIELDS)
    )
    _recheck(PlanCandidate.objects.filter(person=profile.person))
    transaction.on_commit(lambda: search.index(profile), robust=True)
    return profile


def _check_span(start: dt.date, end: dt.date | None, *, field: str = "end", strict: bool = False) -> None:
    if end is not None and (end <= start if strict else end < start):
        raise ValidationError({field: _("The end date must be after the start date.")})


@transaction.atomic
def training_add(
    *, actor, profile: CadreProfile, name: str, start: dt.date, end: dt.date | None = None,
    kind: str = Training.Kind.OTHER, institution: str = "", certificate: str = "",
) -> Training:
    require(actor, profile, Action.CHANGE)
    _check_span(start, end)
    training = Training(
        profile=profile, name=normalize(name), kind=kind, institution=normalize(institution), start=start, end=end,
        certificate=normalize(certificate),
    )
    training.full_clean()
    training.save()
    after = snapshot(training, TRAINING_FIELDS) | {"kind": str(training.get_kind_display())}
    audit_record(actor=actor, action="cadre.training", obj=profile, after=after)
    return training


@transaction.atomic
def award_add(
    *, actor, profile: CadreProfile, title: str, date: dt.date, decision: str = "", issuer: str = ""
) -> Award:
    require(actor, profile, Action.CHANGE)
    award = Award(profile=profile, title=normalize(title), date=date, decision=normalize(decision), issuer=normalize(issuer))
    award.full_clean()
    award.save()
    audit_record(actor=actor, action="cadre.award", obj=profile, after=snapshot(award, AWARD_FIELDS))
    return award


# --- Planning ------------------------------------------------------------------------------


def rule_for(unit: Unit, day: dt.date) -> PlanningRule | None:
    """The newest rule in force on ``day`` at the level of ``unit``."""
    return (
        PlanningRule.objects.filter(level_code=unit.kind.level.code, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )


@transaction.atomic
def plan_create(
    *, actor, unit: Unit, term_code: str, start_year: int, end_year: int, decision: str = "",
    decided_on: dt.date | None = None,
) -> Plan:
    require(actor, unit, Action.CHANGE)
    if end_year < start_year:
        raise ValidationError({"end_year": _("The last year must not be before the first year.")})
    rule = rule_for(unit, dt.date(start_year, 1, 1))
    if rule is None:
        raise ValidationError(
            {"unit": _("No planning criteria are recorded for the level of %(unit)s.") % {"unit": unit.name}}
        )
    plan = Plan(
        unit=unit, term_code=term_code.strip(), start_year=start_year, end_year=end_year, rule=rule,
        decision=normalize(decision), decided_on=decided_on,
    )
    plan.full_clean()
    plan.save()
    audit_record(actor=actor, action="cadre_plan.create", obj=plan, after=snapshot(plan, PLAN_FIELDS))
    transaction.on_commit(lambda: search.index(plan), robust=True)
    return plan


def theory_of(person: Person) -> int:
    profile = CadreProfile.objects.filter(person=person).only("theory").first()
    return profile.theory if profile else 0


def evaluate(plan: Plan, person: Person) -> tuple[list[dict], bool]:
    """The criteria of ``plan``'s rule checked for ``person`` at the start of the term, and
    whether they count as young then."""
    rule = plan.rule
    criteria = rules.Criteria(
        max_age_male=rule.max_age_male, max_age_female=rule.max_age_female, min_theory=rule.min_theory,
        min_years_in_post=rule.min_years_in_post, young_age=rule.young_age, source=rule.source,
    )
    day = dt.date(plan.start_year, 1, 1)
    age = rules.age_on(day, birth_date=person.birth_date, birth_year=person.birth_year)
    spans = list(Position.objects.filter(person=person, start__lte=day).values_list("start", "end"))
    years = rules.years_in_post(spans, day)
    checks = rules.check(criteria, gender=person.gender, age=age, theory=theory_of(person), years=years)
    return checks, rules.is_young(criteria, age)


@transaction.atomic
def candidate_add(*, actor, plan: Plan, person: Person, title: str, note: str = "") -> PlanCandidate:
    """Plan ``person`` for ``title``. Someone who does not meet a criterion (over the age
    limit, say) may still be planned: the candidate is flagged, with the reason shown."""
    require(actor, plan, Action.CHANGE)
    require_person(actor, person)
    title = normalize(title)
    if PlanCandidate.objects.filter(plan=plan, person=person, title=title).exists():
        raise ValidationError({"person": _("%(name)s is already planned for this position.") % {"name": person.full_name}})
    checks, young = evaluate(plan, person)
    candidate = PlanCandidate(
        plan=plan, person=person, title=title, checks=checks, all_met=all(c["met"] for c in checks), young=young,
        note=note.strip(),
    )
    candidate.full_clean()
    candidate.save()
    audit_record(actor=actor, action="cadre_candidate.add", obj=plan, after=snapshot(candidate, CANDIDATE_FIELDS))
    return candidate


def _recheck(candidates) -> int:
    """Check ``candidates`` again (a theory level, a post or a birth date changed); returns how
    many results changed."""
    changed = 0
    for candidate in candidates.select_related("plan__rule", "person"):
        checks, young = evaluate(candidate.plan, candidate.person)
        all_met = all(c["met"] for c in checks)
        if (checks, young, all_met) != (candidate.checks, candidate.young, candidate.all_met):
            candidate.checks, candidate.young, candidate.all_met = checks, young, all_met
            candidate.save(update_fields=["checks", "young", "all_met"])
            changed += 1
    return changed


@transaction.atomic
def plan_recheck(*, actor, plan: Plan) -> int:
    """Check every candidate of ``plan`` again against its rule, with today's records."""
    require(actor, plan, Action.CHANGE)
    changed = _recheck(PlanCandidate.objects.filter(plan=plan))
    audit_record(actor=actor, action="cadre_plan.recheck", obj=plan, after={"changed": changed})
    return changed


@transaction.atomic
def candidate_remove(*, actor, candidate: PlanCandidate, reason: str = "") -> None:
    require(actor, candidate.plan, Action.CHANGE)
    before = snapshot(candidate, CANDIDATE_FIELDS)
    plan = candidate.plan
    candidate.delete()
    audit_record(actor=actor, action="cadre_candidate.remove", obj=plan, before=before, reason=reason)


# --- Rotation and appointment ------------------------------------------------------------------


@transaction.atomic
def move_propose(
    *, actor, kind: str, person: Person, unit: Unit, title: str, proposed_on: dt.date, start: dt.date,
    end: dt.date | None = None, from_position: Position | None = None, note: str = "",
) -> Move:
    require(actor, unit, Action.CHANGE)
    require_person(actor, person)
    if end is not None and end <= start:
        raise ValidationError({"end": _("A rotation or appointment cannot end before it starts.")})
    if start < proposed_on:
        raise ValidationError({"start": _("The start must not be before the proposal.")})
    if from_position is not None:
        require(actor, from_position, Action.CHANGE)
        if from_position.person_id != person.pk:
            raise ValidationError({"from_position": _("This position is held by someone else.")})
    move = Move(
        kind=kind, person=person, unit=unit, title=normalize(title), proposed_on=proposed_on, start=start, end=end,
        from_position=from_position, note=note.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    move.full_clean()
    move.save()
    audit_record(actor=actor, action="cadre_move.propose", obj=move, after=snapshot(move, MOVE_FIELDS))
    return move


def _locked(move: Move) -> Move:
    return Move.objects.select_for_update(of=("self",)).select_related("unit", "person").get(pk=move.pk)


def _step(move: Move, expected: str) -> None:
    if move.status != expected:
        raise ValidationError(
            _("This step cannot be taken now: the rotation or appointment is %(status)s.")
            % {"status": move.get_status_display().lower()}
        )


@transaction.atomic
def move_decide(*, actor, move: Move, decision: str, decided_on: dt.date) -> Move:
    require(actor, move, Action.CHANGE)
    move = _locked(move)
    _step(move, Move.Status.PROPOSED)
    if not decision.strip():
        raise ValidationError({"decision": _("Give the number of the decision.")})
    if decided_on < move.proposed_on:
        raise ValidationError({"decided_on": _("The decision cannot come before the proposal.")})
    before = snapshot(move, MOVE_FIELDS)
    move.decision, move.decided_on, move.status = normalize(decision), decided_on, Move.Status.DECIDED
    move.full_clean()
    move.save(update_fields=["decision", "decided_on", "status"])
    audit_record(actor=actor, action="cadre_move.decide", obj=move, before=before, after=snapshot(move, MOVE_FIELDS))
    return move


@transaction.atomic
def move_take_up(*, actor, move: Move, role: int = Role.VIEW) -> Move:
    """The cadre takes up the post: a position in orgs from the move's start (to its end, for a
    rotation with a set length); the position they leave ends the day before."""
    require(actor, move, Action.CHANGE)
    move = _locked(move)
    _step(move, Move.Status.DECIDED)
    before = snapshot(move, MOVE_FIELDS)
    if move.from_position_id is not None:
        previous = Position.objects.get(pk=move.from_position_id)
        if previous.end is None or previous.end >= move.start:
            last = max(previous.start, move.start - dt.timedelta(days=1))
            orgs.position_end(actor=actor, position=previous, end=last, reason=str(move))
    move.position = orgs.position_create(
        actor=actor, person=move.person, unit=move.unit, title=move.title, start=move.start, end=move.end, role=role,
    )
    move.status = Move.Status.IN_POST
    move.save(update_fields=["position", "status"])
    audit_record(actor=actor, action="cadre_move.take_up", obj=move, before=before, after=snapshot(move, MOVE_FIELDS))
    return move


@transaction.atomic
def move_complete(*, actor, move: Move, completed_on: dt.date) -> Move:
    """The rotation (or the appointment's period) is over: the position ends that day."""
    require(actor, move, Action.CHANGE)
    move = _locked(move)
    _step(move, Move.Status.IN_POST)
    if completed_on <= move.start:
        raise ValidationError({"completed_on": _("A rotation or appointment cannot end before it starts.")})
    before = snapshot(move, MOVE_FIELDS)
    position = Position.objects.get(pk=move.position_id or 0)  # in post: taking up the post recorded it
    if position.end is None or position.end > completed_on:
        orgs.position_end(actor=actor, position=position, end=completed_on, reason=str(move))
    move.completed_on, move.status = completed_on, Move.Status.COMPLETED
    move.save(update_fields=["completed_on", "status"])
    audit_record(actor=actor, action="cadre_move.complete", obj=move, before=before, after=snapshot(move, MOVE_FIELDS))
    return move


@transaction.atomic
def move_cancel(*, actor, move: Move, reason: str) -> Move:
    """Drop a rotation or appointment not yet taken up, with the reason."""
    require(actor, move, Action.CHANGE)
    move = _locked(move)
    if move.status not in (Move.Status.PROPOSED, Move.Status.DECIDED):
        raise ValidationError(_("Only a proposal or a decision not yet carried out can be cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    before = snapshot(move, MOVE_FIELDS)
    move.status = Move.Status.CANCELLED
    move.save(update_fields=["status"])
    audit_record(
        actor=actor, action="cadre_move.cancel", obj=move, before=before, after=snapshot(move, MOVE_FIELDS),
        reason=reason.strip(),
    )
    return move


# --- Staff streamlining --------------------------------------------------------------------------


@transaction.atomic
def streamlining_record(*, actor, unit: Unit, year: int, staff: int, reduced: int, note: str = "") -> Streamlining:
    require(actor, unit, Action.CHANGE)
    if reduced > staff:
        raise ValidationError({"reduced": _("More people cannot be streamlined than the unit has.")})
    row = Streamlining.objects.select_for_update().filter(unit=unit, year=year).first()
    before = snapshot(row, STREAMLINING_FIELDS) if row else None
    row = row or Streamlining(unit=unit, year=year)
    row.staff, row.reduced, row.note = staff, reduced, note.strip()
    row.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as error:
        raise ValidationError({"year": _("This year was just recorded by someone else; try again.")}) from error
    audit_record(
        actor=actor, action="cadre_streamlining.record", obj=row, before=before, after=snapshot(row, STREAMLINING_FIELDS)
    )
    return row
