"""API of the reports: ``/reports/term-review`` (the structured draft: sections, sentences with
their figures and sources), ``/reports/term-review.docx`` and ``.pdf``, and
``/reports/periodic`` (filters ``unit``, ``period``, ``state``).

The term review answered is the saved draft of the unit and term when there is one (with its
version), otherwise a draft composed now from the data and not saved (``version: null``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from dangbo.core import policy
from dangbo.core.api import ERRORS, caller
from dangbo.core.policy import Action
from dangbo.orgs.models import Term, Unit

from . import periodic, review, selectors
from .models import PeriodicReport, Review

router = Router(tags=["reports"])
MAX_LIMIT = 500


class ReviewQuery(Schema):
    unit: int = Field(..., ge=1, description="The unit's id.")
    term: str = Field(..., min_length=1, max_length=20, description="The term's code, e.g. 2015-2020, or its id.")


class FigureOut(Schema):
    value: Any
    text: str
    url: str
    label: str


class SentenceOut(Schema):
    key: str
    template: str
    text: str
    edited: bool
    figures: dict[str, FigureOut]


class SectionOut(Schema):
    key: str
    title: str
    sentences: list[SentenceOut]


class ReviewOut(Schema):
    id: int | None
    version: int | None
    unit_id: int
    unit_name: str
    term: str
    term_start: dt.date
    term_end: dt.date
    sections: list[SectionOut]


def _review(request: HttpRequest, query: ReviewQuery) -> tuple[Unit, Term, Review | None]:
    user = caller(request)
    unit = selectors.get_unit_for_user(user, query.unit)
    terms = Term.objects.filter(unit=unit)
    term = terms.filter(code=query.term).first() or (terms.filter(pk=int(query.term)).first() if query.term.isdigit() else None)
    if term is None:
        from django.http import Http404

        raise Http404
    saved = policy.visible(user, Review).filter(unit=unit, term=term).select_related("unit", "term").first()
    return unit, term, saved


def _content(unit: Unit, term: Term, saved: Review | None) -> dict:
    if saved is not None:
        return saved.content
    return review.compose(review.Ctx(unit=unit, term=term, today=timezone.localdate()))


@router.get("/term-review", response={200: ReviewOut, **ERRORS}, operation_id="reports_term_review",
            summary="The term review of a unit")
def term_review(request: HttpRequest, query: Query[ReviewQuery]):
    unit, term, saved = _review(request, query)
    content = _content(unit, term, saved)
    return {
        "id": saved.pk if saved else None, "version": saved.version if saved else None,
        "unit_id": unit.pk, "unit_name": unit.name, "term": term.code,
        "term_start": dt.date.fromisoformat(content["term"]["start"]),
        "term_end": dt.date.fromisoformat(content["term"]["end"]),
        "sections": content["sections"],
    }


def _export(request: HttpRequest, query: ReviewQuery, fmt: str) -> HttpResponse:
    from .views import export_response

    unit, term, saved = _review(request, query)
    obj = saved or Review(unit=unit, term=term, content=_content(unit, term, None))
    return export_response(obj, fmt)


@router.get("/term-review.docx", response={200: None, **ERRORS}, operation_id="reports_term_review_docx",
            summary="The term review as DOCX")
def term_review_docx(request: HttpRequest, query: Query[ReviewQuery]):
    return _export(request, query, "docx")


@router.get("/term-review.pdf", response={200: None, **ERRORS}, operation_id="reports_term_review_pdf",
            summary="The term review as PDF")
def term_review_pdf(request: HttpRequest, query: Query[ReviewQuery]):
    return _export(request, query, "pdf")


class PeriodicFilters(Schema):
    unit: int | None = Field(None, ge=1, description="A unit's id: its reports and those of every unit below it.")
    period: Literal["month", "quarter", "half", "nine", "year"] | None = None
    state: Literal["draft", "submitted"] | None = None
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class PeriodicOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    period: str
    start: dt.date
    end: dt.date
    due: dt.date
    state: str
    late: bool
    submitted_on: dt.date | None
    note: str
    lines: list[dict[str, Any]]


class PeriodicPage(Schema):
    items: list[PeriodicOut]
    count: int


@router.get("/periodic", response={200: PeriodicPage, **ERRORS}, operation_id="reports_periodic_list",
            summary="Periodic reports")
def periodic_list(request: HttpRequest, filters: Query[PeriodicFilters]):
    user = caller(request)
    unit = selectors.get_unit_for_user(user, filters.unit, Action.VIEW) if filters.unit else None
    qs = selectors.periodic_list(user=user, unit=unit, period=filters.period or "", state=filters.state or "")
    today = timezone.localdate()
    items = [
        {"id": r.pk, "unit_id": r.unit_id, "unit_name": r.unit.name, "period": r.period, "start": r.start, "end": r.end,
         "due": r.due, "state": r.state, "late": r.late(today), "submitted_on": r.submitted_on, "note": r.note,
         "lines": periodic.lines(r.content)}
        for r in qs[filters.offset: filters.offset + filters.limit]
    ]
    return {"items": items, "count": qs.count()}


__all__ = ["PeriodicReport", "router"]
