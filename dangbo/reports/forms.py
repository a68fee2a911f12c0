from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from dangbo.orgs.forms import DateInput, UnitPickField
from dangbo.orgs.models import Unit

from .models import PeriodicReport


class SentenceForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=120)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    template = forms.CharField(
        label=_("Wording"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Keep the figures in braces, such as {members}: they stay linked to the data."),
    )


class PeriodicFilterForm(forms.Form):
    # Typed pickers, not selects: a province secretary sees some 1,200 units.
    unit = UnitPickField(label=_("Unit (and below)"), queryset=Unit.objects.none(), required=False,
                         lookup_url=reverse_lazy("reports:unit_lookup"))
    period = forms.ChoiceField(label=_("Period"), required=False, choices=[("", _("Any")), *PeriodicReport.Period.choices])
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("Any")), *PeriodicReport.State.choices])

    def __init__(self, *args: Any, units, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["unit"]
        field.queryset = units


class PeriodicDraftForm(forms.Form):
    unit = UnitPickField(label=_("Unit"), queryset=Unit.objects.none(),
                         lookup_url=format_lazy("{}?scope=change", reverse_lazy("reports:unit_lookup")))
    period = forms.ChoiceField(label=_("Period"), choices=PeriodicReport.Period.choices)
    day = forms.DateField(label=_("A day in the period"), widget=DateInput())

    def __init__(self, *args: Any, units, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["unit"]
        field.queryset = units


class PeriodicSubmitForm(forms.Form):
    note = forms.CharField(label=_("The unit's assessment"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 4}))
