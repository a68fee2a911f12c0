"""Who may see and do what with meetings: the orgs policy plus one explicit rule.

The orgs policy (grants on a unit's subtree) decides almost everything:

* view a meeting → a VIEW grant over its unit (members see their cell's meetings);
* schedule, roll-call, minutes, close, self-assessment → CHANGE over its unit (the cell
  secretary for their cell; the ward for every cell below it);
* the ward committee's score → CHANGE over the unit *above* the meeting's unit.

**The leader rule.** A leader assigned to a unit (``LeaderAssignment`` current on the day)
or a member of a working group that follows it may, for that unit and everything below
it, *view* its meetings, *score* them as the attending leader and *log visits*, even
without any grant there. The rule lives here and nowhere else.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from dangbo.orgs.models import Unit
from dangbo.orgs.policy import Action, can, is_everything, scope_q

from .models import LeaderAssignment, Meeting, MeetingScore, WorkingGroupMember

_CACHE_ATTR = "_dangbo_leader_paths"


def leader_paths(user, day: dt.date | None = None) -> list[str]:
    """Paths of the units the user follows as an assigned leader or working-group member."""
    if not getattr(user, "is_authenticated", False):
        return []
    day = day or timezone.localdate()
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is not None and day in cache:
        return cache[day]
    person_id = getattr(getattr(user, "person", None), "pk", None) if _has_person(user) else None
    paths: list[str] = []
    if person_id is not None:
        paths = list(
            LeaderAssignment.objects.current(day).filter(person_id=person_id).values_list("unit__path", flat=True)
        )
        groups = WorkingGroupMember.objects.filter(
            person_id=person_id, group__start__lte=day
        ).filter(Q(group__end__isnull=True) | Q(group__end__gte=day))
        paths += list(groups.values_list("group__followed_units__path", flat=True))
    paths = sorted({p for p in paths if p})
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    cache[day] = paths
    return paths


def _has_person(user) -> bool:
    try:
        return user.person is not None
    except Exception:  # RelatedObjectDoesNotExist
        return False


def forget(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def follows(user, unit: Unit, day: dt.date | None = None) -> bool:
    """Is the user an assigned leader (or working-group member) of ``unit`` or above it?"""
    return any(unit.path.startswith(path) for path in leader_paths(user, day))


def can_view(user, unit: Unit) -> bool:
    return can(user, Action.VIEW, unit) or follows(user, unit)


def can_manage(user, unit: Unit) -> bool:
    return can(user, Action.CHANGE, unit)


def can_score(user, meeting: Meeting, rater: str) -> bool:
    if is_everything(user):
        return True
    if rater == MeetingScore.Rater.SELF:
        return can(user, Action.CHANGE, meeting.unit)
    if rater == MeetingScore.Rater.LEADER:
        return follows(user, meeting.unit, meeting.date) or follows(user, meeting.unit)
    if rater == MeetingScore.Rater.WARD:
        parent = _parent(meeting.unit)
        return parent is not None and can(user, Action.CHANGE, parent)
    return False


def can_log_visit(user, unit: Unit) -> bool:
    """Leaders log visits to the units they follow; committees above a unit may log for them."""
    if follows(user, unit):
        return True
    parent = _parent(unit)
    return can(user, Action.CHANGE, unit) if parent is None else can(user, Action.CHANGE, parent)


def _parent(unit: Unit) -> Unit | None:
    if unit.depth <= 1:
        return None
    return Unit.objects.filter(path=unit.parent_path).first()


def scope(user, prefix: str = "unit__") -> Q:
    """Rows (with a unit at ``prefix``) the user may see: grants plus the leader rule."""
    q = scope_q(user, Action.VIEW, prefix=prefix)
    if is_everything(user):
        return q
    for path in leader_paths(user):
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


def check_meeting_access(user, meeting: Meeting, action: str = "view") -> None:
    """404 when the meeting is not visible; 403 when visible but ``action`` is not allowed.

    ``action`` is ``view``, ``change`` or a rater (``self``, ``leader``, ``ward``).
    """
    if not can_view(user, meeting.unit):
        raise Http404
    if action == "view":
        return
    allowed = can_manage(user, meeting.unit) if action == "change" else can_score(user, meeting, action)
    if not allowed:
        raise PermissionDenied
