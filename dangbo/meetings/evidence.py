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

from .models import Attendance, Meeting

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
