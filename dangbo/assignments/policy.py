"""The tasks' and inspections' entries in the one permission door (``dangbo.core.policy``).

A task belongs to two units, the unit in charge (``unit``) and the assigning unit; their paths
are copied onto the task (``unit_path``, ``assigning_path``), so every rule reads no join:

* see (``Action.VIEW``): a grant over the unit in charge, over the assigning unit or over one
  of the coordinating units (phối hợp) — on the task's page and in every list alike;
* report progress, start, ask for confirmation (``Action.CONTRIBUTE``): contribute on the
  unit in charge;
* cascade into sub-tasks for its own units (``Action.CASCADE``): change on the unit in charge;
* change, pause, cancel, confirm completion, return, reopen (``Action.CHANGE``): change on the
  assigning unit. The unit in charge cannot confirm its own work.

An inspection program follows its unit; an inspection is seen through its program's unit or
the inspected unit and changed by the program's unit. Progress reports and their evidence
files follow their task; recommendations their inspection.
"""

from __future__ import annotations

from django.db.models import Q

from dangbo.core import policy
from dangbo.core.policy import Action, Level, TreePolicy

from .models import Inspection, InspectionProgram, ProgressReport, Recommendation, ReportFile, Task

#: Which of the task's two units each action is ruled by, and the role it needs there.
TASK_RULES: dict[Action, tuple[str, Level]] = {
    Action.CONTRIBUTE: ("unit_", Level.CONTRIBUTE),
    Action.CASCADE: ("unit_", Level.MANAGE),
    Action.CHANGE: ("assigning_", Level.MANAGE),
}


@policy.register(Task)
class TaskPolicy(policy.Policy[Task]):
    def scope(self, user, action: Action = Action.VIEW) -> Q:
        if action == Action.VIEW:
            own = policy.under_q(user, Level.VIEW, "unit_") | policy.under_q(user, Level.VIEW, "assigning_")
            if not own:  # everything
                return own
            # One uncorrelated subquery: PostgreSQL hashes it once, so a list sorted by deadline
            # still stops at its first page (a correlated EXISTS made the province's list 100× slower).
            coordinating = Task.coordinating_units.through.objects.filter(
                policy.under_q(user, Level.VIEW, "unit__")
            ).values("task_id")
            return own | Q(pk__in=coordinating)
        rule = TASK_RULES.get(action)
        if rule is None:
            return Q(pk__in=[])
        prefix, level = rule
        return policy.under_q(user, level, prefix)

    def may(self, user, action: Action, obj: Task) -> bool:
        if action == Action.VIEW:
            if policy.covers(user, Level.VIEW, obj.unit_path) or policy.covers(user, Level.VIEW, obj.assigning_path):
                return True
            if not obj.pk:
                return False
            paths = obj.coordinating_units.values_list("path", flat=True)
            return any(policy.covers(user, Level.VIEW, path) for path in paths)
        rule = TASK_RULES.get(action)
        if rule is None:
            return False
        prefix, level = rule
        return policy.covers(user, level, getattr(obj, f"{prefix}path"))


@policy.register(InspectionProgram)
class InspectionProgramPolicy(TreePolicy[InspectionProgram]):
    pass


@policy.register(Inspection)
class InspectionPolicy(policy.Policy[Inspection]):
    """Seen by the program's unit and by the inspected unit; every other action is the
    program's unit's."""

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        level = policy.TREE_LEVEL.get(action)
        if level is None:
            return Q(pk__in=[])
        q = policy.under_q(user, level, "program__unit__")
        if action == Action.VIEW:
            q |= policy.under_q(user, level, "target_unit__")
        return q

    def may(self, user, action: Action, obj: Inspection) -> bool:
        level = policy.TREE_LEVEL.get(action)
        if level is None:
            return False
        if action == Action.VIEW and policy.covers(user, level, obj.target_unit.path):
            return True
        return policy.covers(user, level, obj.program.unit.path)


@policy.register(ProgressReport)
class ProgressReportPolicy(policy.PartPolicy[ProgressReport]):
    via = "task"


@policy.register(ReportFile)
class ReportFilePolicy(policy.PartPolicy[ReportFile]):
    via = "report__task"


@policy.register(Recommendation)
class RecommendationPolicy(policy.PartPolicy[Recommendation]):
    via = "inspection"
