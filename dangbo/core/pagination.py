from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.functional import cached_property

#: A capped list counts at most this many rows (more are shown as "more than 1.000").
COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """A paginator that never counts a large list to its end.

    It counts at most ``max(cap, rows up to the page after the one asked)``: past that the
    count is that limit and ``capped`` is set (the page says "more than …"), and there is
    always a next page to follow. The count is ``SELECT COUNT(*) FROM (… LIMIT n)``: the
    database stops after ``n`` rows, where a plain ``COUNT(*)`` reads every row the user may
    see (the whole province). It drops the list's order (any ``limit + 1`` rows tell whether
    there are more), so the database reads them the cheapest way it knows."""

    def __init__(self, object_list, per_page, *, cap: int = COUNT_CAP, number: int = 1) -> None:
        super().__init__(object_list, per_page)
        self.limit = max(cap, (number + 1) * self.per_page)
        self.capped = False

    @cached_property
    def count(self) -> int:
        rows: Any = self.object_list
        if hasattr(rows, "order_by"):
            rows = rows.order_by()
        found = rows[: self.limit + 1].count()
        if found > self.limit:
            self.capped = True
            return self.limit
        return found


def _number(text: str | None) -> int:
    try:
        return min(max(int(text or 1), 1), 10**6)
    except ValueError:
        return 1


def paginate(
    request: HttpRequest, queryset, per_page: int | None = None, *, count_cap: int | None = None
) -> tuple[Page, str]:
    """The requested page (bad numbers fall back to the nearest page) and the query string
    of the other parameters, ready to be followed by ``page=N``. With ``count_cap`` the list
    is counted only that far (``CappedPaginator``): for lists that can hold a province."""
    size = per_page or settings.PAGE_SIZE
    if count_cap:
        paginator: Paginator = CappedPaginator(queryset, size, cap=count_cap, number=_number(request.GET.get("page")))
    else:
        paginator = Paginator(queryset, size)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    base = params.urlencode()
    return page, (base + "&") if base else ""
