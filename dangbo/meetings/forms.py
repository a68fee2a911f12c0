from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from dangbo.orgs.models import Person, Unit

from .models import Attendance, LeaderVisit, Meeting, MeetingKind, MeetingScore


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return ("— " * max(obj.depth - 1, 0)) + obj.name


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class MonthField(forms.CharField):
    """``YYYY-MM`` (an ``<input type=month>``) → the first day of that month."""

    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return dt.datetime.strptime(value, "%Y-%m").replace(day=1).date()  # noqa: DTZ007
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from None


class MeetingFilterForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
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
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
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


class MeetingEditForm(forms.Form):
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


class MeetingRecordForm(forms.Form):
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
    unit = UnitChoiceField(label=_("Cell"), queryset=Unit.objects.none())
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
    responsible_unit = UnitChoiceField(label=_("Responsible unit"), queryset=Unit.objects.none(), required=False)
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
    unit = UnitChoiceField(label=_("Follows"), queryset=Unit.objects.none())
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
    unit = UnitChoiceField(label=_("Set up by"), queryset=Unit.objects.none())
    name = forms.CharField(label=_("Name"), max_length=200)
    decision = forms.CharField(label=_("Decision"), max_length=200, required=False)
    start = forms.DateField(label=_("Start"), widget=DateInput())
    end = forms.DateField(label=_("End"), required=False, widget=DateInput())
    members = forms.ModelMultipleChoiceField(label=_("Members"), queryset=Person.objects.none())
    followed_units = forms.ModelMultipleChoiceField(label=_("Follows"), queryset=Unit.objects.none())

    def __init__(self, *args, people=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["members"].queryset = people
        if units is not None:
            self.fields["unit"].queryset = units
            self.fields["followed_units"].queryset = units


class VisitForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Leader"), queryset=Person.objects.none())
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
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


class CriterionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=400)
    max_points = forms.DecimalField(label=_("Maximum points"), min_value=Decimal(0), max_digits=5, decimal_places=1)
    guidance = forms.CharField(label=_("Guidance"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    required_for_top = forms.BooleanField(label=_("Full marks needed for the top grade"), required=False)
