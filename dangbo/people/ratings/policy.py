"""Who sees and gives ratings (registered before the views, from ``setup.ready``).

* A rating is seen below the grants on its subject's unit, and by the rated member.
* It is given by the managers of its rater unit: the cell's for a member's self and cell
  levels (a secretary may enter a self-assessment for an elderly member), the ward's, the
  city's; a member gives their own self-assessment.
* Campaigns and discipline records belong to their unit: seen below its grants, changed by
  its managers.
"""

from __future__ import annotations

from django.db.models import Q

from dangbo.core import policy
from dangbo.core.policy import Action, Level, Policy, TreePolicy, covers, under_q

from .models import Discipline, Rating, RatingCampaign
from .models import Level as RaterLevel


@policy.register(Rating)
class RatingPolicy(Policy[Rating]):
    def _own(self, user, obj: Rating) -> bool:
        return obj.person is not None and obj.person.user_id == user.pk

    def may(self, user, action: Action, obj: Rating) -> bool:
        if action == Action.VIEW:
            return covers(user, Level.VIEW, obj.unit.path) or self._own(user, obj)
        if action == Action.CHANGE:
            if obj.level == RaterLevel.SELF and self._own(user, obj):
                return True
            return covers(user, Level.MANAGE, obj.rater_unit.path)
        return False

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        own = Q(person__user=user) if getattr(user, "pk", None) else Q(pk__in=[])
        if action == Action.VIEW:
            return under_q(user, Level.VIEW, "unit__") | own
        if action == Action.CHANGE:
            return under_q(user, Level.MANAGE, "rater_unit__") | (own & Q(level=RaterLevel.SELF))
        return Q(pk__in=[])


@policy.register(RatingCampaign)
class CampaignPolicy(TreePolicy[RatingCampaign]):
    """A unit's rating campaign: read below its grants, opened and pre-filled by its managers."""


@policy.register(Discipline)
class DisciplinePolicy(TreePolicy[Discipline]):
    """A discipline record: read below the grants on the member's cell (or the organisation),
    recorded by its managers."""
