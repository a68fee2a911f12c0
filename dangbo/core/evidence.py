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

A subject is named by a word (``"person"``, ``"unit"``) and an id; core knows nothing else of
it. A source answers for a whole batch of ids in a fixed number of queries, so that a province
is pre-filled in chunks; an id it has nothing about is simply left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
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


_sources: dict[str, Source] = {}


def register(code: str, *, label: Any, subjects: Iterable[str], collect: Collector) -> None:
    """Register (or replace, on a reload) the source ``code``."""
    _sources[code] = Source(code=code, label=label, subjects=frozenset(subjects), collect=collect)


def sources(subject: str | None = None) -> list[Source]:
    """The registered sources, those about ``subject`` when given, in registration order."""
    return [s for s in _sources.values() if subject is None or subject in s.subjects]


def collect(subject: str, ids: Sequence[int], start: dt.date, end: dt.date) -> dict[int, dict[str, Figure]]:
    """``{id: {figure code: Figure}}`` for every id, from every source about ``subject``;
    an id no source knows gets an empty dict."""
    result: dict[int, dict[str, Figure]] = {pk: {} for pk in ids}
    if not ids:
        return result
    for source in sources(subject):
        for pk, figures in source.collect(subject, ids, start, end).items():
            if pk in result:
                for figure in figures:
                    result[pk][figure.code] = figure
    return result
