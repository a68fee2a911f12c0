"""The forms of the cadres' pages; the services check again what the forms offer."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from dangbo.core import policy
from dangbo.core.forms import VersionedForm
from dangbo.orgs.forms import DateInput, PersonChoiceField, UnitPickField
from dangbo.orgs.models import Person, Position

from .models import EducationLevel, Move, TheoryLevel, Training


def _people(user):
    return policy.visible(user, Person)


def _unit(units, label) -> UnitPickField:
    """A picker of ``units``, the units the user manages: ``people:cadre_unit_lookup`` answers
    with the same."""
    return UnitPickField(units, label=label, lookup_url=reverse_lazy("people:cadre_unit_lookup"), filtering=False)


class ProfileForm(forms.Form):
    def __init__(self, *args, user, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonChoiceField(_people(user), label=_("Person"))
        self.fields["unit"] = _unit(units, _("Managing unit"))
        self.order_fields(["person", "unit"])

    education = forms.TypedChoiceField(label=_("Education"), choices=EducationLevel.choices, coerce=int, initial=0)
    field_of_study = forms.CharField(label=_("Field of study"), max_length=200, required=False)
    theory = forms.TypedChoiceField(label=_("Political-theory level"), choices=TheoryLevel.choices, coerce=int, initial=0)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ProfileEditForm(VersionedForm):
    education = forms.TypedChoiceField(label=_("Education"), choices=EducationLevel.choices, coerce=int)
    field_of_study = forms.CharField(label=_("Field of study"), max_length=200, required=False)
    theory = forms.TypedChoiceField(label=_("Political-theory level"), choices=TheoryLevel.choices, coerce=int)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class TrainingForm(forms.Form):
    name = forms.CharField(label=_("Course"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Training.Kind.choices)
    institution = forms.CharField(label=_("Institution"), max_length=200, required=False)
    start = forms.DateField(label=_("Start"), widget=DateInput)
    end = forms.DateField(label=_("End"), widget=DateInput, required=False)
    certificate = forms.CharField(label=_("Certificate"), max_length=200, required=False)


class AwardForm(forms.Form):
    title = forms.CharField(label=_("Award"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DateInput)
    decision = forms.CharField(label=_("Decision"), max_length=200, required=False)
    issuer = forms.CharField(label=_("Awarded by"), max_length=200, required=False)


class PlanForm(forms.Form):
    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit(units, _("Unit"))
        self.order_fields(["unit"])

    term_code = forms.CharField(label=_("Term"), max_length=20, initial="2025-2030", help_text=_("For example 2025-2030."))
    start_year = forms.IntegerField(label=_("First year"), min_value=1990, max_value=2100, initial=2025)
    end_year = forms.IntegerField(label=_("Last year"), min_value=1990, max_value=2100, initial=2030)
    decision = forms.CharField(label=_("Decision"), max_length=200, required=False)
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput, required=False)


class CandidateForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonChoiceField(_people(user), label=_("Person"))
        self.order_fields(["person"])

    title = forms.CharField(label=_("Position"), max_length=120, help_text=_("For example Bí thư Đảng ủy."))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class MoveForm(forms.Form):
    def __init__(self, *args, user, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonChoiceField(_people(user), label=_("Cadre"))
        self.fields["unit"] = _unit(units, _("To unit"))
        self.fields["from_position"] = forms.ModelChoiceField(
            policy.visible(user, Position.objects.current().filter(unit__kind__holds_members=False), "change")
            .select_related("person", "unit"),
            label=_("Position left"), required=False,
            help_text=_("For a rotation: the post the cadre leaves; it ends the day before the new one starts."),
        )
        self.order_fields(["kind", "person", "unit", "title", "from_position"])

    kind = forms.ChoiceField(label=_("Kind"), choices=Move.Kind.choices)
    title = forms.CharField(label=_("Position"), max_length=120)
    proposed_on = forms.DateField(label=_("Proposed on"), widget=DateInput)
    start = forms.DateField(label=_("Start"), widget=DateInput)
    end = forms.DateField(label=_("End"), widget=DateInput, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DecideForm(forms.Form):
    decision = forms.CharField(label=_("Decision"), max_length=200)
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class CompleteForm(forms.Form):
    completed_on = forms.DateField(label=_("Completed on"), widget=DateInput)


class StreamliningForm(forms.Form):
    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit(units, _("Unit"))
        self.order_fields(["unit"])

    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    staff = forms.IntegerField(label=_("Staff at the start of the year"), min_value=0)
    reduced = forms.IntegerField(label=_("Streamlined"), min_value=0)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
