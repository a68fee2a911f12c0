from __future__ import annotations

from typing import cast

from django import forms
from django.urls import reverse, reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from dangbo.core.forms import VersionedForm
from dangbo.orgs.forms import DateInput, PersonChoiceField, UnitPickField
from dangbo.orgs.models import Person, Unit

from . import selectors
from .models import LEAVING_KINDS


def cell_pick(label) -> UnitPickField:
    """A picker of the cells the user may put members in (``selectors.cells_for``)."""
    return UnitPickField(
        label=label, queryset=Unit.objects.none(), filtering=False,
        lookup_url=format_lazy("{}?scope=cells", reverse_lazy("people:member_unit_lookup")),
    )


class RecordFields(forms.Form):
    """The fields of a member's record (the sensitive ones are removed for whoever may not
    read them: ``drop``)."""

    full_name = forms.CharField(label=_("Full name"), max_length=120)
    gender = forms.ChoiceField(label=_("Gender"), choices=Person.Gender.choices)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DateInput())
    citizen_id = forms.CharField(label=_("Citizen ID"), max_length=12, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=40, required=False, initial="Kinh")
    hometown = forms.CharField(label=_("Hometown"), max_length=200, required=False)
    party_card_number = forms.CharField(label=_("Party card number"), max_length=20, required=False)
    joined_on = forms.DateField(label=_("Admitted on"), required=False, widget=DateInput())
    official_on = forms.DateField(label=_("Official on"), required=False, widget=DateInput())
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(Person.Status.OFFICIAL, Person.Status.OFFICIAL.label), (Person.Status.PROBATION, Person.Status.PROBATION.label)],
    )

    def drop(self, hidden) -> None:
        for name in hidden:
            self.fields.pop(name, None)


class MemberCreateForm(RecordFields):
    cell = cell_pick(_("Party cell"))
    start = forms.DateField(label=_("On the cell's roll from"), widget=DateInput())

    field_order = ["cell", "start"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["cell"]).queryset = selectors.cells_for(user)


class MemberEditForm(VersionedForm, RecordFields):
    pass


class TransferForm(forms.Form):
    to_unit = cell_pick(_("To the cell"))
    date = forms.DateField(label=_("From"), widget=DateInput())
    decision = forms.CharField(label=_("Decision"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, person, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(UnitPickField, self.fields["to_unit"])
        field.queryset = selectors.transfer_cells(user, person)
        field.widget.lookup_url = reverse("people:member_unit_lookup") + f"?scope=transfer&person={person.pk}"  # type: ignore[attr-defined]


class TransferOutForm(forms.Form):
    date = forms.DateField(label=_("From"), widget=DateInput())
    destination = forms.CharField(label=_("To the party organisation"), max_length=200)
    letter_number = forms.CharField(label=_("Introduction letter number"), max_length=60, required=False)
    decision = forms.CharField(label=_("Decision"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TransferInForm(RecordFields):
    cell = cell_pick(_("Party cell"))
    date = forms.DateField(label=_("On the cell's roll from"), widget=DateInput())
    origin = forms.CharField(label=_("From the party organisation"), max_length=200)
    letter_number = forms.CharField(label=_("Introduction letter number"), max_length=60, required=False)

    field_order = ["cell", "date", "origin", "letter_number"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["cell"]).queryset = selectors.cells_for(user)


class LeaveForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("How"), choices=[(k.value, k.label) for k in LEAVING_KINDS], widget=forms.RadioSelect
    )
    date = forms.DateField(label=_("From"), widget=DateInput())
    decision = forms.CharField(label=_("Decision"), max_length=200, required=False,
                               help_text=_("Not needed for a death."))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook (XLSX)"))
    dry_run = forms.BooleanField(label=_("Dry run: show what would change, change nothing"), required=False, initial=True)


class RosterFilters(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    # A typed picker: a province's roster narrows to any of its thousands of party units.
    unit = UnitPickField(label=_("Unit"), queryset=Unit.objects.none(), required=False,
                         lookup_url=reverse_lazy("people:member_unit_lookup"))
    status = forms.ChoiceField(label=_("Status"), choices=list(selectors.STATUSES.items()), required=False)
    joined_from = forms.DateField(label=_("Admitted from"), required=False, widget=DateInput())
    joined_to = forms.DateField(label=_("Admitted until"), required=False, widget=DateInput())
    day = forms.DateField(label=_("Roster on"), required=False, widget=DateInput(),
                          help_text=_("Who was on the roll that day, wherever they are now."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = selectors.filter_units(user)



class AdmitForm(forms.Form):
    """Put someone already known here (a cadre without a cell, a newly admitted member) on a
    cell's roll."""

    person = PersonChoiceField(
        label=_("Person"), queryset=Person.objects.none(),
        help_text=_("Someone on no cell's roll. Type part of the name, with or without accents, then choose."),
    )
    cell = cell_pick(_("Party cell"))
    date = forms.DateField(label=_("On the cell's roll from"), widget=DateInput())
    decision = forms.CharField(label=_("Decision"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["person"]).queryset = selectors.people_to_admit(user)
        cast(forms.ModelChoiceField, self.fields["cell"]).queryset = selectors.cells_for(user)
