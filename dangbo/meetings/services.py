"""Every change to meetings, scores, criteria sets and leaders' records goes through here.

Keyword-only arguments, one transaction, ``full_clean``, an audit entry, and a
``ValidationError`` keyed by field (in Vietnamese once translated) on bad input, leaving
nothing changed. Every rule of ``meetings.policy`` is enforced here, whatever calls the
service (page, API, command): ``policy.require`` at the top answers 404 for what the actor
may not see and 403 for what they see but may not do (``actor=None`` is the trusted system:
the demo loader, jobs). The people a change names (chair, secretary, roll-call, leaders,
working-group members) must be people the actor may name (404 otherwise, the same answer
as a missing id, so that ids cannot be probed).

A closed meeting is frozen: changing its roll-call, record or scores needs a ``reason``
and is audited as a correction (action ``meeting.correction``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from dangbo.core import dates, policy, search, versions
from dangbo.core.audit import audit_record, snapshot
from dangbo.core.policy import Action, require
from dangbo.core.text import fold, normalize
from dangbo.orgs.models import Membership, Person, Position, Unit
from dangbo.orgs.policy import require_person

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
from .policy import RATER_ACTION, may_name_leader

MEETING_FIELDS = ["unit", "kind", "title", "date", "start_time", "place", "agenda", "combined", "status"]
RECORD_FIELDS = ["status", "duration_minutes", "minutes", "conclusions", "chair", "secretary"]
#: What the edit forms change; their versions (``dangbo.core.versions``) are taken over these.
MEETING_EDIT_FIELDS = ["title", "date", "start_time", "place", "agenda", "combined"]
ROLL_CALL_FIELDS = ["status", "reason"]
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


def criteria_set_for_meeting(meeting: Meeting) -> CriteriaSet | None:
    """The version a meeting is scored with.

    Once any rater has scored the meeting, the version of that score: every score of one
    meeting uses one version, kept for good. Before the first score, the version in force
    on the meeting's date for its unit (``criteria_set_for``), so a version made or edited
    after the meeting was scheduled applies to it; the one noted when it was scheduled
    only when none is in force then.
    """
    scored = MeetingScore.objects.filter(meeting=meeting).order_by("scored_at", "pk").values_list(
        "criteria_set_id", flat=True
    ).first()
    if scored is not None:
        return CriteriaSet.objects.get(pk=scored)
    return criteria_set_for(meeting.date, meeting.unit) or meeting.criteria_set


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


def _lock(actor, meeting: Meeting, action: Action = Action.CHANGE) -> Meeting:
    """The meeting's row, locked for the change, if ``actor`` may do ``action`` to it."""
    locked = Meeting.objects.select_for_update(of=("self",)).select_related("unit", "unit__kind").filter(pk=meeting.pk).first()
    return require(actor, locked, action)


def _people_of(unit: Unit) -> QuerySet[Person]:
    """The people of a meeting's unit: its members and position holders (and those of the
    units below it), past or present."""
    units = Unit.objects.filter(path__startswith=unit.path).values("pk")
    return Person.objects.filter(
        Q(pk__in=Membership.objects.filter(unit__in=units).values("person_id"))
        | Q(pk__in=Position.objects.filter(unit__in=units).values("person_id"))
    )


def _require_people_of(actor, unit: Unit, person_ids: Iterable[int]) -> None:
    """Chair, secretary and roll-call name people of the meeting's unit; anyone else → 404
    (the same answer as a missing id)."""
    wanted = set(person_ids)
    if actor is None or not wanted:
        return
    if len(set(_people_of(unit).filter(pk__in=wanted).values_list("pk", flat=True))) != len(wanted):
        raise Http404


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


def search_meeting(meeting: Meeting) -> search.SearchDocument:
    """The search service's view of a meeting (registered in ``MeetingsConfig.ready``):
    found by its title, agenda, conclusions and minutes, within its unit."""
    body = "\n".join(p for p in (meeting.agenda, meeting.conclusions, meeting.minutes) if p)
    return search.SearchDocument(
        kind="meeting", object_id=meeting.pk, unit_id=meeting.unit_id,
        title=f"{meeting.title or meeting.get_kind_display()} – {meeting.unit.label or meeting.unit.name}",
        body=body, date=meeting.date, url=reverse("meetings:meeting_detail", args=[meeting.pk]),
        facets={"status": meeting.status},
    )


