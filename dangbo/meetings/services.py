"""Every change to meetings, scores, criteria sets and leaders' records goes through here.

Keyword-only arguments, one transaction, ``full_clean``, an audit entry, and a
``ValidationError`` keyed by field (in Vietnamese once translated) on bad input, leaving
nothing changed. Permission checks are the callers' (views, API) through ``policy``.

A closed meeting is frozen: changing its roll-call, record or scores needs a ``reason``
and is audited as a correction (action ``meeting.correction``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangbo.core.audit import audit_record, snapshot
from dangbo.core.text import normalize
from dangbo.orgs.models import Membership, Person, Unit

from . import scoring
from .models import (
    Attendance,
    CalendarFeed,
    CriteriaSection,
    CriteriaSet,
    Criterion,
    GradeThreshold,
    LeaderAssignment,
    LeaderVisit,
    Meeting,
    MeetingDecision,
    MeetingGuest,
    MeetingKind,
    MeetingScore,
    ScoreItem,
    WorkingGroup,
    WorkingGroupMember,
)
from .policy import forget

MEETING_FIELDS = ["unit", "kind", "title", "date", "start_time", "place", "agenda", "combined", "status"]
RECORD_FIELDS = ["status", "duration_minutes", "minutes", "conclusions", "chair", "secretary"]
CELL_KINDS = {MeetingKind.REGULAR, MeetingKind.THEMATIC, MeetingKind.FORUM}


# --- helpers ---------------------------------------------------------------------------


def criteria_set_for(day: dt.date, unit: Unit | None = None) -> CriteriaSet | None:
    """The criteria set in force on ``day``: the unit's own (or an ancestor's) before the default."""
    sets = CriteriaSet.objects.filter(effective_from__lte=day).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=day)
    )
    if unit is not None:
        paths = [*unit.ancestor_paths(), unit.path]
        own = sets.filter(unit__path__in=paths).order_by("-unit__depth", "-version").first()
        if own is not None:
            return own
    return sets.filter(unit__isnull=True).order_by("-version").first()


def expected_people(unit: Unit, day: dt.date) -> list[int]:
    return list(
        Membership.objects.current(day).filter(unit=unit).values_list("person_id", flat=True).distinct()
    )


def _check_open(meeting: Meeting, reason: str) -> bool:
    """Raise unless the meeting is open or a correction reason is given; True for a correction."""
    if not meeting.is_closed:
        return False
    if not reason.strip():
        raise ValidationError(
            {"reason": _("The meeting is closed. Give the reason for this correction.")}
        )
    return True


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("unit", "unit__kind").get(pk=meeting.pk)


def _refresh_counts(meeting: Meeting) -> None:
    counts = Attendance.objects.filter(meeting=meeting).aggregate(
        expected=Count("pk"),
        present=Count("pk", filter=Q(status=Attendance.Status.PRESENT)),
        excused=Count("pk", filter=Q(status=Attendance.Status.EXCUSED)),
        unexcused=Count("pk", filter=Q(status=Attendance.Status.UNEXCUSED)),
    )
    meeting.expected_count = counts["expected"]
    meeting.present_count = counts["present"]
    meeting.excused_count = counts["excused"]
    meeting.unexcused_count = counts["unexcused"]
    meeting.save(update_fields=["expected_count", "present_count", "excused_count", "unexcused_count"])


# --- meetings --------------------------------------------------------------------------


def _check_kind(unit: Unit, kind: str) -> None:
    holds_members = unit.kind.holds_members
    if kind in CELL_KINDS and not holds_members:
        raise ValidationError({"kind": _("Only a party cell holds this kind of meeting.")})
    if kind in (MeetingKind.WARD_COMMITTEE, MeetingKind.CITY_COMMITTEE) and holds_members:
        raise ValidationError({"kind": _("A committee meeting belongs to a ward or city committee, not a cell.")})


@transaction.atomic
def meeting_create(
    *,
    actor,
    unit: Unit,
    kind: str,
    date: dt.date,
    title: str = "",
    start_time: dt.time | None = None,
    place: str = "",
    agenda: str = "",
    combined: bool = False,
) -> Meeting:
    """Schedule a meeting; its expected members are the unit's members on the day."""
    _check_kind(unit, kind)
    if kind == MeetingKind.FLAG and date.weekday() != 0:
        raise ValidationError({"date": _("The flag ceremony is held on a Monday.")})
    meeting = Meeting(
        unit=unit, kind=kind, date=date, title=normalize(title), start_time=start_time,
        place=normalize(place), agenda=agenda.strip(), combined=combined,
        criteria_set=criteria_set_for(date, unit),
    )
    meeting.month = date.replace(day=1)
    meeting.full_clean()
    meeting.save()
    people = expected_people(unit, date)
    Attendance.objects.bulk_create([Attendance(meeting=meeting, person_id=pk) for pk in people])
    meeting.expected_count = len(people)
    meeting.save(update_fields=["expected_count"])
    audit_record(actor=actor, action="meeting.create", obj=meeting, after=snapshot(meeting, MEETING_FIELDS))
    return meeting


