"""Writes of the ratings: open (pre-fill) a rating, save it, record a discipline, open a
campaign and pre-fill its whole subtree (the job in ``tasks.py``). Every change starts with
``policy.require``; the page, the API, the job and the demo call the same functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangbo.core import evidence, versions
from dangbo.core.audit import audit_record, snapshot
from dangbo.core.policy import Action, require
from dangbo.orgs.models import Membership, Person, Unit
from dangbo.orgs.policy import require_person

from . import rules
from .models import LEVEL_ORDER, Discipline, Level, Rating, RatingCampaign, RuleVersion

EDIT_FIELDS = ["general_points", "task_points", "grade", "adjusted", "note"]
DISCIPLINE_FIELDS = ["person", "subject_unit", "unit", "date", "form", "decision", "source", "reason"]
CHUNK = 1000

#: The unit that rates at each level, found among the subject unit's ancestors by the level
#: code of its kind: the cell a member belongs to, the ward (grassroots) committee, the city.
RATER_LEVELS: dict[str, tuple[str, ...]] = {
    Level.CELL: ("chi-bo", "co-so"),
    Level.WARD: ("xa", "co-so"),
    Level.CITY: ("huyen", "tinh"),
}
NOT_RATED_LEVELS = ("tham-muu", "chinh-quyen", "mttq-doan-the")


# --- Reading the rules and the subjects ----------------------------------------------------


def rule_for_year(year: int) -> RuleVersion:
    rule = (
        RuleVersion.objects.filter(valid_from__year__lte=year)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__year__gte=year))
        .order_by("-valid_from")
        .first()
    )
    if rule is None:
        raise ValidationError({"year": _("No rating rule governs %(year)s.") % {"year": year}})
    return rule


def year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _units_by_path(paths: Iterable[str]) -> dict[str, Unit]:
    return {u.path: u for u in Unit.objects.filter(path__in=set(paths)).select_related("kind__level")}


def rater_unit(subject: str, unit: Unit, level: str, units: Mapping[str, Unit] | None = None) -> Unit | None:
    """The unit that rates ``subject`` (its unit ``unit``) at ``level``; ``None`` when there is
    none above it (a ward has no ward level above it)."""
    if level == Level.SELF:
        return unit
    if subject == "unit" and level == Level.CELL:
        return None
    own = [unit.path] if subject == "person" else []
    candidates = own + unit.ancestor_paths()[::-1]
    units = units if units is not None else _units_by_path(candidates)
    for path in candidates:
        found = units.get(path)
        if found is not None and found.kind.level.code in RATER_LEVELS[level]:
            return found
    return None


def member_unit(person: Person, year: int) -> Unit | None:
    """The cell the person belonged to last in ``year``."""
    start, end = year_range(year)
    membership = (
        Membership.objects.filter(person=person, start__lte=end)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .select_related("unit__kind__level")
        .order_by("-start")
        .first()
    )
    return membership.unit if membership else None


def facts_for(rule: RuleVersion, rating: Rating) -> rules.Facts:
    """What the gates look at for one rating (a handful of queries)."""
    start, end = year_range(rating.year)
    facts = rules.Facts(subject=rating.subject_kind, year=rating.year, figures=rating.figures())
    if rating.person_id:
        facts.disciplined = Discipline.objects.filter(person_id=rating.person_id, date__range=(start, end)).exists()
        return facts
    unit = rating.subject_unit
    assert unit is not None  # noqa: S101 - a rating has one subject
    this_year = Discipline.objects.filter(date__range=(start, end))
    facts.disciplined = this_year.filter(subject_unit=unit).exists()
    facts.sub_disciplined = (
        this_year.filter(unit__path__startswith=unit.path).exclude(subject_unit=unit).exists()
    )
    members = Rating.objects.filter(year=rating.year, person__isnull=False, unit=unit)
    subunits = Rating.objects.filter(year=rating.year, subject_unit__isnull=False, subject_unit__path__startswith=unit.path,
                                     subject_unit__depth=unit.depth + 1)
    facts.member_grades = list(final_grades(members).values())
    facts.subunit_grades = list(final_grades(subunits).values())
    return facts


def final_grades(ratings) -> dict[tuple[str, int], str]:
    """``{(subject kind, id): grade}`` from the highest level that has given a grade."""
    best: dict[tuple[str, int], tuple[int, str]] = {}
    for person_id, unit_id, level, grade in ratings.exclude(grade="").values_list(
        "person_id", "subject_unit_id", "level", "grade"
    ):
        key = ("person", person_id) if person_id else ("unit", unit_id)
        order = LEVEL_ORDER.index(Level(level))
        if key not in best or order > best[key][0]:
            best[key] = (order, grade)
    return {key: grade for key, (_order, grade) in best.items()}


def previous_final(rating: Rating) -> str:
    prior = Rating.objects.filter(year=rating.year - 1)
    prior = prior.filter(person_id=rating.person_id) if rating.person_id else prior.filter(
        subject_unit_id=rating.subject_unit_id
    )
    return next(iter(final_grades(prior).values()), "")


def _figures(subject: str, ids: Sequence[int], year: int) -> dict[int, dict[str, dict[str, Any]]]:
    start, end = year_range(year)
    collected = evidence.collect(subject, ids, start, end)
    return {pk: {code: f.as_dict() for code, f in figures.items()} for pk, figures in collected.items()}


def _computed_points(rating: Rating) -> None:
    rule = rating.rule
    if rating.task_points is None and rule.uses_points:
        rating.task_points = rules.task_points(rule, rating.figures())
    if rating.general_points is not None and rating.task_points is not None:
        rating.points = rating.general_points + rating.task_points
    else:
        rating.points = None


# --- One rating ----------------------------------------------------------------------------


@transaction.atomic
def rating_open(
    *, actor, year: int, level: str, person: Person | None = None, unit: Unit | None = None
) -> Rating:
    """The rating of ``person`` (or the organisation ``unit``) for ``year`` at ``level``,
    created and pre-filled from the evidence when it does not exist yet."""
    if (person is None) == (unit is None):
        raise ValidationError(_("Name either a member or an organisation."))
    if level not in Level.values:
        raise ValidationError({"level": _("Unknown rater level.")})
    rule = rule_for_year(year)
    subject = "person" if person is not None else "unit"
    if person is not None:
        require_person(actor, person)
        home = member_unit(person, year)
        if home is None:
            raise ValidationError({"person_id": _("%(name)s was not a party member in %(year)s.")
                                   % {"name": person.full_name, "year": year}})
    else:
        assert unit is not None  # noqa: S101
        require(actor, unit, Action.VIEW)
        home = unit
    if level not in rule.levels.get(subject, []):
        raise ValidationError({"level": _("%(rule)s has no such rater level for this subject.") % {"rule": rule.source}})
    rater = rater_unit(subject, home, level)
    if rater is None:
        raise ValidationError({"level": _("No unit above rates at this level.")})
    existing = Rating.objects.filter(year=year, level=level, **{"person" if person else "subject_unit": person or unit})
    found = existing.select_related("rule", "unit", "rater_unit", "person").first()
    if found is not None:
        require(actor, found, Action.VIEW)
        return found
    rating = Rating(rule=rule, year=year, level=level, person=person, subject_unit=unit, unit=home, rater_unit=rater)
    require(actor, rating, Action.CHANGE)
    subject_id = person.pk if person is not None else home.pk
    rating.prefilled = _figures(subject, [subject_id], year)[subject_id]
    rating.prefilled_at = timezone.now()
    _computed_points(rating)
    rating.full_clean()
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:  # someone opened it at the same moment: theirs is the row
        return existing.get()
    audit_record(actor=actor, action="rating.open", obj=rating, after=snapshot(rating, ["task_points", "grade"]))
    return rating


def _clean_adjustments(rating: Rating, adjustments: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    known = set(rating.prefilled) | {w["figure"] for w in (rating.rule.prefill or {}).get("task", [])} | {
        g["figure"] for g in rating.rule.gates if g.get("figure")
    }
    cleaned: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    for code, adjustment in adjustments.items():
        if code not in known:
            errors.append(_("Unknown figure %(code)s.") % {"code": code})
            continue
        reason = str(adjustment.get("reason") or "").strip()
        try:
            value = int(adjustment["value"])
            of = adjustment.get("of")
            of = int(of) if of not in (None, "") else (rating.prefilled.get(code) or {}).get("of")
        except (KeyError, TypeError, ValueError):
            errors.append(_("Give a whole number for %(code)s.") % {"code": code})
            continue
        if not reason:
            errors.append(_("Say why %(label)s is changed.") % {"label": (rating.prefilled.get(code) or {}).get("label", code)})
        if value < 0 or (of is not None and (of < 0 or value > of)):
            errors.append(_("%(value)s out of %(of)s is not a possible figure.") % {"value": value, "of": of})
        cleaned[code] = {"value": value, "of": of, "reason": reason[:500],
                         "label": (rating.prefilled.get(code) or {}).get("label", code)}
    if errors:
        raise ValidationError({"adjusted": errors})
    return cleaned


@transaction.atomic
def rating_save(
    *, actor, rating: Rating, general_points: Decimal | None = None, task_points: Decimal | None = None,
    grade: str = "", adjustments: Mapping[str, Mapping[str, Any]] | None = None, note: str = "",
    expected_version: str | None = None,
) -> Rating:
    """Save a rater's points, figure adjustments (each with its reason) and grade. A grade the
    points do not reach or a hard gate forbids is refused, as is a hard quota; a stale form is
    refused (``StaleEdit``) instead of overwriting the other rater's save."""
    require(actor, rating, Action.CHANGE)
    rating = Rating.objects.select_for_update().select_related("rule", "unit", "rater_unit").get(pk=rating.pk)
    versions.check(rating, EDIT_FIELDS, expected_version)
    rule = rating.rule
    before = snapshot(rating, EDIT_FIELDS)
    errors: dict[str, list[str]] = {}
    if adjustments is not None:
        try:
            rating.adjusted = _clean_adjustments(rating, adjustments)
        except ValidationError as error:
            errors.update(error.message_dict)
    for name, value, most in (("general_points", general_points, rule.general_max),
                              ("task_points", task_points, rule.task_max)):
        if value is not None and not rule.uses_points:
            errors.setdefault(name, []).append(_("%(rule)s gives no points.") % {"rule": rule.source})
        elif value is not None and (value < 0 or (most is not None and value > most)):
            errors.setdefault(name, []).append(_("Between 0 and %(most)s points.") % {"most": most})
    rating.general_points = general_points
    rating.task_points = task_points
    rating.note = (note or "").strip()
    _computed_points(rating)
    rating.grade = grade or ""
    if rating.grade and not errors:
        problems = rules.check_grade(rule, facts_for(rule, rating), rating.grade, rating.points)
        if problems:
            errors["grade"] = problems
    if rating.grade and not errors:
        for quota, message in quota_problems(rating):
            if quota.get("hard"):
                errors.setdefault("grade", []).append(message)
    if errors:
        raise ValidationError(errors)
    rating.rated_by = actor if getattr(actor, "is_authenticated", False) else None
    rating.rated_at = timezone.now()
    rating.full_clean()
    rating.save(update_fields=[*EDIT_FIELDS, "points", "rated_by", "rated_at"])
    after = snapshot(rating, EDIT_FIELDS)
    changed = [k for k in EDIT_FIELDS if before[k] != after[k]]
    if changed:
        audit_record(actor=actor, action="rating.save", obj=rating,
                     before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return rating


def quota_problems(rating: Rating) -> list[tuple[dict[str, Any], str]]:
    """The quotas broken among the ratings of the same rater unit, level, year and kind of
    subject, counting this rating's grade as it is now."""
    peers = Rating.objects.filter(
        rater_unit_id=rating.rater_unit_id, level=rating.level, year=rating.year,
        person__isnull=rating.person_id is None,
    ).exclude(pk=rating.pk).exclude(grade="")
    codes = [*peers.values_list("grade", flat=True), rating.grade]
    return rules.quota_problems(rating.rule, rating.subject_kind, codes)


# --- Discipline ----------------------------------------------------------------------------


@transaction.atomic
def discipline_record(
    *, actor, date: dt.date, form: str, decision: str, person: Person | None = None, unit: Unit | None = None,
    source: str = "", reason: str = "",
) -> Discipline:
    """Record a disciplinary measure against a member (in their cell of that year) or an
    organisation."""
    if (person is None) == (unit is None):
        raise ValidationError(_("Name either a member or an organisation."))
    if person is not None:
        require_person(actor, person)
        home = member_unit(person, date.year)
        if home is None:
            raise ValidationError({"person": _("%(name)s was not a party member in %(year)s.")
                                   % {"name": person.full_name, "year": date.year}})
    else:
        assert unit is not None  # noqa: S101
        require(actor, unit, Action.VIEW)
        home = unit
    record = Discipline(person=person, subject_unit=unit, unit=home, date=date, form=form,
                        decision=(decision or "").strip(), source=(source or "").strip(), reason=(reason or "").strip())
    require(actor, record, Action.CHANGE)
    record.full_clean()
    record.save()
    audit_record(actor=actor, action="discipline.record", obj=record, after=snapshot(record, DISCIPLINE_FIELDS))
    return record


# --- Campaigns -----------------------------------------------------------------------------


@transaction.atomic
def campaign_open(*, actor, unit: Unit, year: int) -> RatingCampaign:
    rule = rule_for_year(year)
    campaign = RatingCampaign(unit=unit, year=year, rule=rule,
                              created_by=actor if getattr(actor, "is_authenticated", False) else None)
    require(actor, campaign, Action.CHANGE)
    if RatingCampaign.objects.filter(unit=unit, year=year).exists():
        raise ValidationError({"year": _("%(unit)s already has a rating campaign for %(year)s.")
                               % {"unit": unit.name, "year": year}})
    campaign.full_clean()
    campaign.save()
    audit_record(actor=actor, action="rating_campaign.open", obj=campaign, after=snapshot(campaign, ["unit", "year", "rule"]))
    return campaign


def campaign_prefill_start(*, actor, campaign: RatingCampaign) -> RatingCampaign:
    """Queue the pre-fill of the campaign's whole subtree as a background job."""
    from .tasks import prefill_campaign_task

    with transaction.atomic():
        require(actor, campaign, Action.CHANGE)
        campaign = RatingCampaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.state in (RatingCampaign.State.QUEUED, RatingCampaign.State.RUNNING):
            raise ValidationError(_("The pre-fill is already under way."))
        campaign.state = RatingCampaign.State.QUEUED
        campaign.done = 0
        campaign.save(update_fields=["state", "done"])
        audit_record(actor=actor, action="rating_campaign.prefill", obj=campaign)
        pk = campaign.pk
        transaction.on_commit(lambda: prefill_campaign_task.enqueue(campaign_id=pk))
    return campaign


def campaign_subjects(campaign: RatingCampaign) -> tuple[dict[int, Unit], list[Unit]]:
    """``({person id: their cell}, [organisations])`` of the campaign's subtree in its year."""
    start, end = year_range(campaign.year)
    root = campaign.unit
    # Plain (person, cell) pairs and each unit of the subtree built once: a province's 60,000
    # memberships would otherwise make 60,000 copies of 1,200 cells.
    by_id = {u.pk: u for u in Unit.objects.filter(path__startswith=root.path).select_related("kind__level")}
    pairs = (
        Membership.objects.filter(unit__path__startswith=root.path, start__lte=end)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .order_by("person_id", "start")
        .values_list("person_id", "unit_id")
    )
    people = {person_id: by_id[unit_id] for person_id, unit_id in pairs}
    units = [
        by_id[pk] for pk in
        Unit.objects.filter(path__startswith=root.path, kind__is_party=True)
        .exclude(kind__level__code__in=NOT_RATED_LEVELS)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .order_by("path")
        .values_list("pk", flat=True)
    ]
    return people, units


def campaign_prefill(*, campaign_id: int, progress: Callable[[int, int], None] | None = None) -> int:
    """Pre-fill (or refresh the figures of) every rating row of the campaign: each member and
    organisation of the subtree at each of the rule's levels. Run by the worker (the system);
    the page showed who started it. Returns the number of subjects."""
    campaign = RatingCampaign.objects.select_related("unit", "rule").get(pk=campaign_id)
    RatingCampaign.objects.filter(pk=campaign.pk).update(
        state=RatingCampaign.State.RUNNING, started_at=timezone.now(), finished_at=None, done=0
    )
    try:
        people, units = campaign_subjects(campaign)
        total = len(people) + len(units)
        RatingCampaign.objects.filter(pk=campaign.pk).update(total=total)
        all_paths = {p for u in [*units, *people.values()] for p in [u.path, *u.ancestor_paths()]}
        by_path = _units_by_path(all_paths)
        done = 0
        person_ids = list(people)
        for i in range(0, len(person_ids), CHUNK):
            chunk = person_ids[i : i + CHUNK]
            _prefill_chunk(campaign, "person", {pk: people[pk] for pk in chunk}, by_path)
            done += len(chunk)
            _progress(campaign, done, total, progress)
        for i in range(0, len(units), CHUNK):
            chunk_units = units[i : i + CHUNK]
            _prefill_chunk(campaign, "unit", {u.pk: u for u in chunk_units}, by_path)
            done += len(chunk_units)
            _progress(campaign, done, total, progress)
    except Exception:
        RatingCampaign.objects.filter(pk=campaign.pk).update(state=RatingCampaign.State.FAILED, finished_at=timezone.now())
        raise
    RatingCampaign.objects.filter(pk=campaign.pk).update(state=RatingCampaign.State.DONE, finished_at=timezone.now())
    return total


def _progress(campaign: RatingCampaign, done: int, total: int, progress: Callable[[int, int], None] | None) -> None:
    RatingCampaign.objects.filter(pk=campaign.pk).update(done=done)
    if progress is not None:
        progress(done, total)


@transaction.atomic
def _prefill_chunk(campaign: RatingCampaign, subject: str, homes: Mapping[int, Unit], by_path: Mapping[str, Unit]) -> None:
    rule, year = campaign.rule, campaign.year
    figures = _figures(subject, list(homes), year)
    key = "person_id" if subject == "person" else "subject_unit_id"
    # The rows already there as plain values (no model, no rule's JSON per row): most of a
    # refresh finds the figures unchanged and only moves the time they were counted.
    existing = {
        (subject_id, level): (pk, prefilled, rated_at, general, task, points)
        for pk, subject_id, level, prefilled, rated_at, general, task, points in Rating.objects.filter(
            year=year, **{f"{key}__in": list(homes)}
        ).order_by().values_list("pk", key, "level", "prefilled", "rated_at", "general_points", "task_points", "points")
    }
    now = timezone.now()
    new, changed, same = [], [], []
    for pk, home in homes.items():
        for level in rule.levels.get(subject, []):
            rater = rater_unit(subject, home, level, by_path)
            if rater is None:
                continue
            found = existing.get((pk, level))
            counted = figures.get(pk, {})
            if found is not None and found[1] == counted:
                same.append(found[0])  # the evidence has not moved: only the time it was counted
                continue
            if found is None:
                row = Rating(rule=rule, year=year, level=level, unit=home, rater_unit=rater, **{key: pk})
                new.append(row)
            else:
                row_pk, _prefilled, rated_at, general, task, points = found
                row = Rating(pk=row_pk, rule=rule, year=year, level=level, rated_at=rated_at, general_points=general,
                             task_points=task, points=points)
                changed.append(row)
            row.prefilled = counted
            row.prefilled_at = now
            if row.rated_at is None:  # nobody has saved it: the suggestion follows the evidence
                row.task_points = None
                _computed_points(row)
    Rating.objects.bulk_create(new, batch_size=CHUNK)
    # bulk_update writes one CASE per row and field: slow, so only for the rows that changed.
    Rating.objects.bulk_update(changed, ["prefilled", "prefilled_at", "task_points", "points"], batch_size=100)
    Rating.objects.filter(pk__in=same).update(prefilled_at=now)