def _index_on_commit(meeting: Meeting) -> None:
    pk = meeting.pk
    transaction.on_commit(lambda: search.index(Meeting.objects.filter(pk=pk)), robust=True)


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
    require(actor, Meeting(unit=unit, kind=kind, date=date), Action.CHANGE)
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
    _index_on_commit(meeting)
    return meeting


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
    require(actor, Meeting(unit=unit, kind=MeetingKind.REGULAR), Action.CHANGE)
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
        day = dates.first_monday(year, month) if day_of_month is None else dt.date(year, month, day_of_month)
        created.append(
            meeting_create(
                actor=actor, unit=unit, kind=MeetingKind.REGULAR, date=day, start_time=start_time,
                place=place, title=_("Regular meeting, %(month)02d/%(year)d") % {"month": month, "year": year},
            )
        )
        if with_flag_ceremony:
            flag_day = dates.first_monday(year, month)
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
    expected_version: str | None = None,
) -> Meeting:
    """Change the meeting's title, date, time, place or agenda. A stale ``expected_version``
    (the edit form's) is refused: ``versions.StaleEdit``."""
    meeting = _lock(actor, meeting)
    versions.check(meeting, MEETING_EDIT_FIELDS, expected_version)
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
    _index_on_commit(meeting)
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
    expected_version: str | None = None,
) -> Meeting:
    """Record that the meeting was held (or cancelled), with its minutes and conclusions.
    A stale ``expected_version`` (the form's) is refused: ``versions.StaleEdit``."""
    meeting = _lock(actor, meeting)
    versions.check(meeting, RECORD_FIELDS, expected_version)
    _require_people_of(actor, meeting.unit, [p.pk for p in (chair, secretary) if p is not None])
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
    _index_on_commit(meeting)
    audit_record(
        actor=actor, action="meeting.correction" if correction else "meeting.record", obj=meeting,
        before=before, after=snapshot(meeting, RECORD_FIELDS), reason=reason,
    )
    return meeting


def _person_ids(entries: Sequence[Mapping[str, Any]]) -> list[int]:
    ids = []
    for entry in entries:
        try:
            ids.append(int(entry.get("person_id")))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
    return ids


def attendance_version(row: Attendance) -> str:
    """The version of a roll-call row, as the page shows it (``"version"`` of an entry)."""
    return versions.token(row, ROLL_CALL_FIELDS)


