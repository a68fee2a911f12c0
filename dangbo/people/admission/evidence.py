"""The admission's evidence (``dangbo.core.evidence``): the members admitted in a period under a
unit, counted by the day of their admission ceremony (lễ kết nạp)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangbo.core.evidence import Figure
from dangbo.orgs.models import Unit

from .models import Candidate

ADMITTED = _("Members admitted")
#: The figure's code, which a computed indicator of the plans names.
ADMITTED_FIGURE = "members_admitted"


def admitted_figures(subject: str, ids: Sequence[int], start: dt.date, end: dt.date) -> dict[int, list[Figure]]:
    """A unit and every unit below it (``unit_tree``): the candidates of its cells whose
    admission ceremony fell in the period (whatever happened after). One query for the batch."""
    if subject != "unit_tree":
        return {}
    paths = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "path"))
    if not paths:
        return {}
    within = Q()
    for path in paths.values():
        within |= Q(unit__path__startswith=path)
    rows = (
        Candidate.objects.filter(within, ceremony_on__gte=start, ceremony_on__lte=end)
        .values("unit__path").annotate(n=Count("pk")).order_by()
    )
    counts: dict[int, int] = {}
    for row in rows:
        for pk, path in paths.items():
            if row["unit__path"].startswith(path):
                counts[pk] = counts.get(pk, 0) + row["n"]
    base = reverse("people:admission_pipeline")
    return {
        pk: [Figure(ADMITTED_FIGURE, ADMITTED, n, None, base + "?" + urlencode({"unit": pk, "stage": ""}))]
        for pk, n in counts.items()
    }
