from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangbo.core.forms import DayInput, VersionedForm
from dangbo.orgs.forms import UnitPickField, UnitsPickField, persons_pick
from dangbo.orgs.models import Person, Unit

from .models import (
    Attendance,
    CriteriaSection,
    GradeThreshold,
    LeaderVisit,
    Meeting,
    MeetingKind,
    MeetingScore,
)

DateInput = DayInput  # typed and shown dd/mm/yyyy in every browser


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


#: The month filter lists the months of these years around today's; a month outside them
#: (from a link) is listed with its year.
MONTH_YEARS_BACK, MONTH_YEARS_AHEAD = 5, 1
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_month(value: Any) -> dt.date | None:
    """``YYYY-MM`` (the list's ``?month=``, the home panel's link) → the first day of that
    month; ``None`` for anything else."""
    found = _MONTH.fullmatch(str(value).strip())
    if found is None or not 1930 <= int(found[1]) <= 2100 or not 1 <= int(found[2]) <= 12:
        return None
    return dt.date(int(found[1]), int(found[2]), 1)


def month_choices(today: dt.date, chosen: dt.date | None = None) -> list[Any]:
    """"All months", then the months of each year around ``today``'s (and ``chosen``'s), the
    newest year first, each month labelled with its year: a closed list reads "Tháng 3/2025"."""
    years = set(range(today.year - MONTH_YEARS_BACK, today.year + MONTH_YEARS_AHEAD + 1))
    if chosen is not None:
        years.add(chosen.year)
    groups: list[Any] = [("", _("All months"))]
    for year in sorted(years, reverse=True):
        groups.append((str(year), [(f"{year}-{month:02d}", _("Month %(month)s/%(year)s") % {"month": month, "year": year})
                                   for month in range(1, 13)]))
    return groups


class MonthSelect(forms.Select):
    """The months as a list grouped by year, value ``YYYY-MM``: every browser and phone draws
    a select alike, where the native ``<input type=month>`` is "--------- ----" in Chromium
    and awkward in Firefox and Safari on phones. Built when drawn (today's years)."""

    def optgroups(self, name, value, attrs=None):
        chosen = parse_month(value[0]) if value else None
        self.choices = month_choices(timezone.localdate(), chosen)
        return super().optgroups(name, value, attrs)