def attendance_display(row: Attendance) -> str:
    """“Excused absence (Ốm)”: a row's answer as a person reads it."""
    answer = row.get_status_display()
    return f"{answer} ({row.reason})" if row.reason else answer


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
    recorded; an excused absence needs its reason. Someone who is not a person of the
    meeting's unit at all answers 404.

    An entry may carry the ``"version"`` of its row as the page showed it
    (:func:`attendance_version`). When someone else saved that row since: an entry that
    only repeats what the page showed is left out (their answer stays), one that changes it
    refuses the whole roll-call with ``versions.StaleEdit`` naming those members.
    """
    meeting = _lock(actor, meeting)
    _require_people_of(actor, meeting.unit, _person_ids(entries))
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
    stale: list[Attendance] = []
    members_now: set[int] | None = None
    seen: set[int] = set()
    for index, entry in enumerate(entries):
        key = f"entries.{index}"
        try:
            person_id = int(entry.get("person_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            errors.setdefault(key, []).append(_("Choose a member."))
            continue
        if person_id in seen:
            errors.setdefault(key, []).append(_("This person is already in the roll-call above."))
            continue
        seen.add(person_id)
        status = str(entry.get("status") or "")
        note = normalize(str(entry.get("reason") or ""))
        if status not in valid:
            errors.setdefault(key, []).append(_("Choose present, excused or unexcused."))
            continue
        if status == Attendance.Status.EXCUSED and not note:
            errors.setdefault(key, []).append(_("Give the reason for the excused absence."))
            continue
        row = rows.get(person_id)
        if status == Attendance.Status.PRESENT:
            note = ""
        expected = entry.get("version")
        if expected and row is not None:
            mine = {"status": status, "reason": note}
            theirs = versions.raw_values(row, ROLL_CALL_FIELDS)
            if versions.changed_fields(theirs, str(expected)) and mine != theirs:
                if not versions.changed_fields(mine, str(expected)):
                    continue  # untouched on this page: keep what the other person saved
                stale.append(row)
                continue
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
        row.reason = note
        after[str(person_id)] = status + (f" ({row.reason})" if row.reason else "")
    if stale:
        raise versions.StaleEdit(
            changes=[(str(r.person_id), r.person.full_name, attendance_display(r)) for r in stale],
            version="", who=versions.last_editor(meeting, [str(r.person_id) for r in stale]),
        )
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
    """Record a guest; a leader who follows the unit gets a visit in their log as well.

    A guest named as a person is a leader following the unit, or someone the actor sees
    (404 otherwise)."""
    meeting = _lock(actor, meeting)
    assigned = LeaderAssignment.objects.current(meeting.date).filter(
        person=person, unit__path__in=[*meeting.unit.ancestor_paths(), meeting.unit.path]
    ).exists() if person is not None else False
    if person is not None and not assigned:
        require_person(actor, person)
    _check_open(meeting, reason)
    name = normalize(name) or (person.full_name if person else "")
    if not name:
        raise ValidationError({"name": _("Enter the guest's name.")})
    guest = MeetingGuest(meeting=meeting, person=person, name=name, title=normalize(title))
    guest.full_clean()
    guest.save()
    if person is not None:
        if assigned and not LeaderVisit.objects.filter(person=person, meeting=meeting).exists():
            LeaderVisit.objects.create(
                person=person, unit=meeting.unit, kind=LeaderVisit.Kind.MEETING, date=meeting.date, meeting=meeting
            )
    audit_record(actor=actor, action="meeting.guest", obj=meeting, after={"guest": name, "title": guest.title})
    return guest


@transaction.atomic
def meeting_close(*, actor, meeting: Meeting) -> Meeting:
    """Freeze the roll-call and the scores. The meeting must have been held, roll-call complete."""
    meeting = _lock(actor, meeting)
    if meeting.is_closed:
        raise ValidationError(_("The meeting is already closed."))
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError(_("Only a meeting that was held can be closed."))
    starts = timezone.make_aware(dt.datetime.combine(meeting.date, meeting.start_time or dt.time(0, 0)))
    if timezone.now() < starts:
        raise ValidationError(
            _("The meeting starts at %(start)s: it can be closed only once it has begun.")
            % {"start": timezone.localtime(starts).strftime("%H:%M %d/%m/%Y")}
        )
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
    code) to points; every criterion must be given, between 0 and its maximum. The actor
    needs the rater's action (``RATER_ACTION``)."""
    action = RATER_ACTION.get(rater)
    meeting = _lock(actor, meeting, action or Action.VIEW)
    if action is None:
        raise ValidationError({"rater": _("Choose who is scoring.")})
    if rater_person is not None:
        require_person(actor, rater_person)
    correction = _check_open(meeting, reason)
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError({"points": _("Only a meeting that was held can be scored.")})
    existing = MeetingScore.objects.filter(meeting=meeting, rater=rater).select_related("criteria_set").first()
    criteria_set = existing.criteria_set if existing else criteria_set_for_meeting(meeting)
    if criteria_set is None:
        raise ValidationError({"points": _("No criteria set is in force on the meeting's date.")})
    # Hold the version's row (FOR NO KEY UPDATE; the criteria services take FOR UPDATE), so
    # its criteria and grades cannot change between reading them here and saving the score.
    CriteriaSet.objects.select_for_update(no_key=True).only("pk").get(pk=criteria_set.pk)
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
    codes = {c.pk: c.code for c in criteria}
    before = None
    if existing:
        before = {"total": str(existing.total), "grade": existing.grade} | {
            criterion_key(codes[item.criterion_id]): str(item.points)
            for item in ScoreItem.objects.filter(score=existing) if item.criterion_id in codes
        }
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
    if meeting.criteria_set_id != criteria_set.pk:
        meeting.criteria_set = criteria_set
        meeting.save(update_fields=["criteria_set"])
    _official(meeting)
    audit_record(
        actor=actor, action="meeting.correction" if correction else "meeting.score", obj=meeting,
        before=before,
        after={"rater": rater, "total": str(total), "grade": grade.code, "criteria_set": str(criteria_set)}
        | {criterion_key(c.code): str(values[c.pk]) for c in criteria if c.pk in values},
        reason=reason,
    )
    return score


