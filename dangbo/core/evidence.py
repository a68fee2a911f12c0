"""Evidence: figures the apps already track about a person or a unit over a period.

An app that tracks work (tasks done, roll-calls, commitments) registers a *source* from its
``AppConfig.ready``; an app that judges work (the annual ratings) asks :func:`collect` for the
figures of many subjects at once, without importing the apps that hold them::

    evidence.register(
        "attendance", label=_("Meeting attendance"), subjects={"person", "unit"},
        collect=attendance_figures,  # (subject, ids, start, end) -> {id: [Figure, …]}
    )

    figures = evidence.collect("person", [12, 13], dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    figures[12]["attendance"].rate  # 0.92, with .url pointing at the roll-calls

A subject is named by a word (``"person"``, ``"unit"``, ``"unit_tree"``: a unit and every unit
below it) and an id; core knows nothing else of it. A source answers for a whole batch of ids in a fixed number of queries, so that a province
is pre-filled in chunks; an id it has nothing about is simply left out.

A source names the figures it offers (``figures={code: label}``; by default the one figure
named like the source), so that another app can let its users choose one and later ask for
that figure alone: the plans' computed indicators keep a figure's code and compute their
results from it::

    evidence.figure_choices("unit_tree")  # [("cells_good", "Cells whose meetings …"), …]
    evidence.collect("unit_tree", [7], start, end, codes={"cells_good"})
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Figure:
    """One figure about a subject: ``value`` out of ``of`` (``of=None``: a plain count), with
    the page that shows what it was counted from."""

    code: str
    label: Any
    value: int
    of: int | None = None
    url: str = ""

    @property
    def rate(self) -> float | None:
        """``value / of``, or ``None`` when there is nothing to divide by."""
        if not self.of:
            return None
        return self.value / self.of

    def as_dict(self) -> dict[str, Any]:
        return {"label": str(self.label), "value": self.value, "of": self.of, "url": self.url}


Collector = Callable[[str, Sequence[int], dt.date, dt.date], dict[int, list[Figure]]]


@dataclass(frozen=True)
class Source:
    code: str
    label: Any
    subjects: frozenset[str]
    collect: Collector = field(compare=False)
    figures: tuple[tuple[str, Any], ...] = ()


_sources: dict[str, Source] = {}


def register(
    code: str, *, label: Any, subjects: Iterable[str], collect: Collector, figures: Mapping[str, Any] | None = None
) -> None:
    """Register (or replace, on a reload) the source ``code``, offering ``figures``
    (``{figure code: label}``; by default ``{code: label}``)."""
    offered = tuple((figures or {code: label}).items())
    _sources[code] = Source(code=code, label=label, subjects=frozenset(subjects), collect=collect, figures=offered)


def sources(subject: str | None = None) -> list[Source]:
    """The registered sources, those about ``subject`` when given, in registration order."""
    return [s for s in _sources.values() if subject is None or subject in s.subjects]


def figure_choices(subject: str) -> list[tuple[str, Any]]:
    """``[(figure code, label)]`` of every figure the sources offer about ``subject``."""
    return [pair for source in sources(subject) for pair in source.figures]


def figure_label(code: str) -> Any:
    """The label of the figure ``code`` (the code itself when no source offers it)."""
    for source in _sources.values():
        for figure, label in source.figures:
            if figure == code:
                return label
    return code


def collect(
    subject: str, ids: Sequence[int], start: dt.date, end: dt.date, *, codes: Iterable[str] | None = None
) -> dict[int, dict[str, Figure]]:
    """``{id: {figure code: Figure}}`` for every id, from every source about ``subject``
    (with ``codes``: only the sources offering one of those figures); an id no source knows
    gets an empty dict."""
    result: dict[int, dict[str, Figure]] = {pk: {} for pk in ids}
    if not ids:
        return result
    wanted = set(codes) if codes is not None else None
    for source in sources(subject):
        if wanted is not None and not wanted & {code for code, _label in source.figures}:
            continue
        for pk, figures in source.collect(subject, ids, start, end).items():
            if pk in result:
                for figure in figures:
                    result[pk][figure.code] = figure
    return result
