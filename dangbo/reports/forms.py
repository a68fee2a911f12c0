from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangbo.orgs.forms import DateInput, UnitChoiceField
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
    unit = UnitChoiceField(label=_("Unit (and below)"), queryset=Unit.objects.none(), required=False,
                       empty_label=_("All my units"))
    period = forms.ChoiceField(label=_("Period"), required=False, choices=[("", _("Any")), *PeriodicReport.Period.choices])
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("Any")), *PeriodicReport.State.choices])

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["unit"]
        field.queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("path")


class PeriodicDraftForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    period = forms.ChoiceField(label=_("Period"), choices=PeriodicReport.Period.choices)
    day = forms.DateField(label=_("A day in the period"), widget=DateInput())

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["unit"]
        field.queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("path")


class PeriodicSubmitForm(forms.Form):
    note = forms.CharField(label=_("The unit's assessment"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 4}))