def criterion_key(code: str) -> str:
    """The key of a criterion's points in a score's audit entry (``criterion.7``)."""
    return f"criterion.{code}"


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
        meeting = _lock(actor, meeting)
        _check_open(meeting, reason)
    else:
        visit = require(actor, visit, Action.LOG_VISIT)
    unit = meeting.unit if meeting is not None else visit.unit  # type: ignore[union-attr]
    start = meeting.date if meeting is not None else visit.date  # type: ignore[union-attr]
    if (
        responsible_unit is not None
        and actor is not None
        and not responsible_unit.path.startswith(unit.path)
        and not policy.may(actor, Action.VIEW, responsible_unit)
    ):
        raise Http404  # the unit the meeting or visit concerns, one under it, or one the actor sees
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
#
# A version is a draft until the first meeting score uses it, and locked from then on
# (see ``CriteriaSet``). Every change below locks the version's row and refuses a locked
# version; ``meeting_score`` holds the same row while it scores, so a version never
# changes under a score being made.


def _in_use(criteria_set: CriteriaSet) -> bool:
    return MeetingScore.objects.filter(criteria_set=criteria_set).exists()


def _locked_message() -> str:
    return _("Meetings have been scored with this version. Make a new version to change it.")


def criteria_set_lock_reason(criteria_set: CriteriaSet) -> str:
    """Why the version cannot change, or "" while it is a draft."""
    return _locked_message() if _in_use(criteria_set) else ""


def _editable(actor, criteria_set: CriteriaSet) -> CriteriaSet:
    """The version's row, locked for the change, if ``actor`` may change it; a
    ValidationError when it is locked."""
    locked = require(
        actor, CriteriaSet.objects.select_for_update(of=("self",)).select_related("unit").filter(pk=criteria_set.pk).first(),
        Action.CHANGE,
    )
    if _in_use(locked):
        raise ValidationError(_locked_message())
    return locked


def _plain(value: Decimal) -> str:
    """``90.0`` → "90", ``92.5`` → "92.5" (for the audit trail)."""
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)


def _points(value: Decimal) -> str:
    """Points in a message, as the pages show them: "90", "92,5"."""
    return _plain(value).replace(".", str(get_format("DECIMAL_SEPARATOR")))


def _total(criteria_set: CriteriaSet, *, without: Criterion | None = None) -> Decimal:
    criteria = Criterion.objects.filter(criteria_set=criteria_set)
    if without is not None:
        criteria = criteria.exclude(pk=without.pk)
    return criteria.aggregate(total=Sum("max_points"))["total"] or Decimal(0)


def _check_grades_fit(criteria_set: CriteriaSet, total: Decimal, field: str | None) -> None:
    """Refuse a change that would leave a grade starting above the criteria's total."""
    grade = (
        GradeThreshold.objects.filter(criteria_set=criteria_set, min_points__gt=total).order_by("min_points").last()
    )
    if grade is None:
        return
    message = _(
        "The criteria would total %(total)s points, less than the %(min)s points at which grade %(grade)s "
        "starts. Lower the grades first."
    ) % {"total": _points(total), "min": _points(grade.min_points), "grade": grade.name}
    raise ValidationError({field: message} if field else message)