def first_monday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


@transaction.atomic
def meeting_schedule_year(
    *,
    actor,
    unit: Unit,
    year: int,
    day_of_month: int | None = None,
    start_time: dt.time | None = None,
    place: str = "",
    with_flag_ceremony: bool = False,
) -> list[Meeting]:
    """Schedule the cell's regular meetings for every month of ``year`` in one step.

    ``day_of_month`` None means the first Monday (tied to the flag ceremony). Months that
    already have a regular meeting are left alone. Returns the meetings created.
    """
    if not unit.kind.holds_members:
        raise ValidationError({"unit": _("Only a party cell holds regular meetings.")})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})
    if day_of_month is not None and not 1 <= day_of_month <= 28:
        raise ValidationError({"day_of_month": _("Choose a day between 1 and 28.")})
    taken = set(
        Meeting.objects.filter(unit=unit, kind=MeetingKind.REGULAR, date__year=year).values_list("month", flat=True)
    )
    created = []
    for month in range(1, 13):
        if dt.date(year, month, 1) in taken:
            continue
        day = first_monday(year, month) if day_of_month is None else dt.date(year, month, day_of_month)
        created.append(
            meeting_create(
                actor=actor, unit=unit, kind=MeetingKind.REGULAR, date=day, start_time=start_time,
                place=place, title=_("Regular meeting, %(month)02d/%(year)d") % {"month": month, "year": year},
            )
        )
        if with_flag_ceremony:
            flag_day = first_monday(year, month)
            if not Meeting.objects.filter(unit=unit, kind=MeetingKind.FLAG, date=flag_day).exists():
                created.append(meeting_create(actor=actor, unit=unit, kind=MeetingKind.FLAG, date=flag_day))
    return created


@transaction.atomic
def meeting_update(
    *,
    actor,
    meeting: Meeting,
    title: str,
    date: dt.date,
    start_time: dt.time | None = None,
    place: str = "",
    agenda: str = "",
    combined: bool = False,
    reason: str = "",
) -> Meeting:
    meeting = _lock(meeting)
    correction = _check_open(meeting, reason)
    before = snapshot(meeting, MEETING_FIELDS)
    meeting.title = normalize(title)
    meeting.date = date
    meeting.start_time = start_time
    meeting.place = normalize(place)
    meeting.agenda = agenda.strip()
    meeting.combined = combined
    meeting.full_clean(exclude=["month"])
    meeting.save(update_fields=["title", "date", "start_time", "place", "agenda", "combined"])
    audit_record(
        actor=actor, action="meeting.correction" if correction else "meeting.update", obj=meeting,
        before=before, after=snapshot(meeting, MEETING_FIELDS), reason=reason,
    )
    return meeting