class MonthField(forms.Field):
    """A month chosen from ``MonthSelect`` or given as ``YYYY-MM`` → its first day."""

    widget = MonthSelect
    default_error_messages = {"invalid": _("Choose a month from the list.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return month


def unit_lookup_url(scope: str = ""):
    """The ``meetings:unit_lookup`` URL answering with the units of ``scope`` (see the view)."""
    url = reverse_lazy("meetings:unit_lookup")
    return format_lazy("{}?scope={}", url, scope) if scope else url


def unit_pick(label, scope: str = "", **kwargs) -> UnitPickField:
    """A unit picker of a form that saves, asking ``meetings:unit_lookup`` with ``scope``;
    the view gives the field its queryset, the same units as the lookup's."""
    return UnitPickField(
        label=label, queryset=Unit.objects.none(), lookup_url=unit_lookup_url(scope), filtering=False, **kwargs,
    )


class MeetingFilterForm(forms.Form):
    # A typed picker, not a select: the central clerk sees ~315,000 units at national scale.
    unit = UnitPickField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False,
        lookup_url=reverse_lazy("meetings:unit_lookup"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *MeetingKind.choices], required=False)
    month = MonthField(label=_("Month"), required=False)
    held = forms.ChoiceField(
        label=_("Held"), required=False,
        choices=[("", _("All")), ("1", _("Held")), ("0", _("Not held"))],
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class MeetingCreateForm(forms.Form):
    unit = unit_pick(_("Unit"), "change")
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Start time"), required=False, widget=TimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    combined = forms.BooleanField(label=_("Combined with a thematic meeting (at least 120 minutes)"), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class MeetingEditForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Start time"), required=False, widget=TimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    combined = forms.BooleanField(label=_("Combined with a thematic meeting (at least 120 minutes)"), required=False)
    reason = forms.CharField(
        label=_("Reason for the correction"), max_length=500, required=False,
        help_text=_("Needed once the meeting is closed."),
    )


class MeetingRecordForm(VersionedForm):
    status = forms.ChoiceField(
        label=_("Status"), choices=[(Meeting.Status.HELD, _("Held")), (Meeting.Status.CANCELLED, _("Cancelled"))]
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=600, required=False)
    chair = forms.ModelChoiceField(label=_("Chaired by"), queryset=Person.objects.none(), required=False)
    secretary = forms.ModelChoiceField(label=_("Minutes taken by"), queryset=Person.objects.none(), required=False)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 10}), required=False)
    conclusions = forms.CharField(label=_("Conclusions"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    reason = forms.CharField(
        label=_("Reason for the correction"), max_length=500, required=False,
        help_text=_("Needed once the meeting is closed."),
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["chair"].queryset = people
            self.fields["secretary"].queryset = people


class ScheduleYearForm(forms.Form):
    unit = unit_pick(_("Cell"), "cells")
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    day_of_month = forms.IntegerField(
        label=_("Day of the month"), min_value=1, max_value=28, required=False,
        help_text=_("Leave empty for the first Monday of each month, with the flag ceremony."),
    )
    start_time = forms.TimeField(label=_("Start time"), required=False, widget=TimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    with_flag_ceremony = forms.BooleanField(label=_("Also schedule the flag ceremony (first Monday)"), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class ScoreForm(forms.Form):
    note = forms.CharField(label=_("Remarks"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    reason = forms.CharField(
        label=_("Reason for the correction"), max_length=500, required=False,
        help_text=_("Needed once the meeting is closed."),
    )

    def __init__(self, *args, sections=(), initial_points=None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_points = initial_points or {}
        self.criterion_fields: list[tuple[str, list]] = []
        for section in sections:
            names = []
            for criterion in section.criteria.all():
                name = f"c_{criterion.pk}"
                self.fields[name] = forms.DecimalField(
                    label=f"{criterion.code}. {criterion.title}",
                    min_value=Decimal(0), max_value=criterion.max_points, decimal_places=1, max_digits=5,
                    help_text=criterion.guidance, initial=initial_points.get(criterion.pk),
                    widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
                )
                self.fields[name].criterion = criterion  # type: ignore[attr-defined]
                names.append(self[name])
            self.criterion_fields.append((section.title, names))

    def points(self) -> dict[int, Decimal]:
        return {
            int(name[2:]): value for name, value in self.cleaned_data.items() if name.startswith("c_")
        }


class RaterField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=MeetingScore.Rater.choices, **kwargs)


class GuestForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Leader"), queryset=Person.objects.none(), required=False)
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible_unit = unit_pick(_("Responsible unit"), required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["responsible_unit"].queryset = units


class RollCallReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=500, required=False)


ROLL_CALL_CHOICES = [c for c in Attendance.Status.choices if c[0]]


class AssignmentForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Leader"), queryset=Person.objects.none())
    unit = unit_pick(_("Follows"), "change")
    start = forms.DateField(label=_("Start"), widget=DateInput())
    end = forms.DateField(label=_("End"), required=False, widget=DateInput())
    decision = forms.CharField(label=_("Decision"), max_length=200, required=False)

    def __init__(self, *args, people=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people
        if units is not None:
            self.fields["unit"].queryset = units


class WorkingGroupForm(forms.Form):
    unit = unit_pick(_("Set up by"), "change")
    name = forms.CharField(label=_("Name"), max_length=200)
    decision = forms.CharField(label=_("Decision"), max_length=200, required=False)
    start = forms.DateField(label=_("Start"), widget=DateInput())
    end = forms.DateField(label=_("End"), required=False, widget=DateInput())
    # Typed, not a select: the people a city's committee may choose are in the thousands.
    members = persons_pick("meetings:leader_lookup", label=pgettext_lazy("working group", "Members"))
    followed_units = UnitsPickField(label=_("Follows"), queryset=Unit.objects.none(), lookup_url=unit_lookup_url("change"))

    def __init__(self, *args, people=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["members"].queryset = people
        if units is not None:
            self.fields["unit"].queryset = units
            self.fields["followed_units"].queryset = units


class VisitForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Leader"), queryset=Person.objects.none())
    unit = unit_pick(_("Unit"), "visit")
    kind = forms.ChoiceField(label=_("Kind"), choices=LeaderVisit.Kind.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    raised = forms.CharField(label=_("What was raised"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    decided = forms.CharField(label=_("What was decided"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    decision_text = forms.CharField(
        label=_("A decision to follow up"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
        help_text=_("Recorded as a decision that can become a task."),
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())

    def __init__(self, *args, people=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people
        if units is not None:
            self.fields["unit"].queryset = units


class CriteriaVersionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput())
    source_document = forms.CharField(label=_("Source document"), max_length=300)


class CriterionForm(VersionedForm):
    """A criterion of a draft version: where it goes (a section of the version, or a new one,
    and its position there) and what it says; a change carries the version it was read at."""

    section = forms.ModelChoiceField(
        label=_("Section"), queryset=CriteriaSection.objects.none(), required=False,
        empty_label=_("— a new section —"),
    )
    new_section = forms.CharField(
        label=_("New section"), max_length=300, required=False,
        help_text=_("To start a new section, choose “a new section” above and give its title here."),
    )
    order = forms.IntegerField(
        label=_("Position in the section"), min_value=1, max_value=999, required=False,
        help_text=_("1 puts it first; leave empty to put it last."),
    )
    code = forms.CharField(label=_("Code"), max_length=20, help_text=_("Unique within the version, e.g. 14 or 3a."))
    title = forms.CharField(label=_("Criterion"), max_length=400, widget=forms.Textarea(attrs={"rows": 2}))
    max_points = forms.DecimalField(label=_("Maximum points"), min_value=Decimal(0), max_digits=4, decimal_places=1)
    guidance = forms.CharField(label=_("Guidance"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    required_for_top = forms.BooleanField(label=_("Full marks needed for the top grade"), required=False)

    def __init__(self, *args, sections=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if sections is not None:
            self.fields["section"].queryset = sections  # type: ignore[attr-defined]
        if not editing:
            del self.fields["expected_version"]


class SectionForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=300)


class ConfirmForm(forms.Form):
    """A confirmation with nothing to fill in (removing a criterion)."""


class ThresholdsForm(forms.Form):
    """The grades of a draft version, best first, and one empty row to add a grade.

    Row ``i`` has the fields ``t<i>_code`` (hidden: the grade it edits), ``t<i>_name``,
    ``t<i>_min_points``, ``t<i>_requires_full_marks`` and, for an existing grade,
    ``t<i>_remove``. ``entries()`` gives the list ``criteria_thresholds_update`` takes:
    the kept grades in their order, the new one put in place by its points."""

    def __init__(self, *args: Any, thresholds: Iterable[GradeThreshold] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[dict] = []
        existing = list(thresholds)
        for index in range(len(existing) + 1):
            grade = existing[index] if index < len(existing) else None
            number = index + 1
            prefix = f"t{index}_"
            self.fields[prefix + "code"] = forms.CharField(
                required=False, widget=forms.HiddenInput, initial=grade.code if grade else "",
            )
            self.fields[prefix + "name"] = forms.CharField(
                label=_("Name"), max_length=80, required=False, initial=grade.name if grade else "",
            )
            self.fields[prefix + "min_points"] = forms.DecimalField(
                label=_("From points"), required=False, max_digits=5, decimal_places=1,
                initial=grade.min_points if grade else None,
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            )
            self.fields[prefix + "requires_full_marks"] = forms.BooleanField(
                label=_("Needs full marks on the criteria marked for the top grade"), required=False,
                initial=grade.requires_full_marks if grade else False,
            )
            names = ["name", "min_points", "requires_full_marks"]
            if grade is not None:
                self.fields[prefix + "remove"] = forms.BooleanField(label=_("Remove this grade"), required=False)
                names.append("remove")
            self.rows.append({
                "index": index, "number": number, "grade": grade,
                "code": prefix + "code", "fields": [prefix + n for n in names],
            })

    def bound_rows(self) -> list[dict]:
        return [row | {"code_field": self[row["code"]], "bound": [self[n] for n in row["fields"]]} for row in self.rows]

    def entries(self) -> tuple[list[dict], list[int]]:
        """The grades for the service and, for each, the form row it came from."""
        data = self.cleaned_data
        kept: list[tuple[dict, int]] = []
        new: tuple[dict, int] | None = None
        for row in self.rows:
            prefix = f"t{row['index']}_"
            entry = {
                "code": data.get(prefix + "code") or "",
                "name": data.get(prefix + "name") or "",
                "min_points": data.get(prefix + "min_points"),
                "requires_full_marks": bool(data.get(prefix + "requires_full_marks")),
            }
            if row["grade"] is None:
                if entry["name"] or entry["min_points"] is not None:
                    entry["code"] = ""
                    new = (entry, row["index"])
            elif not data.get(prefix + "remove"):
                kept.append((entry, row["index"]))
        if new is not None:
            points = new[0]["min_points"]
            place = len(kept)
            if points is not None:
                place = next(
                    (i for i, (e, _r) in enumerate(kept) if e["min_points"] is not None and e["min_points"] < points),
                    len(kept),
                )
            kept.insert(place, new)
        return [e for e, _r in kept], [r for _e, r in kept]