def _renumber(criteria_set: CriteriaSet) -> None:
    """Number sections and criteria 1, 2, 3… in the order shown; drop emptied sections."""
    CriteriaSection.objects.filter(criteria_set=criteria_set, criteria__isnull=True).delete()
    sections = list(CriteriaSection.objects.filter(criteria_set=criteria_set).order_by("order", "id"))
    for number, section in enumerate(sections, start=1):
        section.order = number
    CriteriaSection.objects.bulk_update(sections, ["order"])
    criteria = list(
        Criterion.objects.filter(criteria_set=criteria_set).order_by("section__order", "section_id", "order", "id")
    )
    for number, criterion in enumerate(criteria, start=1):
        criterion.order = number
    Criterion.objects.bulk_update(criteria, ["order"])


def _place(criterion: Criterion, order: int | None) -> None:
    """Put ``criterion`` at position ``order`` (1 = first; None or past the end = last) in
    its section, then renumber the version."""
    others = list(
        Criterion.objects.filter(section=criterion.section).exclude(pk=criterion.pk).order_by("order", "id")
    )
    index = len(others) if order is None else min(max(order, 1), len(others) + 1) - 1
    others.insert(index, criterion)
    for number, row in enumerate(others, start=1):
        row.order = number
    Criterion.objects.bulk_update(others, ["order"])
    _renumber(criterion.criteria_set)


def _criterion_checks(
    *,
    criteria_set: CriteriaSet,
    criterion: Criterion | None,
    code: str,
    title: str,
    max_points: Any,
    section: CriteriaSection | None,
    new_section: str,
    order: int | None,
    section_required: bool,
) -> tuple[str, str, Decimal, str]:
    """Check a criterion's fields; return the code, title, points and new section's title."""
    errors: dict[str, list[str]] = {}
    code = normalize(code)
    title = normalize(title)
    new_section = normalize(new_section)
    points = _decimal(max_points)
    if not code:
        errors["code"] = [_("Enter the criterion's code.")]
    else:
        taken = Criterion.objects.filter(criteria_set=criteria_set, code__iexact=code)
        if criterion is not None:
            taken = taken.exclude(pk=criterion.pk)
        if taken.exists():
            errors["code"] = [_("Criterion %(code)s already exists in this version.") % {"code": code}]
    if not title:
        errors["title"] = [_("Enter the criterion.")]
    if points is None:
        errors["max_points"] = [_("Enter a number.")]
    elif points <= 0:
        errors["max_points"] = [_("A criterion is worth more than 0 points.")]
    elif points != points.quantize(Decimal("0.1")) or points >= 1000:
        errors["max_points"] = [_("Enter at most 999.9 points, with at most one decimal.")]
    if section is not None and new_section:
        errors["new_section"] = [_("Choose a section or name a new one, not both.")]
    elif section is not None and section.criteria_set_id != criteria_set.pk:
        errors["section"] = [_("Choose a section of this version.")]
    elif section is None and not new_section and section_required:
        errors["section"] = [_("Choose a section or name a new one.")]
    if order is not None and order < 1:
        errors["order"] = [_("Enter a position of 1 or more.")]
    if errors or points is None:
        raise ValidationError(errors)
    return code, title, points.quantize(Decimal("0.1")), new_section


def _new_section(criteria_set: CriteriaSet, title: str) -> CriteriaSection:
    last = CriteriaSection.objects.filter(criteria_set=criteria_set).aggregate(last=Max("order"))["last"] or 0
    section = CriteriaSection(criteria_set=criteria_set, order=last + 1, title=title)
    section.full_clean()
    section.save()
    return section