@transaction.atomic
def meeting_record(
    *,
    actor,
    meeting: Meeting,
    status: str = Meeting.Status.HELD,
    duration_minutes: int | None = None,
    minutes: str = "",
    conclusions: str = "",
    chair: Person | None = None,
    secretary: Person | None = None,
    reason: str = "",
) -> Meeting:
    """Record that the meeting was held (or cancelled), with its minutes and conclusions."""
    meeting = _lock(meeting)
    correction = _check_open(meeting, reason)
    if status == Meeting.Status.HELD and meeting.date > timezone.localdate():
        raise ValidationError({"status": _("A meeting cannot be held on a future date.")})
    if status == Meeting.Status.HELD and duration_minutes is None:
        raise ValidationError({"duration_minutes": _("Enter how long the meeting lasted.")})
    if duration_minutes is not None and not 1 <= duration_minutes <= 600:
        raise ValidationError({"duration_minutes": _("Enter a duration between 1 and 600 minutes.")})
    before = snapshot(meeting, RECORD_FIELDS)
    meeting.status = status
    meeting.duration_minutes = duration_minutes
    meeting.minutes = minutes.strip()
    meeting.conclusions = conclusions.strip()
    meeting.chair = chair
    meeting.secretary = secretary
    meeting.full_clean(exclude=["month"])
    meeting.save(update_fields=["status", "duration_minutes", "minutes", "conclusions", "chair", "secretary"])
    audit_record(
        actor=actor, action="meeting.correction" if correction else "meeting.record", obj=meeting,
        before=before, after=snapshot(meeting, RECORD_FIELDS), reason=reason,
    )
    return meeting


