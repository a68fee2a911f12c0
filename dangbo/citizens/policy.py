"""Citizens' cases in the one permission door (``dangbo.core.policy``).

A case follows its handling unit down the tree: seen with a view grant over the unit, changed
(acknowledged, answered, closed, made a task) by its managers. One rule goes beyond the tree:
the petitioners of a denunciation (tố cáo) are protected. Only the head of the handling unit —
someone holding a manage (or higher) grant on that very unit, not above it — and the staff the
head names (``IdentityReader``) read them; everyone else sees "được giữ bí mật". Every reading is audited (``services.identity_read``).
"""

from __future__ import annotations

from dangbo.core import policy
from dangbo.core.policy import Action, Level, TreePolicy

from .models import Case, Dialogue, ReceptionDay

#: The field a policy hides: the petitioners (name, address, phone) of a denunciation.
IDENTITY = "petitioners"


def heads_unit(user, unit_path: str) -> bool:
    """Does ``user`` hold manage rights on the unit at ``unit_path`` itself?"""
    return any(path == unit_path and role >= Level.MANAGE for path, role in policy.grants(user))


def named_reader(user, case: Case) -> bool:
    """Did the head of the handling unit name ``user`` to read the denouncer's identity?"""
    person = policy.person_of(user)
    return person is not None and case.pk is not None and case.identity_readers.filter(person=person).exists()


@policy.register(Case)
class CasePolicy(TreePolicy[Case]):
    levels = {Action.VIEW: Level.VIEW, Action.CONTRIBUTE: Level.CONTRIBUTE, Action.CHANGE: Level.MANAGE}

    def hidden_fields(self, user, obj: Case) -> frozenset[str]:
        if obj.kind != Case.Kind.TO_CAO or heads_unit(user, obj.unit.path) or named_reader(user, obj):
            return frozenset()
        return frozenset({IDENTITY})


@policy.register(ReceptionDay)
class ReceptionDayPolicy(TreePolicy[ReceptionDay]):
    """A committee's reception calendar: read below the unit's grants, kept by its managers."""


@policy.register(Dialogue)
class DialoguePolicy(TreePolicy[Dialogue]):
    """A dialogue of a unit: read below the unit's grants, recorded by its managers."""
