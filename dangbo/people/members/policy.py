"""The members area's entries in the one permission door.

A member is an ``orgs.Person``: who sees them, who changes them and who reads their personal
data is ``dangbo.orgs.policy.PersonPolicy`` (the organisation board and the member's own cell
secretary read birth date, citizen ID, phone and address). A member's events are parts of the
member. Importing a roster is for the organisation board: the administering role over a cell.
"""

from __future__ import annotations

from dangbo.core import policy
from dangbo.core.policy import Level, PartPolicy

from .models import MemberEvent


@policy.register(MemberEvent)
class MemberEventPolicy(PartPolicy[MemberEvent]):
    via = "person"


def is_board(user) -> bool:
    """Does ``user`` belong to an organisation board: the administering role over some unit?"""
    return policy.is_everything(user) or bool(policy.paths(user, Level.ADMIN))


def board_covers(user, path: str) -> bool:
    """May ``user`` import into the cell at ``path`` (the organisation board over it)?"""
    return policy.covers(user, Level.ADMIN, path)
