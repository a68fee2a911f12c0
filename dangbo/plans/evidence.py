"""The plans' figures for other apps (``dangbo.core.evidence``): responsibility commitments of a
year and how the upper level evaluated them (for the annual ratings), and the targets the term's
computed indicators set a unit (subject ``"unit_target"``: the admission targets page shows the
"members admitted" indicator's target beside its own)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from urllib.parse import urlencode

from django.db.models import Max, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangbo.core.evidence import Figure

from .models import Commitment, EvaluationGrade, IndicatorTarget

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


#: The subject word of :func:`indicator_targets`: the target a unit was set for a year.
TARGET_SUBJECT = "unit_target"


def indicator_targets(subject: str, ids: Sequence[int], start: dt.date, end: dt.date) -> dict[int, list[Figure]]:
    """For each unit: the target of every computed indicator for the year of ``start`` (the
    year's own target, else the term's), one figure per computed figure's code, linked to the
    indicator. One query."""
    if subject != TARGET_SUBJECT:
        return {}
    rows = (
        IndicatorTarget.objects.filter(unit_id__in=ids, indicator__term__start__lte=start)
        .filter(Q(indicator__term__end__isnull=True) | Q(indicator__term__end__gte=start))
        .filter(Q(year=start.year) | Q(year__isnull=True))
        .exclude(indicator__computed_from="")
        .select_related("indicator").order_by("unit_id", "indicator_id")
    )
    chosen: dict[tuple[int, str], IndicatorTarget] = {}
    for target in rows:  # the year's own target wins over the term's
        key = (target.unit_id, target.indicator.computed_from)
        if key not in chosen or target.year is not None:
            chosen[key] = target
    out: dict[int, list[Figure]] = {}
    for (unit_id, code), target in chosen.items():
        out.setdefault(unit_id, []).append(Figure(
            code, target.indicator.name, int(target.value), None, target.indicator.get_absolute_url()))
    return out

