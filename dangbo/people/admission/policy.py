"""Candidates and admission targets in the one permission door (``dangbo.core.policy``).

Both follow their unit down the tree: seen with a view grant over the unit (a cell's members
see its candidates), changed — a step recorded, a target set — by its managers (the cell's
secretary, the ward's and the city's committees above).
"""

from __future__ import annotations

from dangbo.core import policy
from dangbo.core.policy import Action, Level, TreePolicy

from .models import AdmissionTarget, Candidate


@policy.register(Candidate)
class CandidatePolicy(TreePolicy[Candidate]):
    levels = {Action.VIEW: Level.VIEW, Action.CHANGE: Level.MANAGE}


@policy.register(AdmissionTarget)
class AdmissionTargetPolicy(TreePolicy[AdmissionTarget]):
    levels = {Action.VIEW: Level.VIEW, Action.CHANGE: Level.MANAGE}
