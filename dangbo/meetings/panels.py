"""What other apps add to a meeting's page, without meetings knowing those apps.

``register_decision_cell(template)``: the last cell of each row of the decisions table (the
tasks app shows the decision's task and its progress, or the button that makes it one). The
template is included with ``d`` (the decision), ``meeting`` and ``request`` in its context.
"""

from __future__ import annotations

_decision_cells: list[str] = []


def register_decision_cell(template_name: str) -> None:
    if template_name not in _decision_cells:
        _decision_cells.append(template_name)


def decision_cells() -> list[str]:
    return list(_decision_cells)
