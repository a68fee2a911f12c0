from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from dangbo.core.forms import VersionedForm
from dangbo.orgs.forms import DateInput, PersonChoiceField, UnitPickField
from dangbo.orgs.models import Person, Unit

from . import rules
from .models import Discipline, Rating

#: The ratings' unit pickers answer with the units the user manages, as their fields take.
LOOKUP = reverse_lazy("people:rating_unit_lookup")


class CampaignForm(forms.Form):
    unit = UnitPickField(label=_("Unit"), queryset=Unit.objects.none(), lookup_url=LOOKUP, filtering=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class RatingForm(VersionedForm):
    """Points, the figures a rater corrects (each with a reason), the grade and a note."""

    general_points = forms.DecimalField(label=_("General criteria"), required=False, min_value=0, decimal_places=1)
    task_points = forms.DecimalField(
        label=_("Task results"), required=False, min_value=0, decimal_places=1,
        help_text=_("Pre-filled from the evidence; change it if you know better."),
    )
    grade = forms.ChoiceField(label=_("Grade"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args: Any, rating: Rating, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rule = rating.rule
        self.fields["grade"].choices = [("", _("Not decided yet"))] + [  # type: ignore[attr-defined]
            (g["code"], g["label"]) for g in rules.grades(rule)
        ]
        if not rule.uses_points:
            del self.fields["general_points"], self.fields["task_points"]
        else:
            self.fields["general_points"].max_value = rule.general_max  # type: ignore[attr-defined]
            self.fields["general_points"].help_text = _("Out of %(most)s.") % {"most": rule.general_max}
        self.figure_codes = list(rating.prefilled or {})
        for code in self.figure_codes:
            figure = rating.prefilled[code]
            self.fields[f"fig_{code}"] = forms.IntegerField(
                label=figure.get("label", code), required=False, min_value=0,
                help_text=_("Counted: %(value)s of %(of)s") % {"value": figure.get("value"), "of": figure.get("of")},
            )
            self.fields[f"why_{code}"] = forms.CharField(
                label=_("Why it is changed"), required=False, max_length=500
            )

    def adjustments(self, rating: Rating) -> dict[str, dict[str, Any]]:
        """The figures changed from what was counted (or given a reason), for the service."""
        data = self.cleaned_data
        result: dict[str, dict[str, Any]] = {}
        for code in self.figure_codes:
            value, reason = data.get(f"fig_{code}"), (data.get(f"why_{code}") or "").strip()
            counted = rating.prefilled[code]
            if value is None or (value == counted.get("value") and not reason):
                continue
            result[code] = {"value": value, "of": counted.get("of"), "reason": reason}
        return result


class DisciplineForm(forms.Form):
    """A disciplinary measure against a member or an organisation (one of the two)."""

    person = PersonChoiceField(Person.objects.none(), label=_("Member"), required=False)
    unit = UnitPickField(label=_("Or the organisation"), queryset=Unit.objects.none(), required=False,
                         lookup_url=LOOKUP, filtering=False)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    form = forms.ChoiceField(label=_("Form"), choices=Discipline.Form.choices)
    decision = forms.CharField(label=_("Decision"), max_length=200)
    source = forms.CharField(label=_("Decided by"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args: Any, people: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
