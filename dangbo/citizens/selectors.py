"""Reading cases: the list a user may see, one case, the public view by code."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Prefetch

from dangbo.core import policy
from dangbo.core.policy import Action
from dangbo.orgs.models import Unit

from .models import Case, CaseQuerySet, Petitioner, clean_code


@dataclass
class CaseFilters:
    unit: Unit | None = None
    kind: str = ""
    state: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    overdue: bool | None = None


def case_list(*, user, filters: CaseFilters | None = None, today: dt.date) -> CaseQuerySet:
    """Cases the user may see (the policy filters in the SQL), newest first; the petitioners
    come in one more query."""
    f = filters or CaseFilters()
    qs: CaseQuerySet = policy.visible(user, Case.objects.select_related("unit")).prefetch_related(  # type: ignore[assignment]
        Prefetch("petitioners", queryset=Petitioner.objects.order_by("order", "id"))
    )
    if f.unit is not None:
        qs = qs.filter(unit__path__startswith=f.unit.path)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.state == "open":
        qs = qs.open()
    elif f.state:
        qs = qs.filter(state=f.state)
    if f.received_from:
        qs = qs.filter(received_on__gte=f.received_from)
    if f.received_to:
        qs = qs.filter(received_on__lte=f.received_to)
    if f.overdue is True:
        qs = qs.overdue(today)
    elif f.overdue is False:
        qs = qs.exclude(pk__in=Case.objects.overdue(today).values("pk"))
    return qs.order_by("-received_on", "-id")


def get_case_for_user(user, pk, action: Action | str = Action.VIEW) -> Case:
    return policy.get_for_user(user, Case.objects.select_related("unit"), pk, action)


def petitioners_of(case: Case) -> list[Petitioner]:
    return list(case.petitioners.order_by("order", "id"))


# --- The public page by code -----------------------------------------------------------------


def lookup_allowed(ip: str) -> bool:
    """Count one code lookup from ``ip``; ``False`` once it made more than
    ``DANGBO_CASE_LOOKUPS_PER_IP`` in the window (ten minutes from its first lookup). The
    counts live in Django's cache: with several server processes, configure a shared cache."""
    key = f"dangbo:caselookup:{ip}"
    window = int(getattr(settings, "DANGBO_CASE_LOOKUP_WINDOW", 600))
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= int(getattr(settings, "DANGBO_CASE_LOOKUPS_PER_IP", 30))


def public_case(code: str) -> dict | None:
    """The public fields of the case with this code, or ``None``: one indexed query, nothing
    personal (no petitioner, no content, no internal note)."""
    code = clean_code(code)
    if not code:
        return None
    row = Case.objects.filter(code=code).values(*Case.PUBLIC_FIELDS, unit_name=F("unit__name")).first()
    if row is None:
        return None
    row["kind_display"] = Case.Kind(row["kind"]).label
    row["state_display"] = Case.State(row["state"]).label
    row["ack_outcome_display"] = Case.Outcome(row["ack_outcome"]).label if row["ack_outcome"] else ""
    return row
