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
from dangbo.orgs.models import Membership, Person, Position, Role, Unit
from dangbo.orgs.policy import require_person

from . import rules
from .models import (
    LEVEL_ORDER,
    RULE_SUBJECT,
    Capacity,
    Discipline,
    Level,
    Rating,
    RatingCampaign,
    RuleVersion,
)

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
#: The posts rated as a unit's leaders: those granting its management (secretary, deputy
#: secretary, head…); not a committee member's reading right, nor a clerk's administration.
LEADER_ROLE = Role.MANAGE
#: The committee above a unit that rates its leaders: the nearest ancestor at one of these levels.
LEADER_RATER_LEVELS = (Level.WARD, Level.CITY)


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
    if subject == "leader":
        above = leader_rater(unit, units)
        return above[1] if above is not None and above[0] == level else None
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


def leader_rater(unit: Unit, units: Mapping[str, Unit] | None = None) -> tuple[str, Unit] | None:
    """``(level, committee)`` that rates the leaders of ``unit``: the nearest unit above it at
    a rater level (a cell's leaders: the ward; a ward's: the city; the city's: the province)."""
    candidates = unit.ancestor_paths()[::-1]
    units = units if units is not None else _units_by_path(candidates)
    for path in candidates:
        found = units.get(path)
        if found is None:
            continue
        for level in LEADER_RATER_LEVELS:
            if found.kind.level.code in RATER_LEVELS[level]:
                return level, found
    return None


def _leading_posts(year: int):
    start, end = year_range(year)
    return (
        Position.objects.filter(role=LEADER_ROLE, start__lte=end)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .order_by("unit_id", "person_id", "sort_order", "-start")
    )


def leader_post(person: Person, unit: Unit, year: int) -> str | None:
    """The title of the leading post ``person`` held in ``unit`` in ``year`` (``None``: none)."""
    return _leading_posts(year).filter(person=person, unit=unit).values_list("title", flat=True).first()


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
    members = Rating.objects.filter(year=rating.year, capacity=Capacity.MEMBER, unit=unit)
    subunits = Rating.objects.filter(year=rating.year, subject_unit__isnull=False, subject_unit__path__startswith=unit.path,
                                     subject_unit__depth=unit.depth + 1)
    facts.member_grades = list(final_grades(members).values())
    facts.subunit_grades = list(final_grades(subunits).values())
    return facts


def final_grades(ratings) -> dict[tuple[str, int, int | None], str]:
    """``{(capacity, id, led unit): grade}`` from the highest level that has given a grade."""
    best: dict[tuple[str, int, int | None], tuple[int, str]] = {}
    for capacity, person_id, unit_id, led_id, level, grade in ratings.exclude(grade="").values_list(
        "capacity", "person_id", "subject_unit_id", "unit_id", "level", "grade"
    ):
        key = (capacity, person_id or unit_id, led_id if capacity == Capacity.LEADER else None)
        order = LEVEL_ORDER.index(Level(level))
        if key not in best or order > best[key][0]:
            best[key] = (order, grade)
    return {key: grade for key, (_order, grade) in best.items()}


