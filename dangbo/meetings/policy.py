"""The meetings' entries in the one permission door (``dangbo.core.policy``).

Grants on a unit's subtree decide almost everything:

* view a meeting → a VIEW grant over its unit (members see their cell's meetings);
* schedule, edit, roll-call, minutes, guests, decisions, close, and the cell's
  self-assessment (``SCORE_SELF``) → CHANGE over its unit (the cell secretary for their
  cell; the ward for every cell below it);
* the ward committee's score (``SCORE_WARD``) → CHANGE over the unit *above* the meeting's;
* a criteria set → seen with its unit (the default set by everyone), changed by whoever may
  change its unit; the default set by whoever administers a unit at the top two levels.
  Its sections and criteria follow their set;
* working groups and leader assignments → seen with their unit, set up by whoever may
  change it.

**The leader rule.** A leader assigned to a unit (``LeaderAssignment`` current on the day)
or a member of a working group that follows it may, for that unit and everything below
it, *view* its meetings (and its leaders' records), *score* them as the attending leader
(``SCORE_LEADER``) and *log visits* (``LOG_VISIT``), even without any grant there. The rule
lives here and nowhere else; ``sees_q`` is the units whose meetings a user sees.

**Logging a visit** is asked of the visit: ``policy.may(user, Action.LOG_VISIT,
LeaderVisit(unit=…, person=…))`` — a leader logs visits to the units they follow; the
committee above a unit logs them for it (at the top, the unit's own committee).
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

from dangbo.core import policy
from dangbo.core.policy import Action, Level, TreePolicy

from .models import (
    CriteriaSection,
    CriteriaSet,
    Criterion,
    GradeThreshold,
    LeaderAssignment,
    LeaderVisit,
    Meeting,
    MeetingDecision,
    MeetingScore,
    WorkingGroup,
    WorkingGroupMember,
)

#: The action each rater of ``MeetingScore`` needs.
RATER_ACTION: dict[str, Action] = {
    MeetingScore.Rater.SELF: Action.SCORE_SELF,
    MeetingScore.Rater.LEADER: Action.SCORE_LEADER,
    MeetingScore.Rater.WARD: Action.SCORE_WARD,
}

_LEADERS = policy.remember("_dangbo_leader_paths")

M = TypeVar("M", bound=models.Model)


# --- The leader rule -----------------------------------------------------------------------


def leader_paths(user, day: dt.date | None = None) -> list[str]:
    """Paths of the units the user follows as an assigned leader or working-group member
    (read once per request and day)."""
    if not getattr(user, "is_authenticated", False):
        return []
    day = day or timezone.localdate()
    cache: dict[dt.date, list[str]] | None = getattr(user, _LEADERS, None)
    if cache is not None and day in cache:
        return cache[day]
    person = policy.person_of(user)
    paths: list[str] = []
    if person is not None:
        paths = list(
            LeaderAssignment.objects.current(day).filter(person=person).values_list("unit__path", flat=True)
        )
        groups = WorkingGroupMember.objects.filter(person=person, group__start__lte=day).filter(
            Q(group__end__isnull=True) | Q(group__end__gte=day)
        )
        paths += list(groups.values_list("group__followed_units__path", flat=True))
    paths = sorted({p for p in paths if p})
    if cache is None:
        cache = {}
        setattr(user, _LEADERS, cache)
    cache[day] = paths
    return paths


def follows(user, path: str, day: dt.date | None = None) -> bool:
    """Is the user an assigned leader (or working-group member) of the unit at ``path`` or
    of a unit above it?"""
    return any(path.startswith(top) for top in leader_paths(user, day))


def followed_q(user, prefix: str = "unit__") -> Q:
    """Rows whose unit (at ``prefix``) the user follows by the leader rule."""
    q = Q(pk__in=[])
    for path in leader_paths(user):
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


def sees_q(user, prefix: str = "unit__") -> Q:
    """Rows whose unit (at ``prefix``: ``""`` for units) the user sees the meetings of: a
    VIEW grant over it, or the leader rule."""
    if policy.is_everything(user):
        return Q()
    return policy.under_q(user, Level.VIEW, prefix) | followed_q(user, prefix)


def _parent_path(path: str) -> str | None:
    above = policy.ancestors(path)
    return above[-2] if len(above) > 1 else None


def _below_q(user, level: Level, prefix: str) -> Q:
    """Rows whose unit lies strictly below a unit where the user holds ``level``."""
    q = Q(pk__in=[])
    for top in policy.paths(user, level):
        q |= Q(**{f"{prefix}path__startswith": top}) & ~Q(**{f"{prefix}path": top})
    return q


# --- Objects of a unit that its leaders see too --------------------------------------------


class FollowedPolicy(TreePolicy[M]):
    """Objects of a unit ruled by the tree, which the leaders following the unit also see."""

    levels = {Action.VIEW: Level.VIEW, Action.CHANGE: Level.MANAGE}

    def may(self, user, action: Action, obj: M) -> bool:
        if super().may(user, action, obj):
            return True
        path = self.unit_path(obj)
        return action == Action.VIEW and path is not None and follows(user, path)

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        q = super().scope(user, action)
        return q | followed_q(user, self.prefix()) if action == Action.VIEW else q


@policy.register(Meeting)
class MeetingPolicy(FollowedPolicy[Meeting]):
    """Roll-call is a change of the meeting (CHANGE), as are its minutes and closing."""

    levels = {Action.VIEW: Level.VIEW, Action.CHANGE: Level.MANAGE, Action.SCORE_SELF: Level.MANAGE}

    def may(self, user, action: Action, obj: Meeting) -> bool:
        path = obj.unit.path
        if action == Action.SCORE_LEADER:
            return follows(user, path, obj.date) or follows(user, path)
        if action == Action.SCORE_WARD:
            parent = _parent_path(path)
            return parent is not None and policy.covers(user, Level.MANAGE, parent)
        return super().may(user, action, obj)

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        """``SCORE_LEADER`` is scoped by today's leaders (``may`` also accepts the leaders
        of the meeting's day)."""
        if action == Action.SCORE_LEADER:
            return followed_q(user)
        if action == Action.SCORE_WARD:
            return _below_q(user, Level.MANAGE, "unit__")
        return super().scope(user, action)