CRITERION_FIELDS = ["section", "order", "code", "title", "max_points", "guidance", "required_for_top"]
#: What the criterion form changes (not ``order``: adding or removing another one renumbers it).
CRITERION_EDIT_FIELDS = ["section", "code", "title", "max_points", "guidance", "required_for_top"]


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
    """Copy ``base`` into the next version, a draft in force from ``effective_from``.

    The versions of the same issuer still open end the day before (a ward's own version
    does not end the system default for the other wards). Scores made with an older
    version keep it."""
    require(actor, base, Action.CHANGE)
    if unit is not None:
        require(actor, CriteriaSet(unit=unit), Action.CHANGE)
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
    CriteriaSet.objects.filter(code=base.code, unit=new.unit, effective_to__isnull=True).exclude(pk=new.pk).filter(
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
def criterion_add(
    *,
    actor,
    criteria_set: CriteriaSet,
    code: str,
    title: str,
    max_points: Decimal,
    section: CriteriaSection | None = None,
    new_section: str = "",
    order: int | None = None,
    guidance: str = "",
    required_for_top: bool = False,
) -> Criterion:
    """Add a criterion to a draft version: in ``section`` (one of the version's) or in a new
    section titled ``new_section``, at position ``order`` within it (1 = first; None =
    last). Its ``code`` is unique within the version."""
    criteria_set = _editable(actor, criteria_set)
    code, title, points, new_title = _criterion_checks(
        criteria_set=criteria_set, criterion=None, code=code, title=title, max_points=max_points,
        section=section, new_section=new_section, order=order, section_required=True,
    )
    if new_title:
        section = _new_section(criteria_set, new_title)
    criterion = Criterion(
        criteria_set=criteria_set, section=section, order=0, code=code, title=title, guidance=guidance.strip(),
        max_points=points, required_for_top=required_for_top,
    )
    criterion.full_clean()
    criterion.save()
    _place(criterion, order)
    criterion.refresh_from_db()
    audit_record(actor=actor, action="criterion.add", obj=criterion,
                 after=snapshot(criterion, CRITERION_FIELDS) | {"total": _plain(_total(criteria_set))})
    return criterion


@transaction.atomic
def criterion_update(
    *,
    actor,
    criterion: Criterion,
    title: str,
    max_points: Decimal,
    guidance: str = "",
    required_for_top: bool = False,
    code: str | None = None,
    section: CriteriaSection | None = None,
    new_section: str = "",
    order: int | None = None,
    expected_version: str | None = None,
) -> Criterion:
    """Change a criterion of a draft version. ``code`` None keeps its code; ``section`` /
    ``new_section`` move it to another section of the version or a new one (neither: it
    stays); ``order`` is its position in its section (None: it keeps its place, or goes
    last in the section it moves to). A stale ``expected_version`` (the form's) is refused:
    ``versions.StaleEdit``."""
    criteria_set = _editable(actor, criterion.criteria_set)
    criterion = Criterion.objects.select_for_update(of=("self",)).select_related("section").get(pk=criterion.pk)
    versions.check(criterion, CRITERION_EDIT_FIELDS, expected_version)
    code, title, points, new_title = _criterion_checks(
        criteria_set=criteria_set, criterion=criterion, code=criterion.code if code is None else code,
        title=title, max_points=max_points, section=section, new_section=new_section, order=order,
        section_required=False,
    )
    if points < criterion.max_points:
        _check_grades_fit(criteria_set, _total(criteria_set, without=criterion) + points, "max_points")
    before = snapshot(criterion, CRITERION_FIELDS)
    position = order
    if position is None:
        moved = (section is not None and section.pk != criterion.section_id) or bool(new_title)
        position = None if moved else criterion_position(criterion)
    if new_title:
        section = _new_section(criteria_set, new_title)
    if section is not None:
        criterion.section = section
    criterion.code = code
    criterion.title = title
    criterion.max_points = points
    criterion.guidance = guidance.strip()
    criterion.required_for_top = required_for_top
    criterion.full_clean()
    criterion.save(update_fields=["section", "code", "title", "max_points", "guidance", "required_for_top"])
    criterion.criteria_set = criteria_set
    _place(criterion, position)
    criterion.refresh_from_db()
    audit_record(actor=actor, action="criterion.update", obj=criterion, before=before,
                 after=snapshot(criterion, CRITERION_FIELDS))
    return criterion


def criterion_position(criterion: Criterion) -> int:
    """The criterion's position in its section (1 = first)."""
    ahead = Criterion.objects.filter(section_id=criterion.section_id).filter(
        Q(order__lt=criterion.order) | Q(order=criterion.order, id__lt=criterion.pk)
    )
    return ahead.count() + 1


@transaction.atomic
def criterion_remove(*, actor, criterion: Criterion) -> CriteriaSet:
    """Remove a criterion from a draft version (its section goes too when it was the last
    one). Refused when the remaining criteria would total less than a grade starts at."""
    criteria_set = _editable(actor, criterion.criteria_set)
    criterion = Criterion.objects.select_for_update(of=("self",)).select_related("section").get(pk=criterion.pk)
    if not Criterion.objects.filter(criteria_set=criteria_set).exclude(pk=criterion.pk).exists():
        raise ValidationError(_("A version keeps at least one criterion."))
    _check_grades_fit(criteria_set, _total(criteria_set, without=criterion), None)
    before = snapshot(criterion, CRITERION_FIELDS)
    criterion.delete()
    _renumber(criteria_set)
    audit_record(actor=actor, action="criterion.remove", obj=criteria_set,
                 before=before, after={"total": _plain(_total(criteria_set))})
    return criteria_set


@transaction.atomic
def criteria_section_update(
    *, actor, section: CriteriaSection, title: str, expected_version: str | None = None
) -> CriteriaSection:
    """Rename a section of a draft version (a stale ``expected_version`` is refused)."""
    _editable(actor, section.criteria_set)
    section = CriteriaSection.objects.select_for_update().get(pk=section.pk)
    versions.check(section, ["title"], expected_version)
    title = normalize(title)
    if not title:
        raise ValidationError({"title": _("Enter the section's title.")})
    before = snapshot(section, ["title"])
    section.title = title
    section.full_clean()
    section.save(update_fields=["title"])
    audit_record(actor=actor, action="criteria_section.update", obj=section, before=before,
                 after=snapshot(section, ["title"]))
    return section


def _grade_code(name: str, taken: set[str]) -> str:
    base = slugify(fold(name))[:16].strip("-") or "grade"
    code, number = base, 2
    while code in taken:
        code, number = f"{base}-{number}", number + 1
    return code


def _grades(thresholds: Iterable[GradeThreshold]) -> list[dict[str, Any]]:
    return [
        {"code": t.code, "name": t.name, "min_points": _plain(t.min_points), "requires_full_marks": t.requires_full_marks}
        for t in sorted(thresholds, key=lambda t: t.rank)
    ]


@transaction.atomic
def criteria_thresholds_update(
    *, actor, criteria_set: CriteriaSet, thresholds: Sequence[Mapping[str, Any]]
) -> list[GradeThreshold]:
    """Set the grades of a draft version.

    ``thresholds`` lists every grade, best first, each ``{"name", "min_points",
    "requires_full_marks", "code"}``: a ``code`` of one of the version's grades keeps that
    grade (scores and pages refer to it by code), any other adds a grade; a grade left
    out is removed. Each grade starts strictly below the one above it and no higher than
    the criteria's total, and the lowest starts at 0, so every total gets exactly one
    grade. Errors are keyed ``thresholds.<index>.<field>`` (``thresholds`` for the list).
    """
    criteria_set = _editable(actor, criteria_set)
    existing = {t.code: t for t in GradeThreshold.objects.filter(criteria_set=criteria_set)}
    total = _total(criteria_set)
    errors: dict[str, list[str]] = {}
    rows: list[tuple[GradeThreshold | None, str, Decimal, bool]] = []
    names: set[str] = set()
    above: tuple[Decimal, str] | None = None
    kept: set[str] = set()
    for index, entry in enumerate(thresholds):
        key = f"thresholds.{index}"
        name = normalize(str(entry.get("name") or ""))
        points = _decimal(entry.get("min_points"))
        if not name:
            errors[f"{key}.name"] = [_("Enter the grade's name.")]
        elif fold(name) in names:
            errors[f"{key}.name"] = [_("Another grade is already called %(name)s.") % {"name": name}]
        names.add(fold(name))
        if points is None:
            errors[f"{key}.min_points"] = [_("Enter a number.")]
        elif points < 0:
            errors[f"{key}.min_points"] = [_("The points cannot be negative.")]
        elif points != points.quantize(Decimal("0.1")):
            errors[f"{key}.min_points"] = [_("Enter the points with at most one decimal.")]
        elif points > total:
            errors[f"{key}.min_points"] = [
                _("A grade cannot start above the criteria's total of %(total)s points.") % {"total": _points(total)}
            ]
        elif above is not None and points >= above[0]:
            errors[f"{key}.min_points"] = [
                _("Must be lower than the %(min)s points grade %(grade)s starts at.")
                % {"min": _points(above[0]), "grade": above[1]}
            ]
        if points is not None and f"{key}.min_points" not in errors:
            above = (points, name)
        code = str(entry.get("code") or "")
        threshold = existing.get(code) if code not in kept else None
        if threshold is not None:
            kept.add(code)
        rows.append((threshold, name, points or Decimal(0), bool(entry.get("requires_full_marks"))))
    if not rows:
        errors["thresholds"] = [_("Keep at least one grade.")]
    elif rows[-1][2] != 0 and f"thresholds.{len(rows) - 1}.min_points" not in errors:
        errors[f"thresholds.{len(rows) - 1}.min_points"] = [
            _("The lowest grade starts at 0 points, so that every total gets a grade.")
        ]
    if errors:
        raise ValidationError(errors)
    before = _grades(existing.values())
    GradeThreshold.objects.filter(criteria_set=criteria_set).exclude(code__in=kept).delete()
    taken = set(kept)
    result = []
    for rank, (threshold, name, points, full) in enumerate(rows, start=1):
        if threshold is None:
            threshold = GradeThreshold(criteria_set=criteria_set, code=_grade_code(name, taken))
            taken.add(threshold.code)
        threshold.name = name
        threshold.min_points = points.quantize(Decimal("0.1"))
        threshold.requires_full_marks = full
        threshold.rank = rank
        threshold.full_clean()
        if threshold._state.adding:
            threshold.save()
        else:
            threshold.save(update_fields=["name", "min_points", "requires_full_marks", "rank"])
        result.append(threshold)
    audit_record(actor=actor, action="criteria_set.thresholds", obj=criteria_set,
                 before={"grades": before}, after={"grades": _grades(result), "total": _plain(total)})
    return result


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
    """``person`` follows ``unit``: made by whoever may change the unit, for someone they see."""
    require(actor, LeaderAssignment(person=person, unit=unit), Action.CHANGE)
    require_person(actor, person)
    if assigned_by is not None:
        require(actor, assigned_by)
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
        policy.forget(person.user)
    audit_record(actor=actor, action="leader.assign", obj=assignment,
                 after=snapshot(assignment, ["person", "unit", "start", "end", "decision"]))
    return assignment


@transaction.atomic
def leader_assignment_end(*, actor, assignment: LeaderAssignment, end: dt.date) -> LeaderAssignment:
    assignment = require(
        actor, LeaderAssignment.objects.select_for_update(of=("self",)).select_related("unit").filter(pk=assignment.pk).first(),
        Action.CHANGE,
    )
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
    """A working group of ``unit``: set up by whoever may change it, of people they see."""
    require(actor, WorkingGroup(unit=unit), Action.CHANGE)
    members = list(members)
    for person, _role in members:
        require_person(actor, person)
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
    """Log ``person``'s visit to ``unit`` (``Action.LOG_VISIT``): the person is the actor,
    someone the actor sees, or a leader of a unit the actor sees (404 otherwise)."""
    require(actor, LeaderVisit(person=person, unit=unit), Action.LOG_VISIT)
    if actor is not None and not may_name_leader(actor, person):
        raise Http404
    if meeting is not None:
        require(actor, meeting)
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
