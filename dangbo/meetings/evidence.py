"""The meetings' evidence for the annual ratings (``dangbo.core.evidence``): attendance at the
held meetings of a period, from the roll-calls."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangbo.core.evidence import Figure
from dangbo.orgs.models import Unit

from .models import Attendance, Meeting, MeetingKind

LABEL = _("Meeting attendance")


def attendance_figures(subject: str, ids: Sequence[int], start: dt.date, end: dt.date) -> dict[int, list[Figure]]:
    """A person: present at how many of the held meetings they were expected at. A unit: the
    members present out of those expected, over its held meetings."""
    held = Q(meeting__status=Meeting.Status.HELD, meeting__date__gte=start, meeting__date__lte=end)
    result: dict[int, list[Figure]] = {}
    if subject == "person":
        people = (
            Attendance.objects.filter(held, person_id__in=ids)
            .values("person_id")
            .annotate(expected=Count("pk"), present=Count("pk", filter=Q(status=Attendance.Status.PRESENT)))
        )
        for row in people:
            url = reverse("orgs:person_detail", args=[row["person_id"]])
            result[row["person_id"]] = [Figure("attendance", LABEL, row["present"], row["expected"], url)]
    elif subject == "unit":
        units = (
            Meeting.objects.filter(status=Meeting.Status.HELD, date__gte=start, date__lte=end, unit_id__in=ids)
            .values("unit_id")
            .annotate(expected=Sum("expected_count"), present=Sum("present_count"))
        )
        for sums in units:
            url = reverse("meetings:meeting_list") + "?" + urlencode({"unit": sums["unit_id"], "held": "1"})
            result[sums["unit_id"]] = [Figure("attendance", LABEL, sums["present"] or 0, sums["expected"] or 0, url)]
    return result


CELLS_GOOD = _("Cells whose meetings were graded Tốt")


def cell_grade_figures(subject: str, ids: Sequence[int], start: dt.date, end: dt.date) -> dict[int, list[Figure]]:
    """A unit and every unit below it (``unit_tree``): of its cells whose regular meetings of
    the period were graded, how many had most of them (more than half) graded at the top grade
    (rank 1, "Tốt"). One query for the batch."""
    if subject != "unit_tree":
        return {}
    paths = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "path"))
    if not paths:
        return {}
    within = Q()
    for path in paths.values():
        within |= Q(unit__path__startswith=path)
    rows = (
        Meeting.objects.filter(
            within, kind=MeetingKind.REGULAR, status=Meeting.Status.HELD, date__gte=start, date__lte=end,
            grade_rank__isnull=False,
        )
        .values("unit_id", "unit__path")
        .annotate(graded=Count("pk"), top=Count("pk", filter=Q(grade_rank=1)))
        .order_by()
    )
    counts: dict[int, list[int]] = {}
    for row in rows:
        good = row["top"] * 2 > row["graded"]
        for pk, path in paths.items():
            if row["unit__path"].startswith(path):
                c = counts.setdefault(pk, [0, 0])
                c[0] += good
                c[1] += 1
    return {
        pk: [Figure("cells_good", CELLS_GOOD, good, graded, reverse("meetings:quality", args=[pk]))]
        for pk, (good, graded) in counts.items()
    }