def previous_final(rating: Rating) -> str:
    prior = Rating.objects.filter(year=rating.year - 1, capacity=rating.capacity)
    prior = prior.filter(person_id=rating.person_id) if rating.person_id else prior.filter(
        subject_unit_id=rating.subject_unit_id
    )
    if rating.is_leader:
        prior = prior.filter(unit_id=rating.unit_id)
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
    *, actor, year: int, level: str, person: Person | None = None, unit: Unit | None = None,
    capacity: str | None = None,
) -> Rating:
    """The rating of ``person`` (or the organisation ``unit``; or, with ``capacity="leader"``,
    ``person`` as a leader of ``unit``) for ``year`` at ``level``, created and pre-filled from
    the evidence when it does not exist yet. A leader's figures are those of the unit they
    lead and every unit below it."""
    if capacity is None:
        capacity = Capacity.MEMBER if person is not None else Capacity.ORGANISATION
    if capacity not in Capacity.values:
        raise ValidationError({"capacity": _("Unknown capacity.")})
    if capacity == Capacity.LEADER:
        if person is None or unit is None:
            raise ValidationError(_("Name the leader and the unit they lead."))
    elif (person is None) == (unit is None) or (capacity == Capacity.MEMBER) != (person is not None):
        raise ValidationError(_("Name either a member or an organisation."))
    if level not in Level.values:
        raise ValidationError({"level": _("Unknown rater level.")})
    rule = rule_for_year(year)
    subject = RULE_SUBJECT[Capacity(capacity)]
    post_title = ""
    home: Unit | None
    if capacity == Capacity.LEADER:
        assert person is not None and unit is not None  # noqa: S101
        require_person(actor, person)
        require(actor, unit, Action.VIEW)
        held = leader_post(person, unit, year)
        if held is None:
            raise ValidationError({"unit_id": _("%(name)s held no leading post in %(unit)s in %(year)s.")
                                   % {"name": person.full_name, "unit": unit.name, "year": year}})
        home, post_title = unit, held
    elif person is not None:
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
    if capacity == Capacity.LEADER:
        existing = Rating.objects.filter(year=year, level=level, capacity=capacity, person=person, unit=home)
    elif person is not None:
        existing = Rating.objects.filter(year=year, level=level, capacity=capacity, person=person)
    else:
        existing = Rating.objects.filter(year=year, level=level, subject_unit=unit)
    found = existing.select_related("rule", "unit", "rater_unit", "person").first()
    if found is not None:
        require(actor, found, Action.VIEW)
        return found
    rating = Rating(rule=rule, year=year, level=level, capacity=capacity, post_title=post_title,
                    person=person, subject_unit=None if capacity == Capacity.LEADER else unit, unit=home,
                    rater_unit=rater)
    require(actor, rating, Action.CHANGE)
    if capacity == Capacity.LEADER:
        rating.prefilled = _figures("unit_tree", [home.pk], year)[home.pk]
    else:
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
        rater_unit_id=rating.rater_unit_id, level=rating.level, year=rating.year, capacity=rating.capacity,
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


def campaign_leaders(campaign: RatingCampaign) -> list[tuple[int, Unit, str]]:
    """``[(person id, unit led, post title)]``: the holders of a leading post in the year in
    each party organisation of the campaign's subtree, its party advisory boards included (a
    board's head is rated by the committee it serves); one row per person and unit, their
    first post. Leaders of the government, the Front and the mass organisations are not
    rated here."""
    if not campaign.rule.levels.get("leader"):
        return []
    start, end = year_range(campaign.year)
    posts = (
        _leading_posts(campaign.year)
        .filter(unit__path__startswith=campaign.unit.path, unit__kind__is_party=True)
        .filter(Q(unit__valid_from__isnull=True) | Q(unit__valid_from__lte=end))
        .filter(Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gte=start))
        .select_related("unit__kind__level")
        .only("person_id", "title", "unit__path", "unit__depth", "unit__name", "unit__kind__level__code")
    )
    seen: dict[tuple[int, int], tuple[int, Unit, str]] = {}
    units: dict[int, Unit] = {}
    for post in posts:
        unit = units.setdefault(post.unit_id, post.unit)
        seen.setdefault((post.person_id, post.unit_id), (post.person_id, unit, post.title))
    return list(seen.values())


