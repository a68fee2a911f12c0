"""``GET /api/v1/search``: the one search, as the caller may see it.

The permission policy filters inside the search's SQL, through the scope its app registered
(``dangbo.core.search.register_scope``).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from dangbo.core import search
from dangbo.core.api import ERRORS, DateFilter, caller

router = Router(tags=["search"])

#: The facets a caller may filter on.
FACETS = ("type", "issuer", "term", "field")


class SearchFilters(Schema):
    q: str = Field("", max_length=search.MAX_QUERY_CHARS, description="Words, a number or both; accents optional.")
    kind: str = Field("", max_length=40, description='"document", "unit", "person"…')
    type: str = Field("", max_length=100, description="A document type, e.g. CT.")
    issuer: str = Field("", max_length=100, description="The id of the issuing unit.")
    term: str = Field("", max_length=100, description="A term, e.g. 2015-2020.")
    field: str = Field("", max_length=100, description="A field of work, e.g. kinh-te.")
    date_from: DateFilter | None = None
    date_to: DateFilter | None = None
    limit: int = Field(20, ge=1, le=search.MAX_LIMIT)
    offset: int = Field(0, ge=0, le=100_000)

    @field_validator("q", "kind", "type", "issuer", "term", "field")
    @classmethod
    def _no_nul(cls, value: str) -> str:
        # PostgreSQL refuses NUL characters in text parameters.
        return value.replace("\x00", "").strip()


class HitOut(Schema):
    kind: str
    id: int
    title: str
    number: str
    url: str
    date: dt.date | None
    snippet: str = Field(description="HTML: the text is escaped; matched words are in <mark>.")


class SearchPage(Schema):
    items: list[HitOut]
    count: int = Field(description=f"The number of hits, counted up to {search.COUNT_CAP}.")
    count_capped: bool = Field(
        False,
        description=f"More than {search.COUNT_CAP} hits: count says {search.COUNT_CAP}."
        " Pages past it are still served, best match first.",
    )


@router.get(
    "", response={200: SearchPage, **ERRORS}, operation_id="search", summary="Search everything"
)
def search_everything(request: HttpRequest, filters: Query[SearchFilters]):
    """Documents, units, people… that the caller may see, best match first."""
    facets = {name: getattr(filters, name) for name in FACETS if getattr(filters, name)}
    results = search.search_for_user(
        caller(request),
        filters.q,
        kinds=[filters.kind] if filters.kind else None,
        facets=facets,
        date_from=filters.date_from,
        date_to=filters.date_to,
        limit=filters.limit,
        offset=filters.offset,
    )
    items = [
        {
            "kind": hit.kind,
            "id": hit.object_id,
            "title": hit.title,
            "number": hit.number,
            "url": hit.url,
            "date": hit.date,
            "snippet": str(hit.snippet_html),
        }
        for hit in results.items
    ]
    return {"items": items, "count": results.count, "count_capped": results.count_capped}
