from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dangbo.orgs import selectors as org_selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My dashboard: my positions, the units I look after and where to go next."""
    request.nav_section = "home"  # type: ignore[attr-defined]
    roots = org_selectors.visible_roots(user=request.user)
    grants = list(org_selectors.user_grants(user=request.user))
    person = getattr(request.user, "person", None)
    positions = list(org_selectors.person_positions(person=person).filter(end__isnull=True)) if person else []
    summaries = org_selectors.unit_summaries(units=roots)
    return render(
        request,
        "core/home.html",
        {"roots": roots, "grants": grants, "positions": positions, "person": person, "summaries": summaries},
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
