"""API of plans: ``/themes`` and ``/themes/{id}``, scoped by the one policy.

A theme answers ``{"id", "unit_id", "year", "text", "items": [{"id", "kind", "title",
"progress", "on_track", "task_ids"}]}``; ``progress`` and ``on_track`` are computed from the
item's tasks (``dangbo.plans.progress``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import StrictInt

from dangbo.core import policy
from dangbo.core.api import ERRORS, Id, caller
from dangbo.core.policy import Level
from dangbo.documents.models import Document
from dangbo.orgs.models import Term, Unit

from . import selectors, services
from .models import Commitment, CommitmentItem, Indicator, ItemStatus, Theme

themes_router = Router(tags=["plans"])

MAX_LIMIT = 200


class ThemeItemOut(Schema):
    id: int
    kind: Literal["focus", "breakthrough"]
    title: str
    progress: int
    on_track: bool
    task_ids: list[int]


class ThemeOut(Schema):
    id: int
    unit_id: int
    year: int
    text: str
    items: list[ThemeItemOut]


class ThemePage(Schema):
    items: list[ThemeOut]
    count: int


class ThemeFilters(Schema):
    unit: int | None = Field(None, ge=1, description="A unit's id: its themes and those of the units below it.")
    year: int | None = Field(None, ge=1990, le=2100)
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000_000)


def _out(themes) -> list[dict]:
    themes, progress = selectors.themes_with_items(themes, today=timezone.localdate())
    return [
        {
            "id": theme.pk, "unit_id": theme.unit_id, "year": theme.year, "text": theme.text,
            "items": [
                {
                    "id": item.pk, "kind": item.kind, "title": item.title,
                    "progress": progress[item.pk].progress, "on_track": progress[item.pk].on_track,
                    "task_ids": progress[item.pk].task_ids,
                }
                for item in theme.items.all()
            ],
        }
        for theme in themes
    ]


@themes_router.get("", response={200: ThemePage, **ERRORS}, operation_id="themes_list", summary="List annual themes")
def themes_list(request: HttpRequest, filters: Query[ThemeFilters]):
    """Themes the caller may see, newest year first, with their items' computed progress."""
    user = caller(request)
    unit = policy.get_for_user(user, Unit, filters.unit) if filters.unit else None
    themes = selectors.theme_list(user=user, year=filters.year, unit=unit)
    count = themes.count()
    page = Theme.objects.filter(pk__in=list(themes[filters.offset : filters.offset + filters.limit].values_list("pk", flat=True)))
    return {"items": _out(page.order_by("-year", "unit__path", "order", "id")), "count": count}


@themes_router.get("/{id}", response={200: ThemeOut, **ERRORS}, operation_id="themes_detail", summary="One annual theme")
def themes_detail(request: HttpRequest, id: int):
    theme = selectors.get_theme_for_user(caller(request), id)
    return _out(Theme.objects.filter(pk=theme.pk))[0]


# --- Commitments ---------------------------------------------------------------------------

commitments_router = Router(tags=["plans"])


class CommitmentStatusOut(Schema):
    quarter: int
    status: str
    suggested: str
    reason: str
    comment: str


class CommitmentItemOut(Schema):
    id: int
    title: str
    target: str
    weight: int
    evidence: str
    cascades_from_id: int | None
    task_ids: list[int]
    statuses: list[CommitmentStatusOut]
    grade: str | None

    @staticmethod
    def resolve_task_ids(obj: CommitmentItem) -> list[int]:
        return sorted(t.pk for t in obj.tasks.all())

    @staticmethod
    def resolve_statuses(obj: CommitmentItem) -> list[ItemStatus]:
        return list(obj.statuses.all())

    @staticmethod
    def resolve_grade(obj: CommitmentItem) -> str | None:
        return obj.grade.code if obj.grade_id else None  # type: ignore[union-attr]


class CommitmentOut(Schema):
    id: int
    year: int
    upper_unit_id: int
    lower_unit_id: int
    title: str
    signed_on: dt.date | None
    upper_signer_id: int | None
    lower_signer_id: int | None
    grade: str | None
    closed_on: dt.date | None

    @staticmethod
    def resolve_grade(obj: Commitment) -> str | None:
        return obj.grade.code if obj.grade_id else None  # type: ignore[union-attr]


class CommitmentDetailOut(CommitmentOut):
    items: list[CommitmentItemOut]
    self_evaluation: str
    conclusion: str
    next_year: str
    scale: str | None

    @staticmethod
    def resolve_items(obj: Commitment) -> list[CommitmentItem]:
        return list(obj.items.select_related("grade").prefetch_related("tasks", "statuses"))

    @staticmethod
    def resolve_scale(obj: Commitment) -> str | None:
        return f"{obj.scale.code}@{obj.scale.version}" if obj.scale_id else None  # type: ignore[union-attr]


class CommitmentPage(Schema):
    items: list[CommitmentOut]
    count: int


class CommitmentFilters(Schema):
    unit: int | None = Field(None, ge=1, description="A unit's id: commitments it gave or that it and the units below it made.")
    year: int | None = Field(None, ge=1990, le=2100)
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000_000)


@commitments_router.get("", response={200: CommitmentPage, **ERRORS}, operation_id="commitments_list",
                        summary="List responsibility commitments")
def commitments_list(request: HttpRequest, filters: Query[CommitmentFilters]):
    user = caller(request)
    qs = policy.visible(user, Commitment).select_related("grade")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.unit:
        unit = policy.get_for_user(user, Unit, filters.unit)
        qs = qs.filter(Q(lower_unit__path__startswith=unit.path) | Q(upper_unit=unit))
    qs = qs.order_by("-year", "lower_unit__path", "id")
    return {"items": list(qs[filters.offset : filters.offset + filters.limit]), "count": qs.count()}