@transaction.atomic
def meeting_roll_call(
    *,
    actor,
    meeting: Meeting,
    entries: Sequence[Mapping[str, Any]],
    reason: str = "",
) -> Meeting:
    """Record the roll-call: ``entries`` of ``{"person_id", "status", "reason"}``.

    Only the meeting's expected members (or members of the unit on the day) can be
    recorded; an excused absence needs its reason.
    """
    meeting = _lock(meeting)
    correction = _check_open(meeting, reason)
    if meeting.date > timezone.localdate():
        raise ValidationError({"entries": _("The roll-call is taken on the day of the meeting, not before.")})
    rows = {a.person_id: a for a in Attendance.objects.filter(meeting=meeting)}
    valid = {s for s, _label in Attendance.Status.choices}
    changed: list[Attendance] = []
    new: list[Attendance] = []
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    members_now: set[int] | None = None
    for index, entry in enumerate(entries):
        key = f"entries.{index}"
        try:
            person_id = int(entry.get("person_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            errors.setdefault(key, []).append(_("Choose a member."))
            continue
        status = str(entry.get("status") or "")
        note = normalize(str(entry.get("reason") or ""))
        if status not in valid:
            errors.setdefault(key, []).append(_("Choose present, excused or unexcused."))
            continue
        if status == Attendance.Status.EXCUSED and not note:
            errors.setdefault(key, []).append(_("Give the reason for the excused absence."))
            continue
        row = rows.get(person_id)
        if row is None:
            if members_now is None:
                members_now = set(expected_people(meeting.unit, meeting.date))
            if person_id not in members_now:
                name = Person.objects.filter(pk=person_id).values_list("full_name", flat=True).first()
                errors.setdefault(key, []).append(
                    _("%(person)s is not a member of %(unit)s on %(date)s.")
                    % {"person": name or f"#{person_id}", "unit": meeting.unit.name, "date": f"{meeting.date:%d/%m/%Y}"}
                )
                continue
            row = Attendance(meeting=meeting, person_id=person_id)
            rows[person_id] = row
            new.append(row)
        elif row not in changed:
            changed.append(row)
        before[str(person_id)] = row.status
        row.status = status
        row.reason = note if status != Attendance.Status.PRESENT else ""
        after[str(person_id)] = status + (f" ({row.reason})" if row.reason else "")
    if errors:
        raise ValidationError(errors)
    if new:
        Attendance.objects.bulk_create(new)
    if changed:
        Attendance.objects.bulk_update(changed, ["status", "reason"])
    _refresh_counts(meeting)
    audit_record(
        actor=actor, action="meeting.correction" if correction else "meeting.roll_call", obj=meeting,
        before=before, after=after, reason=reason,
    )
    return meeting


@transaction.atomic
def meeting_guest_add(
    *, actor, meeting: Meeting, name: str = "", title: str = "", person: Person | None = None, reason: str = ""
) -> MeetingGuest:
    """Record a guest; a leader who follows the unit gets a visit in their log as well."""
    meeting = _lock(meeting)
    _check_open(meeting, reason)
    name = normalize(name) or (person.full_name if person else "")
    if not name:
        raise ValidationError({"name": _("Enter the guest's name.")})
    guest = MeetingGuest(meeting=meeting, person=person, name=name, title=normalize(title))
    guest.full_clean()
    guest.save()
    if person is not None:
        assigned = LeaderAssignment.objects.current(meeting.date).filter(
            person=person, unit__path__in=[*meeting.unit.ancestor_paths(), meeting.unit.path]
        )
        if assigned.exists() and not LeaderVisit.objects.filter(person=person, meeting=meeting).exists():
            LeaderVisit.objects.create(
                person=person, unit=meeting.unit, kind=LeaderVisit.Kind.MEETING, date=meeting.date, meeting=meeting
            )
    audit_record(actor=actor, action="meeting.guest", obj=meeting, after={"guest": name, "title": guest.title})
    return guest


@transaction.atomic
def meeting_close(*, actor, meeting: Meeting) -> Meeting:
    """Freeze the roll-call and the scores. The meeting must have been held, roll-call complete."""
    meeting = _lock(meeting)
    if meeting.is_closed:
        raise ValidationError(_("The meeting is already closed."))
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError(_("Only a meeting that was held can be closed."))
    missing = Attendance.objects.filter(meeting=meeting, status="").count()
    if missing:
        raise ValidationError(
            _("The roll-call is not complete: %(n)d member(s) not recorded.") % {"n": missing}
        )
    meeting.closed_at = timezone.now()
    meeting.closed_by = actor if getattr(actor, "is_authenticated", False) else None
    meeting.save(update_fields=["closed_at", "closed_by"])
    audit_record(actor=actor, action="meeting.close", obj=meeting, after={"closed_at": meeting.closed_at.isoformat()})
    return meeting


# --- scoring ---------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _official(meeting: Meeting) -> None:
    """The meeting's grade: the ward's score, else the leader's, else the self-assessment."""
    scores = {s.rater: s for s in MeetingScore.objects.filter(meeting=meeting)}
    best = scores.get("ward") or scores.get("leader") or scores.get("self")
    meeting.score = best.total if best else None
    meeting.grade = best.grade if best else ""
    meeting.grade_rank = best.grade_rank if best else None
    meeting.save(update_fields=["score", "grade", "grade_rank"])


@transaction.atomic
def meeting_score(
    *,
    actor,
    meeting: Meeting,
    rater: str,
    points: Mapping[Any, Any],
    note: str = "",
    rater_person: Person | None = None,
    reason: str = "",
) -> MeetingScore:
    """Score a held meeting against its criteria set: ``points`` maps criterion id (or
    code) to points; every criterion must be given, between 0 and its maximum."""
    meeting = _lock(meeting)
    correction = _check_open(meeting, reason)
    if rater not in MeetingScore.Rater.values:
        raise ValidationError({"rater": _("Choose who is scoring.")})
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError({"points": _("Only a meeting that was held can be scored.")})
    existing = MeetingScore.objects.filter(meeting=meeting, rater=rater).select_related("criteria_set").first()
    criteria_set = existing.criteria_set if existing else (meeting.criteria_set or criteria_set_for(meeting.date, meeting.unit))
    if criteria_set is None:
        raise ValidationError({"points": _("No criteria set is in force on the meeting's date.")})
    criteria = list(Criterion.objects.filter(criteria_set=criteria_set))
    by_key: dict[str, Criterion] = {}
    criterion: Criterion | None
    for criterion in criteria:
        by_key[str(criterion.pk)] = criterion
        by_key[f"code:{criterion.code}"] = criterion
    errors: dict[str, list[str]] = {}
    values: dict[int, Decimal] = {}
    for key, raw in points.items():
        criterion = by_key.get(str(key)) or by_key.get(f"code:{key}")
        if criterion is None:
            errors.setdefault(f"points.{key}", []).append(_("This criterion is not in the meeting's criteria set."))
            continue
        value = _decimal(raw)
        field = f"points.{criterion.code}"
        if value is None:
            errors.setdefault(field, []).append(_("Enter a number."))
        elif value < 0:
            errors.setdefault(field, []).append(_("The points cannot be negative."))
        elif value > criterion.max_points:
            errors.setdefault(field, []).append(
                _("Criterion %(code)s allows at most %(max)s points.") % {"code": criterion.code, "max": criterion.max_points}
            )
        else:
            values[criterion.pk] = value.quantize(Decimal("0.1"))
    for criterion in criteria:
        if criterion.pk not in values and f"points.{criterion.code}" not in errors:
            errors.setdefault(f"points.{criterion.code}", []).append(_("Give the points for this criterion."))
    if errors:
        raise ValidationError(errors)
    total = sum(values.values(), Decimal(0))
    grade = scoring.grade_for(
        total, list(GradeThreshold.objects.filter(criteria_set=criteria_set)),
        full_marks_met=scoring.full_marks_met(criteria, values),
    )
    before = {"total": str(existing.total), "grade": existing.grade} if existing else None
    score = existing or MeetingScore(meeting=meeting, rater=rater, criteria_set=criteria_set)
    score.rater_person = rater_person
    score.total = total
    score.grade = grade.code
    score.grade_name = grade.name
    score.grade_rank = grade.rank
    score.note = note.strip()
    score.scored_at = timezone.now()
    score.full_clean()
    score.save()
    ScoreItem.objects.filter(score=score).delete()
    ScoreItem.objects.bulk_create([ScoreItem(score=score, criterion_id=pk, points=v) for pk, v in values.items()])
    _official(meeting)
    audit_record(
        actor=actor, action="meeting.correction" if correction else "meeting.score", obj=meeting,
        before=before, after={"rater": rater, "total": str(total), "grade": grade.code,
                              "criteria_set": str(criteria_set)},
        reason=reason,
    )
    return score


# --- decisions -------------------------------------------------------------------------


@transaction.atomic
def decision_create(
    *,
    actor,
    text: str,
    meeting: Meeting | None = None,
    visit: LeaderVisit | None = None,
    responsible_unit: Unit | None = None,
    deadline: dt.date | None = None,
    reason: str = "",
) -> MeetingDecision:
    if (meeting is None) == (visit is None):
        raise ValidationError(_("A decision comes from one meeting or one visit."))
    if meeting is not None:
        meeting = _lock(meeting)
        _check_open(meeting, reason)
    unit = meeting.unit if meeting is not None else visit.unit  # type: ignore[union-attr]
    start = meeting.date if meeting is not None else visit.date  # type: ignore[union-attr]
    if deadline is not None and deadline < start:
        raise ValidationError({"deadline": _("The deadline cannot be before the meeting.")})
    decision = MeetingDecision(
        unit=unit, meeting=meeting, visit=visit, text=text.strip(), responsible_unit=responsible_unit, deadline=deadline
    )
    decision.full_clean()
    decision.save()
    audit_record(
        actor=actor, action="meeting.decision", obj=decision,
        after={"text": decision.text, "responsible_unit": str(responsible_unit or ""),
               "deadline": deadline.isoformat() if deadline else None},
    )
    return decision


@transaction.atomic
def decision_link_task(*, actor=None, decision: MeetingDecision, task) -> MeetingDecision:
    """Called by the tasks app when a decision became a task (any model instance)."""
    decision = MeetingDecision.objects.select_for_update().get(pk=decision.pk)
    decision.task_content_type = ContentType.objects.get_for_model(task)
    decision.task_object_id = task.pk
    decision.save(update_fields=["task_content_type", "task_object_id"])
    audit_record(actor=actor, action="meeting.decision_task", obj=decision, after={"task": str(task)})
    return decision


# --- criteria sets ---------------------------------------------------------------------


def _in_use(criteria_set: CriteriaSet) -> bool:
    return MeetingScore.objects.filter(criteria_set=criteria_set).exists()


@transaction.atomic
def criteria_set_new_version(
    *,
    actor,
    base: CriteriaSet,
    effective_from: dt.date,
    source_document: str,
    unit: Unit | None = None,
    name: str = "",
) -> CriteriaSet:
    """Copy ``base`` into the next version, in force from ``effective_from``; the old
    version ends the day before. Scores made with the old version keep it."""
    if effective_from <= base.effective_from:
        raise ValidationError({"effective_from": _("The new version must start after the current one.")})
    latest = CriteriaSet.objects.filter(code=base.code).order_by("-version").first()
    version = (latest.version if latest else base.version) + 1
    new = CriteriaSet(
        code=base.code, version=version, name=normalize(name) or base.name, unit=unit or base.unit,
        source_document=normalize(source_document), effective_from=effective_from,
    )
    new.full_clean()
    new.save()
    CriteriaSet.objects.filter(code=base.code, effective_to__isnull=True).exclude(pk=new.pk).filter(
        effective_from__lt=effective_from
    ).update(effective_to=effective_from - dt.timedelta(days=1))
    for section in base.sections.prefetch_related("criteria"):
        new_section = CriteriaSection.objects.create(criteria_set=new, order=section.order, title=section.title)
        Criterion.objects.bulk_create([
            Criterion(
                criteria_set=new, section=new_section, order=c.order, code=c.code, title=c.title,
                guidance=c.guidance, max_points=c.max_points, required_for_top=c.required_for_top, auto=c.auto,
            )
            for c in section.criteria.all()
        ])
    GradeThreshold.objects.bulk_create([
        GradeThreshold(criteria_set=new, code=t.code, name=t.name, min_points=t.min_points,
                       requires_full_marks=t.requires_full_marks, rank=t.rank)
        for t in base.thresholds.all()
    ])
    audit_record(actor=actor, action="criteria_set.version", obj=new,
                 after={"version": version, "from": str(base), "source_document": new.source_document})
    return new


@transaction.atomic
def criterion_update(
    *, actor, criterion: Criterion, title: str, max_points: Decimal, guidance: str = "", required_for_top: bool = False
) -> Criterion:
    criterion = Criterion.objects.select_for_update().select_related("criteria_set").get(pk=criterion.pk)
    if _in_use(criterion.criteria_set):
        raise ValidationError(
            _("Meetings have been scored with this version. Make a new version to change it.")
        )
    before = snapshot(criterion, ["title", "max_points", "guidance", "required_for_top"])
    criterion.title = normalize(title)
    criterion.max_points = max_points
    criterion.guidance = guidance.strip()
    criterion.required_for_top = required_for_top
    criterion.full_clean()
    criterion.save(update_fields=["title", "max_points", "guidance", "required_for_top"])
    audit_record(actor=actor, action="criterion.update", obj=criterion, before=before,
                 after=snapshot(criterion, ["title", "max_points", "guidance", "required_for_top"]))
    return criterion


# --- leaders on the ground -------------------------------------------------------------


@transaction.atomic
def leader_assign(
    *,
    actor,
    person: Person,
    unit: Unit,
    start: dt.date,
    end: dt.date | None = None,
    decision: str = "",
    assigned_by: Unit | None = None,
) -> LeaderAssignment:
    if end is not None and end < start:
        raise ValidationError({"end": _("The end cannot be before the start.")})
    overlap = LeaderAssignment.objects.filter(person=person, unit=unit).filter(
        Q(end__isnull=True) | Q(end__gte=start)
    )
    if end is not None:
        overlap = overlap.filter(start__lte=end)
    if overlap.exists():
        raise ValidationError({"unit": _("%(person)s already follows %(unit)s in that period.")
                               % {"person": person.full_name, "unit": unit.name}})
    assignment = LeaderAssignment(
        person=person, unit=unit, start=start, end=end, decision=normalize(decision), assigned_by=assigned_by
    )
    assignment.full_clean()
    assignment.save()
    if person.user_id:
        forget(person.user)
    audit_record(actor=actor, action="leader.assign", obj=assignment,
                 after=snapshot(assignment, ["person", "unit", "start", "end", "decision"]))
    return assignment


@transaction.atomic
def leader_assignment_end(*, actor, assignment: LeaderAssignment, end: dt.date) -> LeaderAssignment:
    assignment = LeaderAssignment.objects.select_for_update().get(pk=assignment.pk)
    if end < assignment.start:
        raise ValidationError({"end": _("The end cannot be before the start.")})
    assignment.end = end
    assignment.save(update_fields=["end"])
    audit_record(actor=actor, action="leader.end", obj=assignment, after={"end": end.isoformat()})
    return assignment


@transaction.atomic
def working_group_create(
    *,
    actor,
    unit: Unit,
    name: str,
    start: dt.date,
    decision: str = "",
    end: dt.date | None = None,
    members: Iterable[tuple[Person, str]] = (),
    followed_units: Iterable[Unit] = (),
) -> WorkingGroup:
    group = WorkingGroup(unit=unit, name=normalize(name), decision=normalize(decision), start=start, end=end)
    group.full_clean()
    group.save()
    followed = list(followed_units)
    outside = [u.name for u in followed if not u.path.startswith(unit.path)]
    if outside:
        raise ValidationError({"followed_units": _("These units are not under %(unit)s: %(units)s.")
                               % {"unit": unit.name, "units": ", ".join(outside)}})
    group.followed_units.set(followed)
    WorkingGroupMember.objects.bulk_create(
        [WorkingGroupMember(group=group, person=p, role=normalize(role)) for p, role in members]
    )
    audit_record(actor=actor, action="working_group.create", obj=group,
                 after={"name": group.name, "decision": group.decision, "units": [u.name for u in followed]})
    return group


@transaction.atomic
def visit_log(
    *,
    actor,
    person: Person,
    unit: Unit,
    date: dt.date,
    kind: str = LeaderVisit.Kind.VISIT,
    raised: str = "",
    decided: str = "",
    meeting: Meeting | None = None,
) -> LeaderVisit:
    if date > timezone.localdate():
        raise ValidationError({"date": _("A visit is logged after it happened.")})
    if meeting is not None and meeting.unit_id != unit.pk:
        raise ValidationError({"meeting": _("The meeting belongs to another unit.")})
    visit = LeaderVisit(
        person=person, unit=unit, date=date, kind=kind, raised=raised.strip(), decided=decided.strip(), meeting=meeting
    )
    visit.full_clean()
    visit.save()
    audit_record(actor=actor, action="leader.visit", obj=visit,
                 after={"unit": unit.name, "date": date.isoformat(), "raised": visit.raised, "decided": visit.decided})
    return visit


# --- calendar feeds --------------------------------------------------------------------


@transaction.atomic
def calendar_feed_revoke(*, actor, user) -> CalendarFeed:
    """Revoke ``user``'s calendar link: every link given so far answers 404 from now on, and
    the link shown to the user is a new one. The audit entry keeps no link."""
    feed, _created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    before = feed.generation
    feed.generation = before + 1
    feed.changed_at = timezone.now()
    feed.full_clean()
    feed.save(update_fields=["generation", "changed_at"])
    audit_record(
        actor=actor, action="calendar_feed.revoke", obj=feed,
        before={"generation": before}, after={"generation": feed.generation},
    )
    return feed


def month_range(last: dt.date, months: int) -> list[dt.date]:
    """The first days of the ``months`` months ending with ``last``'s month, oldest first."""
    year, month = last.year, last.month
    result = []
    for _i in range(months):
        result.append(dt.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(result))


def last_day_of_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])