def campaign_prefill(*, campaign_id: int, progress: Callable[[int, int], None] | None = None) -> int:
    """Pre-fill (or refresh the figures of) every rating row of the campaign: each member,
    organisation and leader of an organisation of the subtree at each of the rule's levels.
    Run by the worker (the system); the page showed who started it. Returns the number of
    subjects."""
    campaign = RatingCampaign.objects.select_related("unit", "rule").get(pk=campaign_id)
    RatingCampaign.objects.filter(pk=campaign.pk).update(
        state=RatingCampaign.State.RUNNING, started_at=timezone.now(), finished_at=None, done=0
    )
    try:
        people, units = campaign_subjects(campaign)
        leaders = campaign_leaders(campaign)
        total = len(people) + len(units) + len(leaders)
        RatingCampaign.objects.filter(pk=campaign.pk).update(total=total)
        homes = [*units, *people.values(), *(unit for _p, unit, _t in leaders)]
        all_paths = {p for u in homes for p in [u.path, *u.ancestor_paths()]}
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
        for i in range(0, len(leaders), CHUNK):
            chunk_leaders = leaders[i : i + CHUNK]
            _prefill_leaders(campaign, chunk_leaders, by_path)
            done += len(chunk_leaders)
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
    capacity = Capacity.MEMBER if subject == "person" else Capacity.ORGANISATION
    # The rows already there as plain values (no model, no rule's JSON per row): most of a
    # refresh finds the figures unchanged and only moves the time they were counted.
    existing = {
        (subject_id, level): (pk, prefilled, rated_at, general, task, points)
        for pk, subject_id, level, prefilled, rated_at, general, task, points in Rating.objects.filter(
            year=year, capacity=capacity, **{f"{key}__in": list(homes)}
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
                row = Rating(rule=rule, year=year, level=level, capacity=capacity, unit=home, rater_unit=rater,
                             **{key: pk})
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


@transaction.atomic
def _prefill_leaders(campaign: RatingCampaign, leaders: Sequence[tuple[int, Unit, str]],
                     by_path: Mapping[str, Unit]) -> None:
    """The leaders' rows: the figures of each led unit's subtree (``unit_tree``), counted once
    per unit however many leaders it has."""
    rule, year = campaign.rule, campaign.year
    unit_ids = sorted({unit.pk for _p, unit, _t in leaders})
    figures = _figures("unit_tree", unit_ids, year)
    existing = {
        (person_id, unit_id, level): (pk, prefilled, rated_at, general, task, points, title)
        for pk, person_id, unit_id, level, prefilled, rated_at, general, task, points, title in Rating.objects.filter(
            year=year, capacity=Capacity.LEADER, unit_id__in=unit_ids, person_id__in={p for p, _u, _t in leaders}
        ).order_by().values_list("pk", "person_id", "unit_id", "level", "prefilled", "rated_at", "general_points",
                                 "task_points", "points", "post_title")
    }
    now = timezone.now()
    new, changed, same = [], [], []
    for person_id, unit, title in leaders:
        for level in rule.levels.get("leader", []):
            rater = rater_unit("leader", unit, level, by_path)
            if rater is None:
                continue
            found = existing.get((person_id, unit.pk, level))
            counted = figures.get(unit.pk, {})
            if found is not None and found[1] == counted and found[6] == title:
                same.append(found[0])
                continue
            if found is None:
                row = Rating(rule=rule, year=year, level=level, capacity=Capacity.LEADER, person_id=person_id,
                             unit=unit, rater_unit=rater)
                new.append(row)
            else:
                row_pk, _prefilled, rated_at, general, task, points, _title = found
                row = Rating(pk=row_pk, rule=rule, year=year, level=level, rated_at=rated_at, general_points=general,
                             task_points=task, points=points)
                changed.append(row)
            row.post_title = title
            row.prefilled = counted
            row.prefilled_at = now
            if row.rated_at is None:
                row.task_points = None
                _computed_points(row)
    Rating.objects.bulk_create(new, batch_size=CHUNK)
    Rating.objects.bulk_update(changed, ["prefilled", "prefilled_at", "task_points", "points", "post_title"],
                               batch_size=100)
    Rating.objects.filter(pk__in=same).update(prefilled_at=now)