@commitments_router.get("/{id}", response={200: CommitmentDetailOut, **ERRORS}, operation_id="commitments_detail",
                        summary="One commitment with its items, status and evaluation")
def commitments_detail(request: HttpRequest, id: int):
    return selectors.get_commitment_for_user(caller(request), id)


# --- Indicators ----------------------------------------------------------------------------

indicators_router = Router(tags=["plans"])


class TargetOut(Schema):
    unit_id: int
    year: int | None
    value: Decimal


class ActualOut(Schema):
    id: int
    unit_id: int
    year: int
    quarter: int | None
    value: Decimal
    source: str
    evidence: str
    computed: bool
    records_url: str


class IndicatorOut(Schema):
    id: int
    unit_id: int
    term_id: int
    code: str
    name: str
    measure: str
    direction: str
    aggregation: str
    due: dt.date | None
    method: str
    computed_from: str


class IndicatorDetailOut(IndicatorOut):
    targets: list[TargetOut]
    actuals: list[ActualOut]


class IndicatorPage(Schema):
    items: list[IndicatorOut]
    count: int


class IndicatorFilters(Schema):
    unit: int | None = Field(None, ge=1, description="A unit's id: its indicators and those of the units below it.")
    term: int | None = Field(None, ge=1, description="A term's id.")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class ActualIn(Schema):
    unit_id: Id
    year: Annotated[StrictInt, Field(ge=1990, le=2100)]
    quarter: Annotated[StrictInt, Field(ge=1, le=4)] | None = None
    value: Decimal = Field(..., max_digits=16, decimal_places=4)
    source: str = Field("", max_length=300)
    evidence: str = Field("", max_length=20000)


def _indicator_detail(user, indicator: Indicator) -> dict:
    seen = policy.under_q(user, Level.VIEW, "unit__")
    return {
        **{name: getattr(indicator, name) for name in IndicatorOut.model_fields},
        "targets": list(indicator.targets.filter(seen).order_by("unit_id", "year")),
        "actuals": list(indicator.actuals.filter(seen).order_by("unit_id", "year", "quarter")),
    }


@indicators_router.get("", response={200: IndicatorPage, **ERRORS}, operation_id="indicators_list", summary="List indicators")
def indicators_list(request: HttpRequest, filters: Query[IndicatorFilters]):
    user = caller(request)
    unit = policy.get_for_user(user, Unit, filters.unit) if filters.unit else None
    term = policy.get_for_user(user, Term, filters.term) if filters.term else None
    qs = selectors.indicator_list(user=user, unit=unit, term=term)
    return {"items": list(qs[filters.offset : filters.offset + filters.limit]), "count": qs.count()}


@indicators_router.get("/{id}", response={200: IndicatorDetailOut, **ERRORS}, operation_id="indicators_detail",
                       summary="One indicator with its targets and actuals")
def indicators_detail(request: HttpRequest, id: int):
    user = caller(request)
    return _indicator_detail(user, selectors.get_indicator_for_user(user, id))


@indicators_router.post("/{id}/actuals", response={201: ActualOut, **ERRORS}, operation_id="indicators_actual_create",
                        summary="Record what a unit achieved")
def indicators_actual_create(request: HttpRequest, id: int, payload: ActualIn):
    user = caller(request)
    indicator = selectors.get_indicator_for_user(user, id)
    unit = policy.get_for_user(user, Unit, payload.unit_id)
    row = services.actual_record(
        actor=user, indicator=indicator, unit=unit, year=payload.year, quarter=payload.quarter,
        value=payload.value, source=payload.source, evidence=payload.evidence,
    )
    return 201, row


# --- Tasks proposed from a plan's text -----------------------------------------------------

proposals_router = Router(tags=["plans"])


class ProposalOut(Schema):
    units: list[str] = Field(description="The units in charge, as written.")
    coordinating: list[str] = Field(description="The coordinating units, as written.")
    deadline: dt.date | None
    title: str
    passage: str = Field(description="The sentence the proposal was read from.")
    unit_ids: list[int] = Field(description="The units of the tree the names match (among those the caller sees).")
    coordinating_ids: list[int]
    unmatched: list[str] = Field(description="Names matching no unit of the tree.")
    done: bool = Field(description="A task of the document already has this title.")


class ProposalPage(Schema):
    items: list[ProposalOut]
    count: int


@proposals_router.post("/{id}/task-proposals", response={200: ProposalPage, **ERRORS},
                       operation_id="documents_task_proposals", summary="Tasks proposed from a document's text")
def documents_task_proposals(request: HttpRequest, id: int):
    """Read the assignment sentences of a plan, programme or conclusion (KH, CTr, KL) and
    propose tasks; nothing is saved (the office accepts them on the document's page)."""
    user = caller(request)
    document = policy.get_for_user(user, Document.objects.select_related("unit"), id)
    if document.type_abbr not in selectors.PROPOSAL_TYPES:
        return {"items": [], "count": 0}
    rows = selectors.document_proposals(user=user, document=document)
    items = [
        {**row.proposal.as_json(), "passage": row.proposal.passage, "unit_ids": [u.pk for u in row.units],
         "coordinating_ids": [u.pk for u in row.coordinating], "unmatched": row.unmatched, "done": row.done}
        for row in rows
    ]
    return {"items": items, "count": len(items)}
