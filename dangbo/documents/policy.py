"""The document register's entries in the one permission door (``dangbo.core.policy``).

* A **document** belongs to the unit that registered it. It is seen by whoever sees that unit
  (a grant on it or above it), and, when it is ``shared_down``, by everyone whose grant lies
  under it; it is changed by whoever holds the role on the registering unit.
* A **study session** belongs to the unit that organises it. It is seen by whoever sees that
  unit, and by its audience: whoever sees one of the units required to attend, or belongs
  under one (the audience sees what it is asked to attend); it is changed on the organiser.
* A document's **files** and **relations** and a session's **materials** are parts of their
  document or session (``policy.PartPolicy``).
* A unit (and a term) may be **named** on a document — as its issuer, its term — when the
  user sees it or it lies above the user's units: a ward registers the city's plans.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.db.models import Q

from dangbo.core import policy
from dangbo.core.policy import Action, Level, TreePolicy
from dangbo.orgs.models import Unit

from .models import Document, DocumentFile, DocumentRelation, StudyMaterial, StudySession

M = TypeVar("M", bound=models.Model)


def _units(q: Q) -> models.QuerySet[Unit]:
    """The ids of the units matching ``q``, as a subquery (a thousand rows at most, read by
    their path index), so that documents and sessions are reached through their unit index
    instead of a join over all of them."""
    return Unit.objects.filter(q).values("pk")


@policy.register(Document)
class DocumentPolicy(TreePolicy[Document]):
    """The registering unit's tree, and ``shared_down`` documents for the units below it."""

    def may(self, user, action: Action, obj: Document) -> bool:
        if super().may(user, action, obj):
            return True
        return action == Action.VIEW and obj.shared_down and policy.holds_below(user, Level.VIEW, obj.unit.path)

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        level = self.levels.get(action)
        if level is None:
            return Q(pk__in=[])
        direct = Q(unit__in=_units(policy.under_q(user, level)))
        if action != Action.VIEW:
            return direct
        above = policy.above_paths(user)
        if not above:
            return direct
        # "Any of these units" first (an index scan per unit), then "own, or shared down": the
        # same rule as ``direct | (shared_down & above)``, in a form the planner can index.
        reachable = _units(policy.under_q(user, level) | Q(path__in=above))
        return Q(unit__in=reachable) & (Q(shared_down=True) | direct)


def audience_q(user) -> Q:
    """Study sessions that require a unit the user sees or one above the user's units."""
    through = StudySession.required_units.through
    units = policy.under_q(user, Level.VIEW, "unit__") | Q(unit__path__in=policy.above_paths(user))
    return Q(pk__in=through.objects.filter(units).values("studysession_id"))


@policy.register(StudySession)
class StudySessionPolicy(TreePolicy[StudySession]):
    """The organising unit's tree; the audience (the required units) also sees a session."""

    def may(self, user, action: Action, obj: StudySession) -> bool:
        if super().may(user, action, obj):
            return True
        if action != Action.VIEW:
            return False
        return any(may_name(user, path) for path in obj.required_units.values_list("path", flat=True))

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        own = super().scope(user, action)
        return own | audience_q(user) if action == Action.VIEW else own


@policy.register(DocumentFile)
class DocumentFilePolicy(policy.PartPolicy[DocumentFile]):
    via = "document"


@policy.register(DocumentRelation)
class DocumentRelationPolicy(policy.PartPolicy[DocumentRelation]):
    """A relation is recorded by the document that implements, amends or replaces another."""

    via = "from_document"


@policy.register(StudyMaterial)
class StudyMaterialPolicy(policy.PartPolicy[StudyMaterial]):
    via = "session"


# --- Units named on a document -------------------------------------------------------------


def may_name(user, path: str) -> bool:
    """May the user name the unit at ``path`` (as a document's issuer, a term's unit, a
    required unit): one the user sees, or one above the user's units. No query."""
    return policy.covers(user, Level.VIEW, path) or policy.holds_below(user, Level.VIEW, path)


def nameable_q(user, prefix: str = "") -> Q:
    """The units (at lookup ``prefix``) the user may name: the ``Q`` form of ``may_name``."""
    if policy.is_everything(user):
        return Q()
    return policy.under_q(user, Level.VIEW, prefix) | Q(**{f"{prefix}path__in": policy.above_paths(user)})
