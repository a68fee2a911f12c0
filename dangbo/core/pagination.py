from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, queryset, per_page: int | None = None) -> tuple[Page, str]:
    """The requested page (bad numbers fall back to the nearest page) and the query string
    of the other parameters, ready to be followed by ``page=N``."""
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    base = params.urlencode()
    return page, (base + "&") if base else ""
