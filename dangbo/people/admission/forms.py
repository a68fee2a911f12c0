from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from dangbo.orgs.forms import DateInput, UnitChoiceField, UnitPickField
from dangbo.orgs.models import Person, Unit

from .models import Sector, Stage


def _today() -> Any:
    return timezone.localdate()


class PipelineForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit (and below)"), queryset=Unit.objects.none(), required=False, empty_label=_("My units"))
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("Any")), ("open", _("Still on the way")), *Stage.choices]
    )
    late = forms.BooleanField(label=_("Late only"), required=False)

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrowing for mypy
        field.queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("path")
        field.choices = [("", field.empty_label), *((u.pk, field.label_from_instance(u)) for u in units)]


class CandidateCreateForm(forms.Form):
    unit = UnitPickField(label=_("Party cell"), queryset=Unit.objects.none(), filtering=False,
                         lookup_url=reverse_lazy("people:admission_unit_lookup"))
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    gender = forms.ChoiceField(label=_("Gender"), choices=Person.Gender.choices)
    birth_date = forms.DateField(label=_("Birth date"), widget=DateInput())
    added_on = forms.DateField(label=_("Added on"), widget=DateInput())
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("From the cell's name")), *Sector.choices]
    )

    def __init__(self, *args: Any, units, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("added_on", _today())
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrowing for mypy
        field.queryset = units


class CertificateForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=60)
    on = forms.DateField(label=_("Issued on"), widget=DateInput())


class FormsForm(forms.Form):
    forms = forms.MultipleChoiceField(label=_("Forms ready"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, choices: list[list[str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["forms"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101 - narrowing for mypy
        field.choices = [(code, f"{code}: {name}") for code, name in choices]


class DateForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Decision number"), max_length=60)
    on = forms.DateField(label=_("Decision date"), widget=DateInput())


class CeremonyForm(forms.Form):
    on = forms.DateField(label=_("Ceremony date"), widget=DateInput())
    helper = forms.ModelChoiceField(label=_("Helper (an official member of the cell)"), queryset=Person.objects.none())

    def __init__(self, *args: Any, helpers, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["helper"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrowing for mypy
        field.queryset = helpers


class ReviewForm(forms.Form):
    on = forms.DateField(label=_("Cell review date"), widget=DateInput())
    passed = forms.TypedChoiceField(
        label=_("The cell's resolution"), coerce=lambda v: v == "yes",
        choices=[("yes", _("Recognise as an official member")), ("no", _("Do not recognise (propose removal)"))],
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class StopForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class TargetForm(forms.Form):
    unit = UnitPickField(label=_("Unit"), queryset=Unit.objects.none(), filtering=False,
                         lookup_url=format_lazy("{}?scope=target", reverse_lazy("people:admission_unit_lookup")))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    total = forms.IntegerField(label=_("New members"), min_value=0, max_value=100000)
    residential = forms.IntegerField(label=_("of which in residential areas"), min_value=0, max_value=100000, initial=0)
    enterprise = forms.IntegerField(label=_("of which in private enterprises"), min_value=0, max_value=100000, initial=0)

    def __init__(self, *args: Any, units, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrowing for mypy
        field.queryset = units
