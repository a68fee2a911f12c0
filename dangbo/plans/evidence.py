"""The plans' evidence for the annual ratings (``dangbo.core.evidence``): responsibility
commitments of a year and how the upper level evaluated them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from urllib.parse import urlencode

from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangbo.core.evidence import Figure

from .models import Commitment, EvaluationGrade

LABEL = _("Commitments evaluated at the top grade")


def commitment_figures(subject: str, ids: Sequence[int], start: dt.date, end: dt.date) -> dict[int, list[Figure]]:
    """A unit's commitments (a person's: those they signed as head) of the period's years that
    were evaluated: how many reached the top grade of their scale, out of those evaluated."""
    key = {"unit": "lower_unit_id", "person": "lower_signer_id"}.get(subject)
    if key is None:
        return {}
    rows = Commitment.objects.filter(
        **{f"{key}__in": ids}, year__gte=start.year, year__lte=end.year, grade__isnull=False
    ).values(key, "lower_unit_id", "grade__rank", "grade__scale_id")
    tops = dict(EvaluationGrade.objects.values_list("scale_id").annotate(top=Max("rank")).values_list("scale_id", "top"))
    counts: dict[int, list[int]] = {}
    units: dict[int, int] = {}
    for row in rows:
        reached, evaluated = counts.setdefault(row[key], [0, 0])
        counts[row[key]] = [reached + (row["grade__rank"] >= tops.get(row["grade__scale_id"], 0)), evaluated + 1]
        units[row[key]] = row["lower_unit_id"]
    url = reverse("plans:commitment_list")
    return {
        pk: [Figure("commitments", LABEL, reached, evaluated,
                    url + "?" + urlencode({"unit": units[pk], "year": start.year}))]
        for pk, (reached, evaluated) in counts.items()
    }