@policy.register(WorkingGroup)
class WorkingGroupPolicy(FollowedPolicy[WorkingGroup]):
    pass


@policy.register(MeetingDecision)
class MeetingDecisionPolicy(policy.Policy[MeetingDecision]):
    """A decision follows the meeting or the visit it was taken at."""

    def may(self, user, action: Action, obj: MeetingDecision) -> bool:
        source = obj.meeting if obj.meeting_id else obj.visit
        return source is not None and policy.may(user, action, source)

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        return Q(meeting__in=policy.visible(user, Meeting, action).values("pk")) | Q(
            visit__in=policy.visible(user, LeaderVisit, action).values("pk")
        )


class _OwnPolicy(FollowedPolicy[M]):
    """A leader's own records: also seen by the leader (``person``) wherever they are."""

    def may(self, user, action: Action, obj: M) -> bool:
        if super().may(user, action, obj):
            return True
        me = policy.person_of(user)
        return action == Action.VIEW and me is not None and obj.person_id == me.pk  # type: ignore[attr-defined]

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        q = super().scope(user, action)
        me = policy.person_of(user)
        return q | Q(person=me) if action == Action.VIEW and me is not None else q


@policy.register(LeaderAssignment)
class LeaderAssignmentPolicy(_OwnPolicy[LeaderAssignment]):
    """Assignments are made and ended by whoever may change the unit followed."""


@policy.register(LeaderVisit)
class LeaderVisitPolicy(_OwnPolicy[LeaderVisit]):
    """``LOG_VISIT``: a leader logs visits to the units they follow; the committee above a
    unit (at the top, the unit's own) logs them for its leaders."""

    def may(self, user, action: Action, obj: LeaderVisit) -> bool:
        if action == Action.LOG_VISIT:
            path = obj.unit.path
            if follows(user, path):
                return True
            return policy.covers(user, Level.MANAGE, _parent_path(path) or path)
        return super().may(user, action, obj)

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        if action == Action.LOG_VISIT:
            return log_visit_q(user, "unit__")
        return super().scope(user, action)


def may_name_leader(user, person) -> bool:
    """May ``user`` log a visit by ``person``: themselves, someone they see, or a leader of a
    unit they see (the leaders the visit form offers)."""
    return policy.may(user, Action.VIEW, person) or (
        policy.visible(user, LeaderAssignment).filter(person=person).exists()
    )


def log_visit_q(user, prefix: str = "") -> Q:
    """Units (at ``prefix``) a visit may be logged for: the ``LOG_VISIT`` rule as a filter."""
    if policy.is_everything(user):
        return Q()
    tops = policy.paths(user, Level.MANAGE)
    roots = [top for top in tops if _parent_path(top) is None]
    return followed_q(user, prefix) | _below_q(user, Level.MANAGE, prefix) | Q(**{f"{prefix}path__in": roots})


# --- Criteria sets -------------------------------------------------------------------------


def _keeps_default(user) -> bool:
    """The default set belongs to whoever administers a unit at the top two levels."""
    return any(
        len(policy.ancestors(top)) <= 2 and policy.covers(user, Level.ADMIN, top)
        for top in policy.paths(user, Level.VIEW)
    )


@policy.register(CriteriaSet)
class CriteriaSetPolicy(policy.Policy[CriteriaSet]):
    """The default set (no unit) is read by everyone; a committee's set with its unit's
    meetings. A committee changes its own set."""

    def may(self, user, action: Action, obj: CriteriaSet) -> bool:
        unit = obj.unit
        if action == Action.VIEW:
            return unit is None or policy.covers(user, Level.VIEW, unit.path) or follows(user, unit.path)
        if action == Action.CHANGE:
            return _keeps_default(user) if unit is None else policy.covers(user, Level.MANAGE, unit.path)
        return False

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        if action == Action.VIEW:
            return Q(unit__isnull=True) | sees_q(user)
        if action == Action.CHANGE:
            q = policy.under_q(user, Level.MANAGE, "unit__")
            return q | Q(unit__isnull=True) if _keeps_default(user) else q
        return Q(pk__in=[])


class InSetPolicy(policy.PartPolicy[M]):
    """A part of a criteria set (section, criterion, grade): ruled by its set."""

    via = "criteria_set"


@policy.register(CriteriaSection)
class CriteriaSectionPolicy(InSetPolicy[CriteriaSection]):
    pass


@policy.register(Criterion)
class CriterionPolicy(InSetPolicy[Criterion]):
    pass


@policy.register(GradeThreshold)
class GradeThresholdPolicy(InSetPolicy[GradeThreshold]):
    pass
