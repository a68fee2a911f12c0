from __future__ import annotations

from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest


class CappedPaginator(Paginator):
    """A paginator that counts at most ``cap`` rows: ``SELECT COUNT(*)`` of the first
    ``cap + 1`` rows (unordered), so a province-sized list is not counted to its end for the
    page links. ``capped`` says there are more than ``count`` (the page says "more than …";
    the filters narrow it)."""

    def __init__(self, object_list, per_page, *, cap: int, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        rows: Any = self.object_list
        if hasattr(rows, "order_by"):
            rows = rows.order_by()
        found = rows[: self.cap + 1].count() if hasattr(rows, "count") else len(rows[: self.cap + 1])
        self.capped = found > self.cap
        return min(found, self.cap)


def paginate(
    request: HttpRequest, queryset, per_page: int | None = None, *, cap: int | None = None
) -> tuple[Page, str]:
    """The requested page (bad numbers fall back to the nearest page) and the query string
    of the other parameters, ready to be followed by ``page=N``. With ``cap``, rows are
    counted up to ``cap`` only (``CappedPaginator``)."""
    size = per_page or settings.PAGE_SIZE
    paginator = Paginator(queryset, size) if cap is None else CappedPaginator(queryset, size, cap=cap)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    base = params.urlencode()
    return page, (base + "&") if base else ""
